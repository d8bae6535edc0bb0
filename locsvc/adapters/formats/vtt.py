"""WebVTT reader, after the W3C parsing rules: header, NOTE/STYLE/REGION blocks,
cue identifiers and settings are read past; cue text keeps its tags, except voice spans
(``<v Roger Bingham>``, closed or left open to the end of the cue), which become the
cue's ``speakers``. The writer's voice spans (voiced_lines) put them back."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from ...domain.cues import Cue
from .speakers import MAX_SPEAKER_NAME, display_name, line_speakers, speaker_runs
from .text import DecodedText
from .timing import ParsedSubtitles, arrow_timing, blocks, require_cues, unreadable

NON_CUE_BLOCKS = ("NOTE", "STYLE", "REGION")
# A voice start tag (classes, then the annotation after whitespace) or end tag. No
# annotation holds '<', so a scan for the '>' stops at the next tag: linear on any line.
VOICE_TAG = re.compile(r"<v(?:\.[^\s<>]*)?(?:[ \t\f]([^<>]*))?>|</v[ \t\f]*>")


# --- writing ---------------------------------------------------------------------------


def voiced_lines(cue: Cue, speaker_names: Mapping[str, str] | None) -> tuple[str, ...]:
    """The cue's lines with each speaker's run of lines in a ``<v Name>...</v>`` span,
    except runs whose text has a voice span of its own."""
    lines = list(cue.lines)
    for speaker, indexes in speaker_runs(cue):
        if any(VOICE_TAG.search(lines[i]) for i in indexes):
            continue
        voice = _annotation(display_name(speaker, speaker_names))
        lines[indexes[0]] = f"<v {voice}>{lines[indexes[0]]}"
        lines[indexes[-1]] += "</v>"
    return tuple(lines)


def _annotation(name: str) -> str:
    """An annotation may hold neither '>' nor a line break; '&' starts an escape."""
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- reading ---------------------------------------------------------------------------


def read_vtt(text: DecodedText) -> ParsedSubtitles:
    lines = text.lines
    if not lines or not (lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        raise unreadable(1, "a WebVTT file must start with 'WEBVTT'", lines[0] if lines else "")
    warnings = list(text.warnings)
    cues: list[Cue] = []
    all_blocks = list(blocks(lines))
    for block in all_blocks[1:]:  # the first block is the header and its metadata
        if block.lines[0].split(" ", 1)[0].split("\t", 1)[0] in NON_CUE_BLOCKS:
            continue
        cues.extend(_cues_of_block(block.numbered(), warnings))
    return require_cues(ParsedSubtitles(cues, "vtt", text.encoding, warnings))


def _cues_of_block(numbered, warnings: list[str]) -> list[Cue]:
    """One block normally holds one cue; a timing line after cue text starts another
    (the W3C parser does the same; such files exist in the wild)."""
    cues: list[Cue] = []
    timing: tuple[int, int] | None = None
    payload: list[tuple[int, str]] = []
    previous_was_timing = False
    numbered = list(numbered)
    for index, (number, line) in enumerate(numbered):
        found = arrow_timing(number, line)
        if found is not None:
            if previous_was_timing:
                raise unreadable(
                    number, "two timing lines in a row: the first cue has no text", line
                )
            if timing is not None:
                cues.append(_cue(timing, payload))
                warnings.append(f"Line {number}: a cue starts without a blank line before it.")
            timing, payload, previous_was_timing = (found[0], found[1]), [], True
        elif timing is None:
            if index == 0:
                continue  # the cue identifier
            raise unreadable(
                number, "a timing line like '00:00:01.000 --> 00:00:02.500' was expected", line
            )
        else:
            payload.append((number, line))
            previous_was_timing = False
    if timing is None:
        first_number, first_line = numbered[0]
        raise unreadable(first_number, "a cue without a timing line", first_line)
    cues.append(_cue(timing, payload))
    return cues


def _cue(timing: tuple[int, int], payload: list[tuple[int, str]]) -> Cue:
    """The cue, its voice spans as speakers; lines keep their voice tags when the speaker
    of a line cannot be known, so nothing the file said is lost."""
    speakers = line_speakers(_voices(payload))
    lines = tuple(line for _, line in payload)
    if not speakers:
        return Cue(*timing, lines)
    return Cue(*timing, tuple(VOICE_TAG.sub("", line) for line in lines), speakers)


def _voices(payload: list[tuple[int, str]]) -> list[str | None]:
    """The voice of each line: the one open where the line starts, else the first one
    the line opens. Voices nest as spans do and all end with the cue."""
    open_voices: list[str | None] = []
    found: list[str | None] = []
    for number, line in payload:
        voice = open_voices[-1] if open_voices else None
        for tag in VOICE_TAG.finditer(line):
            if tag.group(0).startswith("</"):
                if open_voices:
                    open_voices.pop()
                continue
            open_voices.append(_voice_name(number, line, tag.group(1)))
            voice = voice or open_voices[-1]
        found.append(voice)
    return found


def _voice_name(number: int, line: str, annotation: str | None) -> str | None:
    name = " ".join(html.unescape(annotation or "").split())
    if len(name) > MAX_SPEAKER_NAME:
        raise unreadable(
            number, f"a voice's speaker name runs past {MAX_SPEAKER_NAME} characters", line
        )
    return name or None
