"""Timestamps and blocks of lines, shared by the line-based readers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...domain.cues import Cue
from ...domain.errors import SubtitleUnreadable

# Tolerant: 1+ digit hours (optional where the format allows), 1-2 digit minutes and
# seconds, 1-3 digit fractions read as decimals ("7.23" is 7 s 230 ms).
TIMESTAMP = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
ARROW_TIMING = re.compile(rf"^\s*{TIMESTAMP}\s*-->\s*{TIMESTAMP}(?:\s+(.*))?$")


def to_ms(hours: str | None, minutes: str, seconds: str, fraction: str) -> int:
    if int(minutes) > 59 or int(seconds) > 59:
        raise ValueError("minutes and seconds run to 59")
    return (int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)) * 1000 + int(
        fraction.ljust(3, "0")
    )


def timestamp(ms: int, decimal_marker: str) -> str:
    """``HH:MM:SS<marker>mmm``: SRT writes ',', WebVTT and TTML clock times '.'."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_marker}{millis:03d}"


def unreadable(line_number: int, message: str, line: str) -> SubtitleUnreadable:
    return SubtitleUnreadable(
        f"Line {line_number}: {message} (found {line.strip()[:80]!r}).",
        line=line_number,
    )


def arrow_timing(line_number: int, line: str) -> tuple[int, int, str] | None:
    """``start --> end [settings]`` as (start ms, end ms, settings); None if not a timing line."""
    match = ARROW_TIMING.match(line)
    if match is None:
        if "-->" in line:
            raise unreadable(line_number, "this timing line is malformed", line)
        return None
    groups = match.groups()
    try:
        start, end = to_ms(*groups[0:4]), to_ms(*groups[4:8])
    except ValueError as error:
        raise unreadable(line_number, f"impossible time: {error}", line) from error
    if end < start:
        raise unreadable(line_number, "the cue ends before it starts", line)
    return start, end, groups[8] or ""


@dataclass
class Block:
    """Consecutive non-blank lines and the number of the first one (1-based)."""

    first_line: int
    lines: list[str] = field(default_factory=list)

    def numbered(self) -> Iterator[tuple[int, str]]:
        return enumerate(self.lines, start=self.first_line)


def blocks(lines: list[str]) -> Iterator[Block]:
    current: Block | None = None
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if current is None:
                current = Block(number)
            current.lines.append(line.rstrip())
        elif current is not None:
            yield current
            current = None
    if current is not None:
        yield current


@dataclass
class ParsedSubtitles:
    cues: list[Cue]
    format: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def require_cues(parsed: ParsedSubtitles) -> ParsedSubtitles:
    if not parsed.cues:
        raise SubtitleUnreadable("The file holds no cues.", line=None)
    return parsed
