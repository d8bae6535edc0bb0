"""Pauses in speech, found by Silero VAD (the model inside the faster-whisper wheel): where
a long recording can be cut for recognition without cutting a word, whatever the music or
noise under it."""

from __future__ import annotations

from pathlib import Path

from .wav_audio import read_samples

SAMPLE_RATE = 16_000


def pauses_between(wav: Path, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """The stretches of ``start_ms..end_ms`` (on the file's timeline) with no speech."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = read_samples(wav, start_ms, end_ms)
    if not len(samples):
        return []
    speech = get_speech_timestamps(samples, VadOptions(min_silence_duration_ms=100,
                                                       speech_pad_ms=30))  # fmt: skip
    edges = [0, *(x for s in speech for x in (s["start"], s["end"])), len(samples)]
    pauses = []
    for silent_from, silent_to in zip(edges[::2], edges[1::2], strict=True):
        if silent_to > silent_from:
            pauses.append((start_ms + silent_from * 1000 // SAMPLE_RATE,
                           start_ms + silent_to * 1000 // SAMPLE_RATE))  # fmt: skip
    return pauses
