"""Translation memory in the domain: scores and bands, the candidate narrowing (it never
loses a match the threshold admits), leverage, and which target text an approved track
gives each source sentence."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from locsvc.adapters.token_similarity import token_similarity as fast_similarity
from locsvc.domain.cues import Cue
from locsvc.domain.memory_alignment import aligned_pairs
from locsvc.domain.translation_memory import (
    Band,
    Leverage,
    MemoryIndex,
    MemoryUnit,
    Query,
    UnitKind,
    band_of,
    best_matches,
    length_window,
    lookup,
    score,
    token_similarity,
)


def unit(source: str, target: str = "x", previous=None, following=None, **kw) -> MemoryUnit:
    return MemoryUnit(source, target, "en", "es", previous=previous, following=following, **kw)


STORED = unit("I have 3 dogs at home.", "Tengo 3 perros en casa.", "Hello.", "Really?")


@pytest.mark.parametrize(
    ("text", "previous", "following", "expected"),
    [
        ("I have 3 dogs at home.", "Hello.", "Really?", 101),
        ("I have 3  dogs at home.", "Hello.", "Really?", 101),  # whitespace is not a change
        ("I have 3 dogs at home.", "Hi.", "Really?", 100),  # another neighbour: exact only
        ("I have 3 Dogs at home.", None, None, 99),  # case
        ("I have 3 <i>dogs</i> at home.", None, None, 99),  # a tag
        ("I have 3 dogs at home!", None, None, 99),  # punctuation
        ("I have 4 dogs at home.", None, None, 98),  # a number: not a word's share
        ("I have 3 cats at home.", None, None, 83),  # one word of six
        ("We have 3 cats at the office.", None, None, 42),
    ],
)
def test_scores_follow_the_cat_scale(text, previous, following, expected):
    assert score(Query(text, previous, following), STORED) == expected


def test_bands():
    assert [band_of(s) for s in (101, 100, 99, 95, 94, 85, 84, 75, 74, 0)] == [
        Band.IN_CONTEXT, Band.EXACT, Band.HIGH, Band.HIGH, Band.MEDIUM, Band.MEDIUM, Band.LOW,
        Band.LOW, Band.NONE, Band.NONE,
    ]  # fmt: skip
    assert band_of(80, threshold=85) is Band.NONE


def test_best_matches_prefer_score_then_the_shows_own_scope_then_the_newest():
    old = unit("Good night.", "Buenas noches.", show="franchise", changed_at="2026-01-01T00:00:00")
    own = unit("Good night.", "Que descanses.", show="demo", changed_at="2025-01-01T00:00:00")
    newer = unit("Good night.", "Hasta mañana.", show="demo", changed_at="2026-06-01T00:00:00")
    found = best_matches(Query("Good night."), [old, own, newer], scopes=["demo", "franchise"])
    assert [m.unit.target for m in found] == ["Hasta mañana.", "Que descanses.", "Buenas noches."]
    assert best_matches(Query("Good morning."), [old], threshold=75) == []


def test_length_window_bounds_reachable_lengths():
    assert length_window(8, 75) == (6, 10)
    assert length_window(1, 75) == (1, 1)


WORDS = st.sampled_from("the a cat dog sat on mat we you 7 12 run home night day".split())
SENTENCES = st.lists(WORDS, min_size=1, max_size=12).map(lambda w: " ".join(w) + ".")


@settings(max_examples=150, deadline=None)
@given(st.lists(SENTENCES, min_size=1, max_size=40), SENTENCES, st.integers(50, 99))
def test_narrowing_never_loses_a_match_the_threshold_admits(sources, asked, threshold):
    units = [unit(text, f"t{index}", id=index) for index, text in enumerate(sources)]
    query = Query(asked)
    (narrowed,) = lookup([query], MemoryIndex(units), threshold, limit=100)
    everything = best_matches(query, units, threshold, limit=100)
    exact = [m for m in everything if m.score >= 100]  # when there are, fuzzy ones are moot
    assert sorted(m.score for m in narrowed) == sorted(m.score for m in exact or everything)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=15), st.lists(WORDS, max_size=15))
def test_the_fast_similarity_is_the_domains_definition(asked, stored):
    assert fast_similarity(asked, stored) == pytest.approx(token_similarity(asked, stored))


def test_leverage_counts_words_and_segments_per_band():
    leverage = Leverage()
    leverage.add(Band.EXACT, "I am here.")
    leverage.add(Band.NONE, "Nobody knows where they went")
    report = leverage.to_dict()
    exact = next(b for b in report["bands"] if b["band"] == "100")
    assert (report["segments"], report["words"], exact["words"], exact["share"]) == (2, 8, 3, 0.375)
    assert Leverage.from_dict(report).to_dict() == report


SOURCE = [
    Cue(0, 2000, ("Where were you",)),
    Cue(2100, 4000, ("last night?",)),
    Cue(5000, 6000, ("At home.",)),
    Cue(6500, 7000, ("Yes.",)),
    Cue(7050, 7600, ("No.",)),
]


def test_approved_targets_belong_to_the_sentences_their_time_overlaps():
    target = [
        Cue(0, 2050, ("¿Dónde estabas",)),
        Cue(2100, 4000, ("anoche?",)),
        Cue(5000, 6000, ("En casa.",)),
        Cue(6500, 7600, ("Sí. No.",)),  # two short sentences joined: neither is vouched for
    ]
    pairs = aligned_pairs(SOURCE, target)
    sentences = [(p.source, p.target, p.previous, p.following)
                 for p in pairs if p.kind is UnitKind.SENTENCE]  # fmt: skip
    assert sentences == [
        ("Where were you last night?", "¿Dónde estabas anoche?", None, "At home."),
        ("At home.", "En casa.", "Where were you last night?", "Yes."),
    ]
    cues = [(p.source, p.target) for p in pairs if p.kind is UnitKind.CUE]
    assert cues == [("Where were you", "¿Dónde estabas"), ("last night?", "anoche?")]


def test_a_linguists_retimed_cues_still_align():
    target = [Cue(300, 3900, ("¿Dónde estuviste anoche?",)), Cue(5100, 5900, ("En casa.",))]
    pairs = [(p.source, p.target) for p in aligned_pairs(SOURCE, target)]
    assert ("Where were you last night?", "¿Dónde estuviste anoche?") in pairs
    assert ("At home.", "En casa.") in pairs
    assert all(source not in ("Yes.", "No.") for source, _ in pairs)  # no target for them
