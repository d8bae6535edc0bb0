"""The dub's audio: lines time-stretched (pitch-preserving, ffmpeg atempo) and placed on
a stem of the episode's exact length, mixed over the original sound ducked under the
lines (or over an M&E stem), delivered as WAV, AAC and as an extra MP4 audio track."""

from __future__ import annotations

import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..domain.errors import StageFailed
from .subprocesses import run

RATE = 48_000  # delivery sample rate
DUCKED_GAIN = 0.25  # the original dialogue under a dub line, about -12 dB
TIMEOUT_S = 3600
# MP4 language tags are ISO 639-2 (three letters), not BCP 47.
ISO_639_2 = {
    "en": "eng", "es": "spa", "fr": "fra", "pt": "por", "it": "ita", "de": "deu", "ca": "cat",
    "gl": "glg", "ro": "ron", "nl": "nld", "ja": "jpn", "zh": "zho", "ko": "kor", "ar": "ara",
}  # fmt: skip


def _ffmpeg(*args: str, output: bool = False) -> bytes:
    result = run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise StageFailed(f"ffmpeg failed: {result.stderr.decode(errors='replace')[-500:]}")
    return result.stdout if output else b""


def stretched_samples(wav: Path, speed: float) -> np.ndarray:
    """The line at ``speed`` (pitch kept), as float32 mono samples at RATE."""
    chain = (f"atempo={speed:.4f}," if speed != 1.0 else "") + f"aresample={RATE}"
    raw = _ffmpeg("-i", str(wav), "-filter:a", chain, "-ac", "1", "-f", "f32le", "-",
                  output=True)  # fmt: skip
    return np.frombuffer(raw, dtype=np.float32)


def place_lines(placed: Sequence[tuple[int, np.ndarray]], duration_ms: int) -> np.ndarray:
    """A stem exactly ``duration_ms`` long with each line's samples from its start; a
    line running past the end is kept only up to the end of the episode."""
    stem = np.zeros(duration_ms * RATE // 1000, dtype=np.float32)
    for start_ms, samples in placed:
        begin = start_ms * RATE // 1000
        end = min(begin + len(samples), len(stem))
        if begin < end:
            stem[begin:end] += samples[: end - begin]
    return np.clip(stem, -1.0, 1.0)


def write_wav(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())


def mix(bed: Path, dub_stem: Path, spans_ms: Sequence[tuple[int, int]], duration_ms: int,
        target: Path, duck: bool = True) -> None:  # fmt: skip
    """The dub over ``bed`` (the original sound, ducked under the dub lines; or an M&E
    stem, not ducked), stereo, exactly ``duration_ms`` long."""
    seconds = duration_ms / 1000
    ducking = "+".join(f"between(t,{a / 1000:.3f},{b / 1000:.3f})" for a, b in spans_ms) or "0"
    bed_chain = f"[0:a:0]aresample={RATE},aformat=channel_layouts=stereo"
    if duck:
        bed_chain += f",volume={DUCKED_GAIN}:enable='{ducking}'"
    graph = (
        f"{bed_chain}[bed];[1:a]aresample={RATE},aformat=channel_layouts=stereo[dub];"
        f"[bed][dub]amix=inputs=2:duration=longest:normalize=0,"
        f"apad=whole_dur={seconds:.3f},atrim=end={seconds:.3f}[out]"
    )
    _ffmpeg("-i", str(bed), "-i", str(dub_stem), "-filter_complex", graph, "-map", "[out]",
            "-c:a", "pcm_s16le", "-ar", str(RATE), str(target))  # fmt: skip


def to_aac(wav: Path, target: Path) -> None:
    _ffmpeg("-i", str(wav), "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", str(target))


def add_audio_track(media: Path, dub: Path, language: str, target: Path) -> None:
    """The original video and audio, copied, with the dub as an extra audio track
    tagged with its language."""
    tag = ISO_639_2.get(language.split("-")[0].lower(), "und")
    _ffmpeg("-i", str(media), "-i", str(dub), "-map", "0:v:0", "-map", "0:a:0", "-map", "1:a:0",
            "-c", "copy", "-metadata:s:a:1", f"language={tag}",
            "-metadata:s:a:1", f"title=Dub ({language})", "-disposition:a:1", "0",
            "-f", "mp4", str(target))  # fmt: skip


class FfmpegDubMixer:
    """The DubMixer port, on this module's functions."""

    stretched = staticmethod(stretched_samples)
    mix = staticmethod(mix)
    to_aac = staticmethod(to_aac)
    add_audio_track = staticmethod(add_audio_track)

    @staticmethod
    def write_stem(
        target: Path, placed: Sequence[tuple[int, np.ndarray]], duration_ms: int
    ) -> None:
        write_wav(target, place_lines(placed, duration_ms))
