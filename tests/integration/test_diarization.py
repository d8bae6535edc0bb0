"""Diarization on real speech: the dialogue of three distinct voices assembled from
tests/data, and a real telephone call (how far the packaged encoder gets there)."""

from pathlib import Path

import pytest

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber
from locsvc.adapters.diarizer import EmbeddingDiarizer
from locsvc.domain.diarization import SpeakerHints, SpeakerTurn, speaker_confusion
from tests.speech_dialogue import build_dialogue

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dialogue(tmp_path_factory):
    audio = tmp_path_factory.mktemp("dialogue") / "dialogue.wav"
    reference = [SpeakerTurn(t.start_ms, t.end_ms, t.speaker) for t in build_dialogue(audio)]
    words = (
        FasterWhisperTranscriber("base", tmp_path_factory.mktemp("models"))
        .transcribe(audio, "en")
        .words
    )
    return audio, words, reference


def test_three_distinct_voices_are_found_and_told_apart(dialogue):
    audio, words, reference = dialogue
    result = EmbeddingDiarizer().diarize(audio, words)
    assert len(result.speakers) == 3
    assert speaker_confusion(reference, list(result.turns)) <= 0.10
    assert len(result.word_speakers) == len(words)
    assert {s.label for s in result.speakers} == {"S1", "S2", "S3"}
    assert all(s.pitch_hz and 60 <= s.pitch_hz <= 400 for s in result.speakers)


def test_a_hint_sets_the_count(dialogue):
    audio, words, _ = dialogue
    assert len(EmbeddingDiarizer().diarize(audio, words, SpeakerHints(speakers=2)).speakers) == 2
    one = EmbeddingDiarizer().diarize(audio, words, SpeakerHints(max_speakers=1))
    assert set(one.word_speakers) == {"S1"}


def test_the_same_input_gives_the_same_answer(dialogue):
    audio, words, _ = dialogue
    first = EmbeddingDiarizer().diarize(audio, words)
    assert EmbeddingDiarizer().diarize(audio, words).to_dict() == first.to_dict()


def test_no_words_no_speakers(tmp_path):
    assert EmbeddingDiarizer().diarize(Path("unused.wav"), []).speakers == ()
