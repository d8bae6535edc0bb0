import pytest

from locsvc.adapters.glossary_files import read_glossary_table
from locsvc.domain.errors import InvalidRequest
from locsvc.domain.glossary import EntryKind

CSV = (
    "en,es,kind,case_sensitive,variants,note\n"
    "Dunder Mifflin,Dunder Mifflin,dnt,true,,the company\n"
    "paper,papel,,,papeles|folio,\n"
    ",ordenador,forbidden,,,use computadora\n"
)


def test_csv_with_language_columns():
    entries = read_glossary_table(CSV.encode("utf-8-sig"), "en", "es", "office/en-es.csv")
    assert [(e.source, e.target, e.kind, e.case_sensitive) for e in entries] == [
        ("Dunder Mifflin", "Dunder Mifflin", EntryKind.DNT, True),
        ("paper", "papel", EntryKind.TRANSLATE, False),
        ("", "ordenador", EntryKind.FORBIDDEN, False),
    ]
    assert entries[1].variants == ("papeles", "folio") and entries[0].note == "the company"


def test_tsv_and_case_insensitive_language_codes():
    tsv = "EN\tpt-br\nlightsaber\tsabre de luz\n"
    (entry,) = read_glossary_table(tsv.encode(), "en", "pt-BR", "glossary.tsv")
    assert (entry.source, entry.target) == ("lightsaber", "sabre de luz")


@pytest.mark.parametrize(
    "text, line",
    [
        ("fr,de\nchat,Katze\n", 1),
        ("en,es,kind\npaper,papel,maybe\n", 2),
        ("en,es,case_sensitive\npaper,papel,sometimes\n", 2),
        ("en,es\n\npaper,\n", 3),
        ("en,es,kind\n,,forbidden\n", 2),
    ],
)
def test_bad_rows_name_their_line(text, line):
    with pytest.raises(InvalidRequest) as raised:
        read_glossary_table(text.encode(), "en", "es")
    assert raised.value.details["line"] == line
