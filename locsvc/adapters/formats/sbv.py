"""YouTube SBV reader: ``H:MM:SS.mmm,H:MM:SS.mmm`` then the text, blocks split by blank lines."""

from __future__ import annotations

import re

from ...domain.cues import Cue
from .text import DecodedText
from .timing import TIMESTAMP, ParsedSubtitles, blocks, require_cues, to_ms, unreadable

SBV_TIMING = re.compile(rf"^\s*{TIMESTAMP}\s*,\s*{TIMESTAMP}\s*$")


def read_sbv(text: DecodedText) -> ParsedSubtitles:
    cues: list[Cue] = []
    warnings = list(text.warnings)
    for block in blocks(text.lines):
        (number, line), *payload = block.numbered()
        match = SBV_TIMING.match(line)
        if match is None:
            raise unreadable(
                number, "a timing line like '0:00:01.000,0:00:02.500' was expected", line
            )
        groups = match.groups()
        try:
            start, end = to_ms(*groups[0:4]), to_ms(*groups[4:8])
        except ValueError as error:
            raise unreadable(number, f"impossible time: {error}", line) from error
        if end < start:  # read tolerantly: keep the cue, zero-length, for QC to flag
            warnings.append(
                f"Line {number}: the cue ends before it starts; its end was set to its start."
            )
            end = start
        cues.append(Cue(start, end, tuple(text_line for _, text_line in payload)))
    return require_cues(ParsedSubtitles(cues, "sbv", text.encoding, warnings))
