"""The extracted audio (16 kHz mono 16-bit PCM WAV) read and cut by time, without
decoding the rest of the file: a stretch for an ASR chunk, a window to look for a pause."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np


def duration_ms(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() * 1000 // wav.getframerate()


def read_samples(path: Path, start_ms: int, end_ms: int) -> np.ndarray:
    """The samples of ``start_ms..end_ms`` as float32 in -1..1."""
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        wav.setpos(min(wav.getnframes(), start_ms * rate // 1000))
        frames = wav.readframes(max(0, (end_ms - start_ms) * rate // 1000))
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0


def write_stretch(source: Path, start_ms: int, end_ms: int, target: Path) -> None:
    """``start_ms..end_ms`` of a WAV as a WAV of its own, in the same format."""
    with wave.open(str(source), "rb") as wav:
        params = wav.getparams()
        wav.setpos(min(wav.getnframes(), start_ms * params.framerate // 1000))
        frames = wav.readframes(max(0, (end_ms - start_ms) * params.framerate // 1000))
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        out.writeframes(frames)
