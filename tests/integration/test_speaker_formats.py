"""Speakers in subtitle files: WebVTT voices, TTML agents, XLIFF notes and SRT labels out
and back; files without speakers are written as before."""

import logging
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ttconv.imsc import reader as imsc_reader

from locsvc.adapters.formats import get_format, read_subtitles
from locsvc.adapters.formats.ttml import agent_ids
from locsvc.adapters.formats.xliff import render_xliff
from locsvc.domain.cues import Cue
from locsvc.domain.errors import InvalidRequest, SubtitleUnreadable

CORPUS = Path(__file__).parents[1] / "data" / "subtitles"
NAMES = {"S1": "Diane", "S2": "Tom"}
CUES = [
    Cue(0, 1500, ("Hello there,", "my friend."), ("S1", "S1")),
    Cue(2000, 3000, ("-Hello.", "-Who is it?"), ("S1", "S2")),
    Cue(3000, 4000, ("No speaker known.",)),
]
TTM = "{http://www.w3.org/ns/ttml#metadata}"


def named(cues, names=NAMES):
    """The cues as a reader gives them back: display names where labels were."""
    return [Cue(c.start_ms, c.end_ms, c.lines, tuple(names.get(s, s) for s in c.speakers))
            for c in cues]  # fmt: skip


def render(fmt, cues=CUES, **options):
    return get_format(fmt).render(cues, "en", **options)


# --- WebVTT ----------------------------------------------------------------------------


def test_vtt_voices_wrap_each_speakers_run():
    body = render("vtt", speaker_names=NAMES)
    assert "<v Diane>Hello there,\nmy friend.</v>\n" in body
    assert "<v Diane>-Hello.</v>\n<v Tom>-Who is it?</v>\n" in body
    assert "\nNo speaker known.\n" in body


@pytest.mark.parametrize("names", [NAMES, None])
def test_vtt_round_trip(names):
    body = render("vtt", speaker_names=names)
    cues = read_subtitles(body.encode(), fmt="vtt").cues
    assert cues == named(CUES, names or {})
    assert render("vtt", cues) == body  # VTT -> cues -> VTT is identical


def test_vtt_annotation_is_escaped():
    body = render("vtt", [CUES[0]], speaker_names={"S1": "Tom & <Jerry>\nJr"})
    assert "<v Tom &amp; &lt;Jerry&gt; Jr>Hello there," in body
    assert read_subtitles(body.encode(), fmt="vtt").cues[0].speakers == ("Tom & <Jerry> Jr",) * 2


def test_vtt_text_with_its_own_voice_gets_none_added():
    cue = Cue(0, 1000, ("<v Jane>Hi", "there"), ("S1", "S1"))
    assert "\n<v Jane>Hi\nthere\n" in render("vtt", [cue])


def test_vtt_spec_example_closed_and_open_voices():
    body = (
        "WEBVTT\n\n00:11.000 --> 00:13.000\n<v Roger Bingham>We are in New York City\n\n"
        "00:13.000 --> 00:16.000\n<v.loud Roger Bingham>We're actually at the Lucern Hotel, "
        "just down the street</v>\n\n"
        "00:16.000 --> 00:18.000\n<v Neil deGrasse Tyson><i>Didn't we</i>\n"
        "talk about enough</v> in that segment?\n\n"
        "00:18.000 --> 00:20.000\n<v A>-Hi.</v>\n<v B>-Hello.\n\n"
        "00:20.000 --> 00:21.000\nWho said <v A>that?</v>\n"
    )
    cues = read_subtitles(body.encode(), fmt="vtt").cues
    assert [(c.lines, c.speakers) for c in cues] == [
        (("We are in New York City",), ("Roger Bingham",)),
        (("We're actually at the Lucern Hotel, just down the street",), ("Roger Bingham",)),
        (("<i>Didn't we</i>", "talk about enough in that segment?"),
         ("Neil deGrasse Tyson",) * 2),
        (("-Hi.", "-Hello."), ("A", "B")),
        (("Who said that?",), ("A",)),
    ]  # fmt: skip


def test_vtt_line_of_unknown_speaker_first_keeps_the_tags():
    body = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v>Hi\n<v B>there\n"
    (cue,) = read_subtitles(body.encode(), fmt="vtt").cues
    assert cue.speakers == () and cue.lines == ("<v>Hi", "<v B>there")


def test_vtt_fixture_voices_are_read():
    name = "webvtt-py/non_padded_timestamps.vtt"
    cues = read_subtitles((CORPUS / name).read_bytes(), filename=name).cues
    assert [(c.lines, c.speakers) for c in cues][:2] == [
        (("Good morning everyone.",), ("Jane Doe",)),
        (("Morning, let's get started.",), ("John Smith",)),
    ]


def test_vtt_too_long_a_name_is_refused_naming_the_line():
    body = f"WEBVTT\n\n00:01.000 --> 00:02.000\n<v {'x' * 201}>Hi\n"
    with pytest.raises(SubtitleUnreadable) as raised:
        read_subtitles(body.encode(), fmt="vtt")
    assert raised.value.details["line"] == 4


def test_vtt_many_unclosed_voice_tags_are_read_quickly():
    body = "WEBVTT\n\n00:01.000 --> 00:02.000\n" + "<v " * 200_000 + "\n"
    assert read_subtitles(body.encode(), fmt="vtt").cues[0].speakers == ()


# --- SRT -------------------------------------------------------------------------------


def test_srt_labels_each_speaker_turn_after_the_dash():
    cues = [*CUES, Cue(5000, 6000, ("<i>- Run!", "- Where?</i>"), ("S2", "S1"))]
    body = render("srt", cues, speaker_names=NAMES, speaker_labels=True)
    assert "[Diane] Hello there,\nmy friend.\n" in body
    assert "-[Diane] Hello.\n-[Tom] Who is it?\n" in body
    assert "\nNo speaker known.\n" in body
    assert "<i>- [Tom] Run!\n- [Diane] Where?</i>\n" in body
    assert "{\\an8}[S1] Top" in render("srt", [Cue(0, 1, ("{\\an8}Top",), ("S1",))],
                                       speaker_labels=True)  # fmt: skip


def test_srt_without_labels_is_unchanged():
    plain = [Cue(c.start_ms, c.end_ms, c.lines) for c in CUES]
    assert render("srt", speaker_names=NAMES) == render("srt", plain)
    assert render("vtt", plain, speaker_labels=True) == render("vtt", plain)  # SRT only


# --- TTML ------------------------------------------------------------------------------


def test_ttml_agents_in_the_head_and_on_paragraphs_and_spans():
    root = ET.fromstring(render("ttml", speaker_names=NAMES))
    agents = root.findall(f"./{{*}}head/{{*}}metadata/{TTM}agent")
    assert [(a.get("{http://www.w3.org/XML/1998/namespace}id"), a.get("type"),
             a.find(f"{TTM}name").get("type"), a.find(f"{TTM}name").text) for a in agents] == [
        ("speaker_S1", "character", "full", "Diane"),
        ("speaker_S2", "character", "full", "Tom"),
    ]  # fmt: skip
    head = root.find("{*}head")
    assert head[0].tag.endswith("metadata")  # metadata comes first in <head>
    one, dual, unknown = root.iter("{http://www.w3.org/ns/ttml}p")
    assert one.get(f"{TTM}agent") == "speaker_S1"
    assert dual.get(f"{TTM}agent") is None
    assert [s.get(f"{TTM}agent") for s in dual.findall("{*}span")] == ["speaker_S1", "speaker_S2"]
    assert unknown.get(f"{TTM}agent") is None


def test_ttml_round_trip_and_ttconv_accepts_it(caplog):
    body = render("ttml", speaker_names=NAMES)
    assert read_subtitles(body.encode(), fmt="ttml").cues == named(CUES)
    assert read_subtitles(render("ttml").encode(), fmt="ttml").cues == CUES  # labels as names
    with caplog.at_level(logging.WARNING):
        imsc_reader.to_model(ET.ElementTree(ET.fromstring(body)))
    assert [r.message for r in caplog.records] == []


def test_ttml_styles_across_a_dual_event_stay_on_both_lines():
    cue = Cue(0, 1000, ("<i>-Hello.", "-Who is it?</i>"), ("S1", "S2"))
    (back,) = read_subtitles(render("ttml", [cue]).encode(), fmt="ttml").cues
    assert back.lines == ("<i>-Hello.</i>", "<i>-Who is it?</i>")
    assert back.speakers == ("S1", "S2")


def test_ttml_agent_ids_are_ncnames_and_distinct():
    cues = [Cue(0, 1, ("a", "b"), ("1 x", "1_x")), Cue(1, 2, ("c",), ("é",))]
    assert agent_ids(cues) == {"1 x": "speaker_1_x", "1_x": "speaker_1_x_2", "é": "speaker__"}


def ttml_with_agents(head: str, body: str) -> bytes:
    return (
        '<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttm="http://www.w3.org/ns/ttml#metadata">'
        f"<head><metadata>{head}</metadata></head><body><div>{body}</div></body></tt>"
    ).encode()


def test_ttml_agents_resolve_through_the_head():
    document = ttml_with_agents(
        '<ttm:agent xml:id="a1" type="person"><ttm:name type="full">Ann Lee</ttm:name>'
        '</ttm:agent><ttm:agent xml:id="a2" type="person"/>',
        '<p begin="1s" end="2s" ttm:agent="a1">Hi<br/>there</p>'
        '<p begin="2s" end="3s"><span ttm:agent="a2">-Yes.</span><br/>'
        '<span ttm:agent="ghost">-No.</span></p>'
        '<p begin="3s" end="4s">nobody</p>',
    )
    cues = read_subtitles(document, fmt="ttml").cues
    assert [c.speakers for c in cues] == [("Ann Lee", "Ann Lee"), ("a2", "ghost"), ()]


def test_ttml_agent_on_a_div_is_the_paragraphs():
    document = ttml_with_agents("", '<div ttm:agent="x"><p begin="0s" end="1s">Hi</p></div>')
    assert read_subtitles(document, fmt="ttml").cues[0].speakers == ("x",)


def test_ttml_apple_fixture_names_its_agent():
    cues = read_subtitles((CORPUS / "pysubs2" / "ttml_example_apple.ttml").read_bytes()).cues
    assert cues[0].speakers == ("Radiohead",) * len(cues[0].lines)


def test_ttml_too_long_a_name_is_refused():
    document = ttml_with_agents(
        f'<ttm:agent xml:id="a1" type="person"><ttm:name type="full">{"x" * 201}</ttm:name>'
        "</ttm:agent>",
        '<p begin="1s" end="2s" ttm:agent="a1">Hi</p>',
    )
    with pytest.raises(SubtitleUnreadable, match="a1"):
        read_subtitles(document, fmt="ttml")


# --- XLIFF -----------------------------------------------------------------------------


def xliff(cues=CUES, names=NAMES) -> str:
    return render_xliff(cues, ["a", "b", "c"][: len(cues)], "es", "en", "ep/en/r1",
                        speaker_names=names)  # fmt: skip


def test_xliff_speaker_notes():
    body = xliff()
    assert '<note from="locsvc">Speaker: Diane</note>' in body
    assert ('<note from="locsvc">Speaker, line 1: Diane</note>\n'
            '        <note from="locsvc">Speaker, line 2: Tom</note>') in body  # fmt: skip
    assert body.count("<note") == 3


def test_xliff_round_trip():
    assert read_subtitles(xliff().encode(), fmt="xliff").cues == named(CUES)


def test_xliff_translators_notes_and_reflowed_lines():
    body = xliff().replace("-Hello.\n-Who is it?", "-Hello. -Who is it?")  # joined in the CAT tool
    body = body.replace(
        '<note from="locsvc">Speaker: Diane</note>',
        '<note from="locsvc">Speaker: Diane</note><note>Speaker: not ours</note>',
    )
    cues = read_subtitles(body.encode(), fmt="xliff").cues
    assert [c.speakers for c in cues] == [("Diane", "Diane"), (), ()]


def test_xliff_too_long_a_name_is_refused_naming_the_unit():
    body = xliff(names={"S1": "Diane"}).replace("Speaker: Diane", "Speaker: " + "x" * 201)
    with pytest.raises(SubtitleUnreadable) as raised:
        read_subtitles(body.encode(), fmt="xliff")
    assert raised.value.details["unit"] == "c0"


def test_writers_refuse_a_name_their_readers_would():
    with pytest.raises(InvalidRequest):
        render("vtt", speaker_names={"S1": "x" * 201})


# --- no speakers: as before ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["srt", "vtt", "ttml"])
def test_cues_without_speakers_are_written_as_before(fmt):
    plain = [Cue(c.start_ms, c.end_ms, c.lines) for c in CUES]
    body = render(fmt, plain, speaker_names=NAMES, speaker_labels=True)
    assert body == render(fmt, plain)
    assert "agent" not in body and "<v" not in body and "[" not in body


def test_xliff_without_speakers_has_no_notes():
    plain = [Cue(c.start_ms, c.end_ms, c.lines) for c in CUES]
    assert "<note" not in xliff(plain) and xliff(plain) == xliff(plain, None)
