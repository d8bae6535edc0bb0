"""A speaker's register: the median fundamental frequency of their voiced speech, by
normalised autocorrelation. Only used to tell a higher voice from a lower one when
casting dub voices, so a plain estimator is enough (no pitch-tracking dependency)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FRAME_MS = 40
HOP_MS = 20
LOWEST_HZ, HIGHEST_HZ = 60, 400  # the range of adult and child speaking voices
VOICED = 0.5  # autocorrelation peak above which a frame is voiced
MAX_FRAMES = 3000  # a minute of frames is plenty for a median


def median_pitch(
    samples: np.ndarray, spans_ms: Sequence[tuple[int, int]], rate: int
) -> float | None:
    """Median F0 in Hz over the voiced frames inside ``spans_ms``; None if none is voiced."""
    frame, hop = rate * FRAME_MS // 1000, rate * HOP_MS // 1000
    shortest, longest = rate // HIGHEST_HZ, rate // LOWEST_HZ
    pitches: list[float] = []
    for start_ms, end_ms in spans_ms:
        clip = samples[start_ms * rate // 1000 : end_ms * rate // 1000]
        for begin in range(0, len(clip) - frame + 1, hop):
            window = clip[begin : begin + frame] - clip[begin : begin + frame].mean()
            energy = float(window @ window)
            if energy < 1e-6:
                continue
            correlation = np.correlate(window, window, "full")[frame - 1 :] / energy
            lag = shortest + int(np.argmax(correlation[shortest:longest]))
            if correlation[lag] >= VOICED:
                pitches.append(rate / lag)
            if len(pitches) >= MAX_FRAMES:
                return round(float(np.median(pitches)), 1)
    return round(float(np.median(pitches)), 1) if pitches else None
