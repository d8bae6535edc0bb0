import pytest

from locsvc.adapters.formats import get_format
from locsvc.domain.cues import Cue, check_monotonic
from locsvc.domain.errors import InvalidRequest, UnsupportedFormat

CUES = [Cue(0, 1500, ("Hello there,", "my friend.")), Cue(61_001, 3_723_456, ("Bye.",))]


def test_srt():
    assert get_format("srt").render(CUES) == (
        "1\n00:00:00,000 --> 00:00:01,500\nHello there,\nmy friend.\n\n"
        "2\n00:01:01,001 --> 01:02:03,456\nBye.\n\n"
    )


def test_vtt():
    body = get_format("vtt").render(CUES)
    assert body.startswith("WEBVTT\n")
    assert "00:01:01.001 --> 01:02:03.456\nBye." in body


def test_unknown_format_lists_the_supported_ones():
    with pytest.raises(UnsupportedFormat) as raised:
        get_format("docx")
    assert raised.value.details["supported"] == ["srt", "vtt", "ttml"]


def test_cue_cannot_end_before_it_starts():
    Cue(1000, 1000, ("zero length is legal: QC flags it",))
    with pytest.raises(InvalidRequest):
        Cue(1000, 999, ("x",))


def test_overlap_is_detected():
    with pytest.raises(InvalidRequest, match="Cue 2"):
        check_monotonic([Cue(0, 1000, ("a",)), Cue(900, 2000, ("b",))])
