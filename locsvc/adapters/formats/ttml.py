"""TTML1 / IMSC 1.1 text profile: a writer that meets docs/timed-text.md, and a tolerant reader.

Written with the standard library's ElementTree: our cues are plain timed lines with
<i>/<b> tags, far less than ttconv's model covers, and the tests check what we write
with ttconv's strict IMSC reader (the reference). The reader accepts what real files
hold: clock times with or without hours, offset times (s, ms, f, t, and bare numbers
as Apple writes them), frames at ttp:frameRate, nested begin offsets, <br/>, spans.
Speakers are ttm:agent definitions in the head (with a ttm:name), referred to from the
<p> of a one-speaker cue, or from each speaker's <span> in a cue with more."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from fractions import Fraction

from ...domain.cues import Cue
from ...domain.errors import InvalidRequest, SubtitleUnreadable
from ...domain.text import visible
from .speakers import MAX_SPEAKER_NAME, display_name, line_speakers, speaker_runs
from .text import DecodedText
from .timing import ParsedSubtitles, require_cues, timestamp
from .xml import parse_xml

TT = "http://www.w3.org/ns/ttml"
TTP = "http://www.w3.org/ns/ttml#parameter"
TTS = "http://www.w3.org/ns/ttml#styling"
TTM = "http://www.w3.org/ns/ttml#metadata"
XML = "http://www.w3.org/XML/1998/namespace"
IMSC11_TEXT = "http://www.w3.org/ns/ttml/profile/imsc1.1/text"
ET.register_namespace("", TT)
ET.register_namespace("ttp", TTP)
ET.register_namespace("tts", TTS)
ET.register_namespace("ttm", TTM)
AGENT = f"{{{TTM}}}agent"

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
INLINE_TAG = re.compile(r"(</?[ib]>)", re.IGNORECASE)
STYLE_OF_TAG = {"i": (f"{{{TTS}}}fontStyle", "italic"), "b": (f"{{{TTS}}}fontWeight", "bold")}


# --- writing ---------------------------------------------------------------------------


def frame_rate_parameters(frame_rate: float) -> dict[str, str]:
    """ttp:frameRate (an integer) and, for NTSC rates, ttp:frameRateMultiplier."""
    rate = Fraction(frame_rate).limit_denominator(1001)
    if rate.denominator == 1:
        return {"frameRate": str(rate.numerator)}
    nominal = math.ceil(rate)
    if abs(nominal * Fraction(1000, 1001) - rate) < Fraction(1, 1000):
        return {"frameRate": str(nominal), "frameRateMultiplier": "1000 1001"}
    raise InvalidRequest(f"Frame rate {frame_rate} has no TTML frameRate/multiplier form.")


def render_ttml(
    cues: Sequence[Cue],
    language: str,
    frame_rate: float,
    *,
    speaker_names: Mapping[str, str] | None = None,
) -> str:
    """``speaker_names``: label -> display name, for the head's ttm:agent definitions."""
    if not LANGUAGE_TAG.match(language):
        raise InvalidRequest(f"{language!r} is not a BCP 47 language tag (pt-BR, not pt_BR).")
    tt = ET.Element(f"{{{TT}}}tt", {f"{{{XML}}}lang": language, f"{{{TTP}}}timeBase": "media"})
    for name, value in frame_rate_parameters(frame_rate).items():
        tt.set(f"{{{TTP}}}{name}", value)
    tt.set(f"{{{TTP}}}contentProfiles", IMSC11_TEXT)
    head = ET.SubElement(tt, f"{{{TT}}}head")
    agents = agent_ids(cues)
    if agents:  # metadata comes first in <head>
        _define_agents(ET.SubElement(head, f"{{{TT}}}metadata"), agents, speaker_names)
    style = ET.SubElement(ET.SubElement(head, f"{{{TT}}}styling"), f"{{{TT}}}style")
    for key, value in (
        ("xml:id", "s_default"), ("fontFamily", "proportionalSansSerif"), ("fontSize", "100%"),
        ("textAlign", "center"), ("color", "white"), ("backgroundColor", "transparent"),
    ):  # fmt: skip
        style.set(f"{{{XML}}}id" if key == "xml:id" else f"{{{TTS}}}{key}", value)
    region = ET.SubElement(ET.SubElement(head, f"{{{TT}}}layout"), f"{{{TT}}}region")
    region.set(f"{{{XML}}}id", "r_bottom")
    region.set(f"{{{TTS}}}origin", "10% 10%")  # percentages, never pixels
    region.set(f"{{{TTS}}}extent", "80% 80%")
    region.set(f"{{{TTS}}}displayAlign", "after")
    body = ET.SubElement(tt, f"{{{TT}}}body", {"region": "r_bottom", "style": "s_default"})
    div = ET.SubElement(body, f"{{{TT}}}div")
    for number, cue in enumerate(cues, start=1):
        paragraph = ET.SubElement(
            div,
            f"{{{TT}}}p",
            {
                f"{{{XML}}}id": f"c{number}",
                "begin": timestamp(cue.start_ms, "."),
                "end": timestamp(cue.end_ms, "."),
            },
        )
        _fill_speakers(paragraph, cue, agents)
    ET.indent(tt, space="  ")
    for paragraph in div:
        _strip_indentation(paragraph)
    return ET.tostring(tt, encoding="unicode", xml_declaration=True) + "\n"


def agent_ids(cues: Sequence[Cue]) -> dict[str, str]:
    """label -> xml:id of its ttm:agent, in order of first use: an NCName ("speaker_S1";
    other characters become '_', and a suffix tells apart labels that then look alike)."""
    ids: dict[str, str] = {}
    for label in dict.fromkeys(speaker for cue in cues for speaker in cue.speakers):
        base = "speaker_" + re.sub(r"[^A-Za-z0-9._-]", "_", label)
        candidate, count = base, 1
        while candidate in ids.values():
            count += 1
            candidate = f"{base}_{count}"
        ids[label] = candidate
    return ids


def _define_agents(
    metadata: ET.Element, agents: Mapping[str, str], speaker_names: Mapping[str, str] | None
) -> None:
    for label, agent_id in agents.items():
        agent = ET.SubElement(metadata, AGENT, {f"{{{XML}}}id": agent_id, "type": "character"})
        name = ET.SubElement(agent, f"{{{TTM}}}name", type="full")
        name.text = display_name(label, speaker_names)


def _fill_speakers(paragraph: ET.Element, cue: Cue, agents: Mapping[str, str]) -> None:
    """One speaker: ttm:agent on the <p>; more: each speaker's lines in a <span> of its own,
    styles left open at the end of one run opened again in the next."""
    runs = speaker_runs(cue)
    if len(runs) <= 1:
        if runs:
            paragraph.set(AGENT, agents[runs[0][0]])
        _fill(paragraph, cue.lines)
        return
    styles: list[str] = []
    for number, (speaker, indexes) in enumerate(runs):
        if number:
            ET.SubElement(paragraph, f"{{{TT}}}br")
        span = ET.SubElement(paragraph, f"{{{TT}}}span", {AGENT: agents[speaker]})
        styles = _fill(span, [cue.lines[i] for i in indexes], styles)


def _fill(container: ET.Element, lines: Sequence[str], styles: Sequence[str] = ()) -> list[str]:
    """Lines joined by <br/>; <i>/<b> become styled spans, which may hold line breaks,
    so the structure of the text survives a round trip exactly. ``styles``: tags ("i",
    "b") open before the first line; returns those still open after the last."""
    open_elements = [container]
    open_tags: list[str] = []

    def open_style(tag: str) -> None:
        span = ET.SubElement(open_elements[-1], f"{{{TT}}}span")
        span.set(*STYLE_OF_TAG[tag])
        open_elements.append(span)
        open_tags.append(tag)

    def add_text(text: str) -> None:
        element = open_elements[-1]
        if len(element):
            element[-1].tail = (element[-1].tail or "") + text
        else:
            element.text = (element.text or "") + text

    for tag in styles:
        open_style(tag)
    for index, line in enumerate(lines):
        if index:
            ET.SubElement(open_elements[-1], f"{{{TT}}}br")
        for piece in INLINE_TAG.split(line):
            tag = piece.lower()
            if tag in ("<i>", "<b>"):
                open_style(tag[1])
            elif tag in ("</i>", "</b>"):
                if len(open_elements) > 1:  # a stray closing tag is dropped; QC flags it
                    open_elements.pop()
                    open_tags.pop()
            else:
                add_text(visible(piece))  # other markup ({\\an8}, <font>) has no TTML form here
    return open_tags


def _strip_indentation(paragraph: ET.Element) -> None:
    """ET.indent puts newlines into mixed content; inside a paragraph they are not ours."""
    if paragraph.text and "\n" in paragraph.text and not paragraph.text.strip():
        paragraph.text = None
    for element in paragraph.iter():
        if element is not paragraph and element.tail and "\n" in element.tail:
            if not element.tail.strip():
                element.tail = None
        if element is not paragraph and element.text and "\n" in element.text:
            if not element.text.strip():
                element.text = None


# --- reading ---------------------------------------------------------------------------

CLOCK_TIME = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)(?::(\d+)(?:\.(\d+))?)?$")
OFFSET_TIME = re.compile(r"^(\d+(?:\.\d+)?)(h|m|s|ms|f|t)?$")
APPLE_NAMESPACE = "{http://music.apple.com/"


POSITIVE_INTEGER = re.compile(r"^\s*[0-9]{1,9}\s*$")  # TTML's <digit>+, bounded


def _positive(root: ET.Element, name: str, default: str) -> Fraction:
    value = root.get(f"{{{TTP}}}{name}", default)
    if not POSITIVE_INTEGER.match(value) or int(value) == 0:
        raise SubtitleUnreadable(
            f"ttp:{name} must be a positive whole number, not {value[:40]!r}.", line=None
        )
    return Fraction(int(value))


class _Timing:
    def __init__(self, root: ET.Element) -> None:
        rate = _positive(root, "frameRate", "30")
        multiplier = root.get(f"{{{TTP}}}frameRateMultiplier", "1 1")
        parts = multiplier.split()
        if len(parts) != 2 or not all(POSITIVE_INTEGER.match(p) and int(p) for p in parts):
            raise SubtitleUnreadable(
                "ttp:frameRateMultiplier must be two positive whole numbers such as "
                f"'1000 1001', not {multiplier[:40]!r}.",
                line=None,
            )
        self.frame_rate = rate * Fraction(int(parts[0]), int(parts[1]))
        self.tick_rate = _positive(root, "tickRate", "1")
        # Apple's lyric TTML writes absolute times on nested elements, against the TTML rule
        # that a child's times count from its parent's begin.
        self.absolute_nested = any(key.startswith(APPLE_NAMESPACE) for key in root.attrib)

    def seconds(self, value: str) -> Fraction:
        value = value.strip()
        if match := CLOCK_TIME.match(value):
            hours, minutes, seconds, frames, _sub = match.groups()
            total = int(hours or 0) * 3600 + int(minutes) * 60 + Fraction(seconds)
            return total + (Fraction(int(frames), 1) / self.frame_rate if frames else 0)
        if match := OFFSET_TIME.match(value):
            number, unit = Fraction(match.group(1)), match.group(2) or "s"
            scale = {
                "h": Fraction(3600), "m": Fraction(60), "s": Fraction(1), "ms": Fraction(1, 1000),
                "f": 1 / self.frame_rate, "t": 1 / self.tick_rate,
            }  # fmt: skip
            return number * scale[unit]
        raise ValueError(f"not a TTML time expression: {value!r}")


def read_ttml(text: DecodedText) -> ParsedSubtitles:
    root = parse_xml(text, "TTML")
    if root.tag != f"{{{TT}}}tt":
        raise SubtitleUnreadable("This XML is not TTML: its root is not <tt>.", line=1)
    timing = _Timing(root)
    agents = _Agents(root)
    body = root.find(f"{{{TT}}}body")
    cues: list[Cue] = []
    if body is not None:
        _collect(body, Fraction(0), timing, agents, cues)
    cues.sort(key=lambda cue: cue.start_ms)
    return require_cues(ParsedSubtitles(cues, "ttml", text.encoding, list(text.warnings)))


class _Agents:
    """The head's ttm:agent definitions: a speaker is its agent's ttm:name, else its id."""

    def __init__(self, root: ET.Element) -> None:
        self.names: dict[str, str] = {}
        head = root.find(f"{{{TT}}}head")
        for agent in head.iter(AGENT) if head is not None else ():
            if agent_id := agent.get(f"{{{XML}}}id"):
                name = agent.find(f"{{{TTM}}}name")
                found = " ".join("".join(name.itertext()).split()) if name is not None else ""
                self.names[agent_id] = _bounded(found or agent_id, agent_id)

    def of(self, element: ET.Element, inherited: str | None) -> str | None:
        """The speaker of an element's content: its own ttm:agent (the first of the ids it
        lists), else its parent's."""
        ids = (element.get(AGENT) or "").split()
        if not ids:
            return inherited
        return self.names.get(ids[0]) or _bounded(ids[0], ids[0])


def _bounded(name: str, agent_id: str) -> str:
    if len(name) > MAX_SPEAKER_NAME:
        raise SubtitleUnreadable(
            f"The ttm:agent {agent_id[:40]!r} has a name longer than {MAX_SPEAKER_NAME} "
            "characters.",
            line=None,
            agent=agent_id[:40],
        )
    return name


def _collect(
    element: ET.Element,
    offset: Fraction,
    timing: _Timing,
    agents: _Agents,
    cues: list[Cue],
    speaker: str | None = None,
) -> None:
    if timing.absolute_nested:
        offset = Fraction(0)
    try:
        begin = offset + timing.seconds(element.get("begin", "0"))
        end_value = element.get("end")
        end = offset + timing.seconds(end_value) if end_value else None
    except ValueError as error:
        raise SubtitleUnreadable(
            f"A <{_local(element.tag)}> has a bad time: {error}.", line=None
        ) from error
    speaker = agents.of(element, speaker)
    if element.tag == f"{{{TT}}}p":
        if end is None:
            raise SubtitleUnreadable(
                f"A paragraph starting at {float(begin):.3f} s has no end.", line=None
            )
        if end < begin:
            raise SubtitleUnreadable(
                f"A paragraph ends ({float(end):.3f} s) before it starts ({float(begin):.3f} s).",
                line=None,
            )
        lines, speakers = _lines(_inline(element, agents, speaker, top=True))
        cues.append(Cue(round(begin * 1000), round(end * 1000), lines, speakers))
        return
    for child in element:
        _collect(child, begin, timing, agents, cues, speaker)


Piece = tuple[str, str | None]  # text, and the speaker of it (None for markup)


def _lines(pieces: list[Piece]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A paragraph's lines, and their speakers: each line's is that of its first text."""
    texts: list[str] = [""]
    found: list[str | None] = [None]
    for text, speaker in pieces:
        if text == "\n":
            texts.append("")
            found.append(None)
            continue
        texts[-1] += text
        if found[-1] is None and text.strip():
            found[-1] = speaker
    if not "".join(texts).strip():
        return (), ()
    return tuple(" ".join(line.split()) for line in texts), line_speakers(found)


def _inline(
    element: ET.Element, agents: _Agents, speaker: str | None, top: bool = False
) -> list[Piece]:
    """Text of a paragraph with <br/> as newlines and italic/bold spans as <i>/<b>."""
    # XML layout whitespace is not text: newlines in the source become spaces (and
    # collapse later); only <br/> breaks a line.
    outer = speaker
    if element.tag == f"{{{TT}}}br":
        return [("\n", None), (_flat(element.tail), outer)]
    speaker = agents.of(element, speaker) if not top else speaker
    tags = (
        []
        if top
        else [
            tag
            for tag, (attribute, value) in STYLE_OF_TAG.items()
            if element.get(attribute) == value
        ]
    )
    pieces: list[Piece] = [(f"<{tag}>", None) for tag in tags] + [(_flat(element.text), speaker)]
    for child in element:
        pieces += _inline(child, agents, speaker)
    pieces += [(f"</{tag}>", None) for tag in reversed(tags)]
    if not top:
        pieces.append((_flat(element.tail), outer))
    return pieces


def _flat(text: str | None) -> str:
    return " ".join((text or "").split("\n")) if text else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
