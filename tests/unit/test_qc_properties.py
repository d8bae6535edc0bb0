"""Properties of QC over arbitrary tracks: it reports and never fails, and its frame
rules count frames, whatever the frame rate and however a file rounded the times."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.cues import Cue
from locsvc.domain.frames import Frames
from locsvc.domain.qc import Rule, check

from .domain_strategies import cue_lists, frame_rates, profiles


@given(cue_lists(), profiles, frame_rates)
def test_any_track_gets_a_report(cues, profile, rate):
    report = check(cues, profile, rate, source=cues)
    assert report.cue_count == len(cues)
    assert all(1 <= issue.cue <= len(cues) for issue in report.issues)
    report.to_dict()


@given(
    frame_rates,
    st.lists(st.tuples(st.integers(1, 200), st.integers(0, 30)), min_size=2, max_size=30),
    profiles,
)
def test_a_gap_is_flagged_exactly_when_it_is_fewer_frames_than_the_minimum(rate, shape, profile):
    """Cues on frames (kept in whole ms, as files keep them): ``shape`` is each cue's
    length and the gap before the next, in frames."""
    frames, cues, frame = Frames(rate), [], 0
    for length, gap in shape:
        cues.append(Cue(frames.ms(frame), frames.ms(frame + length), ("Text.",)))
        frame += length + gap
    flagged = {i.cue for i in check(cues, profile, rate).issues if i.rule is Rule.MIN_GAP}
    expected = {
        number
        for number, (_, gap_before) in enumerate(shape[:-1], start=2)
        if 0 <= gap_before < profile.min_gap_frames
    }
    assert flagged == expected
