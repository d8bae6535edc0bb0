"""Fuzzing the XML readers (TTML, XLIFF, TBX): real and written files mutated, and
random documents in each reader's vocabulary."""

from __future__ import annotations

import pytest
from hypothesis import given

from locsvc.adapters.formats.ttml import render_ttml
from locsvc.adapters.formats.xliff import render_xliff
from locsvc.domain.cues import Cue

from ..integration.test_glossary_files import TBX
from .checks import read_glossary_or_refuse, read_or_refuse
from .mutations import mutated, seeds
from .xml_trees import tbx_documents, ttml_documents, xliff_documents

pytestmark = pytest.mark.fuzz

CUES = [Cue(0, 2600, ("And so, <i>my</i> fellow",)), Cue(2700, 6000, ("ask not", "what"))]
TTML_SEEDS = [*seeds("pysubs2/*.ttml"), render_ttml(CUES, "en", 23.976).encode()]
XLIFF_SEEDS = [render_xliff(CUES, ["Y así", "no preguntes"], "en", "es", "e/es/r1").encode()]
TBX_SEEDS = [TBX.encode()]


@given(mutated(TTML_SEEDS))
def test_mutated_ttml(data):
    read_or_refuse("ttml", data, fmt="ttml")


@given(ttml_documents())
def test_generated_ttml(data):
    read_or_refuse("ttml", data, fmt="ttml")


@given(mutated(XLIFF_SEEDS))
def test_mutated_xliff(data):
    read_or_refuse("xliff", data, fmt="xliff")


@given(xliff_documents())
def test_generated_xliff(data):
    read_or_refuse("xliff", data, fmt="xliff")


@given(mutated(TBX_SEEDS))
def test_mutated_tbx(data):
    read_glossary_or_refuse("tbx", data, "terms.tbx")


@given(tbx_documents())
def test_generated_tbx(data):
    read_glossary_or_refuse("tbx", data, "terms.tbx")
