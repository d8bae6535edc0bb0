"""SubRip reader: tolerant of missing or 0-based numbering, strict about timings; and
the SDH speaker labels ("[Diane] Hello.") the writer may put at each speaker's turn."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...domain.cues import Cue
from ...domain.dialogue import DASHES
from .speakers import display_name, speaker_runs
from .text import DecodedText
from .timing import ParsedSubtitles, arrow_timing, blocks, require_cues, unreadable

TIMING_EXAMPLE = "a timing line like '00:00:01,000 --> 00:00:02,500' was expected"
# Where a label goes: after leading tags ("<i>", "{\\an8}") and a dialogue dash with its
# spaces, so "-Hello." becomes "-[Diane] Hello." and positioning tags stay first.
LABEL_PLACE = re.compile(rf"^\s*(?:<[^<>]*>|{{[^{{}}]*}})*(?:[{''.join(DASHES)}](?!-) *)?")


def labelled_lines(cue: Cue, speaker_names: Mapping[str, str] | None) -> tuple[str, ...]:
    """The cue's lines with "[Name] " at the start of each speaker's turn."""
    lines = list(cue.lines)
    for speaker, indexes in speaker_runs(cue):
        line = lines[indexes[0]]
        match = LABEL_PLACE.match(line)  # the pattern matches every line, if only emptily
        place = match.end() if match else 0
        label = f"[{display_name(speaker, speaker_names)}] "
        lines[indexes[0]] = line[:place] + label + line[place:]
    return tuple(lines)


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
