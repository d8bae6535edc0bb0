"""A producer's subtitles re-timed only where a hard rule fails (pure domain)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.cues import Cue
from locsvc.domain.frames import Frames
from locsvc.domain.profiles import profile_for
from locsvc.domain.qc import Severity, check
from locsvc.domain.retiming import conform_timing, words_of_cues

EN = profile_for("en")  # 20 cps, 833-7000 ms, 2-frame gap
FPS = 25.0
FRAMES = Frames(FPS)


def cue(start: int, end: int, *lines: str, speakers: tuple[str, ...] = ()) -> Cue:
    return Cue(start, end, tuple(lines) or ("Hello there.",), speakers)


def test_a_clean_file_is_left_exactly_as_it_is():
    cues = [cue(1000, 3000), cue(3500, 6000, "How are you?"), cue(6080, 9000, "Fine.")]
    conformed, moves = conform_timing(cues, EN, FRAMES, 60_000)
    assert conformed == cues and moves == []


def test_an_overlap_ends_the_cue_above_at_the_minimum_gap():
    conformed, moves = conform_timing([cue(1000, 4000), cue(3000, 5000, "Go.")], EN, FRAMES, None)
    assert conformed[0].end_ms == 3000 - 80 and conformed[1] == cue(3000, 5000, "Go.")
    assert [(m.cue, m.reason, m.after) for m in moves] == [(1, "overlap", (1000, 2920))]


def test_two_cues_starting_together_become_one_two_line_event():
    cues = [cue(1000, 2500, "Hello?", speakers=("S1",)), cue(1000, 3000, "Hi!", speakers=("S2",))]
    conformed, moves = conform_timing(cues, EN, FRAMES, None)
    assert conformed == [Cue(1000, 3000, ("Hello?", "Hi!"), ("S1", "S2"))]
    assert moves[0].reason == "overlap"


def test_short_and_fast_cues_stay_up_longer_into_the_gap_after_them():
    text = "This line has far too many characters for 900 ms to read"  # 2.8 s at 20 cps
    cues = [cue(1000, 1300, "Hi."), cue(5000, 5900, text), cue(6000, 8000, "Next.")]
    conformed, moves = conform_timing(cues, EN, FRAMES, None)
    assert conformed[0].end_ms == 1000 + EN.min_duration_ms  # the minimum duration
    assert conformed[1].end_ms == 6000 - 80  # as long as the next cue allows
    assert [m.reason for m in moves] == ["min_duration", "reading_speed"]


def test_a_cue_too_long_is_cut_and_nothing_runs_past_the_media():
    conformed, moves = conform_timing([cue(0, 9000), cue(10_000, 12_000)], EN, FRAMES, 11_500)
    assert conformed[0].end_ms == EN.max_duration_ms and conformed[1].end_ms == 11_500
    assert sorted(m.reason for m in moves) == ["max_duration", "media_end"]


def test_words_of_cues_keep_the_text_and_the_speaker():
    words = words_of_cues([Cue(0, 1000, ("-Hello?", "-Hi!"), ("S1", "S2"))])
    assert [(w.text, w.speaker) for w in words] == [(" Hello?", "S1"), (" Hi!", "S2")]
    assert words[0].start_ms == 0 and words[-1].end_ms == 1000


timed_cues = st.lists(
    st.tuples(st.integers(0, 60_000), st.integers(0, 9000), st.integers(1, 80)), max_size=25
).map(lambda spans: [cue(s, s + d, "x" * n) for s, d, n in sorted(spans)])


@given(timed_cues)
def test_the_text_is_untouched_and_no_new_timing_error_appears(cues):
    conformed, _ = conform_timing(cues, EN, FRAMES, None)
    assert " ".join(c.text for c in conformed).split() == " ".join(c.text for c in cues).split()
    errors = {i.rule for i in check(conformed, EN, FPS).issues if i.severity == Severity.ERROR}
    assert not errors & {"overlap", "order", "max_duration"}
