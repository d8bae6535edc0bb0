"""SubRip reader: tolerant of missing or 0-based numbering, strict about timings."""

from __future__ import annotations

from ...domain.cues import Cue
from .text import DecodedText
from .timing import ParsedSubtitles, arrow_timing, blocks, require_cues, unreadable

TIMING_EXAMPLE = "a timing line like '00:00:01,000 --> 00:00:02,500' was expected"


def read_srt(text: DecodedText) -> ParsedSubtitles:
    cues: list[Cue] = []
    for block in blocks(text.lines):
        numbered = list(block.numbered())
        position = 1 if numbered[0][1].strip().isdigit() else 0  # the cue number is optional
        if position == len(numbered):
            raise unreadable(
                numbered[0][0], "a cue number with no timing line after it", numbered[0][1]
            )
        line_number, line = numbered[position]
        timing = arrow_timing(line_number, line)
        if timing is None:
            raise unreadable(line_number, TIMING_EXAMPLE, line)
        payload = numbered[position + 1 :]
        for number, payload_line in payload:
            if arrow_timing(number, payload_line) is not None:
                raise unreadable(
                    number,
                    "a timing line inside a cue's text (a blank line missing?)",
                    payload_line,
                )
        start, end, _ = timing
        cues.append(Cue(start, end, tuple(line for _, line in payload)))
    return require_cues(ParsedSubtitles(cues, "srt", text.encoding, list(text.warnings)))
