import pytest

from locsvc.domain.cues import Cue
from locsvc.domain.dubbing import (
    BREATH_MS,
    FitStatus,
    cue_id,
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


def test_a_dual_speaker_cue_is_a_line_per_speaker_sharing_its_time_by_text():
    source = [Cue(1000, 4000, ("-Who is it?", "-Me."), ("S1", "S2"))]
    target = [
        Cue(0, 900, ("Hola.",), ("S1",)),
        Cue(1000, 4000, ("-¿Quién es, a estas horas?", "-Yo."), ("S1", "S2")),
    ]
    lines = script_from_cues(target, source, "es", voices={"S1": "es+m3", "S2": "es+f3"})
    assert [(line.id, line.speaker, line.voice, line.text) for line in lines] == [
        ("c0", "S1", "es+m3", "Hola."),
        ("c1000", "S1", "es+m3", "¿Quién es, a estas horas?"),
        ("c1000b", "S2", "es+f3", "Yo."),
    ]  # fmt: skip
    first, second = lines[1], lines[2]
    assert (first.start_ms, second.end_ms) == (1000, 4000) and first.end_ms == second.start_ms
    # 25 characters to 3: the first speaker takes 25/28 of the 3 s
    assert first.end_ms == 1000 + round(3000 * 25 / 28)
    assert (first.source_text, second.source_text) == ("Who is it?", "Me.")  # each their own


def test_line_ids_are_stable_and_name_their_cue():
    cue = Cue(2700, 6000, ("-Sí.", "-No."), ("S1", "S2"))
    ids = [line.id for line in script_from_cues([cue], [], "es")]
    assert ids == [line.id for line in script_from_cues([cue], [], "es")] == ["c2700", "c2700b"]
    assert [cue_id(i) for i in ids] == ["c2700", "c2700"]


def test_cues_without_speakers_are_one_line_in_the_default_voice():
    cue = Cue(0, 2000, ("-Sí.", "-No."))  # dashed, but whose lines are not known
    (line,) = script_from_cues([cue], [], "es", voices={"S1": "es+f3"})
    assert (line.id, line.speaker, line.voice, line.text) == ("c0", "S1", "es", "-Sí. -No.")


def test_a_one_speaker_cue_is_one_line_in_that_speakers_voice():
    cue = Cue(0, 2000, ("pregunta qué puedes hacer", "por tu país."), ("S2", "S2"))
    (line,) = script_from_cues([cue], [], "es", voices={"S2": "es+f3"})
    assert (line.speaker, line.voice, line.text) == (
        "S2",
        "es+f3",
        cue.lines[0] + " " + cue.lines[1],
    )
