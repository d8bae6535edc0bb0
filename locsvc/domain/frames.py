"""Times on a frame grid. Files keep whole milliseconds, so a time on a frame is off by
up to half a millisecond (2 frames at 23.976 fps are 83.4 ms, kept as 83 or 84):
compare times with frame durations in frames, never in milliseconds."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Frames:
    rate: float  # frames per second

    def floor(self, ms: int) -> int:
        return math.floor(ms * self.rate / 1000 + 1e-9)

    def ceil(self, ms: int) -> int:
        return math.ceil(ms * self.rate / 1000 - 1e-9)

    def nearest(self, ms: int) -> int:
        # half up, not to even: a whole number of frames apart stays so, off the grid too
        return math.floor(ms * self.rate / 1000 + 0.5)

    def ms(self, frame: int) -> int:
        return round(frame * 1000 / self.rate)

    def between(self, earlier_ms: int, later_ms: int) -> int:
        """Whole frames from one time to another, each time taken at its nearest frame
        (for times made on the grid, as segmentation makes them)."""
        return self.nearest(later_ms) - self.nearest(earlier_ms)

    def at_least(self, earlier_ms: int, later_ms: int, frames: int) -> bool:
        """Whether two whole-millisecond times can be ``frames`` frames apart: each may sit
        up to half a millisecond off its frame (never more than half a frame), so 83 ms is
        2 frames at 23.976 fps (83.4), but 43 ms is not 2 frames at 24 fps (83.3)."""
        rounding_ms = min(1.0, 500 / self.rate)  # both ends' half millisecond
        return (later_ms - earlier_ms + rounding_ms) * self.rate / 1000 >= frames - 1e-9
