"""Speakers in segmentation and QC: dual-speaker events, the dialogue dash, speaker_change."""

from locsvc.domain.cues import Cue
from locsvc.domain.dialogue import strip_dash, turns_of, unmarked_speaker_change
from locsvc.domain.profiles import profile_for
from locsvc.domain.qc import Rule, SpokenWord, check
from locsvc.domain.segmentation import segment_words
from locsvc.domain.transcript import Word

EN = profile_for("en")
FPS = 25.0


def said(speaker: str, text: str, start_ms: int, word_ms: int = 250) -> list[Word]:
    words, clock = [], start_ms
    for token in text.split():
        words.append(Word(clock, clock + word_ms, " " + token, speaker=speaker))
        clock += word_ms
    return words


def test_a_rapid_exchange_becomes_dual_speaker_events():
    words = (
        said("S1", "Hello.", 0)
        + said("S2", "Hello.", 400)
        + said("S1", "Oh, hello.", 800)
        + said("S2", "Is Diane there?", 1400)
    )
    cues = segment_words(words, EN, FPS)
    assert [c.lines for c in cues] == [
        ("-Hello.", "-Hello."),
        ("-Oh, hello.", "-Is Diane there?"),
    ]
    assert [c.speakers for c in cues] == [("S1", "S2"), ("S1", "S2")]
    # four flashes of 0.3 s were four min_duration errors; the first pair is still brief
    # (its next line comes 0.1 s after it), the second is not
    report = check(cues, EN, FPS)
    assert [i.cue for i in report.issues if i.rule is Rule.MIN_DURATION] == [1]


def test_two_speakers_are_never_joined_as_one_speakers_text():
    words = said("S1", "I think we should go now", 0, 300) + said("S2", "right away", 1900, 300)
    cues = segment_words(words, EN, FPS)
    for cue in cues:
        if len(cue.speaker_set) == 2:
            assert all(line.startswith("-") for line in cue.lines)
        else:
            assert len(cue.speaker_set) == 1
    assert (
        " ".join(t.text for c in cues for t in turns_of(c)) == "I think we should go now right away"
    )


def test_turns_that_stand_alone_stay_apart():
    words = said("S1", "I have been waiting here for an hour.", 0, 400) + said(
        "S2", "The trains were late again today.", 4000, 400
    )
    cues = segment_words(words, EN, FPS)
    assert [c.speakers for c in cues] == [("S1",), ("S2",)]


def test_a_turn_too_long_for_one_line_is_not_made_dual():
    long_turn = "I was telling you about the house on the corner of the street"
    words = said("S1", "What?", 0) + said("S2", long_turn, 300, 200)
    cues = segment_words(words, EN, FPS)
    assert cues[0].lines == ("What?",) and cues[0].speakers == ("S1",)


def test_the_dialogue_dash_follows_the_language():
    french = profile_for("fr")
    words = said("S1", "Salut.", 0) + said("S2", "Salut.", 400)
    (cue,) = segment_words(words, french, FPS)
    dash = french.dialogue_dash
    first = f"{dash}Salut." if french.dash_first_line else "Salut."
    assert cue.lines == (first, f"{dash}Salut.")


def test_source_dual_events_are_joined_again_in_a_translation():
    # two turns that would stand alone, inside a span that was one dual event in the source
    words = said("S1", "Yes, absolutely, whenever you like.", 0, 400) + said(
        "S2", "Then see you tomorrow.", 2300, 400
    )
    apart = segment_words(words, EN, FPS)
    together = segment_words(words, EN, FPS, dual_spans=[(0, 4500)])
    assert len(apart) == 2
    assert [c.speakers for c in together] == [("S1", "S2")]


def test_turns_of_a_dual_event_lose_their_dashes():
    cue = Cue(0, 2000, ("-Hello.", "-<i>Who is it?</i>"), ("S1", "S2"))
    assert [(t.speaker, t.text) for t in turns_of(cue)] == [
        ("S1", "Hello."),
        ("S2", "<i>Who is it?</i>"),
    ]
    unknown = Cue(0, 2000, ("- Hi.", "- Hey."))
    assert [t.text for t in turns_of(unknown)] == ["Hi.", "Hey."]
    assert strip_dash("<i>-Run!</i>") == "<i>Run!</i>"
    assert strip_dash("--no dash") == "--no dash"


def test_speaker_change_flags_a_one_speaker_event_that_spans_two_voices():
    cues = [Cue(0, 2000, ("Hello. Who is it?",), ("S1",))]
    spoken = [SpokenWord(100, 500, "S1"), SpokenWord(1200, 1800, "S2")]
    report = check(cues, EN, FPS, spoken=spoken)
    (issue,) = [i for i in report.issues if i.rule is Rule.SPEAKER_CHANGE]
    assert issue.value == "S1, S2" and issue.severity == "warning"
    dual = [Cue(0, 2000, ("-Hello.", "-Who is it?"), ("S1", "S2"))]
    assert not [i for i in check(dual, EN, FPS, spoken=spoken).issues
                if i.rule is Rule.SPEAKER_CHANGE]  # fmt: skip


def test_speaker_change_without_a_dash_is_flagged_from_the_cue_itself():
    cue = Cue(0, 2000, ("Hello.", "Who is it?"), ("S1", "S2"))
    assert unmarked_speaker_change(cue) == ("S1", "S2")
    assert unmarked_speaker_change(Cue(0, 2000, ("-Hello.", "-Who?"), ("S1", "S2"))) is None
    three = Cue(0, 2000, ("-A", "-B", "-C"), ("S1", "S2", "S3"))
    assert unmarked_speaker_change(three) == ("S1", "S2", "S3")


def test_cues_keep_speakers_through_their_dict_and_drop_the_key_when_unknown():
    cue = Cue(0, 1000, ("-A", "-B"), ("S1", "S2"))
    assert Cue.from_dict(cue.to_dict()) == cue
    assert "speakers" not in Cue(0, 1000, ("A",)).to_dict()
