"""Dubbing: the dub script, and fitting each synthesized line into its slot.

A line's slot is its cue's in/out time. A line that runs long is first sped up
(pitch-preserving) up to ``max_speed``; if still long it borrows silence from the gap
before the next line (keeping a small breath); if still long it is flagged for the
linguist with the overflow in ms (rule ``dub_too_long``) and plays whole: words are
never cut, and an overlap is never silent."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from .cues import Cue
from .errors import InvalidRequest

# Speed-up of synthesized speech: natural to about 1.2x, acceptable to 1.4x (docs/timed-text.md).
DEFAULT_MAX_SPEED = 1.25
HIGHEST_MAX_SPEED = 1.4
# Silence kept before the next line when borrowing from the gap.
BREATH_MS = 80


class FitStatus(StrEnum):
    FITS = "fits"
    SPED_UP = "sped_up"
    BORROWED = "borrowed"  # sped up to the limit and ran into the following gap
    TOO_LONG = "too_long"  # flagged: dub_too_long


@dataclass(frozen=True)
class DubLine:
    id: str
    speaker: str
    start_ms: int
    end_ms: int
    source_text: str
    text: str
    voice: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Fit:
    status: FitStatus
    speed: float  # 1.0 = as synthesized
    played_ms: int  # how long the line plays after the speed-up
    overflow_ms: int  # past the slot and the borrowable gap (too_long only)


def fit_line(natural_ms: int, slot_ms: int, gap_after_ms: int | None, max_speed: float) -> Fit:
    """How a line of ``natural_ms`` fits a ``slot_ms`` slot followed by ``gap_after_ms``
    of silence (None: the last line, bounded by the episode's end)."""
    if not 1.0 <= max_speed <= HIGHEST_MAX_SPEED:
        raise InvalidRequest(f"`max_speed` is 1.0 to {HIGHEST_MAX_SPEED}.", field="max_speed")
    slot_ms = max(slot_ms, 1)
    if natural_ms <= slot_ms:
        return Fit(FitStatus.FITS, 1.0, natural_ms, 0)
    # the speed is kept to 3 decimals, rounded up so that the line still ends in its slot
    speed = min(math.ceil(natural_ms / slot_ms * 1000 - 1e-6) / 1000, max_speed)
    if round(natural_ms / speed) <= slot_ms:
        return Fit(FitStatus.SPED_UP, speed, round(natural_ms / speed), 0)
    played = round(natural_ms / max_speed)
    borrowable = max((gap_after_ms or 0) - BREATH_MS, 0)
    over = played - slot_ms
    if over <= borrowable:
        return Fit(FitStatus.BORROWED, max_speed, played, 0)
    return Fit(FitStatus.TOO_LONG, max_speed, played, over - borrowable)


def script_from_cues(
    target: Sequence[Cue], source: Sequence[Cue], voice: str, speaker: str = "S1"
) -> list[DubLine]:
    """One line per target cue: its id (the in-time, as the XLIFF export), times, text,
    the source words under it, and the voice cast for the speaker."""
    lines = []
    for cue in target:
        under = " ".join(
            " ".join(s.lines) for s in source if s.start_ms < cue.end_ms and s.end_ms > cue.start_ms
        )
        text = " ".join(line.strip() for line in cue.lines if line.strip())
        if text:
            lines.append(
                DubLine(f"c{cue.start_ms}", speaker, cue.start_ms, cue.end_ms, under, text, voice)
            )
    return lines


def gaps_after(lines: Sequence[DubLine], episode_ms: int) -> list[int]:
    """Silence after each line up to the next one (or the episode's end)."""
    starts = [line.start_ms for line in lines[1:]] + [episode_ms] if lines else []
    return [
        max(next_start - line.end_ms, 0) for line, next_start in zip(lines, starts, strict=True)
    ]
