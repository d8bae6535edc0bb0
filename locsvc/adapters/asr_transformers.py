"""The transformers engine behind the ASR port (LOCSVC_ASR_ENGINE=transformers).

Long audio: transformers' own sequential long-form generation (``generate`` on the
whole recording's features with ``return_timestamps=True``): 30 s windows, the next one
starting at the last timestamp decoded, as openai-whisper does, not the pipeline's
overlapping chunks that are stitched together afterwards.

Word times: transformers' token timestamps (DTW over the alignment heads' cross-
attentions, gathered while decoding). A token's timestamp is where the decoder moved on
to the next token, so a word runs from the timestamp of the token before it to the
timestamp of its last token.

Word probabilities: from the generated tokens' scores (beam search keeps, per step, the
log-probabilities of the chosen beam after the logit processors): a token's probability
is exp(score), a word's the mean over its tokens, as openai-whisper and faster-whisper
report it. transformers keeps every window's full outputs (scores, and with token
timestamps the encoder's attentions: hundreds of MB a window) until the end of the
recording, so each window's outputs are reduced to what is needed as soon as its
segments are cut (``_SegmentReducer``), which keeps memory flat on long episodes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..domain.errors import ModelUnavailable
from ..domain.transcript import Word
from .asr_engines import (
    COMPRESSION_RATIO_THRESHOLD,
    LOG_PROB_THRESHOLD,
    NO_SPEECH_THRESHOLD,
    SAMPLE_RATE,
    TEMPERATURES,
    WINDOW_SECONDS,
    Decoding,
    ProgressCallback,
    TorchWhisperTranscriber,
    require,
    use_threads,
    word,
)
from .whisper_conversion import transformers_model_dir

EXTRA = "transformers"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json")
# Scripts written without spaces between words: a word is each whole character there.
UNSPACED_LANGUAGES = {"zh", "ja", "th", "lo", "my", "yue"}


def _weights_file(directory: Path) -> Path:
    for name in WEIGHT_FILES:
        if (directory / name).is_file():
            return directory / name
    raise ModelUnavailable(
        f"{directory} has no Whisper weights ({', '.join(WEIGHT_FILES)}).", model=str(directory)
    )


class _SegmentReducer:
    """Wraps the model's ``_retrieve_segment`` (called once per decoded window, with
    keyword arguments, after any temperature fallback): each segment gets its tokens'
    probabilities, and keeps of the window's outputs only what ``generate`` reads later
    (sequences and token timestamps)."""

    def __init__(self, retrieve: Any) -> None:
        self.retrieve = retrieve

    def __call__(self, **kwargs: Any) -> Any:
        segments, offset = self.retrieve(**kwargs)
        prompt = kwargs["decoder_input_ids"].shape[-1]
        reduced: dict[int, dict] = {}
        for segment in segments:
            outputs = segment["result"]
            start, end = segment["idxs"]
            scores = outputs["scores"][start - prompt : end - prompt]
            segment["token_probabilities"] = [  # a step per token (beam search may run more)
                float(np.exp(float(step[token])))
                for step, token in zip(scores, segment["tokens"], strict=True)
            ]
            segment["result"] = reduced.setdefault(
                id(outputs), {key: outputs[key] for key in ("sequences", "token_timestamps")}
            )
        return segments, offset


class TransformersWhisperModel:
    precision = "float32"

    def __init__(self, directory: Path, threads: int) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers is imported: no hub, ever
        torch = require("torch", EXTRA)
        transformers = require("transformers", EXTRA)
        transformers.utils.logging.disable_progress_bar()  # bars in a worker's log: noise
        transformers.utils.logging.set_verbosity_error()
        use_threads(threads)
        self.torch = torch
        self.weights = _weights_file(directory)
        self.processor = transformers.WhisperProcessor.from_pretrained(
            directory, local_files_only=True
        )
        model = transformers.WhisperForConditionalGeneration.from_pretrained(
            directory, local_files_only=True, dtype=torch.float32
        ).eval()
        model._retrieve_segment = _SegmentReducer(model._retrieve_segment)
        self.model = model
        config = model.generation_config
        self.languages: dict[str, int] = dict(getattr(config, "lang_to_id", None) or {})
        self.multilingual = bool(getattr(config, "is_multilingual", False) and self.languages)
        self.timestamp_begin = int(config.no_timestamps_token_id) + 1
        self.end_of_text = int(config.eos_token_id)
        self.tokenizer = self.processor.tokenizer

    def _features(self, audio: np.ndarray) -> Any:
        return self.processor.feature_extractor(
            audio,
            sampling_rate=SAMPLE_RATE,
            return_tensors="pt",
            truncation=False,  # the whole recording: generate() cuts the windows
            padding="longest",
            return_attention_mask=True,
        )

    def detect_language(self, audio: np.ndarray) -> tuple[str, float]:
        """The language tokens' distribution after <|startoftranscript|> on the first
        30 s, as faster-whisper and openai-whisper compute it."""
        torch = self.torch
        first = self.processor.feature_extractor(
            audio[: WINDOW_SECONDS * SAMPLE_RATE], sampling_rate=SAMPLE_RATE, return_tensors="pt"
        )
        start = torch.tensor([[self.model.generation_config.decoder_start_token_id]])
        with torch.inference_mode():
            logits = self.model(input_features=first.input_features, decoder_input_ids=start)
        tokens, ids = zip(*self.languages.items(), strict=True)
        probabilities = logits.logits[0, -1, list(ids)].softmax(-1)
        best = int(probabilities.argmax())
        return tokens[best].strip("<|>"), float(probabilities[best])

    def words(
        self, audio: np.ndarray, decoding: Decoding, on_progress: ProgressCallback | None
    ) -> Sequence[Word]:
        torch = self.torch
        features = self._features(audio)

        def progress(position: Any) -> None:  # (batch, 2): frame reached, frames in all
            if on_progress:
                on_progress(min(float(position[0, 0]) / max(float(position[0, 1]), 1.0), 1.0))

        with torch.inference_mode():
            outputs = self.model.generate(
                features.input_features,
                attention_mask=features.attention_mask,
                language=decoding.language if self.multilingual else None,
                task="transcribe" if self.multilingual else None,
                num_beams=decoding.beam_size,
                temperature=TEMPERATURES,
                compression_ratio_threshold=COMPRESSION_RATIO_THRESHOLD,
                logprob_threshold=LOG_PROB_THRESHOLD,
                no_speech_threshold=NO_SPEECH_THRESHOLD,
                condition_on_prev_tokens=False,
                return_timestamps=True,
                return_token_timestamps=True,
                return_segments=True,
                monitor_progress=progress,
            )
        unspaced = decoding.language in UNSPACED_LANGUAGES
        return [
            found for segment in outputs["segments"][0] for found in self._words(segment, unspaced)
        ]

    def _words(self, segment: dict, unspaced: bool) -> list[Word]:
        """A segment's text tokens grouped into words: a token that starts with a space
        starts a word (punctuation without one joins the word before, as in the other
        engines' output); in unspaced scripts, every complete character is a word."""
        tokens = [int(t) for t in segment["tokens"]]
        times = [float(t) for t in segment["token_timestamps"]]
        probabilities = segment["token_probabilities"]
        groups: list[list[int]] = []  # indexes into tokens
        for index, token in enumerate(tokens):
            if token >= self.end_of_text:  # timestamps and special tokens
                continue
            piece = self.tokenizer.decode([token])
            if groups and not piece.startswith(" "):
                previous = [tokens[i] for i in groups[-1]]
                joins = not unspaced or "\ufffd" in self.tokenizer.decode(previous)
                if groups[-1][-1] == index - 1 and joins:
                    groups[-1].append(index)
                    continue
            groups.append([index])
        segment_start = float(segment["start"])
        return [
            word(
                times[group[0] - 1] if group[0] > 0 else segment_start,
                times[group[-1]],
                self.tokenizer.decode([tokens[i] for i in group]),
                float(np.mean([probabilities[i] for i in group])),
            )
            for group in groups
        ]


@lru_cache(maxsize=2)
def _load(directory: str, threads: int) -> TransformersWhisperModel:
    """One model instance per worker process, loaded on first use."""
    return TransformersWhisperModel(Path(directory), threads)


class TransformersTranscriber(TorchWhisperTranscriber):
    name = "transformers"
    extra_parameters = {"long_form": "sequential"}

    @property
    def model_dir(self) -> Path:
        """The transformers directory (converted on first use for ``base``/``tiny.en``)."""
        os.environ["HF_HUB_OFFLINE"] = "1"
        require("transformers", EXTRA)
        return transformers_model_dir(self.model_spec, self.cache_dir)

    def load(self) -> TransformersWhisperModel:
        return _load(str(self.model_dir), self.threads)
