"""Dubbing a real episode end to end on the embedded default with a real worker: a video
made from the JFK recording, its Spanish draft dubbed with espeak-ng, its English track
re-voiced with Piper and transcribed back by the project's own ASR."""

import io
import json
import subprocess
import time
import wave

import pytest

from locsvc.adapters.db.repositories import TrackRepository

from ..helpers import upload_episode, wait_for_episode, wer
from .conftest import AUTH

pytestmark = pytest.mark.slow
MAX_DUB_WER = 0.15


@pytest.fixture
def episode(settings_overrides, media_dir, start_worker, apertium):
    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app

    deployment = dict(settings_overrides, asr_model="base")
    app = create_app(deployment)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    response = upload_episode(client, AUTH, media_dir / "jfk.mp4", name="jfk.mp4",
                              source_language="en", targets="es")  # fmt: skip
    assert response.status_code == 202, response.json
    start_worker(deployment)
    view = wait_for_episode(client, response.json["id"], AUTH)
    assert view["status"] == "ready", view
    yield client, view
    app.extensions["locsvc"].db.dispose()


def dub(client, episode_id, language, **query) -> dict:
    response = client.post(f"/api/v1/episodes/{episode_id}/dubs/{language}?draft=1",
                           headers=AUTH, json=query)  # fmt: skip
    assert response.status_code == 202, response.json
    report_url = response.json["status_url"]
    for _ in range(600):
        report = client.get(report_url, headers=AUTH).json
        if report["status"] in ("done", "failed"):
            assert report["status"] == "done", report
            return report
        time.sleep(0.2)
    raise TimeoutError(report)


def fetch(client, episode_id, language, fmt) -> bytes:
    response = client.get(f"/api/v1/episodes/{episode_id}/dubs/{language}?format={fmt}",
                          headers=AUTH)  # fmt: skip
    try:
        assert response.status_code == 200, response.data[:300]
        return response.data
    finally:
        response.close()  # send_file's handle


def test_spanish_dub_fits_the_picture(episode, tmp_path):
    client, view = episode
    episode_id, duration_ms = view["id"], round(view["duration"] * 1000)
    me_stem = tmp_path / "me.wav"  # music and effects: a tone the length of the episode
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    f"sine=frequency=110:duration={view['duration']}", "-ar", "8000", str(me_stem)],
                   check=True)  # fmt: skip
    stored = client.put(f"/api/v1/episodes/{episode_id}/me-stem", headers=AUTH,
                        content_type="multipart/form-data",
                        data={"file": (io.BytesIO(me_stem.read_bytes()), "me.wav")})  # fmt: skip
    assert stored.status_code == 200, stored.json
    report = dub(client, episode_id, "es")
    assert report["voice"]["engine"] == "espeak-ng" and report["lines"] >= 2
    assert report["bed"] == "me_stem"
    assert sum(report["fit"].values()) == report["lines"]

    with wave.open(io.BytesIO(fetch(client, episode_id, "es", "wav"))) as mixed:
        assert round(mixed.getnframes() * 1000 / mixed.getframerate()) == duration_ms
    script = json.loads(fetch(client, episode_id, "es", "json"))
    lines = script["lines"]
    assert {line["fit"] for line in lines} <= {"fits", "sped_up", "borrowed"}, lines
    for line, following in zip(lines, lines[1:], strict=False):  # no two lines overlap
        assert line["start_ms"] + line["played_ms"] <= following["start_ms"]
    assert all(line["speed"] <= 1.25 for line in lines)

    video = tmp_path / "dub.mp4"
    video.write_bytes(fetch(client, episode_id, "es", "mp4"))
    streams = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(video)],
        capture_output=True, text=True, check=True).stdout)["streams"]  # fmt: skip
    kinds = [(s["codec_type"], s.get("tags", {}).get("language")) for s in streams]
    assert kinds[0][0] == "video" and kinds[-1] == ("audio", "spa") and len(kinds) == 3


def test_english_revoicing_is_intelligible_and_redubs_only_changed_lines(episode, tmp_path):
    client, view = episode
    episode_id = view["id"]
    report = dub(client, episode_id, "en")
    assert report["voice"]["engine"] == "piper" and len(report["voice"]["model_sha256"]) == 64
    stem = tmp_path / "stem.wav"
    stem.write_bytes(fetch(client, episode_id, "en", "stem"))
    script = json.loads(fetch(client, episode_id, "en", "json"))
    reference = " ".join(line["text"] for line in script["lines"])

    transcriber = client.application.extensions["locsvc"].transcriber  # the pipeline's ASR
    heard = transcriber.transcribe(stem, "en").text
    assert wer(reference, heard) <= MAX_DUB_WER, (reference, heard)

    again = dub(client, episode_id, "en")
    assert again["synthesized"] == 0 and again["reused"] == again["lines"]

    # A linguist's new revision changes one line: only that line is synthesized again.
    ctx = client.application.extensions["locsvc"]
    cues = json.loads(fetch(client, episode_id, "en", "json"))["lines"]
    edited = [{"start_ms": c["start_ms"], "end_ms": c["end_ms"], "lines": [c["text"]]}
              for c in cues]  # fmt: skip
    edited[0]["lines"] = ["And so, my fellow citizens,"]
    blob = ctx.storage.put_bytes(json.dumps(edited).encode())
    with ctx.db.session() as session:
        tracks = TrackRepository(session)
        tracks.add_revision(tracks.find(episode_id, "en"), blob.sha256, len(edited), "ana")
    redubbed = dub(client, episode_id, "en")
    assert redubbed["request"]["revision"] == 2
    assert (redubbed["synthesized"], redubbed["reused"]) == (1, redubbed["lines"] - 1)
