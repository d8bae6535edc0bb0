"""GET /metrics: the service's state in Prometheus' text format, read from the database
and the broker, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from locsvc.adapters.db.models import StageRun, utcnow
from locsvc.services.auth import create_user
from locsvc.services.stages import add_pipeline_revision

from ..helpers import upload_episode


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_overrides(request, settings_overrides):
    if request.param == "sqlite":
        return settings_overrides
    return {**settings_overrides, "database_url": request.getfixturevalue("postgres_url")}


def scrape(client, headers) -> dict[str, dict[tuple, float]]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            key = tuple(sorted(sample.labels.items()))
            samples.setdefault(sample.name, {})[key] = sample.value
    return samples


def finish(app, episode_id: str, name: str, status: str, seconds: float, **fields) -> None:
    with app.extensions["locsvc"].db.session() as session:
        stage = session.query(StageRun).filter_by(episode_id=episode_id, name=name).one()
        now = utcnow()
        stage.status, stage.started_at, stage.finished_at = status, now - timedelta(
            seconds=seconds), now  # fmt: skip
        for key, value in fields.items():
            setattr(stage, key, value)


def test_metrics_count_uploads_stages_and_queues(app, client, auth, data_dir):
    media = data_dir / "jfk" / "jfk.mp3"
    ids = [upload_episode(client, auth, media, show=show, targets="es").json["id"]
           for show in ("demo", "demo", "other")]  # fmt: skip
    finish(app, ids[0], "extract_audio", "done", 2.0)
    finish(app, ids[1], "extract_audio", "done", 4.0)
    finish(app, ids[0], "translate:es", "done", 3.0, artifact_info={"engine": {"name": "apertium"}})
    finish(app, ids[1], "translate:es", "failed", 1.0, attempts=3, error_code="mt_failed",
           artifact_info={"engine": {"name": "apertium"}})  # fmt: skip
    finish(app, ids[2], "transcribe", "done", 5.0, artifact_info={"model": "faster-whisper:base"})

    ctx = app.extensions["locsvc"]
    cues = ctx.storage.put_bytes(b"[]")
    with ctx.db.session() as session:
        for episode_id in ids[:2]:  # a source track each: its review round opens
            add_pipeline_revision(session, episode_id, "en", "source", cues.sha256, 0, None, {})

    m = scrape(client, auth)
    [(labels, count)] = m["locsvc_reviews"].items()
    assert dict(labels)["language"] == "en" and count == 2
    size = media.stat().st_size
    assert m["locsvc_uploads_total"] == {(("show", "demo"),): 2, (("show", "other"),): 1}
    assert m["locsvc_upload_bytes_total"][(("show", "demo"),)] == 2 * size
    assert m["locsvc_stages"][(("language", ""), ("stage", "probe"), ("status", "done"))] == 3
    assert (
        m["locsvc_stages"][(("language", "es"), ("stage", "translate"), ("status", "pending"))] == 1
    )
    assert (
        m["locsvc_stage_duration_seconds_count"][(("engine", ""), ("stage", "extract_audio"))] == 2
    )
    assert m["locsvc_stage_duration_seconds_sum"][
        (("engine", ""), ("stage", "extract_audio"))
    ] == pytest.approx(6.0, abs=0.01)
    assert (
        m["locsvc_stage_duration_seconds_count"][
            (("engine", "faster-whisper:base"), ("stage", "transcribe"))
        ]
        == 1
    )
    assert m["locsvc_stage_failures"] == {
        (("code", "mt_failed"), ("engine", "apertium"), ("stage", "translate")): 1
    }
    assert m["locsvc_stage_retries_total"] == {(("stage", "translate"),): 2}
    # Every upload queued its source chain: the asr queue holds three messages.
    assert m["locsvc_queue_messages"][(("queue", "asr"),)] == 3
    assert m["locsvc_queue_messages"][(("queue", "mt"),)] == 0
    assert m["locsvc_workers"] == {(): 0}


def test_metrics_need_an_admin(app, client):
    assert client.get("/metrics").status_code == 401
    _, token = create_user(app.extensions["locsvc"].db, "pat", "producer", "", "")
    producer = {"Authorization": f"Bearer {token}"}
    assert client.get("/metrics", headers=producer).status_code == 403
