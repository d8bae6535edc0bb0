import pytest

from locsvc.domain.cues import Cue
from locsvc.domain.dubbing import (
    BREATH_MS,
    FitStatus,
    fit_line,
    gaps_after,
    script_from_cues,
)
from locsvc.domain.errors import InvalidRequest


def test_a_short_line_plays_as_synthesized():
    fit = fit_line(natural_ms=900, slot_ms=1000, gap_after_ms=500, max_speed=1.25)
    assert (fit.status, fit.speed, fit.played_ms) == (FitStatus.FITS, 1.0, 900)


def test_a_long_line_is_sped_up_to_its_slot():
    fit = fit_line(1200, 1000, 500, 1.25)
    assert (fit.status, fit.speed, fit.played_ms) == (FitStatus.SPED_UP, 1.2, 1000)


def test_past_the_speed_limit_it_borrows_from_the_gap():
    fit = fit_line(1500, 1000, 500, 1.25)  # 1200 ms at 1.25x: 200 ms into a 500 ms gap
    assert (fit.status, fit.speed, fit.played_ms, fit.overflow_ms) == (
        FitStatus.BORROWED, 1.25, 1200, 0,
    )  # fmt: skip


def test_what_still_does_not_fit_is_flagged_with_its_overflow():
    fit = fit_line(2000, 1000, 300, 1.25)  # 1600 ms played; 300 - breath borrowable
    assert fit.status is FitStatus.TOO_LONG
    assert fit.overflow_ms == 600 - (300 - BREATH_MS)
    assert fit.played_ms == 1600  # whole: words are never cut


def test_the_speed_limit_is_bounded():
    with pytest.raises(InvalidRequest):
        fit_line(2000, 1000, 0, 1.6)


def test_script_lines_carry_ids_times_source_and_voice():
    source = [Cue(0, 2000, ("Ask not",)), Cue(2100, 4000, ("what your country",))]
    target = [Cue(0, 2000, ("No preguntes",)), Cue(2100, 4000, ("qué tu país",))]
    lines = script_from_cues(target, source, "es")
    assert [(line.id, line.source_text, line.text) for line in lines] == [
        ("c0", "Ask not", "No preguntes"), ("c2100", "what your country", "qué tu país"),
    ]  # fmt: skip
    assert gaps_after(lines, 5000) == [100, 1000]
