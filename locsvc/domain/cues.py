"""Subtitle cues: times are integer milliseconds, text is a tuple of lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InvalidRequest


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]

    def __post_init__(self) -> None:
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

    def to_dict(self) -> dict:
        return {"start_ms": self.start_ms, "end_ms": self.end_ms, "lines": list(self.lines)}

    @classmethod
    def from_dict(cls, data: dict) -> Cue:
        return cls(data["start_ms"], data["end_ms"], tuple(data["lines"]))


def check_monotonic(cues: Sequence[Cue]) -> None:
    """Raise InvalidRequest unless every cue starts at or after the previous one's end."""
    for number, (before, after) in enumerate(zip(cues, cues[1:], strict=False), start=2):
        if after.start_ms < before.end_ms:
            raise InvalidRequest(
                f"Cue {number} starts before cue {number - 1} ends.",
                cue=number,
            )
