"""The whole source pipeline with real worker processes, a real broker and a real database."""

import re
import subprocess
import time

import pytest

from locsvc.adapters.db.migrate import upgrade
from locsvc.app import create_app

from ..helpers import srt_text, upload_episode, wait_for_episode, wer
from .conftest import AUTH

pytestmark = pytest.mark.slow
MAX_WER = 0.10


def post(client, path, **form):
    response = upload_episode(client, AUTH, path, name=path.name, show="e2e", **form)
    assert response.status_code == 202, response.json
    return response.json["id"]


@pytest.fixture(scope="module")
def librivox_episode(tmp_path_factory, data_dir):
    """The five LibriVox clips joined into one 24.7 s recording, with its reference."""
    clips = sorted((data_dir / "librivox").glob("*.wav"))
    out = tmp_path_factory.mktemp("librivox") / "sense-and-sensibility.wav"
    inputs = [arg for clip in clips for arg in ("-i", str(clip))]
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            *inputs,
            "-filter_complex",
            f"concat=n={len(clips)}:v=0:a=1",
            str(out),
        ],
        check=True,
    )
    reference = " ".join(clip.with_suffix(".txt").read_text().strip() for clip in clips)
    return out, reference


def test_video_to_source_track(deployment, api, start_worker, media_dir, data_dir):
    episode_id = post(api, media_dir / "jfk.mp4", title="Inaugural")
    start_worker(deployment)
    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", view
    assert view["frame_rate"] == pytest.approx(24000 / 1001)
    assert view["source_language"] == "en"
    assert [s["attempts"] for s in view["stages"]] == [1] * 7
    assert view["tracks"] == [{"language": "en", "kind": "source", "state": "draft", "revision": 1}]

    srt = api.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=srt", headers=AUTH).text
    vtt = api.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=vtt", headers=AUTH).text
    reference = (data_dir / "jfk" / "jfk.reference.txt").read_text()
    assert wer(reference, srt_text(srt)) <= MAX_WER, srt
    assert vtt.startswith("WEBVTT") and "<v S1>" in vtt  # the one speaker, as a voice span
    vtt_words = re.sub(r"</?v[^>]*>", "", vtt.replace("WEBVTT", ""))
    assert srt_text(vtt_words) == srt_text(srt)
    assert api.get("/api/v1/health", headers=AUTH).json["workers"] == 1


def test_worker_killed_mid_transcription(deployment, api, start_worker, librivox_episode):
    audio, reference = librivox_episode
    episode_id = post(api, audio, source_language="en")
    first = start_worker(deployment)
    # Its claim on the running stage is what a dead worker leaves behind: kill it then.
    # (Not after a fixed sleep, nor once progress shows: progress comes per decoded
    # 30 s Whisper window, and this 24.7 s recording is about one, so only at the end.)
    wait_for_stage(api, episode_id, "transcribe")
    first.kill()
    stuck = api.get(f"/api/v1/episodes/{episode_id}", headers=AUTH).json
    assert stage(stuck, "transcribe")["status"] == "running"  # nobody will finish it...

    second = start_worker(deployment)  # ...until a new worker notices the silence
    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", (view, second.log()[-3000:])
    attempts = {s["name"]: s["attempts"] for s in view["stages"]}
    assert attempts == {
        "probe": 1,
        "extract_audio": 1,
        "detect_shots": 1,
        "transcribe": 2,
        "diarize": 1,
        "segment": 1,
        "write_track": 1,
    }
    assert view["tracks"][0]["revision"] == 1  # one track, one revision: nothing duplicated
    assert "re-queuing stage transcribe" in second.log()
    srt = api.get(f"/api/v1/episodes/{episode_id}/tracks/en", headers=AUTH).text
    assert wer(reference, srt_text(srt)) <= MAX_WER, srt


def stage(view, name):
    return next(s for s in view["stages"] if s["name"] == name)


def wait_for_stage(client, episode_id, name, timeout_s=120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        view = client.get(f"/api/v1/episodes/{episode_id}", headers=AUTH).json
        current = stage(view, name)
        if current["status"] == "running":
            return view
        assert view["status"] != "failed", view
        time.sleep(0.1)
    raise TimeoutError(f"stage {name} never started: {view}")


def test_truncated_upload_fails_with_a_clear_error(settings_overrides, start_worker, media_dir):
    """A truncated MP4 whose index survives passes the probe; decoding finds the hole."""
    app = create_app(settings_overrides)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    episode_id = post(client, media_dir / "truncated-jfk-faststart.mp4")
    start_worker(settings_overrides)
    view = wait_for_episode(client, episode_id, AUTH)
    assert view["status"] == "failed"
    assert view["error"]["code"] == "unusable_media"
    assert "truncated" in view["error"]["message"]
    extract = stage(view, "extract_audio")
    assert extract["status"] == "failed" and extract["error"]["code"] == "unusable_media"
    assert [s["status"] for s in view["stages"][2:]] == ["pending"] * 5
    storage_tmp = app.extensions["locsvc"].storage.root / "tmp"
    assert list(storage_tmp.iterdir()) == []  # the partial WAV did not survive
    assert view["tracks"] == []
    app.extensions["locsvc"].db.dispose()
