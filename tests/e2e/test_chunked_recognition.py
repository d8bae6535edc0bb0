"""A long recording recognised in chunks by whichever worker is free, then stitched:
real worker processes, a real broker and database, real speech. Chunks of 10 s stand in
for the minutes a real episode is cut into (LOCSVC_ASR_CHUNK_SECONDS)."""

from __future__ import annotations

import time

import pytest

from ..helpers import srt_text, wait_for_episode, wer
from .conftest import AUTH
from .test_pipeline import librivox_episode, post  # noqa: F401 - the module fixture

pytestmark = pytest.mark.slow
CHUNKED = {"asr_chunk_seconds": 10.0}  # the 24.7 s reading: two chunks


@pytest.fixture
def deployment(deployment):
    """The API (which plans an episode's stages at upload) and the workers alike."""
    return {**deployment, **CHUNKED}


def chunks_of(view: dict) -> list[dict]:
    return [s for s in view["stages"] if s["name"].startswith("asr_chunk:")]


def test_two_workers_share_one_recording_and_its_words_come_back_whole(
    deployment,
    api,
    start_worker,
    librivox_episode,  # noqa: F811
):
    audio, reference = librivox_episode
    episode_id = post(api, audio, source_language="en")
    for _ in range(2):
        start_worker(deployment)
    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", view
    assert [s["name"] for s in chunks_of(view)] == ["asr_chunk:1", "asr_chunk:2"]
    assert all(s["status"] == "done" and s["attempts"] == 1 for s in chunks_of(view))
    srt = api.get(f"/api/v1/episodes/{episode_id}/tracks/en", headers=AUTH).text
    assert wer(reference, srt_text(srt)) <= 0.10, srt
    provenance = api.get(f"/api/v1/episodes/{episode_id}/provenance", headers=AUTH).json
    info = {s["name"]: s["info"] for s in provenance["stages"]}
    [cut] = info["extract_audio"]["chunk_cuts_ms"]
    spans = [info[name]["span_ms"] for name in ("asr_chunk:1", "asr_chunk:2")]
    assert spans == [[0, cut], [cut, spans[1][1]]]  # back to back, cut where speech paused
    assert info["transcribe"]["parameters"]["chunks"] == 2


def test_a_worker_killed_mid_chunk_costs_that_chunk_only(
    deployment,
    api,
    start_worker,
    librivox_episode,  # noqa: F811
):
    audio, reference = librivox_episode
    episode_id = post(api, audio, source_language="en")
    first = start_worker(deployment)
    running = wait_for_running_chunk(api, episode_id)
    first.kill()
    second = start_worker(deployment)
    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", (view, second.log()[-3000:])
    attempts = {s["name"]: s["attempts"] for s in view["stages"]}
    assert attempts[running] == 2
    assert all(n == 1 for name, n in attempts.items() if name != running), attempts
    assert f"re-queuing stage {running}" in second.log()
    srt = api.get(f"/api/v1/episodes/{episode_id}/tracks/en", headers=AUTH).text
    assert wer(reference, srt_text(srt)) <= 0.10, srt


def wait_for_running_chunk(client, episode_id: str, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        view = client.get(f"/api/v1/episodes/{episode_id}", headers=AUTH).json
        running = [s["name"] for s in chunks_of(view) if s["status"] == "running"]
        if running:
            return running[0]
        assert view["status"] != "failed", view
        time.sleep(0.05)
    raise TimeoutError(f"no chunk started: {view}")
