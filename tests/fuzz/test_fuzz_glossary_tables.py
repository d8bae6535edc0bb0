"""Fuzzing the CSV/TSV glossary reader: the project's own glossaries mutated, and tables
generated row by row."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..integration.test_glossary_files import CSV
from .checks import read_glossary_or_refuse
from .mutations import mutated, nasty_text

pytestmark = pytest.mark.fuzz

GLOSSARIES = Path(__file__).parents[2] / "glossaries"
SEEDS = [path.read_bytes() for path in sorted(GLOSSARIES.glob("*/*.csv"))] + [CSV.encode()]
COLUMNS = ["en", "es", "EN", "kind", "case_sensitive", "variants", "note", "pos", "gender",
           "part_of_speech", "fr", "", "es"]  # fmt: skip
VALUES = st.one_of(
    nasty_text,
    st.sampled_from(["dnt", "forbidden", "translate", "DNT", "maybe", "true", "no", "1",
                     "m", "feminine", "x", "a|b", "|", "||", '"', '""', "a\nb"]),
)  # fmt: skip


@given(mutated(SEEDS), st.sampled_from(["en-es.csv", "en-es.tsv", None]))
def test_mutated_glossaries(data, filename):
    read_glossary_or_refuse("csv/tsv", data, filename)


@given(
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6),
    st.lists(st.lists(VALUES, max_size=7), max_size=6),
    st.sampled_from([",", "\t", ";"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_generated_tables(header, rows, delimiter, encoding):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding, errors="replace")
    read_glossary_or_refuse("csv/tsv", data, "en-es.tsv" if delimiter == "\t" else "en-es.csv")
