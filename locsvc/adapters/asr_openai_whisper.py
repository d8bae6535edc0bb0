"""The openai-whisper engine behind the ASR port (LOCSVC_ASR_ENGINE=openai-whisper).

openai-whisper's own ``transcribe`` runs the long-form loop (30 s windows, each next
window starting at the last timestamp decoded) and the word alignment (cross-attention
DTW on the alignment heads, word probability = mean of its tokens' probabilities). The
weights: an operator's ``.pt`` checkpoint, or the packaged CTranslate2 model converted
once (whisper_conversion). Installed with ``--no-deps`` (the Makefile says why)."""

from __future__ import annotations

import importlib
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..domain.transcript import Word
from .asr_engines import (
    COMPRESSION_RATIO_THRESHOLD,
    LOG_PROB_THRESHOLD,
    NO_SPEECH_THRESHOLD,
    TEMPERATURES,
    Decoding,
    ProgressCallback,
    TorchWhisperTranscriber,
    require,
    use_threads,
    word,
)
from .whisper_conversion import openai_whisper_checkpoint

EXTRA = "openai-whisper"
# whisper.transcribe reports progress only to a tqdm bar on stderr: while it runs, its
# module's ``tqdm`` is swapped for one whose bar calls on_progress. One transcription
# at a time per process (the lock): torch already uses every thread it is given.
_PROGRESS_LOCK = threading.Lock()


class _ProgressBar:
    """The slice of tqdm that whisper.transcribe uses: a context manager with update()."""

    def __init__(self, on_progress: ProgressCallback | None, total: int, **_: Any) -> None:
        self.on_progress, self.total, self.done = on_progress, max(total, 1), 0

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def update(self, frames: int) -> None:
        self.done += frames
        if self.on_progress:
            self.on_progress(min(self.done / self.total, 1.0))


@contextmanager
def _progress_to(on_progress: ProgressCallback | None) -> Iterator[None]:
    module: Any = importlib.import_module("whisper.transcribe")
    with _PROGRESS_LOCK:
        original = module.tqdm
        module.tqdm = SimpleNamespace(tqdm=lambda **kw: _ProgressBar(on_progress, **kw))
        try:
            yield
        finally:
            module.tqdm = original


class OpenAIWhisperModel:
    """A checkpoint loaded as whisper.load_model loads one, plus the alignment heads
    that a converted checkpoint carries (load_model sets them for hub names only)."""

    precision = "float32"

    def __init__(self, checkpoint: Path, threads: int) -> None:
        torch = require("torch", EXTRA)
        whisper = require("whisper", EXTRA)
        use_threads(threads)
        saved = torch.load(checkpoint, map_location="cpu", weights_only=True)
        model = whisper.model.Whisper(whisper.model.ModelDimensions(**saved["dims"]))
        model.load_state_dict(saved["model_state_dict"])
        if saved.get("alignment_heads"):
            model.set_alignment_heads(saved["alignment_heads"])
        with warnings.catch_warnings():  # whisper/tokenizer.py leaves its vocabulary file
            warnings.simplefilter("ignore", ResourceWarning)  # to the GC: read it once now
            whisper.tokenizer.get_tokenizer(
                model.is_multilingual, num_languages=model.num_languages
            )
        self.model = model.eval()
        self.whisper = whisper
        self.weights = checkpoint
        self.multilingual = bool(model.is_multilingual)

    def detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        whisper = self.whisper
        mel = whisper.log_mel_spectrogram(whisper.pad_or_trim(audio), self.model.dims.n_mels)
        _, probabilities = self.model.detect_language(mel)
        language = max(probabilities, key=probabilities.get)
        return language, float(probabilities[language])

    def words(
        self, audio: np.ndarray, decoding: Decoding, on_progress: ProgressCallback | None
    ) -> Sequence[Word]:
        with _progress_to(on_progress):
            result = self.whisper.transcribe(
                self.model,
                audio,
                verbose=False,  # the (swapped) progress bar on, the text printing off
                language=decoding.language,
                task="transcribe",
                temperature=TEMPERATURES,
                compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD,
                logprob_threshold=LOG_PROB_THRESHOLD,
                no_speech_threshold=NO_SPEECH_THRESHOLD,
                condition_on_previous_text=False,
                word_timestamps=True,
                beam_size=decoding.beam_size,
                best_of=decoding.beam_size,  # samples per fallback temperature, as faster-whisper
                fp16=False,  # CPU
            )
        return [
            word(w["start"], w["end"], w["word"], w["probability"])
            for segment in result["segments"]
            for w in segment.get("words", ())
        ]


@lru_cache(maxsize=2)
def _load(checkpoint: str, threads: int) -> OpenAIWhisperModel:
    """One model instance per worker process, loaded on first use."""
    return OpenAIWhisperModel(Path(checkpoint), threads)


class OpenAIWhisperTranscriber(TorchWhisperTranscriber):
    name = "openai-whisper"

    @property
    def model_dir(self) -> Path:
        """The checkpoint file (converted on first use for ``base``/``tiny.en``)."""
        require("torch", EXTRA)
        return openai_whisper_checkpoint(self.model_spec, self.cache_dir)

    def load(self) -> OpenAIWhisperModel:
        require("whisper", EXTRA)  # before a conversion that would be of no use
        return _load(str(self.model_dir), self.threads)
