"""Real Whisper weights on real speech: WER after normalisation, at most 0.10 per clip."""

from pathlib import Path

import pytest

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber
from locsvc.adapters.asr_models import BASE_MODEL_BYTES

from ..helpers import wer

pytestmark = pytest.mark.slow
MAX_WER = 0.10
LIBRIVOX = sorted((Path(__file__).parents[1] / "data" / "librivox").glob("*.wav"))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> FasterWhisperTranscriber:
    return FasterWhisperTranscriber("base", tmp_path_factory.mktemp("models"))


def test_base_model_is_assembled_from_the_packages(base):
    model_bin = base.model_dir / "model.bin"
    assert model_bin.stat().st_size == BASE_MODEL_BYTES
    assert {p.name for p in base.model_dir.iterdir()} == {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.json",
    }


def test_jfk(base, data_dir):
    transcript = base.transcribe(data_dir / "jfk" / "jfk.mp3")
    reference = (data_dir / "jfk" / "jfk.reference.txt").read_text()
    assert transcript.language == "en"
    assert wer(reference, transcript.text) <= MAX_WER, transcript.text
    starts = [w.start_ms for w in transcript.words]
    assert starts == sorted(starts) and transcript.words[-1].end_ms <= 11_200


@pytest.mark.parametrize("clip", LIBRIVOX, ids=lambda p: p.stem[-4:])
def test_librivox(base, clip):
    transcript = base.transcribe(clip, language="en")
    reference = clip.with_suffix(".txt").read_text()
    assert wer(reference, transcript.text) <= MAX_WER, transcript.text


def test_tiny_en_is_the_fast_english_option(tmp_path, data_dir):
    tiny = FasterWhisperTranscriber("tiny.en", tmp_path)
    transcript = tiny.transcribe(data_dir / "jfk" / "jfk.mp3")
    assert transcript.model == "faster-whisper:tiny.en"
    assert wer((data_dir / "jfk" / "jfk.reference.txt").read_text(), transcript.text) <= MAX_WER
