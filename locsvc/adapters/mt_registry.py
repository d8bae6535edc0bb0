"""Which engine translates which language pair: a default table, overridable by name."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..domain.errors import InvalidRequest, UnsupportedLanguagePair
from ..services.ports import Translator
from . import mt_apertium, mt_bergamot

ENGINES: dict[str, Callable[[str, str], Translator]] = {
    "bergamot": mt_bergamot.BergamotTranslator,
    "apertium": mt_apertium.ApertiumTranslator,
}
SUPPORTED = {"bergamot": set(mt_bergamot.PAIRS), "apertium": set(mt_apertium.CHAINS)}
# Neural where we have it, rule-based elsewhere.
PREFERENCE = ("bergamot", "apertium")


def engine_for(
    source: str,
    target: str,
    engine: str | None = None,
    configured: dict[tuple[str, str], str] | None = None,
) -> str:
    """The engine asked for, else the one configured for the pair (LOCSVC_MT_ENGINES),
    else the first of PREFERENCE that has the pair; a clear 4xx when none has it.
    Loads nothing, so requests can be checked before any work is queued."""
    engine = engine or (configured or {}).get((source, target))
    names = (engine,) if engine else PREFERENCE
    for name in names:
        if name not in ENGINES:
            raise InvalidRequest(f"Unknown MT engine {name!r}; known: {', '.join(ENGINES)}.")
        if (source, target) in SUPPORTED[name]:
            return name
    pairs = sorted(f"{s}->{t}" for name in names for s, t in SUPPORTED[name])
    raise UnsupportedLanguagePair(
        f"No MT engine{' ' + engine if engine else ''} translates {source} -> {target}; "
        f"available: {', '.join(pairs)}.",
        source=source,
        target=target,
    )


def targets_reachable(target: str) -> bool:
    """Whether any engine translates into ``target`` (from some source language)."""
    return any(t == target for pairs in SUPPORTED.values() for _, t in pairs)


def translator_for(
    source: str,
    target: str,
    engine: str | None = None,
    configured: dict[tuple[str, str], str] | None = None,
) -> Translator:
    return ENGINES[engine_for(source, target, engine, configured)](source, target)


class TranslatorPool:
    """One engine instance per language pair and process, loaded on first use: a
    worker pays for loading a model once, not per episode."""

    def __init__(self, configured: dict[tuple[str, str], str] | None = None) -> None:
        self._configured = configured or {}
        self._translators: dict[tuple[str, str, str], Translator] = {}
        self._lock = threading.Lock()

    def get(self, source: str, target: str, engine: str | None = None) -> Translator:
        name = engine_for(source, target, engine, self._configured)
        with self._lock:
            key = (name, source, target)
            if key not in self._translators:
                self._translators[key] = ENGINES[name](source, target)
            return self._translators[key]
