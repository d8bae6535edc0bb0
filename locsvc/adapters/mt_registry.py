"""Which engine translates which language pair: a default table, overridable by name."""

from __future__ import annotations

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


def translator_for(
    source: str,
    target: str,
    engine: str | None = None,
    configured: dict[tuple[str, str], str] | None = None,
) -> Translator:
    """The engine asked for, else the one configured for the pair (LOCSVC_MT_ENGINES),
    else the first of PREFERENCE that has the pair; a clear 4xx when none has it."""
    engine = engine or (configured or {}).get((source, target))
    names = (engine,) if engine else PREFERENCE
    for name in names:
        if name not in ENGINES:
            raise InvalidRequest(f"Unknown MT engine {name!r}; known: {', '.join(ENGINES)}.")
        if (source, target) in SUPPORTED[name]:
            return ENGINES[name](source, target)
    pairs = sorted(f"{s}->{t}" for name in names for s, t in SUPPORTED[name])
    raise UnsupportedLanguagePair(
        f"No MT engine{' ' + engine if engine else ''} translates {source} -> {target}; "
        f"available: {', '.join(pairs)}.",
        source=source,
        target=target,
    )
