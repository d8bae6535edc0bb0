import pickle
from pathlib import Path

import pytest

from locsvc.config import Settings
from locsvc.domain.errors import InvalidRequest, UnusableMedia


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
    with pytest.raises(InvalidRequest, match="LOCSVC_MAX_UPLOAD_MB"):
        Settings.from_env({"LOCSVC_MAX_UPLOAD_MB": "lots"})


def test_unknown_override_is_refused():
    with pytest.raises(InvalidRequest, match="nonsense"):
        Settings().with_overrides({"nonsense": 1})


def test_errors_survive_pickling_with_details():
    error = UnusableMedia("truncated", reason="truncated", decoded_ms=10)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is UnusableMedia
    assert copy.message == "truncated" and copy.details == {"reason": "truncated", "decoded_ms": 10}
