"""A dialogue assembled from real recordings of different people (tests/data): turns of
the LibriVox reader, the pocketsphinx "cards" speaker and JFK alternate with short
pauses, and the reference turns are known exactly. Shared by the diarization tests and
benchmarks/diarization.py."""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"
RATE = 16_000


@dataclass(frozen=True)
class ReferenceTurn:
    start_ms: int
    end_ms: int
    speaker: str


def _samples(path: Path) -> np.ndarray:
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1",
               "-ar", str(RATE), "-"]  # fmt: skip
    raw = subprocess.run(command, check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<i2")


def _jfk_phrases() -> list[np.ndarray]:
    # the address's own pauses (seconds), so no turn starts mid-word
    jfk = _samples(DATA / "jfk" / "jfk.mp3")
    cuts = [0.0, 3.9, 7.3, len(jfk) / RATE]
    return [jfk[int(a * RATE) : int(b * RATE)] for a, b in zip(cuts, cuts[1:], strict=False)]


def turns_by_speaker() -> dict[str, list[np.ndarray]]:
    librivox = sorted((DATA / "librivox").glob("*.wav"))
    cards = sorted((DATA / "short" / "cards").glob("*.wav"))
    return {
        "reader": [_samples(p) for p in librivox],
        "cards": [_samples(p) for p in cards],
        "jfk": _jfk_phrases(),
    }


def build_dialogue(
    target: Path, pause_ms: int = 400, half: int | None = None
) -> list[ReferenceTurn]:
    """Write the dialogue as a 16 kHz mono WAV; return its reference turns. ``half`` 1 or 2
    keeps the first or the second half of each speaker's recordings: two "episodes" with
    the same voices saying different things."""
    queues = turns_by_speaker()
    if half is not None:
        for speaker, clips in queues.items():
            middle = (len(clips) + 1) // 2
            queues[speaker] = clips[:middle] if half == 1 else clips[middle:]
    order: list[tuple[str, np.ndarray]] = []
    while any(queues.values()):
        for speaker, clips in queues.items():
            if clips:
                order.append((speaker, clips.pop(0)))
    pause = np.zeros(RATE * pause_ms // 1000, dtype="<i2")
    pieces, turns, clock = [], [], 0
    for speaker, clip in order:
        length = len(clip) * 1000 // RATE
        turns.append(ReferenceTurn(clock, clock + length, speaker))
        pieces += [clip, pause]
        clock += length + pause_ms
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.concatenate(pieces).tobytes())
    return turns
