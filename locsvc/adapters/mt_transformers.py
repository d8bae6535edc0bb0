"""A local seq2seq model directory (MarianMT, M2M100, NLLB) through transformers.

Operators bring their own models: one directory per language pair (MarianMT), or a
many-to-many model (M2M100, NLLB) steered by language tokens. Nothing is fetched
from a hub (HF_HUB_OFFLINE is set before transformers is imported, and every load is
local_files_only). torch and transformers are imported on first use only, so a
deployment without this engine never pays for them."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..domain.errors import ModelUnavailable

# Sentences per generate() call: padding waste grows with the batch, so sentences are
# sorted by length first; 16 keeps memory small on CPU workers.
BATCH_SIZE = 16
MAX_INPUT_TOKENS = 512
# A subtitle sentence translates to at most a few times its own length.
MAX_NEW_TOKENS = 256
NUM_BEAMS = 4

# NLLB names languages by FLORES-200 codes; M2M100 by "__xx__" tokens.
NLLB_CODES = {
    "en": "eng_Latn", "es": "spa_Latn", "pt": "por_Latn", "pt-BR": "por_Latn",
    "fr": "fra_Latn", "it": "ita_Latn", "de": "deu_Latn", "ca": "cat_Latn",
    "gl": "glg_Latn", "ro": "ron_Latn", "nl": "nld_Latn", "ja": "jpn_Jpan",
    "ko": "kor_Hang", "zh": "zho_Hans", "zh-Hant": "zho_Hant", "ar": "arb_Arab",
}  # fmt: skip


class TransformersTranslator:
    name = "transformers"
    batch_size = 64  # split again into BATCH_SIZE for generate(), after sorting by length

    def __init__(self, source: str, target: str, model_dir: Path | str) -> None:
        self.source, self.target = source, target
        self.model_dir = Path(model_dir)
        if not (self.model_dir / "config.json").is_file():
            raise ModelUnavailable(
                f"{self.model_dir} is not a transformers model directory (no config.json)."
            )
        self._loaded: tuple[Any, Any, int | None] | None = None
        self.target_token: str | None = None  # many-to-many models: the forced first token
        self._weights_sha256: str | None = None
        self._lock = threading.Lock()

    def _load(self) -> tuple[Any, Any, int | None]:
        """Tokenizer, model and the forced first target token, loaded once."""
        with self._lock:
            if self._loaded is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                try:
                    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
                    from transformers.utils import logging as transformers_logging
                except ImportError as error:
                    raise ModelUnavailable(
                        "Install locsvc[transformers] (torch, transformers) for this engine."
                    ) from error
                transformers_logging.disable_progress_bar()  # bars in a worker's log: noise
                tokenizer = AutoTokenizer.from_pretrained(self.model_dir, local_files_only=True)
                model = AutoModelForSeq2SeqLM.from_pretrained(
                    self.model_dir, local_files_only=True
                ).eval()
                self._loaded = (tokenizer, model, self._language_tokens(tokenizer, model))
                self._weights_sha256 = _weights_digest(self.model_dir)
            return self._loaded

    def _language_tokens(self, tokenizer: Any, model: Any) -> int | None:
        """For many-to-many models: tell the tokenizer the source language and return
        the target language token that generation must start with."""
        model_type = model.config.model_type
        if model_type not in ("m2m_100", "nllb", "nllb-moe"):
            return None  # MarianMT: the directory is the language pair
        if "nllb" in type(tokenizer).__name__.lower() or model_type != "m2m_100":
            source_code = NLLB_CODES.get(self.source, self.source)
            target_token = NLLB_CODES.get(self.target, self.target)
        else:  # M2M100: the tokenizer takes "en" and writes "__en__"
            source_code = self.source.split("-")[0]
            target_token = f"__{self.target.split('-')[0]}__"
        if hasattr(tokenizer, "src_lang"):
            tokenizer.src_lang = source_code
        self.target_token = target_token
        token_id = tokenizer.convert_tokens_to_ids(target_token)
        if token_id is None or token_id == tokenizer.unk_token_id:
            raise ModelUnavailable(
                f"The model in {self.model_dir} has no language token {target_token!r}."
            )
        return int(token_id)

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        import torch

        tokenizer, model, forced_bos = self._load()
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        results: dict[int, str] = {}
        for start in range(0, len(order), BATCH_SIZE):
            indexes = [i for i in order[start : start + BATCH_SIZE] if sentences[i].strip()]
            results.update({i: sentences[i] for i in order[start : start + BATCH_SIZE]})
            if not indexes:
                continue
            encoded = tokenizer(
                [sentences[i] for i in indexes],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=MAX_INPUT_TOKENS,
            )
            encoded.pop("token_type_ids", None)
            # A decoder with learned positions cannot go past its table.
            longest = getattr(model.config, "max_position_embeddings", None) or MAX_NEW_TOKENS
            options: dict[str, Any] = {
                "num_beams": NUM_BEAMS,
                "max_new_tokens": min(MAX_NEW_TOKENS, longest - 2),
            }
            if forced_bos is not None:
                options["forced_bos_token_id"] = forced_bos
            with torch.inference_mode():
                generated = model.generate(**encoded, **options)
            decoded = tokenizer.batch_decode(generated, skip_special_tokens=True)
            results.update(zip(indexes, (text.strip() for text in decoded), strict=True))
        return [results[i] for i in range(len(sentences))]

    def describe(self) -> dict:
        import torch
        import transformers

        _, model, _ = self._load()
        return {
            "engine": self.name,
            "model_dir": str(self.model_dir),
            "architecture": model.config.model_type,
            "weights_sha256": self._weights_sha256,
            "target_token": self.target_token,
            "transformers": transformers.__version__,
            "torch": torch.__version__,
        }


def _weights_digest(model_dir: Path) -> str:
    """sha256 over the weight files, so provenance names the exact model."""
    digest = hashlib.sha256()
    for path in sorted(model_dir.glob("*.safetensors")) + sorted(model_dir.glob("*.bin")):
        with open(path, "rb") as weights:
            while chunk := weights.read(1024 * 1024):
                digest.update(chunk)
    return digest.hexdigest()
