"""openai-whisper and transformers on the packaged Whisper weights (converted once per
session), on real speech: the JFK sample, and the five LibriVox clips joined with it
into one 35.7 s recording (two decoding windows), against faster-whisper on the same."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber
from locsvc.adapters.asr_models import file_sha256
from locsvc.adapters.asr_openai_whisper import OpenAIWhisperTranscriber
from locsvc.adapters.asr_transformers import TransformersTranscriber

from ..helpers import wer

pytestmark = pytest.mark.slow
pytest.importorskip("whisper", reason="the openai-whisper extra (make setup installs it)")
DATA = Path(__file__).parents[1] / "data"
LIBRIVOX = sorted((DATA / "librivox").glob("*.wav"))
JFK = DATA / "jfk" / "jfk.mp3"
MAX_WER = 0.10
ENGINES = {"openai-whisper": OpenAIWhisperTranscriber, "transformers": TransformersTranscriber}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Nothing may be downloaded: every connection attempt fails the test."""

    def refuse(self, address):
        raise AssertionError(f"a connection to {address} was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One model cache for the session: base assembled once, converted once per engine."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module", params=sorted(ENGINES))
def engine(request, model_cache):
    return ENGINES[request.param]("base", model_cache)


@pytest.fixture(scope="module")
def joined(tmp_path_factory) -> tuple[Path, str]:
    """The LibriVox clips and the JFK sample as one recording, and its reference text."""
    target = tmp_path_factory.mktemp("speech") / "joined.wav"
    sources = [*LIBRIVOX, JFK]
    inputs = [arg for source in sources for arg in ("-i", str(source))]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex",
         f"concat=n={len(sources)}:v=0:a=1", "-ar", "16000", "-ac", "1", str(target)],
        check=True,
    )  # fmt: skip
    references = [p.with_suffix(".txt") for p in LIBRIVOX] + [DATA / "jfk" / "jfk.reference.txt"]
    return target, " ".join(p.read_text().strip() for p in references)


@pytest.fixture(scope="module")
def faster_whisper_wer(joined, model_cache) -> float:
    transcript = FasterWhisperTranscriber("base", model_cache).transcribe(joined[0], "en")
    return wer(joined[1], transcript.text)


def assert_sane_words(transcript, duration_ms: int) -> None:
    words = transcript.words
    assert words
    starts = [w.start_ms for w in words]
    assert starts == sorted(starts)
    assert all(0 <= w.start_ms <= w.end_ms <= duration_ms + 200 for w in words)
    assert all(0.0 < w.probability <= 1.0 for w in words)
    assert sum(w.probability for w in words) / len(words) > 0.7  # clear speech, confident


def test_jfk_language_detected_words_timed(engine):
    transcript = engine.transcribe(JFK)  # no language given: detected
    assert transcript.language == "en" and transcript.language_probability > 0.5
    assert wer((DATA / "jfk" / "jfk.reference.txt").read_text(), transcript.text) <= MAX_WER
    assert transcript.duration_ms == 11_000
    assert_sane_words(transcript, 11_000)
    country = [w for w in transcript.words if "country" in w.text]
    assert len(country) == 2 and country[0].end_ms < 7_000 < country[1].start_ms


def test_a_long_recording_as_well_as_faster_whisper(engine, joined, faster_whisper_wer):
    progress: list[float] = []
    transcript = engine.transcribe(joined[0], "en", progress.append)
    error_rate = wer(joined[1], transcript.text)
    assert error_rate <= max(MAX_WER, faster_whisper_wer + 0.03), transcript.text
    assert transcript.duration_ms == 35_730
    assert_sane_words(transcript, 35_730)
    assert transcript.words[-1].start_ms > 30_000  # the second window was decoded
    assert progress == sorted(progress) and progress[-1] == 1.0


def test_provenance_names_the_converted_weights(engine, model_cache):
    transcript = engine.transcribe(DATA / "goforward.wav", "en")
    assert transcript.model == f"{engine.name}:base"
    weights = engine.model_dir
    if weights.is_dir():
        weights = weights / "model.safetensors"
        source = (engine.model_dir / "conversion.json").read_text()
    else:
        import torch

        source = str(torch.load(weights, weights_only=True)["source"])
    assert transcript.model_sha256 == file_sha256(weights)
    assert file_sha256(model_cache / "whisper-base-ct2" / "model.bin") in source
    assert transcript.parameters["beam_size"] == 5
    assert transcript.parameters["condition_on_previous_text"] is False
    assert transcript.parameters["word_timestamps"] is True


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_tiny_en_converts_too(name, model_cache):
    transcript = ENGINES[name]("tiny.en", model_cache).transcribe(JFK)
    assert transcript.model == f"{name}:tiny.en" and transcript.language == "en"
    assert wer((DATA / "jfk" / "jfk.reference.txt").read_text(), transcript.text) <= MAX_WER
    assert_sane_words(transcript, 11_000)
