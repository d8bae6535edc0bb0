"""A full review round on a real episode, against the real API, a real worker, Redis and
PostgreSQL: upload -> drafts -> claim -> XLIFF out -> correct -> upload -> submit ->
approve -> deliver, with the provenance that names everything behind the deliverable."""

import io

import pytest

from ..helpers import srt_text, upload_episode, wait_for_episode
from .conftest import AUTH

pytestmark = pytest.mark.slow


@pytest.fixture
def deployment(settings_overrides, redis_url, postgres_url):
    return dict(
        settings_overrides, asr_model="base", broker_url=redis_url, database_url=postgres_url
    )


def user(api, name: str, role: str, languages=()) -> dict:
    body = {"name": name, "role": role, "languages": list(languages)}
    response = api.post("/api/v1/users", headers=AUTH, json=body)
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_upload_to_delivery(deployment, api, start_worker, data_dir, apertium):
    producer = user(api, "pat", "producer")
    translator, reviewer = (
        user(api, "ana", "linguist", ["es"]),
        user(api, "bea", "linguist", ["es"]),
    )
    response = upload_episode(api, producer, data_dir / "jfk" / "jfk.mp3", name="jfk.mp3",
                              show="e2e", source_language="en", targets="es")  # fmt: skip
    assert response.status_code == 202, response.json
    episode_id = response.json["id"]
    start_worker(deployment)
    assert wait_for_episode(api, episode_id, AUTH)["status"] == "ready"

    queue = api.get("/api/v1/reviews?language=es&state=queued", headers=translator).json["items"]
    (review,) = [r for r in queue if r["episode_id"] == episode_id]
    base = f"/api/v1/reviews/{review['id']}"
    assert api.post(f"{base}/claim", headers=translator).status_code == 200

    track = f"/api/v1/episodes/{episode_id}/tracks/es"
    xliff = api.get(f"{track}?format=xliff", headers=translator).text
    assert "<source>" in xliff and "fellow Americans" in xliff
    corrected = xliff.replace("amigo", "compatriota")
    assert corrected != xliff, xliff
    stored = api.post(f"{track}/revisions", headers=translator,
                      data={"file": (io.BytesIO(corrected.encode()), "jfk.es.xlf")},
                      content_type="multipart/form-data")  # fmt: skip
    assert stored.status_code == 201, stored.json
    assert stored.json["diff"]["text_edits"] >= 1
    assert api.post(f"{base}/submit", headers=translator).status_code == 200
    assert stored.json["qc"]["summary"]["errors"] == 0, stored.json["qc"]
    approved = api.post(f"{base}/approve", headers=reviewer)
    assert approved.status_code == 200, approved.json
    assert approved.json["approved_revision"] == 2

    delivered = api.get(f"/api/v1/episodes/{episode_id}/deliverables/es?format=srt",
                        headers=producer)  # fmt: skip
    assert delivered.status_code == 200 and "compatriota" in srt_text(delivered.text)
    record = api.get(f"/api/v1/episodes/{episode_id}/provenance", headers=producer).json
    asr, diarizer, mt = record["models"]
    assert asr["name"] == "faster-whisper:base" and len(asr["sha256"]) == 64
    assert diarizer["kind"] == "diarization" and len(diarizer["sha256"]) == 64
    assert mt["engine"] == "apertium" and mt["language"] == "es"
    assert record["source_media"]["sha256"] == upload_media_sha256(data_dir)
    assert [a["action"] for a in record["human_actions"]] == [
        "episode.create", "review.claim", "track.revision", "review.submit", "review.approve",
    ]  # fmt: skip


def upload_media_sha256(data_dir) -> str:
    import hashlib

    return hashlib.sha256((data_dir / "jfk" / "jfk.mp3").read_bytes()).hexdigest()
