"""Subtitle cues: times are integer milliseconds, text is a tuple of lines, and each line
may name its speaker (a dual-speaker event has one speaker per line)."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .errors import InvalidRequest


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    # The speaker of each line (an episode's label such as "S1"), or () when unknown.
    speakers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.speakers and len(self.speakers) != len(self.lines):
            raise InvalidRequest(
                f"A cue names {len(self.speakers)} speakers for {len(self.lines)} lines.",
                start_ms=self.start_ms,
            )
        # A zero-length cue is legal (QC flags it); one that ends before it starts is not.
        if self.start_ms < 0 or self.end_ms < self.start_ms:
            raise InvalidRequest(
                f"A cue cannot end before it starts ({self.start_ms} -> {self.end_ms} ms).",
                start_ms=self.start_ms,
                end_ms=self.end_ms,
            )

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def speaker_set(self) -> tuple[str, ...]:
        """The cue's distinct speakers, in order of their lines."""
        return tuple(dict.fromkeys(self.speakers))

    def to_dict(self) -> dict:
        data: dict = {"start_ms": self.start_ms, "end_ms": self.end_ms, "lines": list(self.lines)}
        if self.speakers:  # absent when unknown: tracks made before diarization hash the same
            data["speakers"] = list(self.speakers)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Cue:
        return cls(
            data["start_ms"],
            data["end_ms"],
            tuple(data["lines"]),
            tuple(data.get("speakers") or ()),
        )


def check_monotonic(cues: Sequence[Cue]) -> None:
    """Raise InvalidRequest unless every cue starts at or after the previous one's end."""
    for number, (before, after) in enumerate(zip(cues, cues[1:], strict=False), start=2):
        if after.start_ms < before.end_ms:
            raise InvalidRequest(
                f"Cue {number} starts before cue {number - 1} ends.",
                cue=number,
            )


class Span(Protocol):
    """Anything with a time span: a cue, a sentence of cues."""

    @property
    def start_ms(self) -> int: ...

    @property
    def end_ms(self) -> int: ...


def overlap_finder(cues: Sequence[Span]) -> Callable[[int, int], list[int]]:
    """A function giving the numbers (from 1) of the cues (or any spans, such as
    sentences) overlapping [start, end): by bisection when they are in order without
    overlaps (as any track that passes QC), by a scan otherwise."""
    starts, ends = [c.start_ms for c in cues], [c.end_ms for c in cues]
    ordered = all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:], strict=False))

    def by_bisection(start: int, end: int) -> list[int]:
        first = bisect.bisect_right(ends, start)  # the first cue ending after the start
        last = bisect.bisect_left(starts, end)  # cues before this one start before the end
        return list(range(first + 1, last + 1))

    def by_scan(start: int, end: int) -> list[int]:
        return [n for n, c in enumerate(cues, start=1) if c.start_ms < end and c.end_ms > start]

    return by_bisection if ordered else by_scan
