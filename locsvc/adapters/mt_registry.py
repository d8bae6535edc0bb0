"""Which engine translates which language pair: a default table, overridable by
configuration (LOCSVC_MT_ENGINES), extended by local transformers model directories
(LOCSVC_MT_TRANSFORMERS) and, when LOCSVC_LLM_URL names a server, by the `llm` engine
for any pair (last in preference: chosen per pair, or where nothing else translates)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..domain.errors import InvalidRequest, UnsupportedLanguagePair
from ..domain.pipeline import MT_ENGINES
from ..ports import Translator
from . import mt_apertium, mt_bergamot
from .llm_client import ChatClient
from .mt_llm import LlmTranslator
from .mt_transformers import TransformersTranslator

Pair = tuple[str, str]
PREFERENCE = MT_ENGINES


@dataclass(frozen=True)
class LlmServer:
    """Where the `llm` engine's model is served (LOCSVC_LLM_*)."""

    url: str
    model: str | None = None
    api_key: str | None = field(default=None, repr=False)  # a secret: never shown
    timeout_s: float = 120.0
    cache_dir: Path | None = None


@dataclass(frozen=True)
class MtChoices:
    engines: dict[Pair, str] = field(default_factory=dict)  # engine named per pair
    transformers_models: dict[Pair, Path] = field(default_factory=dict)
    llm: LlmServer | None = None

    def covers(self, engine: str, source: str, target: str) -> bool:
        if engine == "llm":
            return self.llm is not None and source != target
        return (source, target) in self.supported(engine)

    def supported(self, engine: str) -> set[Pair]:
        """The pairs an engine lists (the `llm` engine lists none: it takes any pair)."""
        return {
            "bergamot": set(mt_bergamot.PAIRS),
            "apertium": set(mt_apertium.CHAINS),
            "transformers": set(self.transformers_models),
            "llm": set(),
        }[engine]

    def create(self, engine: str, source: str, target: str) -> Translator:
        factories: dict[str, Callable[[], Translator]] = {
            "bergamot": lambda: mt_bergamot.BergamotTranslator(source, target),
            "apertium": lambda: mt_apertium.ApertiumTranslator(source, target),
            "transformers": lambda: TransformersTranslator(
                source, target, self.transformers_models[(source, target)]
            ),
            "llm": lambda: self._llm(source, target),
        }
        return factories[engine]()

    def fallback_for(self, source: str, target: str) -> str | None:
        """The engine after `llm` for the pair: the first other engine that has it."""
        return next((n for n in PREFERENCE if n != "llm" and self.covers(n, source, target)),
                    None)  # fmt: skip

    def _llm(self, source: str, target: str) -> Translator:
        assert self.llm is not None
        server = self.llm
        fallback = self.fallback_for(source, target)
        return LlmTranslator(
            source, target,
            _client_for(server),
            model=server.model, cache_dir=server.cache_dir,
            fallback=(lambda: self.create(fallback, source, target)) if fallback else None,
            fallback_name=fallback,
        )  # fmt: skip


@lru_cache(maxsize=8)
def _client_for(server: LlmServer) -> ChatClient:
    """One client per server and process: its retries and circuit breaker see every
    language pair's requests."""
    return ChatClient(server.url, server.api_key, server.timeout_s)


def engine_for(
    source: str, target: str, engine: str | None = None, choices: MtChoices | None = None
) -> str:
    """The engine asked for, else the one configured for the pair, else the first of
    PREFERENCE that has the pair; a clear 4xx when none has it. Loads nothing, so
    requests can be checked before any work is queued."""
    choices = choices or MtChoices()
    engine = engine or choices.engines.get((source, target))
    names = (engine,) if engine else PREFERENCE
    for name in names:
        if name not in PREFERENCE:
            raise InvalidRequest(f"Unknown MT engine {name!r}; known: {', '.join(PREFERENCE)}.")
        if choices.covers(name, source, target):
            return name
    pairs = sorted(f"{s}->{t}" for name in names for s, t in choices.supported(name))
    if "llm" in names and choices.llm is None:
        pairs.append("any pair with llm once LOCSVC_LLM_URL is set")
    raise UnsupportedLanguagePair(
        f"No MT engine{' ' + engine if engine else ''} translates {source} -> {target}; "
        f"available: {', '.join(pairs)}.",
        source=source,
        target=target,
    )


def targets_reachable(target: str, choices: MtChoices | None = None) -> bool:
    """Whether any engine translates into ``target`` (from some source language)."""
    choices = choices or MtChoices()
    if choices.llm is not None:
        return True
    return any(t == target for name in PREFERENCE for _, t in choices.supported(name))


def translator_for(
    source: str, target: str, engine: str | None = None, choices: MtChoices | None = None
) -> Translator:
    choices = choices or MtChoices()
    return choices.create(engine_for(source, target, engine, choices), source, target)


class TranslatorPool:
    """One engine instance per language pair and process, loaded on first use: a
    worker pays for loading a model once, not per episode."""

    def __init__(self, choices: MtChoices | None = None) -> None:
        self.choices = choices or MtChoices()
        self._translators: dict[tuple[str, str, str], Translator] = {}
        self._lock = threading.Lock()

    def engine_for(self, source: str, target: str, engine: str | None = None) -> str:
        return engine_for(source, target, engine, self.choices)

    def reachable(self, target: str) -> bool:
        return targets_reachable(target, self.choices)

    def get(self, source: str, target: str, engine: str | None = None) -> Translator:
        name = engine_for(source, target, engine, self.choices)
        with self._lock:
            key = (name, source, target)
            if key not in self._translators:
                self._translators[key] = self.choices.create(name, source, target)
            return self._translators[key]
