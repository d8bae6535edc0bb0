"""Choosing a dub voice per speaker by pitch register: distinct voices, the higher
voices for the higher speakers, the voices already cast skipped."""

from locsvc.domain.cast import VoiceChoice, auto_voices, names_from_script

HIGHER = [VoiceChoice("espeak-ng", "es+f3"), VoiceChoice("espeak-ng", "es+f2")]
LOWER = [VoiceChoice("espeak-ng", "es+m3"), VoiceChoice("espeak-ng", "es+m2")]


def test_speakers_of_different_registers_take_higher_and_lower_voices():
    chosen = auto_voices([("S1", 105.0), ("S2", 230.0)], HIGHER, LOWER)
    assert chosen == {"S1": LOWER[0], "S2": HIGHER[0]}


def test_speakers_of_one_register_take_distinct_voices_in_order():
    chosen = auto_voices([("S1", 100.0), ("S2", 110.0), ("S3", None)], HIGHER, LOWER)
    assert chosen == {"S1": LOWER[0], "S2": LOWER[1], "S3": HIGHER[0]}  # then the others
    assert len(set(chosen.values())) == 3


def test_voices_cast_to_other_speakers_are_skipped():
    chosen = auto_voices([("S2", 120.0)], HIGHER, LOWER, taken=[LOWER[0]])
    assert chosen == {"S2": LOWER[1]}


def test_when_the_voices_run_out_they_are_reused():
    speakers = [(f"S{n}", 100.0 + n) for n in range(6)]
    chosen = auto_voices(speakers, HIGHER, LOWER)
    assert set(chosen.values()) == {*HIGHER, *LOWER} and len(chosen) == 6


def test_a_lone_speaker_takes_the_languages_first_voice_whatever_the_pitch():
    assert auto_voices([("S1", 240.0)], HIGHER, LOWER) == {"S1": LOWER[0]}
    assert auto_voices([("S1", 240.0)], HIGHER, LOWER, taken=[LOWER[0]]) == {"S1": HIGHER[0]}


def test_two_women_keep_higher_voices_distinct_from_each_other():
    chosen = auto_voices([("S1", 182.0), ("S2", 236.0)], HIGHER, LOWER)
    assert chosen == {"S1": HIGHER[0], "S2": HIGHER[1]}


def test_a_script_names_the_voices_that_speak_its_lines():
    labels = ["S1"] * 5 + ["S2"] * 4 + ["S3"] * 4
    names = ["DIANE"] * 4 + ["SHEILA"] + ["SHEILA"] * 4 + ["DIANE", "SHEILA", None, None]
    found = names_from_script(labels, names, taken=set())
    assert [(m.label, m.name, m.source) for m in found] == [
        ("S1", "Diane", "script"),
        ("S2", "Sheila", "script"),
    ]  # S3: no name speaks most of its words; each name goes to one label
    assert found[0].score == 0.8
    assert names_from_script(labels, names, taken={"Diane"})[0].name == "Sheila"
