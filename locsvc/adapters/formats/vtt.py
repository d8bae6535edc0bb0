"""WebVTT reader, after the W3C parsing rules: header, NOTE/STYLE/REGION blocks,
cue identifiers and settings are read past; cue text keeps its tags."""

from __future__ import annotations

from ...domain.cues import Cue
from .text import DecodedText
from .timing import ParsedSubtitles, arrow_timing, blocks, require_cues, unreadable

NON_CUE_BLOCKS = ("NOTE", "STYLE", "REGION")


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
    payload: list[str] = []
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
                cues.append(Cue(*timing, tuple(payload)))
                warnings.append(f"Line {number}: a cue starts without a blank line before it.")
            timing, payload, previous_was_timing = (found[0], found[1]), [], True
        elif timing is None:
            if index == 0:
                continue  # the cue identifier
            raise unreadable(
                number, "a timing line like '00:00:01.000 --> 00:00:02.500' was expected", line
            )
        else:
            payload.append(line)
            previous_was_timing = False
    if timing is None:
        first_number, first_line = numbered[0]
        raise unreadable(first_number, "a cue without a timing line", first_line)
    cues.append(Cue(*timing, tuple(payload)))
    return cues
