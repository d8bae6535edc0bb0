"""TTML / IMSC 1.1: what we write satisfies docs/timed-text.md and ttconv's strict reader;
what others write is read."""

import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ttconv.imsc import reader as imsc_reader

from locsvc.adapters.formats import get_format, read_subtitles
from locsvc.domain.cues import Cue
from locsvc.domain.errors import InvalidRequest, SubtitleUnreadable
from locsvc.domain.text import visible

CORPUS = Path(__file__).parents[1] / "data" / "subtitles"
CUES = [
    Cue(0, 1500, ("<i>Hello there,", "my friend.</i>")),
    Cue(61_001, 3_723_456, ("Bye <b>now</b>.",)),
    Cue(3_800_000, 3_801_000, ("{\\an8}On top & <font color=red>red</font>",)),
]


def ttml(cues=CUES, language="pt-BR", frame_rate=24000 / 1001) -> str:
    return get_format("ttml").render(cues, language, frame_rate)


def test_standards_rules_hold():
    document = ttml()
    root = ET.fromstring(document)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "pt-BR"
    parameter = "{http://www.w3.org/ns/ttml#parameter}"
    assert root.get(f"{parameter}frameRate") == "24"
    assert root.get(f"{parameter}frameRateMultiplier") == "1000 1001"
    ids = [e.get("{http://www.w3.org/XML/1998/namespace}id") for e in root.iter()]
    ids = [i for i in ids if i]
    assert len(ids) == len(set(ids)) and not any(i[0].isdigit() for i in ids)
    assert " id=" not in document and "px" not in document
    assert re.findall(r'(?:origin|extent)="([^"]+)"', document) == ["10% 10%", "80% 80%"]


@pytest.mark.parametrize("rate, expected", [(25, ("25", None)), (24, ("24", None)),
                                            (30000 / 1001, ("30", "1000 1001"))])  # fmt: skip
def test_frame_rate_parameters(rate, expected):
    root = ET.fromstring(ttml(frame_rate=rate))
    parameter = "{http://www.w3.org/ns/ttml#parameter}"
    assert (
        root.get(f"{parameter}frameRate"),
        root.get(f"{parameter}frameRateMultiplier"),
    ) == expected


def test_invalid_language_tag_is_refused():
    with pytest.raises(InvalidRequest, match="pt_BR"):
        ttml(language="pt_BR")


def test_ttconv_reads_what_we_write_without_complaint(caplog):
    with caplog.at_level(logging.WARNING):
        document = imsc_reader.to_model(ET.ElementTree(ET.fromstring(ttml())))
    assert [r.message for r in caplog.records] == []
    assert document.get_lang() == "pt-BR"
    paragraphs = [p for div in document.get_body() for p in div]
    assert [(float(p.get_begin() or 0), float(p.get_end())) for p in paragraphs] == [
        (0.0, 1.5),
        (61.001, 3723.456),
        (3800.0, 3801.0),
    ]


def test_round_trip_keeps_times_and_styled_text():
    back = read_subtitles(ttml().encode()).cues
    assert back[:2] == CUES[:2]
    assert back[2].lines == ("On top & red",)  # markup TTML has no form for is dropped


@pytest.mark.parametrize(
    "name", ["webvtt-py/sample.srt", "pysrt/utf-8.srt", "webvtt-py/sample.vtt"]
)
def test_corpus_round_trip_through_ttml(name):
    cues = read_subtitles((CORPUS / name).read_bytes(), filename=name).cues
    back = read_subtitles(ttml(cues, "fr").encode(), fmt="ttml").cues
    assert [(c.start_ms, c.end_ms) for c in back] == [(c.start_ms, c.end_ms) for c in cues]

    def text(cue):
        return [" ".join(visible(line).split()) for line in cue.lines if visible(line).strip()]

    assert [text(c) for c in back] == [text(c) for c in cues]


def test_fixture_ttml_matches_what_pysubs2_made_of_it():
    """pysubs2 turned the same TTML into ASS (centisecond times); we agree with it."""
    for name in ("ttml_example", "ttml_example2", "ttml_example_apple"):
        ours = read_subtitles((CORPUS / "pysubs2" / f"{name}.ttml").read_bytes()).cues
        theirs = read_subtitles((CORPUS / "pysubs2" / f"{name}.ass").read_bytes()).cues
        assert len(ours) == len(theirs), name
        for mine, other in zip(ours, theirs, strict=True):
            assert abs(mine.start_ms - other.start_ms) <= 5 and abs(mine.end_ms - other.end_ms) <= 5
    first = read_subtitles((CORPUS / "pysubs2" / "ttml_example.ttml").read_bytes()).cues
    assert first[1].lines == ("that the image formed on", "the Retina should be inverted?")


def test_broken_xml_names_the_line():
    with pytest.raises(SubtitleUnreadable) as raised:
        read_subtitles(
            b'<?xml version="1.0"?>\n<tt xmlns="http://www.w3.org/ns/ttml">\n<body>\n</tt>'
        )
    assert raised.value.details["line"] == 4


def paragraph(root_attributes: str = "", begin: str = "1s", end: str = "2s") -> bytes:
    return (
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter"'
        f' {root_attributes}><body><div><p begin="{begin}" end="{end}">Hi</p></div></body></tt>'
    ).encode()


@pytest.mark.parametrize(
    "document",
    [  # each crashed the reader with a ValueError or ZeroDivisionError (found by fuzzing)
        paragraph('ttp:frameRateMultiplier="abc"'),
        paragraph('ttp:frameRateMultiplier="1 0"'),
        paragraph('ttp:frameRate="abc"'),
        paragraph('ttp:frameRate="1/0"'),
        paragraph('ttp:frameRate="0"', begin="1f", end="2f"),
        paragraph('ttp:tickRate="0"', begin="1t", end="2t"),
        paragraph(begin="2s", end="1s"),  # an InvalidRequest, not the reader's own error
    ],
)
def test_bad_timing_parameters_are_refused_by_the_reader(document):
    with pytest.raises(SubtitleUnreadable):
        read_subtitles(document, fmt="ttml")


def test_a_utf16_file_that_says_so_is_read():
    document = '<?xml version="1.0" encoding="UTF-16"?>' + paragraph().decode()
    (cue,) = read_subtitles(document.encode("utf-16"), fmt="ttml").cues
    assert (cue.start_ms, cue.end_ms, cue.lines) == (1000, 2000, ("Hi",))


def test_an_unknown_declared_encoding_does_not_matter_once_decoded():
    """It crashed with LookupError (found by fuzzing): the bytes are decoded already."""
    document = '<?xml version="1.0" encoding="utf-99"?>' + paragraph().decode()
    assert len(read_subtitles(document.encode(), fmt="ttml").cues) == 1
