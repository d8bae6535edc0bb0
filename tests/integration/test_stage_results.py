"""A stage reads the episode once (a StageJob) and returns what to write; the writes
happen in the caller's transaction (run_stage's, with the stage marked done), all or
nothing. The stages themselves run in worker processes: tests/e2e."""

from __future__ import annotations

import json

import pytest

from locsvc.adapters.db.repositories import EpisodeRepository, ReviewRepository, TrackRepository
from locsvc.domain.cues import Cue
from locsvc.domain.pipeline import SOURCE_PIPELINE, Stage
from locsvc.services.stages import DetectedLanguage, NewRevision, StageResult, read_job

from ..helpers import upload_episode

QC = {"errors": 0, "warnings": 0, "glossary_issues": 0}


@pytest.fixture
def episode_id(app, client, auth, data_dir):
    app.extensions["locsvc"].dispatch = lambda episode_id, stages, priority=None: None
    response = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", show="demo")
    assert response.status_code == 202, response.json
    return response.json["id"]


def test_a_job_is_the_episode_as_the_stage_starts(app, episode_id):
    ctx = app.extensions["locsvc"]
    job = read_job(ctx, episode_id, Stage.TRANSCRIBE)
    assert (job.episode_id, job.stage, job.show) == (episode_id, "transcribe", "demo")
    assert not job.media.has_video and job.media.duration_ms > 10_000
    assert job.frame_rate == ctx.settings.default_frame_rate  # audio only: the default
    assert job.requested_language is None and job.record == {}
    assert set(job.artifacts) == {s.value for s in SOURCE_PIPELINE}
    assert job.source_text is None  # from speech alone


def test_a_result_writes_its_language_and_revision_in_the_callers_transaction(app, episode_id):
    ctx = app.extensions["locsvc"]
    cues = ctx.storage.put_bytes(json.dumps([Cue(0, 900, ("Hi.",)).to_dict()]).encode())
    result = StageResult(
        cues.sha256,
        {"language": "fr", "qc": QC},
        (DetectedLanguage("fr"), NewRevision("fr", "source", cues.sha256, 1, None, QC)),
    )
    with ctx.db.session() as session:
        assert result.write(session, episode_id) == {"language": "fr", "qc": QC, "revision": 1}
    assert result.info == {"language": "fr", "qc": QC}  # the result itself is unchanged
    with ctx.db.session() as session:
        assert EpisodeRepository(session).get(episode_id).source_language == "fr"
        track = TrackRepository(session).find(episode_id, "fr")
        assert [(r.number, r.author) for r in track.revisions] == [(1, "pipeline")]
        assert ReviewRepository(session).live_for_track(track.id) is not None


def test_a_result_written_in_a_transaction_that_fails_leaves_nothing(app, episode_id):
    ctx = app.extensions["locsvc"]
    result = StageResult("0" * 64, {}, (DetectedLanguage("de"),))
    with pytest.raises(RuntimeError), ctx.db.session() as session:
        result.write(session, episode_id)
        raise RuntimeError("the claim was lost")  # as run_stage does
    with ctx.db.session() as session:
        assert EpisodeRepository(session).get(episode_id).source_language is None
