"""Rollouts with real workers, Redis and PostgreSQL: 3 episodes x 4 languages complete,
through a worker SIGKILLed and restarted, through Redis restarted, and the same request
twice plans nothing new."""

import subprocess
import time

import pytest

from locsvc.adapters.db.migrate import upgrade
from locsvc.app import create_app

from ..conftest import REDIS_URL
from ..helpers import upload_episode, wait_for
from .conftest import AUTH

pytestmark = pytest.mark.slow
LANGUAGES = ["es", "fr", "it", "pt-BR"]
REDIS_SERVER = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


@pytest.fixture
def deployment(settings_overrides, redis_url, postgres_url, apertium):
    return dict(
        settings_overrides,
        broker_url=redis_url,
        database_url=postgres_url,
        lost_message_seconds=3.0,
    )


@pytest.fixture
def season(deployment, data_dir):
    """Three LibriVox clips uploaded as episodes of one show, not yet transcribed."""
    app = create_app(deployment)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    clips = sorted((data_dir / "librivox").glob("*.wav"))[:3]
    for clip in clips:
        response = upload_episode(client, AUTH, clip, name=clip.name, show="season-1",
                                  source_language="en")  # fmt: skip
        assert response.status_code == 202, response.json
    yield client
    app.extensions["locsvc"].db.dispose()


def launch(client) -> str:
    body = {"show": "season-1", "languages": LANGUAGES, "priority": "high"}
    response = client.post("/api/v1/rollouts", headers=AUTH, json=body)
    assert response.status_code == 202, response.json
    return response.json["id"]


def status(client, rollout_id) -> dict:
    return client.get(f"/api/v1/rollouts/{rollout_id}", headers=AUTH).json


def wait_until(client, rollout_id, done_at_least=None, timeout_s=300) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        view = status(client, rollout_id)
        if done_at_least is None and view["state"] != "running":
            return view
        if done_at_least is not None and view["totals"]["done"] >= done_at_least:
            return view
        time.sleep(0.3)
    raise TimeoutError(f"rollout stuck: {view['totals']}")


def assert_every_cell_done_once(client, view) -> None:
    assert view["state"] == "done", view["totals"]
    assert view["totals"]["done"] == 12 and len(view["cells"]) == 12
    for episode_id in {c["episode_id"] for c in view["cells"]}:
        episode = client.get(f"/api/v1/episodes/{episode_id}", headers=AUTH).json
        tracks = {t["language"]: t["revision"] for t in episode["tracks"]}
        assert tracks == {"en": 1, **{lang: 1 for lang in LANGUAGES}}, tracks
        transcribe = next(s for s in episode["stages"] if s["name"] == "transcribe")
        assert transcribe["status"] == "done"


def test_rollout_completes_and_the_same_request_plans_nothing_new(deployment, season, start_worker):
    rollout_id = launch(season)
    first = status(season, rollout_id)
    assert first["totals"]["planned"] == 12 and first["state"] == "running"
    start_worker(deployment)
    view = wait_until(season, rollout_id)
    assert_every_cell_done_once(season, view)
    assert {c["engine"] for c in view["cells"]} == {"apertium", "bergamot"}
    assert all(c["progress"] == 1.0 for c in view["cells"])

    again = status(season, launch(season))
    assert again["state"] == "done" and again["totals"]["skipped"] == 12
    # A restarted API (a new app on the same database) reports the same.
    restarted = create_app(deployment)
    try:
        assert status(restarted.test_client(), rollout_id)["totals"] == view["totals"]
    finally:
        restarted.extensions["locsvc"].db.dispose()
    assert_every_cell_done_once(season, view)  # still one revision per track


def test_worker_killed_mid_rollout(deployment, season, start_worker):
    rollout_id = launch(season)
    worker = start_worker(deployment)
    wait_until(season, rollout_id, done_at_least=2)
    worker.kill()
    start_worker(deployment)
    view = wait_until(season, rollout_id)
    assert_every_cell_done_once(season, view)


def test_redis_restarted_mid_rollout(deployment, season, start_worker):
    rollout_id = launch(season)
    start_worker(deployment)
    wait_until(season, rollout_id, done_at_least=2)
    restart_redis()
    view = wait_until(season, rollout_id)
    assert_every_cell_done_once(season, view)


def restart_redis() -> None:
    """Redis as CI runs it, which keeps nothing on disk: every queued message is lost."""
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False)
    wait_for(lambda: not redis_answers(), 10, "Redis to stop")  # else the restart is a no-op
    subprocess.run(REDIS_SERVER, check=True)
    wait_for(redis_answers, 10, f"Redis to come back at {REDIS_URL}")


def redis_answers() -> bool:
    ping = subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True)
    return ping.stdout.strip() == "PONG"


def test_engine_limits_hold_across_workers(deployment, season, start_worker):
    """Two worker processes, each engine limited to one translation at a time: no two
    translations of the same engine ever overlap in time."""
    limited = {**deployment, "mt_engine_limits": "apertium=1,bergamot=1"}
    rollout_id = launch(season)
    start_worker(limited)
    start_worker(limited)
    view = wait_until(season, rollout_id)
    assert_every_cell_done_once(season, view)
    spans: dict[str, list[tuple[str, str]]] = {}
    for episode_id in {c["episode_id"] for c in view["cells"]}:
        episode = season.get(f"/api/v1/episodes/{episode_id}", headers=AUTH).json
        for stage in episode["stages"]:
            if stage["name"].startswith("translate:"):
                engine = "bergamot" if stage["name"].endswith("pt-BR") else "apertium"
                spans.setdefault(engine, []).append((stage["started_at"], stage["finished_at"]))
    for engine, intervals in spans.items():
        intervals.sort()
        overlaps = [(a, b) for a, b in zip(intervals, intervals[1:], strict=False) if b[0] < a[1]]
        assert overlaps == [], (engine, overlaps)
