"""LOCSVC_ASR_ENGINE: the wiring builds the engine it names, refuses one it does not know,
and an engine whose extra is missing says which extra to install (no model is loaded)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber
from locsvc.adapters.asr_openai_whisper import OpenAIWhisperTranscriber
from locsvc.adapters.asr_transformers import TransformersTranscriber
from locsvc.config import Settings
from locsvc.domain.errors import ConfigError, ModelUnavailable
from locsvc.http.errors import status_for
from locsvc.wiring import transcriber_for

ENGINES = {
    "faster-whisper": FasterWhisperTranscriber,
    "openai-whisper": OpenAIWhisperTranscriber,
    "transformers": TransformersTranscriber,
}


def test_faster_whisper_is_the_default():
    settings = Settings.from_env({})
    assert settings.asr_engine == "faster-whisper"
    assert type(transcriber_for(settings)) is FasterWhisperTranscriber


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_wiring_builds_the_engine_the_variable_names(engine, tmp_path):
    settings = Settings.from_env({
        "LOCSVC_ASR_ENGINE": engine, "LOCSVC_DATA_DIR": str(tmp_path), "LOCSVC_ASR_MODEL":
        "tiny.en", "LOCSVC_ASR_THREADS": "3", "LOCSVC_ASR_BEAM_SIZE": "4",
    })  # fmt: skip
    transcriber = transcriber_for(settings)
    assert type(transcriber) is ENGINES[engine]
    assert transcriber.name == engine
    assert (transcriber.model_spec, transcriber.threads, transcriber.beam_size) == ("tiny.en", 3, 4)
    assert transcriber.cache_dir == tmp_path / "models"


@pytest.mark.parametrize("engine", ["whisper.cpp", "openai_whisper", "Transformers"])
def test_an_unknown_engine_is_an_operators_error_listing_the_three(engine):
    expected = f"LOCSVC_ASR_ENGINE='{engine}' .*known: faster-whisper, openai-whisper, transformers"
    with pytest.raises(ConfigError, match=expected) as caught:
        Settings.from_env({"LOCSVC_ASR_ENGINE": engine})
    assert status_for(caught.value) == 500
    with pytest.raises(ConfigError, match=expected):  # settings made from overrides too
        transcriber_for(Settings().with_overrides({"asr_engine": engine}))


@pytest.mark.parametrize(
    "engine, module", [("openai-whisper", "whisper"), ("transformers", "transformers")]
)
def test_a_missing_extra_is_named(engine, module, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, module, None)  # what `import` sees when not installed
    transcriber = ENGINES[engine]("base", tmp_path)
    with pytest.raises(ModelUnavailable, match=rf"pip install -e '\.\[{engine}\]'") as caught:
        transcriber.transcribe(Path("any.wav"))
    assert caught.value.details["extra"] == engine
    assert status_for(caught.value) == 503
    assert list(tmp_path.iterdir()) == []  # nothing assembled or converted for nothing
