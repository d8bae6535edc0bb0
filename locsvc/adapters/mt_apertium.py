"""Apertium (Debian packages): direct pairs and pivots through Spanish, in one table."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from functools import lru_cache

from ..domain.errors import ModelUnavailable, StageFailed
from .subprocesses import run

# (source, target) -> the modes applied in turn; a pivot is simply two modes.
# Mode names are Apertium's own (eng-spa, not en-es). Installed by `make system-deps`.
CHAINS: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "es"): ("eng-spa",),
    ("es", "en"): ("spa-eng",),
    ("es", "pt"): ("es-pt",),
    ("es", "pt-BR"): ("es-pt_BR",),
    ("pt", "es"): ("pt-es",),
    ("es", "fr"): ("es-fr",),
    ("fr", "es"): ("fr-es",),
    ("es", "it"): ("spa-ita",),
    ("it", "es"): ("ita-spa",),
    ("en", "pt"): ("eng-spa", "es-pt"),
    ("en", "pt-BR"): ("eng-spa", "es-pt_BR"),
    ("en", "fr"): ("eng-spa", "es-fr"),
    ("en", "it"): ("eng-spa", "spa-ita"),
    ("es", "gl"): ("es-gl",),
    ("gl", "es"): ("gl-es",),
    ("es", "ca"): ("spa-cat",),
    ("ca", "es"): ("cat-spa",),
    ("ro", "es"): ("ro-es",),  # apertium-es-ro translates Romanian into Spanish only
    ("en", "gl"): ("eng-spa", "es-gl"),
    ("en", "ca"): ("eng-spa", "spa-cat"),
    ("ro", "en"): ("ro-es", "spa-eng"),
}
# Sentences travel one per line; Apertium keeps line structure.
TIMEOUT_S = 600
VERSION_TIMEOUT_S = 30


@lru_cache(maxsize=1)
def apertium_version() -> str:
    if shutil.which("dpkg-query") is None:
        return "unknown"
    result = run(
        ["dpkg-query", "-W", "-f=${Version}", "apertium"], text=True, timeout=VERSION_TIMEOUT_S
    )
    return result.stdout.strip() or "unknown"


class ApertiumTranslator:
    name = "apertium"
    # Each call starts the mode's process pipeline (about 0.1 s): a whole episode's
    # sentences go through one.
    batch_size = 5000

    def __init__(self, source: str, target: str) -> None:
        self.chain = CHAINS[(source, target)]
        self.source, self.target = source, target

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        if not sentences:
            return []
        if shutil.which("apertium") is None:
            raise ModelUnavailable("Apertium is not installed (make system-deps).")
        text = "\n".join(" ".join(s.split()) for s in sentences) + "\n"
        for mode in self.chain:
            result = run(["apertium", "-u", mode], input=text, text=True, timeout=TIMEOUT_S)
            if result.returncode != 0:
                raise StageFailed(f"apertium {mode} failed: {result.stderr.strip()[-300:]}")
            text = result.stdout
        lines = text.split("\n")[: len(sentences)]
        if len(lines) != len(sentences):
            raise StageFailed(
                f"apertium returned {len(lines)} lines for {len(sentences)} sentences"
            )
        return [line.strip() for line in lines]

    def describe(self) -> dict:
        return {"engine": self.name, "version": apertium_version(), "modes": list(self.chain)}
