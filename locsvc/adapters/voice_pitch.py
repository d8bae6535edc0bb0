"""A speaker's register: the median fundamental frequency of their voiced speech, by YIN
(de Cheveigné and Kawahara 2002: the first dip of the cumulative-mean-normalised
difference function, which avoids the octave errors of a plain autocorrelation peak).
Only used to tell a higher voice from a lower one when casting dub voices, so this small
estimator is enough (no pitch-tracking dependency)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FRAME_MS = 50  # two periods of the lowest pitch, and then some
HOP_MS = 20
LOWEST_HZ, HIGHEST_HZ = 60, 400  # the range of adult and child speaking voices
DIP = 0.15  # YIN's threshold: the first lag whose normalised difference falls below it
VOICED = 0.35  # a frame whose best dip stays above this is not voiced
MAX_FRAMES = 3000  # a minute of voiced frames is plenty for a median


def median_pitch(
    samples: np.ndarray, spans_ms: Sequence[tuple[int, int]], rate: int
) -> float | None:
    """Median F0 in Hz over the voiced frames inside ``spans_ms``; None if none is voiced."""
    frame, hop = rate * FRAME_MS // 1000, rate * HOP_MS // 1000
    shortest, longest = rate // HIGHEST_HZ, rate // LOWEST_HZ
    pitches: list[float] = []
    for start_ms, end_ms in spans_ms:
        clip = samples[start_ms * rate // 1000 : end_ms * rate // 1000].astype(np.float64)
        for begin in range(0, len(clip) - frame + 1, hop):
            lag = _period(clip[begin : begin + frame], shortest, longest)
            if lag is not None:
                pitches.append(rate / lag)
            if len(pitches) >= MAX_FRAMES:
                break
    return round(float(np.median(pitches)), 1) if pitches else None


def _period(frame: np.ndarray, shortest: int, longest: int) -> float | None:
    width = len(frame) - longest
    if float(frame @ frame) < 1e-6 * len(frame):
        return None  # silence
    shifted = np.lib.stride_tricks.sliding_window_view(frame, width)[: longest + 1]
    difference = ((shifted - frame[:width]) ** 2).sum(axis=1)
    running = np.cumsum(difference[1:])
    normalised = np.ones_like(difference)
    normalised[1:] = difference[1:] * np.arange(1, longest + 1) / np.maximum(running, 1e-12)
    candidates = np.nonzero(normalised[shortest:] < DIP)[0]
    if len(candidates):
        lag = shortest + int(candidates[0])
        while lag + 1 <= longest and normalised[lag + 1] < normalised[lag]:
            lag += 1  # down to the bottom of the dip
    else:
        lag = shortest + int(np.argmin(normalised[shortest:]))
        if normalised[lag] > VOICED:
            return None
    return float(lag)
