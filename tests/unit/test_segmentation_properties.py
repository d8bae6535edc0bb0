"""Properties of segmentation over arbitrary timed words: it never fails on its input,
and what it makes keeps every word once and in order, on frames, without overlaps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.frames import Frames
from locsvc.domain.qc import Rule, check
from locsvc.domain.segmentation import group_words, segment_words, words_on_span

from .domain_strategies import (
    frame_rates,
    non_space,
    on_frame,
    profiles,
    sentence_text,
    timed_words,
)


@given(timed_words(), profiles)
def test_groups_keep_every_word_once_in_order_and_none_is_empty(words, profile):
    groups = group_words(words, profile)
    assert all(groups)
    assert [w for group in groups for w in group] == words


@given(
    timed_words(),
    profiles,
    frame_rates,
    st.lists(st.integers(0, 1_000_000), max_size=5),
    st.none() | st.integers(0, 1_000_000),
)
def test_cues_are_ordered_on_frames_and_keep_every_word(words, profile, rate, cuts, limit):
    cues = segment_words(words, profile, rate, cuts, end_limit_ms=limit)
    assert non_space("".join(c.text for c in cues)) == non_space("".join(w.text for w in words))
    assert all(c.text.strip() for c in cues)  # no empty event
    for before, after in zip(cues, cues[1:], strict=False):
        assert after.start_ms >= before.end_ms  # in order, never overlapping
    for cue in cues:
        assert cue.end_ms > cue.start_ms
        assert on_frame(cue.start_ms, rate) and on_frame(cue.end_ms, rate)
        assert len(cue.lines) <= max(profile.max_lines, 1)


@given(timed_words(), profiles, frame_rates)
def test_events_start_no_earlier_than_their_speech_and_keep_the_minimum_gap(words, profile, rate):
    ordered = sorted(words, key=lambda w: (w.start_ms, w.end_ms))
    cues = segment_words(ordered, profile, rate)
    frames = Frames(rate)
    spoken = [w for w in ordered if w.text.strip()]
    if spoken:
        assert cues[0].start_ms >= frames.ms(frames.floor(spoken[0].start_ms))
    report = check(cues, profile, rate)
    assert not [i for i in report.issues if i.rule in (Rule.ORDER, Rule.OVERLAP, Rule.MIN_GAP)]


@given(timed_words(), profiles, frame_rates, st.integers(0, 2_000_000))
def test_no_event_lingers_past_the_limit_beyond_its_own_speech(words, profile, rate, limit):
    ordered = sorted(words, key=lambda w: (w.start_ms, w.end_ms))
    cues = segment_words(ordered, profile, rate, end_limit_ms=limit)
    frames = Frames(rate)
    last_speech = max((w.end_ms for w in ordered if w.text.strip()), default=0)
    bound = max(frames.ms(frames.floor(limit)), frames.ms(frames.ceil(last_speech)))
    # past it only an event squeezed to its one frame by the events before it
    assert all(c.end_ms <= bound or frames.between(c.start_ms, c.end_ms) == 1 for c in cues)


@given(sentence_text, st.integers(0, 100_000), st.integers(0, 20_000), profiles)
def test_text_placed_on_a_span_stays_inside_it_in_order(text, start, length, profile):
    words = words_on_span(text, start, start + length, profile.language)
    assert non_space("".join(w.text for w in words)) == non_space(text)
    assert all(start <= w.start_ms <= w.end_ms <= start + length for w in words)
    assert all(a.end_ms <= b.start_ms for a, b in zip(words, words[1:], strict=False))
