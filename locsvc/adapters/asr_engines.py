"""What the PyTorch Whisper engines (openai-whisper, transformers) share behind the ASR
port: the decoding settings (faster-whisper's, as far as each engine allows), audio
decoding, language detection's bookkeeping, threads, provenance and the Transcript.

Each engine module supplies a ``LoadedWhisper``: the model loaded once per process
(``functools.lru_cache`` on its path and thread count), able to detect the language of
the first 30 s and to recognise words. torch and the engine's package are imported on
first use only, so a deployment on faster-whisper never pays for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

from ..domain.errors import ModelUnavailable
from ..domain.transcript import Transcript, Word
from .asr_models import file_sha256

ProgressCallback = Callable[[float], None]

SAMPLE_RATE = 16_000  # Whisper's input: 16 kHz mono
WINDOW_SECONDS = 30  # one decoding window; the language is detected on the first one
# faster-whisper's defaults, which FasterWhisperTranscriber keeps: start greedy-ish at
# temperature 0 (beam search) and fall back to sampling at rising temperatures for a
# window whose text repeats itself (gzip ratio) or is improbable (mean log-prob), unless
# that window is silence (no-speech probability).
TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
COMPRESSION_RATIO_THRESHOLD = 2.4
LOG_PROB_THRESHOLD = -1.0
NO_SPEECH_THRESHOLD = 0.6


# How to install each optional engine (`make setup` does both, for the tests).
INSTALL = {
    "openai-whisper": "pip install -e '.[openai-whisper]' && "
    "pip install --no-deps openai-whisper==20250625 (its own requirements pull triton)",
    "transformers": "pip install -e '.[transformers]'",
}


def require(module: str, extra: str) -> ModuleType:
    """Import an optional engine's package, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ModelUnavailable(
            f"LOCSVC_ASR_ENGINE={extra} needs the {module!r} package, which is not "
            f"installed: {INSTALL[extra]}.",
            package=module,
            extra=extra,
        ) from error


def use_threads(threads: int) -> None:
    """torch's intra-op threads for this process (LOCSVC_ASR_THREADS)."""
    import torch

    torch.set_num_threads(threads)


def load_audio(path: Path) -> np.ndarray:
    """16 kHz mono float32 samples, decoded the way faster-whisper decodes them (PyAV):
    every engine hears the same samples."""
    from faster_whisper.audio import decode_audio

    return np.asarray(decode_audio(str(path), sampling_rate=SAMPLE_RATE), dtype=np.float32)


@lru_cache(maxsize=4)
def weights_sha256(path: str) -> str:
    """sha256 of the weights file a model was loaded from, once per process."""
    return file_sha256(Path(path))


@dataclass(frozen=True)
class Decoding:
    beam_size: int
    language: str


class LoadedWhisper(Protocol):
    multilingual: bool
    weights: Path  # the file the weights were read from (provenance)
    precision: str  # what the arithmetic runs in

    def detect_language(self, audio: np.ndarray) -> tuple[str, float]: ...

    def words(
        self, audio: np.ndarray, decoding: Decoding, on_progress: ProgressCallback | None
    ) -> Sequence[Word]: ...


class TorchWhisperTranscriber:
    """The Transcriber port for an engine module's ``LoadedWhisper``."""

    name = ""
    extra_parameters: dict = {}  # what this engine does its own way, for the record

    def __init__(self, model: str, cache_dir: Path, threads: int = 2, beam_size: int = 5) -> None:
        self.model_spec = model
        self.cache_dir = Path(cache_dir)
        self.threads = threads
        self.beam_size = beam_size

    @property
    def model_dir(self) -> Path:
        raise NotImplementedError

    def load(self) -> LoadedWhisper:
        raise NotImplementedError

    def transcribe(
        self,
        audio_path: Path,
        language: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        model = self.load()
        audio = load_audio(audio_path)
        if not model.multilingual and language in (None, "en"):
            language = "en"  # an English-only model detects nothing else
        requested, probability = language, 1.0  # faster-whisper's for a language given
        if language is None:
            language, probability = model.detect_language(audio)
        words = model.words(audio, Decoding(self.beam_size, language), on_progress)
        if on_progress:
            on_progress(1.0)
        parameters = {
            "beam_size": self.beam_size,
            "word_timestamps": True,
            "vad_filter": False,  # no VAD in these engines: silence is decoded (and skipped)
            "condition_on_previous_text": False,
            "language": requested,  # None: detected, as faster-whisper records it
            "temperature": list(TEMPERATURES),
            "compression_ratio_threshold": COMPRESSION_RATIO_THRESHOLD,
            "log_prob_threshold": LOG_PROB_THRESHOLD,
            "no_speech_threshold": NO_SPEECH_THRESHOLD,
            "compute_type": model.precision,
            "threads": self.threads,
            **self.extra_parameters,
        }
        return Transcript(
            language=language,
            language_probability=round(float(probability), 4),
            duration_ms=round(len(audio) * 1000 / SAMPLE_RATE),
            words=tuple(words),
            model=f"{self.name}:{self.model_spec}",
            parameters=parameters,
            model_sha256=weights_sha256(str(model.weights)),
        )


def word(start_s: float, end_s: float, text: str, probability: float) -> Word:
    """A Word in the project's units: integer ms, probability to 4 places."""
    start_ms = round(float(start_s) * 1000)
    return Word(start_ms, max(start_ms, round(float(end_s) * 1000)), text,
                round(float(probability), 4))  # fmt: skip
