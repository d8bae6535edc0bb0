"""XLIFF 1.2 out and back: source text under each cue, times and stable ids survive."""

import pytest

from locsvc.adapters.formats import read_subtitles
from locsvc.adapters.formats.xliff import cue_ids, render_xliff
from locsvc.domain.cues import Cue
from locsvc.domain.errors import SubtitleUnreadable

TARGET = [Cue(0, 2000, ("Hola,", "amigos.")), Cue(2100, 4000, ("Adiós & <gracias>.",))]


def test_round_trip_keeps_times_lines_and_ids():
    body = render_xliff(TARGET, ["Hello, friends.", "Bye & thanks."], "en", "es", "ep/es/r1")
    assert 'source-language="en"' in body and 'id="c2100"' in body
    assert "<source>Bye &amp; thanks.</source>" in body
    parsed = read_subtitles(body.encode(), filename="ep.es.xlf")
    assert parsed.format == "xliff" and parsed.cues == TARGET


def test_ids_stay_unique_when_two_cues_share_an_in_time():
    assert cue_ids([Cue(5, 6, ("a",)), Cue(5, 7, ("b",))]) == ["c5", "c5-2"]


@pytest.mark.parametrize(
    "body, detail",
    [
        ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file>\n<body>',
         "line"),
        ('<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file><body>'
         '<trans-unit id="c1"><source>x</source><target>y</target></trans-unit>'
         "</body></file></xliff>", "unit"),
    ],
)  # fmt: skip
def test_broken_xliff_names_where(body, detail):
    with pytest.raises(SubtitleUnreadable) as raised:
        read_subtitles(('<?xml version="1.0"?>\n' + body).encode(), filename="x.xlf")
    assert detail in raised.value.details
