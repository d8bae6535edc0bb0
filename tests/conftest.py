"""Shared fixtures: data files, the app on SQLite, real PostgreSQL and Redis, worker processes.

Tests that need PostgreSQL or Redis skip with a one-line reason on a developer's
machine where the service is down, and fail loudly under CI (CI=true)."""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from locsvc.adapters.db.migrate import upgrade
from locsvc.app import create_app

from .helpers import LlmServerProcess, WorkerProcess
from .seaweedfs import object_store  # noqa: F401 - the S3-compatible store, per session

DATA = Path(__file__).parent / "data"
POSTGRES_ADMIN_URL = os.environ.get(
    "LOCSVC_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("LOCSVC_TEST_REDIS", "redis://127.0.0.1:6379/13")
ADMIN_TOKEN = "test-admin-token"

# Property-based tests and fuzzing: CI runs a fixed, derandomized set of examples (the same
# ones every run, so a green run is reproducible and nothing flakes); a developer's run
# explores new random examples each time. HYPOTHESIS_PROFILE=explore runs many more.
settings.register_profile(
    "ci", max_examples=200, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("explore", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def _service_missing(what: str, detail: str) -> None:
    message = f"{what} is not available ({detail})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must have it running", pytrace=False)
    pytest.skip(message)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def apertium() -> None:
    """Apertium and its pairs come from Debian (make system-deps)."""
    import shutil

    if shutil.which("apertium") is None:
        _service_missing("Apertium", "not installed; run make system-deps")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _port_open("127.0.0.1", 6379):
        _service_missing("Redis", "127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def postgres_url() -> str:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not _port_open("127.0.0.1", 5432):
        _service_missing("PostgreSQL", "127.0.0.1:5432")
    import psycopg

    name = f"locsvc_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict:
    """The embedded default in a temp data dir, with a fast stale-claim timeout."""
    return {
        "data_dir": str(tmp_path / "var"),
        "admin_token": ADMIN_TOKEN,
        "asr_model": "tiny.en",
        "stage_stale_seconds": 4.0,
    }


@pytest.fixture
def app(settings_overrides: dict):
    app = create_app(settings_overrides)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    yield app
    app.extensions["locsvc"].db.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth() -> dict:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def start_worker(tmp_path: Path):
    """Start real `locsvc worker` processes with given settings; all stopped at the end."""
    started: list[WorkerProcess] = []

    def start(overrides: dict) -> WorkerProcess:
        worker = WorkerProcess(overrides, log_path=tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        worker.start()
        return worker

    yield start
    for worker in started:
        worker.stop()


def _ffmpeg(*args: str) -> None:
    import subprocess

    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory) -> Path:
    """Videos made from the real JFK recording (shared/data/README.md's recipe), and
    truncated copies of them."""
    out = tmp_path_factory.mktemp("media")
    jfk = str(DATA / "jfk" / "jfk.mp3")
    picture = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24000/1001"]
    encode = [
        "-shortest",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
    ]
    _ffmpeg(*picture, "-i", jfk, *encode, str(out / "jfk.mp4"))
    _ffmpeg(*picture, "-i", jfk, *encode, "-movflags", "+faststart", str(out / "jfk-faststart.mp4"))
    for name in ("jfk.mp4", "jfk-faststart.mp4"):
        whole = (out / name).read_bytes()
        (out / f"truncated-{name}").write_bytes(whole[: len(whole) // 2])
    (out / "notes.mp4").write_text("These are meeting notes, not a video.\n")
    (out / "empty.wav").write_bytes(b"")
    _ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x64:rate=25",
        "-t",
        "2",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        str(out / "silent-video.mp4"),
    )
    return out


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory) -> str:
    """A real `locsvc llm-server` (llama.cpp, packaged Gemma 3 270M) for the session: its
    base URL. The server is compiled by `make setup` (the `llm` extra)."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        _service_missing("llama.cpp's server", "not installed; pip install -e '.[llm]'")
    data = tmp_path_factory.mktemp("llm-server")
    server = LlmServerProcess({"data_dir": str(data / "var")}, data / "server.log")
    server.start()
    yield server.base
    server.stop()
