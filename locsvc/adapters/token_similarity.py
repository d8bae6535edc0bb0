"""Token-level edit similarity (rapidfuzz, in C++): what the translation memory's fuzzy
score is made of, the domain's pure-Python definition made fast enough to score
thousands of candidates per lookup."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein


def token_similarity(asked: Sequence[str], stored: Sequence[str]) -> float:
    """1 - Levenshtein distance over the longer length (1.0 for two empty sequences)."""
    if not asked and not stored:
        return 1.0
    return float(Levenshtein.normalized_similarity(asked, stored))
