"""The faster-whisper adapter behind the ASR port."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ..domain.transcript import Transcript, Word
from .asr_models import resolve_model_dir
from .wav_audio import read_samples

ProgressCallback = Callable[[float], None]


@lru_cache(maxsize=4)
def model_digest(model_dir: str) -> str:
    """sha256 of the model weights, once per process: provenance names the exact model."""
    digest = hashlib.sha256()
    with open(Path(model_dir) / "model.bin", "rb") as weights:
        while chunk := weights.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=2)
def _load(model_dir: str, threads: int):
    """One model instance per worker process, loaded on first use."""
    from faster_whisper import WhisperModel  # heavy import, deferred on purpose

    return WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)


class FasterWhisperTranscriber:
    name = "faster-whisper"

    def __init__(self, model: str, cache_dir: Path, threads: int = 2, beam_size: int = 5) -> None:
        self.model_spec = model
        self.cache_dir = Path(cache_dir)
        self.threads = threads
        self.beam_size = beam_size

    @property
    def model_dir(self) -> Path:
        return resolve_model_dir(self.model_spec, self.cache_dir)

    def transcribe(
        self,
        audio_path: Path,
        language: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Transcript:
        model = _load(str(self.model_dir), self.threads)
        if self.model_spec.endswith(".en") and language in (None, "en"):
            language = "en"  # an English-only model detects nothing else
        parameters = {
            "beam_size": self.beam_size,
            "word_timestamps": True,
            "vad_filter": True,
            "condition_on_previous_text": False,
            "language": language,
        }
        segments, info = model.transcribe(str(audio_path), **parameters)
        words: list[Word] = []
        for segment in segments:  # a generator: decoding happens as we iterate
            words.extend(
                Word(
                    round(w.start * 1000),
                    round(w.end * 1000),
                    w.word,
                    round(float(w.probability), 4),
                )
                for w in segment.words or ()
            )
            if on_progress and info.duration:
                on_progress(min(segment.end / info.duration, 1.0))
        return Transcript(
            language=info.language,
            language_probability=round(float(info.language_probability), 4),
            duration_ms=round(info.duration * 1000),
            words=tuple(words),
            model=f"{self.name}:{self.model_spec}",
            parameters={**parameters, "compute_type": "int8", "threads": self.threads},
            model_sha256=model_digest(str(self.model_dir)),
        )

    def align_text(
        self, audio_path: Path, start_ms: int, end_ms: int, text: str, language: str | None
    ) -> list[Word]:
        """``text`` aligned to ``start_ms..end_ms`` (at most 30 s) of a 16 kHz mono WAV by
        the model's cross-attention, as its word timestamps are: the text's pieces (a word,
        or its punctuation apart) on the file's timeline, each with the model's confidence."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer

        model = _load(str(self.model_dir), self.threads)
        samples = read_samples(audio_path, start_ms, end_ms)
        features = model.feature_extractor(samples)
        encoded = model.encode(pad_or_trim(features))
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                              task="transcribe", language=language or "en")  # fmt: skip
        tokens = tokenizer.encode(" " + text.strip())
        [pieces] = model.find_alignment(tokenizer, [tokens], encoded, features.shape[-1])
        return [
            Word(start_ms + round(p["start"] * 1000), start_ms + round(p["end"] * 1000),
                 p["word"], round(float(p["probability"]), 4))
            for p in pieces
        ]  # fmt: skip
