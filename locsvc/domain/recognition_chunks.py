"""A long recording recognised in chunks: where to cut it (at pauses, never inside a word)
and how the chunks' words become one transcript on the episode's timeline again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .transcript import Transcript

# A cut looks this far either side of its even share of the recording for a pause.
PAUSE_SEARCH_MS = 20_000
# A pause at least this long is a safe cut (a breath between phrases is ~200 ms); among
# those the nearest to the even cut wins, otherwise the longest there is.
GOOD_PAUSE_MS = 400


def even_cuts(duration_ms: int, chunks: int) -> list[int]:
    """Where ``chunks`` equal chunks would meet."""
    return [duration_ms * n // chunks for n in range(1, chunks)]


def cut_in_pause(pauses: Sequence[tuple[int, int]], at_ms: int) -> int:
    """The middle of the best pause near ``at_ms``; ``at_ms`` itself when there is none
    (continuous sound: no cut can avoid it)."""
    if not pauses:
        return at_ms
    good = [p for p in pauses if p[1] - p[0] >= GOOD_PAUSE_MS]
    if good:
        start, end = min(good, key=lambda p: (abs((p[0] + p[1]) // 2 - at_ms), p[0]))
    else:
        start, end = max(pauses, key=lambda p: (p[1] - p[0], -p[0]))
    return (start + end) // 2


def chunk_spans(cuts: Sequence[int], duration_ms: int) -> list[tuple[int, int]]:
    bounds = [0, *cuts, duration_ms]
    return list(zip(bounds, bounds[1:], strict=False))


def stitch(parts: Sequence[Transcript], language: str | None) -> Transcript:
    """The chunks' transcripts (words already on the episode's timeline) as one: their
    words in order, the language asked for or the one most words were heard in."""
    if not parts:
        raise ValueError("nothing to stitch")
    words = tuple(word for part in parts for word in part.words)
    heard: dict[str, int] = {}
    for part in parts:
        heard[part.language] = heard.get(part.language, 0) + len(part.words)
    chosen = language or max(heard, key=lambda lang: heard[lang])
    agreeing = [p for p in parts if p.language == chosen] or list(parts)
    probability = sum(p.language_probability for p in agreeing) / len(agreeing)
    return replace(
        parts[0],
        language=chosen,
        language_probability=round(probability, 4),
        duration_ms=sum(p.duration_ms for p in parts),
        words=words,
        parameters={**parts[0].parameters, "chunks": len(parts)},
    )
