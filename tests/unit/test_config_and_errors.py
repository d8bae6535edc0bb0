import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from locsvc.cli import main
from locsvc.config import Settings
from locsvc.domain.errors import ConfigError, InvalidRequest, UnusableMedia
from locsvc.http.errors import status_for


def test_defaults_are_the_embedded_default():
    settings = Settings.from_env({})
    assert settings.broker_url is None and settings.uses_embedded_queue
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.embedded_queue_path == Path("var/queue.sqlite3")
    assert settings.asr_model == "base"


def test_environment_is_read_with_types():
    settings = Settings.from_env(
        {
            "LOCSVC_DATA_DIR": "/srv/locsvc",
            "LOCSVC_BROKER_URL": "redis://127.0.0.1:6379/0",
            "LOCSVC_MAX_UPLOAD_MB": "12",
            "LOCSVC_STAGE_STALE_SECONDS": "2.5",
            "UNRELATED": "x",
        }
    )
    assert settings.data_dir == Path("/srv/locsvc")
    assert not settings.uses_embedded_queue
    assert settings.max_upload_bytes == 12 * 1024 * 1024
    assert settings.stage_stale_seconds == 2.5


def test_bad_number_names_the_variable():
    with pytest.raises(ConfigError, match="LOCSVC_MAX_UPLOAD_MB"):
        Settings.from_env({"LOCSVC_MAX_UPLOAD_MB": "lots"})


# One bad value of each kind the settings parse, compound tables included (read at start,
# not when a stage first uses them).
BAD_VARIABLES = {
    "LOCSVC_MAX_UPLOAD_MB": "lots",
    "LOCSVC_STAGE_STALE_SECONDS": "soon",
    "LOCSVC_SECURE_COOKIES": "perhaps",
    "LOCSVC_MT_ENGINES": "en-es",
    "LOCSVC_MT_ENGINE_LIMITS": "bergamot=none",
    "LOCSVC_MT_TRANSFORMERS": "en:de",
}


@pytest.mark.parametrize("variable", sorted(BAD_VARIABLES))
def test_a_bad_variable_is_an_operators_error_naming_it(variable):
    with pytest.raises(ConfigError, match=variable) as caught:
        Settings.from_env({variable: BAD_VARIABLES[variable]})
    assert not isinstance(caught.value, InvalidRequest)  # not a client's 400
    assert status_for(caught.value) == 500


@pytest.mark.parametrize(
    "variable, value",
    [("LOCSVC_MT_ENGINES", "en:es=bogus"), ("LOCSVC_MT_ENGINE_LIMITS", "bergamott=2")],
)
def test_an_unknown_engine_name_is_an_operators_error(variable, value):
    # before: accepted, then the first upload with a target got a client's 400 (or, for a
    # limit, the typo silently left the engine unlimited)
    with pytest.raises(ConfigError, match="known: transformers, bergamot, apertium"):
        Settings.from_env({variable: value})


COMMANDS = [
    ["db", "upgrade"],
    ["worker"],
    ["up"],
    ["users", "create", "pat", "--role", "producer"],
    ["glossary", "sync"],
    ["rollout", "status", "some-id"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_cli_stops_at_start_naming_the_variable(command, tmp_path):
    env = {"LOCSVC_DATA_DIR": str(tmp_path / "var"), "LOCSVC_MT_ENGINES": "en-es"}
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "error (config_error): LOCSVC_MT_ENGINES item 'en-es' is not SOURCE:TARGET=ENGINE."
    ]
    assert not (tmp_path / "var").exists()  # stopped before it touched anything


def test_the_api_process_stops_at_start_naming_the_variable(tmp_path):
    env = {**os.environ, "LOCSVC_DATA_DIR": str(tmp_path / "var"), "LOCSVC_MAX_UPLOAD_MB": "lots"}
    result = subprocess.run(
        [sys.executable, "-m", "locsvc.cli", "api", "--port", "0"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "error (config_error): LOCSVC_MAX_UPLOAD_MB='lots' is not a number."
    ]
    assert not (tmp_path / "var").exists()


def test_unknown_override_is_refused():
    with pytest.raises(InvalidRequest, match="nonsense"):
        Settings().with_overrides({"nonsense": 1})


def test_errors_survive_pickling_with_details():
    error = UnusableMedia("truncated", reason="truncated", decoded_ms=10)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is UnusableMedia
    assert copy.message == "truncated" and copy.details == {"reason": "truncated", "decoded_ms": 10}


def test_the_llm_settings_are_checked_and_the_key_never_shown():
    settings = Settings.from_env({"LOCSVC_LLM_URL": "http://127.0.0.1:8080/v1",
                                  "LOCSVC_LLM_API_KEY": "sk-secret-42",
                                  "LOCSVC_MT_ENGINES": "en:ja=llm"})  # fmt: skip
    assert settings.llm_api_key == "sk-secret-42" and "sk-secret-42" not in repr(settings)
    assert settings.mt_engine_table == {("en", "ja"): "llm"}
    for bad in ({"LOCSVC_LLM_URL": "127.0.0.1:8080"}, {"LOCSVC_LLM_TIMEOUT_SECONDS": "0"},
                {"LOCSVC_LLM_TIMEOUT_SECONDS": "soon"}):  # fmt: skip
        with pytest.raises(ConfigError, match="LOCSVC_LLM_"):
            Settings.from_env(bad)


def test_llm_server_is_a_documented_command():
    result = CliRunner().invoke(main, ["llm-server", "--help"])
    assert result.exit_code == 0 and "LOCSVC_LLM_URL" in result.output
