"""The parser corpus from shared/data/subtitles, untouched: every file read or refused."""

from dataclasses import replace
from pathlib import Path

import pytest

from locsvc.adapters.formats import get_format, read_subtitles
from locsvc.domain.errors import SubtitleUnreadable

CORPUS = Path(__file__).parents[1] / "data" / "subtitles"

# file -> number of cues read
READABLE = {
    "pysrt/bom-utf-8.srt": 7,
    "pysrt/bom-utf-16-be.srt": 7,
    "pysrt/bom-utf-16-le.srt": 7,
    "pysrt/bom-utf-32-be.srt": 7,
    "pysrt/bom-utf-32-le.srt": 7,
    "pysrt/capability_tester.srt": 37,
    "pysrt/empty.srt": 7,  # despite its name, pysrt's fixture holds cues
    "pysrt/no-indexes.srt": 7,
    "pysrt/utf-8.srt": 1332,
    "pysrt/windows-1252.srt": 1332,
    "srt/ascii.srt": 3,
    "subsrt/sample.srt": 5,
    "subsrt/sample.vtt": 5,
    "subsrt/sample.sbv": 5,
    "subsrt/sample.ass": 1,
    "subsrt/sample.ssa": 1,
    "pysubs2/ttml_example.ass": 11,
    "pysubs2/subtitle_with_attached_images_aegisub.ass": 1,
    "webvtt-py/captions_with_bom.vtt": 4,
    "webvtt-py/comments.vtt": 3,
    "webvtt-py/cue_tags.vtt": 3,
    "webvtt-py/metadata_headers.vtt": 2,
    "webvtt-py/metadata_headers_multiline.vtt": 2,
    "webvtt-py/missing_caption_text.srt": 5,
    "webvtt-py/missing_caption_text.vtt": 5,
    "webvtt-py/missing_caption_text.sbv": 5,
    "webvtt-py/non_padded_timestamps.vtt": 3,
    "webvtt-py/one_caption.srt": 1,
    "webvtt-py/one_caption.vtt": 1,
    "webvtt-py/regions.vtt": 2,
    "webvtt-py/sample.srt": 5,
    "webvtt-py/sample.vtt": 16,
    "webvtt-py/sample.sbv": 5,
    "webvtt-py/styles.vtt": 1,
    "webvtt-py/styles_colours.srt": 6,
    "webvtt-py/styles_colours.vtt": 6,
    "webvtt-py/styles_with_comments.vtt": 1,
    "webvtt-py/two_captions.sbv": 2,
    "webvtt-py/using_identifiers.vtt": 6,
    "webvtt-py/youtube_dl.vtt": 4,
}

# file -> the line the error names (None: a whole-file problem)
UNREADABLE = {
    "pysrt/invalid.srt": 2,  # "00:00:01 --> 00:00:10": no milliseconds
    "webvtt-py/empty.vtt": None,
    "webvtt-py/no_captions.vtt": None,
    "webvtt-py/invalid.vtt": 1,  # no WEBVTT header
    "webvtt-py/invalid_format.sbv": 1,
    "webvtt-py/invalid_format1.srt": 1,
    "webvtt-py/invalid_format2.srt": 1,
    "webvtt-py/invalid_format3.srt": 2,
    "webvtt-py/invalid_format4.srt": 1,
    "webvtt-py/invalid_timeframe.sbv": 7,
    "webvtt-py/invalid_timeframe.srt": 6,
    "webvtt-py/invalid_timeframe.vtt": 6,
    "webvtt-py/invalid_timeframe_in_cue_text.vtt": 7,
    "webvtt-py/missing_timeframe.sbv": 4,
    "webvtt-py/missing_timeframe.srt": 6,
    "webvtt-py/missing_timeframe.vtt": 6,
}


def read(name: str, **options):
    return read_subtitles((CORPUS / name).read_bytes(), filename=name, **options)


@pytest.mark.parametrize("name, count", READABLE.items())
def test_readable(name, count):
    parsed = read(name)
    assert len(parsed.cues) == count
    assert any(cue.lines for cue in parsed.cues) or name.endswith("aegisub.ass")  # one empty event


@pytest.mark.parametrize("name, line", UNREADABLE.items())
def test_unreadable_names_the_line(name, line):
    with pytest.raises(SubtitleUnreadable) as raised:
        read(name)
    assert raised.value.details["line"] == line
    if line is not None:
        assert raised.value.message.startswith(f"Line {line}:")


def test_every_corpus_file_is_covered():
    covered = set(READABLE) | set(UNREADABLE)
    subtitle_files = {
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.suffix in {".srt", ".vtt", ".sbv", ".ass", ".ssa"}
    }
    assert subtitle_files - covered <= {
        "pysrt/capability_tester.srt",
        "pysubs2/ttml_example2.ass",
        "pysubs2/ttml_example_apple.ass",
        "srt/gb2312.srt",
    }


def test_encodings_give_the_same_cues():
    reference = read("pysrt/bom-utf-8.srt").cues
    for name in ("bom-utf-16-be", "bom-utf-16-le", "bom-utf-32-be", "bom-utf-32-le"):
        assert read(f"pysrt/{name}.srt").cues == reference
    assert read("pysrt/no-indexes.srt").cues == reference  # numbering is optional


def test_windows_1252_is_read_with_a_warning():
    legacy, modern = read("pysrt/windows-1252.srt"), read("pysrt/utf-8.srt")
    assert legacy.encoding == "cp1252" and legacy.warnings
    assert modern.encoding == "utf-8" and not modern.warnings
    assert legacy.cues == modern.cues  # CRLF, numbering from 0, accents: all the same


def test_a_named_encoding_is_honoured():
    parsed = read("srt/gb2312.srt", encoding="gb2312")
    assert not parsed.warnings
    assert any("\u4e00" <= char <= "\u9fff" for char in parsed.cues[0].text)


def test_zero_length_and_empty_cues_are_kept_for_qc():
    hidden = read("pysrt/capability_tester.srt").cues[0]
    assert hidden.start_ms == hidden.end_ms == 0
    assert read("webvtt-py/missing_caption_text.vtt").cues[1].lines == ()


def test_tolerant_sbv_keeps_an_inverted_cue_as_zero_length_with_a_warning():
    parsed = read("webvtt-py/sample.sbv")
    assert parsed.cues[4].start_ms == parsed.cues[4].end_ms == 17_484
    assert any("ends before it starts" in warning for warning in parsed.warnings)


def test_non_padded_vtt_timestamps():
    cues = read("webvtt-py/non_padded_timestamps.vtt").cues
    assert [(c.start_ms, c.end_ms) for c in cues] == [(0, 3540), (3540, 7230), (65200, 3727950)]


def test_youtube_cues_without_blank_lines_are_split_with_a_warning():
    parsed = read("webvtt-py/youtube_dl.vtt")
    assert any("without a blank line" in warning for warning in parsed.warnings)


@pytest.mark.parametrize("name", [n for n in READABLE if n.endswith((".srt", ".vtt"))])
@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_round_trip_keeps_text_and_times_exactly(name, fmt):
    cues = read(name).cues
    rendered = get_format(fmt).render(cues)
    if fmt == "srt":  # SRT has no speaker markup: WebVTT voices are not written
        cues = [replace(cue, speakers=()) for cue in cues]
    assert read_subtitles(rendered.encode(), fmt=fmt).cues == cues


def test_srt_round_trip_is_byte_exact_for_a_clean_file():
    original = (CORPUS / "webvtt-py" / "sample.srt").read_text()
    cues = read_subtitles(original.encode(), fmt="srt").cues
    # The fixture lacks the customary blank line at the end; we write it.
    assert get_format("srt").render(cues) == original + "\n\n"


def test_more_cues_than_the_bound_are_refused(monkeypatch):
    import locsvc.adapters.formats as formats

    monkeypatch.setattr(formats, "MAX_CUES", 3)
    four = "".join(f"{n}\n00:00:0{n},000 --> 00:00:0{n},500\nline {n}\n\n" for n in range(1, 5))
    with pytest.raises(SubtitleUnreadable, match="at most 3"):
        read_subtitles(four.encode(), fmt="srt")


def test_cues_holding_more_text_than_the_file_are_refused(monkeypatch):
    """No reader adds text; one that did (an entity, a future reader's bug) is caught."""
    import locsvc.adapters.formats as formats
    from locsvc.adapters.formats.timing import ParsedSubtitles
    from locsvc.domain.cues import Cue

    def expanding(text):
        return ParsedSubtitles([Cue(0, 1000, ("A" * 1000,))], "srt", text.encoding)

    monkeypatch.setitem(formats.READERS, "srt", expanding)
    with pytest.raises(SubtitleUnreadable, match="expands"):
        read_subtitles(b"1\n00:00:00,000 --> 00:00:01,000\n&big;\n", fmt="srt")


def test_an_ass_event_before_zero_is_the_readers_own_error():
    """pysubs2 reads a negative time as it stands; the cue then raised InvalidRequest
    (found by fuzzing a pysubs2 fixture)."""
    ass = (
        "[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
        "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,-1:00:28.00,0:00:34.60,Default,,0,0,0,,But how is it proved?\n"
    )
    with pytest.raises(SubtitleUnreadable, match="before zero"):
        read_subtitles(ass.encode(), fmt="ass")


def test_an_unknown_declared_encoding_is_not_a_crash_when_sniffed():
    """LookupError from the XML parser before (found by fuzzing)."""
    xml = b'<?xml version="1.0" encoding="utf-99"?><tt xmlns="http://www.w3.org/ns/ttml"/>'
    with pytest.raises(SubtitleUnreadable, match="no cues"):
        read_subtitles(xml)
