"""The pure parts of diarization: phrases, hints, labels, confusion, voice matching."""

import pytest

from locsvc.domain.cast import Character, match_voices, updated_print
from locsvc.domain.diarization import (
    Diarization,
    SpeakerHints,
    SpeakerTurn,
    VoiceProfile,
    label_in_order,
    phrases_of,
    speaker_confusion,
    turns_of_words,
)
from locsvc.domain.errors import InvalidRequest
from locsvc.domain.transcript import Word


def test_phrases_break_at_pauses_and_sentence_ends_and_long_ones_at_their_longest_pause():
    words = [Word(0, 300, " Hello."), Word(350, 600, " Yes"), Word(1000, 1300, " sure")]
    assert [(p.first, p.last) for p in phrases_of(words)] == [(0, 0), (1, 1), (2, 2)]
    long_run = [Word(i * 450, i * 450 + 400, " word") for i in range(30)]
    long_run[15] = Word(15 * 450 + 40, 15 * 450 + 400, " word")  # the longest pause
    phrases = phrases_of(long_run)
    assert all(p.duration_ms <= 8000 for p in phrases)
    assert phrases[0].last == 14


def test_a_stretched_word_hides_a_pause_and_stands_alone():
    """ASR word times stretch "asked" over the pause where the speaker changed."""
    words = [Word(9040, 10540, " And so my fellow"), Word(10540, 11060, " Americans"),
             Word(11060, 12720, " asked"), Word(12720, 13100, " He"),
             Word(13100, 13400, " was")]  # fmt: skip
    phrases = phrases_of(words)
    assert [(p.first, p.last, p.stretched) for p in phrases] == [
        (0, 1, False), (2, 2, True), (3, 4, False),
    ]  # fmt: skip
    # A first word that takes in a little of the silence before it is not one.
    opening = [Word(110, 810, " Go"), Word(810, 1110, " forward"), Word(1110, 1610, " 10")]
    assert [(p.first, p.last) for p in phrases_of(opening)] == [(0, 2)]


def test_hints_bound_the_count_and_refuse_nonsense():
    assert SpeakerHints().bounds(10) == (1, 10)
    assert SpeakerHints(speakers=3).bounds(10) == (3, 3)
    assert SpeakerHints(min_speakers=2, max_speakers=4).bounds(10) == (2, 4)
    for bad in ({"speakers": 0}, {"max_speakers": 21}, {"min_speakers": 3, "max_speakers": 2}):
        with pytest.raises(InvalidRequest):
            SpeakerHints(**bad)
    assert SpeakerHints.from_dict(SpeakerHints(speakers=2).to_dict()) == SpeakerHints(speakers=2)


def test_labels_follow_first_appearance_and_turns_join_a_speakers_words():
    assert label_in_order([4, 4, 1, 4, 7]) == ["S1", "S1", "S2", "S1", "S3"]
    words = [Word(0, 100, " a"), Word(100, 200, " b"), Word(300, 400, " c")]
    assert turns_of_words(words, ["S1", "S1", "S2"]) == [
        SpeakerTurn(0, 200, "S1"), SpeakerTurn(300, 400, "S2")]  # fmt: skip


def test_confusion_is_zero_for_a_renamed_perfect_answer_and_counts_wrong_time():
    reference = [SpeakerTurn(0, 1000, "ann"), SpeakerTurn(1000, 2000, "bob")]
    assert (
        speaker_confusion(reference, [SpeakerTurn(0, 1000, "S2"), SpeakerTurn(1000, 2000, "S1")])
        == 0
    )
    half_wrong = [SpeakerTurn(0, 1500, "S1"), SpeakerTurn(1500, 2000, "S2")]
    assert speaker_confusion(reference, half_wrong) == pytest.approx(0.25)
    assert speaker_confusion(reference, [SpeakerTurn(0, 2000, "S1")]) == pytest.approx(0.5)


def test_a_diarization_labels_only_its_own_transcript():
    result = Diarization((), (), ("S1",), "m")
    with pytest.raises(InvalidRequest):
        result.label([Word(0, 1, " a"), Word(1, 2, " b")])
    assert Diarization.from_dict(result.to_dict()) == result


def test_a_voice_takes_a_characters_name_above_the_threshold_one_to_one():
    diane, sheila = Character("Diane", (1.0, 0.0)), Character("Sheila", (0.0, 1.0))
    voices = [VoiceProfile("S1", 1000, (0.9, 0.1), 200.0),
              VoiceProfile("S2", 1000, (0.8, 0.2), 210.0),
              VoiceProfile("S3", 1000, (0.6, 0.6), 150.0)]  # fmt: skip
    matches = match_voices(voices, [diane, sheila], threshold=0.9)
    assert [(m.label, m.name) for m in matches] == [("S1", "Diane")]
    print_, episodes = updated_print(Character("Diane", (1.0, 0.0), 1), (0.0, 1.0))
    assert episodes == 2 and print_ == pytest.approx((0.70711, 0.70711), abs=1e-4)


def test_an_abbreviation_is_no_sentence_end_to_change_speaker_at():
    words = [Word(0, 300, " And"), Word(300, 600, " Mr."), Word(650, 1000, " Dashwood")]
    assert [(p.first, p.last) for p in phrases_of(words)] == [(0, 2)]


def test_a_print_from_another_encoder_matches_nothing_and_is_started_afresh():
    old = Character("Diane", (1.0, 0.0, 0.0), 4)  # three dimensions: another encoder's
    voice = VoiceProfile("S1", 5000, (1.0, 0.0), 200.0)
    assert match_voices([voice], [old], threshold=0.1) == []
    assert updated_print(old, (0.0, 1.0)) == ((0.0, 1.0), 1)
