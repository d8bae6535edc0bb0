"""Properties of dub time fitting over arbitrary line and slot lengths: a line is
never cut, never sped past the limit, and what does not fit is flagged with exactly
what is left over."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from locsvc.domain.dubbing import (
    BREATH_MS,
    HIGHEST_MAX_SPEED,
    FitStatus,
    fit_line,
    gaps_after,
    script_from_cues,
)
from locsvc.domain.errors import InvalidRequest

from .domain_strategies import cue_lists

durations = st.integers(0, 600_000)  # a sound, a cue and a gap last 0 ms or more
speeds = st.floats(min_value=1.0, max_value=HIGHEST_MAX_SPEED)


@given(durations, durations, st.none() | durations, speeds)
@example(natural=39442, slot=32061, gap=0, max_speed=1.25).via(
    "issue 12: the speed rounded down to 1.23 made the line 6 ms longer than its slot"
)
def test_a_line_plays_whole_within_the_speed_limit(natural, slot, gap, max_speed):
    fit = fit_line(natural, slot, gap, max_speed)
    assert 1.0 <= fit.speed <= max_speed
    assert fit.played_ms >= 0 and fit.overflow_ms >= 0
    assert abs(fit.played_ms * fit.speed - natural) <= fit.speed  # never cut
    room = max(slot, 1) + max((gap or 0) - BREATH_MS, 0)
    if fit.status is FitStatus.TOO_LONG:
        assert fit.overflow_ms == fit.played_ms - room > 0
    else:
        assert fit.overflow_ms == 0 and fit.played_ms <= room


@given(durations, durations, st.none() | durations, st.floats(allow_nan=True))
def test_a_speed_limit_out_of_range_is_refused_as_a_bad_request(natural, slot, gap, max_speed):
    if 1.0 <= max_speed <= HIGHEST_MAX_SPEED:
        fit_line(natural, slot, gap, max_speed)
    else:
        with pytest.raises(InvalidRequest):
            fit_line(natural, slot, gap, max_speed)


@given(cue_lists(), cue_lists(), st.integers(0, 2_000_000))
@example(target=[], source=[], episode_ms=0).via("issue 12: no lines raised ValueError")
def test_every_cue_with_text_is_one_line_of_the_script_in_order(target, source, episode_ms):
    lines = script_from_cues(target, source, "es")
    assert [(line.start_ms, line.end_ms) for line in lines] == [
        (c.start_ms, c.end_ms) for c in target if any(line.strip() for line in c.lines)
    ]
    gaps = gaps_after(lines, episode_ms)
    assert len(gaps) == len(lines) and all(gap >= 0 for gap in gaps)


@given(st.integers(0, 10_000_000), st.integers(0, 60_000), st.text(min_size=1), st.text(min_size=1))
def test_a_dual_speaker_cue_is_two_lines_that_tile_its_span(start, length, first, second):
    from locsvc.domain.cues import Cue

    first, second = (
        first.replace("\n", " ").strip() or "a",
        second.replace("\n", " ").strip() or "b",
    )
    cue = Cue(start, start + length, (f"-{first}", f"-{second}"), ("S1", "S2"))
    lines = script_from_cues([cue], [], "es", voices={"S1": "x", "S2": "y"})
    assert [line.id for line in lines] in (
        [f"c{start}", f"c{start}b"],
        [f"c{start}"],  # a turn with no words once its dash is gone
    )
    assert lines[0].start_ms == start and lines[-1].end_ms == start + length
    for line, following in zip(lines, lines[1:], strict=False):
        assert line.start_ms <= line.end_ms == following.start_ms
