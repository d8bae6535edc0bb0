"""Translation memory: units (a source text and its approved translation, with the
sentences around it) and how a new sentence matches them.

Scores follow the CAT tools' scale: 101 when the text and both neighbours are the same
(in-context exact), 100 when the text is, and below that a fuzzy score: the token-level
edit similarity (Levenshtein distance over case-folded word tokens, tags left out, every
number one token) with penalties for what those tokens hide: differing numbers, case,
tags and punctuation. A fuzzy score never reaches 100.

Candidates are narrowed before scoring (prefix filtering with a count filter): a unit
whose tokens score at least ``threshold`` against a query of n tokens misses at most
m = n - ceil(threshold * n) of them, so it holds at least k - m of any k distinct ones. The
index is asked for the query's rarest tokens (m + 1 of them at least, more while their
postings stay few), for units holding enough of them, of a length that could reach the
threshold; only those are scored."""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from .text import MARKUP

DEFAULT_THRESHOLD = 75
MAX_TOKEN = 100  # characters of a token the index keeps
# Units scored per query at most: a query of only very common words in a huge memory
# stops here rather than scoring tens of thousands of units.
MAX_CANDIDATES = 5000
# Postings a probe may read to raise its count filter: this many, or this many times what
# prefix filtering alone reads (a query of common words reads more, to score far fewer).
PROBE_POSTINGS = 4_000
PROBE_GROWTH = 3
WORD = re.compile(r"\w+(?:['’]\w+)*")
NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
PUNCTUATION = re.compile(r"[^\w\s]")
# Penalties, in points, for differences the word tokens do not see.
NUMBER_PENALTY = 2
CASE_PENALTY = 1
TAG_PENALTY = 1
PUNCTUATION_PENALTY = 1


class UnitKind(StrEnum):
    SENTENCE = "sentence"  # a source sentence as the translate stage joins it
    CUE = "cue"  # one source cue and the target text shown over it


class Band(StrEnum):
    IN_CONTEXT = "101"
    EXACT = "100"
    HIGH = "95-99"
    MEDIUM = "85-94"
    LOW = "75-84"
    NONE = "no match"


BANDS = tuple(Band)


def band_of(score: int, threshold: int = DEFAULT_THRESHOLD) -> Band:
    if score >= 101:
        return Band.IN_CONTEXT
    if score == 100:
        return Band.EXACT
    if score < threshold:
        return Band.NONE
    if score >= 95:
        return Band.HIGH
    if score >= 85:
        return Band.MEDIUM
    return Band.LOW if score >= 75 else Band.NONE


@dataclass(frozen=True)
class MemoryUnit:
    """One translation unit. ``previous``/``following``: the source sentences around it
    (None at an episode's edges or when unknown); ``origin``: where it came from
    ("approval", "tmx:<file name>"); ``revision``: the approved revision it was taken
    from ("<episode>/<language>/r<N>"), None for imported units."""

    source: str
    target: str
    source_language: str
    target_language: str
    kind: UnitKind = UnitKind.SENTENCE
    previous: str | None = None
    following: str | None = None
    show: str | None = None
    episode_id: str | None = None
    revision: str | None = None
    created_by: str | None = None
    created_at: str | None = None  # ISO 8601, UTC
    changed_by: str | None = None
    changed_at: str | None = None
    origin: str = "approval"
    id: int | None = None


def normalized(text: str) -> str:
    """The text as it is compared for an exact match: whitespace collapsed."""
    return " ".join(text.split())


def source_key(text: str) -> str:
    """The index key of an exact match (sha256 of the normalized text)."""
    return hashlib.sha256(normalized(text).encode()).hexdigest()


def context_key(previous: str | None, following: str | None) -> str:
    """The index key of a unit's neighbours (101 needs them equal too)."""
    both = f"{normalized(previous or '')}\n{normalized(following or '')}"
    return hashlib.sha256(both.encode()).hexdigest()


def tokens(text: str) -> list[str]:
    """Case-folded word tokens, markup left out, every number one token "#" (a differing
    number costs its penalty, not a word's share): what the fuzzy score compares."""
    return [
        "#" if word.isdigit() else word.casefold() for word in WORD.findall(MARKUP.sub(" ", text))
    ]


@dataclass(frozen=True)
class Query:
    """A sentence to look up, with its neighbours in the episode."""

    text: str
    previous: str | None = None
    following: str | None = None

    @property
    def key(self) -> str:
        return source_key(self.text)

    @property
    def context(self) -> str:
        return context_key(self.previous, self.following)


def queries_in_order(texts: Sequence[str]) -> list[Query]:
    """The queries of an episode's sentences, each with its neighbours."""
    return [
        Query(text, texts[i - 1] if i else None, texts[i + 1] if i + 1 < len(texts) else None)
        for i, text in enumerate(texts)
    ]


@dataclass(frozen=True)
class Match:
    unit: MemoryUnit
    score: int

    @property
    def band(self) -> Band:
        return band_of(self.score, threshold=0)

    def to_dict(self) -> dict:
        unit = self.unit
        return {
            "score": self.score,
            "band": self.band.value,
            "source": unit.source,
            "target": unit.target,
            "unit_id": unit.id,
            "origin": unit.origin,
            "revision": unit.revision,
            "episode_id": unit.episode_id,
            "changed_by": unit.changed_by or unit.created_by,
            "changed_at": unit.changed_at or unit.created_at,
        }


Similarity = Callable[[Sequence[str], Sequence[str]], float]


def token_similarity(asked: Sequence[str], stored: Sequence[str]) -> float:
    """1 - Levenshtein distance / the longer length, over tokens: the definition. The
    services pass adapters.token_similarity's (rapidfuzz), the same figure computed fast."""
    if not asked and not stored:
        return 1.0
    previous = list(range(len(stored) + 1))
    for row, token in enumerate(asked, start=1):
        current = [row]
        for column, other in enumerate(stored, start=1):
            current.append(min(previous[column] + 1, current[column - 1] + 1,
                               previous[column - 1] + (token != other)))  # fmt: skip
        previous = current
    return 1 - previous[-1] / max(len(asked), len(stored))


@dataclass(frozen=True)
class _Features:
    """What scoring compares of a text, computed once per text (a lookup scores the same
    candidates against many queries)."""

    normalized: str
    tokens: tuple[str, ...]
    words: tuple[str, ...]
    numbers: tuple[str, ...]
    tags: tuple[str, ...]
    punctuation: tuple[str, ...]


@functools.lru_cache(maxsize=100_000)
def _features(text: str) -> _Features:
    bare = MARKUP.sub(" ", text)
    return _Features(
        normalized(text), tuple(tokens(text)), tuple(WORD.findall(bare)),
        tuple(NUMBER.findall(text)), tuple(MARKUP.findall(text)),
        tuple(PUNCTUATION.findall(bare)),
    )  # fmt: skip


def score(query: Query, unit: MemoryUnit, similarity: Similarity = token_similarity) -> int:
    """0..101: how well ``unit`` translates ``query`` (see the module's doc)."""
    asked, stored = _features(query.text), _features(unit.source)
    if asked.normalized == stored.normalized:
        in_context = (normalized(query.previous or ""), normalized(query.following or "")) == (
            normalized(unit.previous or ""),
            normalized(unit.following or ""),
        )
        return 101 if in_context else 100
    points = math.floor(similarity(asked.tokens, stored.tokens) * 100 + 1e-9)
    if asked.numbers != stored.numbers:
        points -= NUMBER_PENALTY
    elif asked.words != stored.words and asked.tokens == stored.tokens:
        points -= CASE_PENALTY  # the same words but for their case
    if asked.tags != stored.tags:
        points -= TAG_PENALTY
    if asked.punctuation != stored.punctuation:
        points -= PUNCTUATION_PENALTY
    return max(0, min(points, 99))


def best_matches(
    query: Query,
    candidates: Iterable[MemoryUnit],
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = 3,
    scopes: Sequence[str] = (),
    similarity: Similarity = token_similarity,
) -> list[Match]:
    """The ``limit`` best units scoring at least ``threshold``, one per target text:
    highest score first, then the first of ``scopes`` (the show's own memory before a
    franchise's or the default's), then the most recently changed."""
    rank = {scope: index for index, scope in enumerate(scopes)}
    scored = [Match(unit, score(query, unit, similarity)) for unit in candidates]
    scored = [m for m in scored if m.score >= threshold]
    scored.sort(key=lambda m: (m.unit.changed_at or m.unit.created_at or "", m.unit.id or 0),
                reverse=True)  # fmt: skip
    # Stable sorts: newest first within a scope, the nearest scope first within a score.
    scored.sort(key=lambda m: rank.get(m.unit.show or "", len(rank)))
    scored.sort(key=lambda m: m.score, reverse=True)
    chosen: list[Match] = []
    seen: set[str] = set()
    for match in scored:
        if match.unit.target in seen:
            continue
        seen.add(match.unit.target)
        chosen.append(match)
        if len(chosen) == limit:
            break
    return chosen


def index_tokens(text: str) -> list[str]:
    """The distinct tokens a unit is indexed under (each cut to MAX_TOKEN characters)."""
    return sorted({token[:MAX_TOKEN] for token in tokens(text)})


@dataclass(frozen=True)
class Probe:
    """What the index is asked for one query: units holding at least ``needed`` of these
    tokens, of a token count within ``lengths``."""

    tokens: tuple[str, ...]
    lengths: tuple[int, int]
    needed: int = 1


class CandidateSource(Protocol):
    """Where units are looked up: the database's memories or one file's, in memory."""

    def exact(self, keys: Collection[str]) -> list[MemoryUnit]:
        """Current units whose source_key is one of ``keys``."""
        ...

    def token_counts(self, tokens: Collection[str]) -> dict[str, int]:
        """How many units each token is indexed under (absent: none)."""
        ...

    def candidates(self, probes: Sequence[Probe], limit: int) -> list[list[MemoryUnit]]:
        """For each probe, current units indexed under any of its tokens with a token
        count in its lengths (at most ``limit``): all probes at once, one round trip."""
        ...


def lookup(
    queries: Sequence[Query],
    source: CandidateSource,
    threshold: int = DEFAULT_THRESHOLD,
    limit: int = 3,
    scopes: Sequence[str] = (),
    similarity: Similarity = token_similarity,
) -> list[list[Match]]:
    """Each query's best matches: exact ones where the memory has the text (one query for
    the whole batch), else fuzzy ones from the units that prefix filtering leaves."""
    exact: dict[str, list[MemoryUnit]] = defaultdict(list)
    for unit in source.exact({query.key for query in queries}):
        exact[source_key(unit.source)].append(unit)
    fuzzy = [query for query in queries if query.key not in exact]
    counts = source.token_counts({t[:MAX_TOKEN] for q in fuzzy for t in tokens(q.text)})
    probes: dict[int, Probe] = {}
    for index, query in enumerate(queries):
        query_tokens = [token[:MAX_TOKEN] for token in tokens(query.text)]
        if query.key not in exact and query_tokens:
            probes[index] = probe_for(query_tokens, counts, threshold)
    fuzzy_units = dict(zip(probes, source.candidates(list(probes.values()), MAX_CANDIDATES),
                           strict=True))  # fmt: skip
    found: list[list[Match]] = []
    for index, query in enumerate(queries):
        if query.key in exact:
            found.append(best_matches(query, exact[query.key], threshold, limit, scopes))
        else:
            units = fuzzy_units.get(index, [])
            found.append(best_matches(query, units, threshold, limit, scopes, similarity))
    return found


class MemoryIndex:
    """Units held in memory, indexed like the database's (a file given for one run)."""

    def __init__(self, units: Iterable[MemoryUnit]) -> None:
        self.by_key: dict[str, list[MemoryUnit]] = defaultdict(list)
        self.postings: dict[str, list[tuple[int, MemoryUnit]]] = defaultdict(list)
        for unit in units:
            self.by_key[source_key(unit.source)].append(unit)
            count = len(tokens(unit.source))
            for token in index_tokens(unit.source):
                self.postings[token].append((count, unit))

    def exact(self, keys: Collection[str]) -> list[MemoryUnit]:
        return [unit for key in keys for unit in self.by_key.get(key, ())]

    def token_counts(self, tokens: Collection[str]) -> dict[str, int]:
        return {token: len(self.postings[token]) for token in tokens if token in self.postings}

    def candidates(self, probes: Sequence[Probe], limit: int) -> list[list[MemoryUnit]]:
        return [self._candidates(probe, limit) for probe in probes]

    def _candidates(self, probe: Probe, limit: int) -> list[MemoryUnit]:
        low, high = probe.lengths
        held: dict[int, int] = defaultdict(int)
        units: dict[int, MemoryUnit] = {}
        for token in probe.tokens:
            for count, unit in self.postings.get(token, ()):
                if low <= count <= high:
                    held[id(unit)] += 1
                    units[id(unit)] = unit
        chosen = sorted((n, key) for key, n in held.items() if n >= probe.needed)
        return [units[key] for _, key in reversed(chosen[-limit:])]  # those holding most

    def __len__(self) -> int:
        return sum(len(units) for units in self.by_key.values())


def length_window(count: int, threshold: int) -> tuple[int, int]:
    """The token counts a unit may have and still reach ``threshold`` against a query of
    ``count`` tokens (similarity <= shorter / longer)."""
    ratio = max(threshold, 1) / 100
    return math.ceil(count * ratio - 1e-9), math.floor(count / ratio + 1e-9)


def probe_for(query_tokens: Sequence[str], frequency: Mapping[str, int], threshold: int) -> Probe:
    """What to ask the index for one query. A unit reaching ``threshold`` misses at most
    ``misses`` of the query's tokens, so it holds at least k - misses of any k distinct
    ones: the rarest misses + 1 find it (prefix filtering), and the next rarest, while the
    postings stay within budget, raise how many it must hold (a count filter): far fewer
    candidates to score for a query of common words."""
    distinct = sorted(set(query_tokens), key=lambda token: (frequency.get(token, 0), token))
    count = len(query_tokens)
    misses = count - math.ceil(count * max(threshold, 1) / 100 - 1e-9)
    chosen = distinct[: misses + 1]
    postings = sum(frequency.get(token, 0) for token in chosen)
    budget = max(PROBE_POSTINGS, PROBE_GROWTH * postings)  # reading is cheaper than scoring
    for token in distinct[misses + 1 :]:
        postings += frequency.get(token, 0)
        if postings > budget:
            break
        chosen.append(token)
    return Probe(tuple(chosen), length_window(count, threshold), max(len(chosen) - misses, 1))


@dataclass
class Leverage:
    """Segments and source words per band: what a vendor quotes from."""

    segments: dict[Band, int] = field(default_factory=lambda: dict.fromkeys(BANDS, 0))
    words: dict[Band, int] = field(default_factory=lambda: dict.fromkeys(BANDS, 0))

    def add(self, band: Band, text: str) -> None:
        self.segments[band] += 1
        self.words[band] += len(tokens(text))

    def merge(self, other: Leverage) -> None:
        for band in BANDS:
            self.segments[band] += other.segments[band]
            self.words[band] += other.words[band]

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    def to_dict(self) -> dict:
        total = self.total_words
        return {
            "bands": [
                {
                    "band": band.value,
                    "segments": self.segments[band],
                    "words": self.words[band],
                    "share": round(self.words[band] / total, 4) if total else 0.0,
                }
                for band in BANDS
            ],
            "segments": sum(self.segments.values()),
            "words": total,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Leverage:
        leverage = cls()
        for row in data.get("bands", []):
            band = Band(row["band"])
            leverage.segments[band] += int(row["segments"])
            leverage.words[band] += int(row["words"])
        return leverage
