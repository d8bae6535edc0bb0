"""Translation stages on the database, with the dispatcher recorded: when they are
queued, and what the reaper re-queues (the worker side is in tests/e2e)."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from locsvc.adapters.db.models import StageRun, utcnow
from locsvc.domain.pipeline import SOURCE_PIPELINE
from locsvc.services.pipeline import add_translations, requeue_lost_stages, requeue_stale_stages

from ..helpers import upload_episode


@pytest.fixture
def dispatched(app):
    calls: list[tuple[str, list[str]]] = []
    app.extensions["locsvc"].dispatch = lambda episode_id, stages, priority=None: calls.append(
        (episode_id, list(stages))
    )
    return calls


@pytest.fixture
def episode_id(client, auth, data_dir, dispatched):
    response = upload_episode(
        client, auth, data_dir / "jfk" / "jfk.mp3", source_language="en", targets="es"
    )
    assert response.status_code == 202, response.json
    return response.json["id"]


def set_status(app, episode_id, status, names, heartbeat=None):
    with app.extensions["locsvc"].db.session() as session:
        session.execute(
            update(StageRun)
            .where(StageRun.episode_id == episode_id, StageRun.name.in_(names))
            .values(status=status, heartbeat_at=heartbeat or utcnow())
        )


def test_upload_queues_the_source_chain_only(episode_id, dispatched):
    assert dispatched == [(episode_id, [s.value for s in SOURCE_PIPELINE[1:]])]


def test_languages_added_during_the_source_chain_wait_for_its_fan_out(app, episode_id, dispatched):
    assert add_translations(app.extensions["locsvc"], episode_id, ["pt-BR", "es"]) == [
        "translate:pt-BR"
    ]
    assert len(dispatched) == 1  # only the upload's chain: the fan-out will queue pt-BR


def test_languages_added_after_the_source_track_are_queued_at_once(app, episode_id, dispatched):
    set_status(app, episode_id, "done", [s.value for s in SOURCE_PIPELINE])
    ctx = app.extensions["locsvc"]
    assert add_translations(ctx, episode_id, ["fr"]) == ["translate:fr"]
    assert dispatched[-1] == (episode_id, ["translate:fr"])
    assert add_translations(ctx, episode_id, ["fr"]) == []  # the same request again: nothing
    assert len(dispatched) == 2


def test_a_stale_translation_is_requeued_alone(app, episode_id, dispatched):
    ctx = app.extensions["locsvc"]
    set_status(app, episode_id, "done", [s.value for s in SOURCE_PIPELINE])
    long_ago = utcnow() - timedelta(seconds=ctx.settings.stage_stale_seconds + 5)
    set_status(app, episode_id, "running", ["translate:es"], heartbeat=long_ago)
    assert requeue_stale_stages(ctx) == [(episode_id, "translate:es")]
    assert dispatched[-1] == (episode_id, ["translate:es"])


def test_a_ready_stage_whose_message_was_lost_is_queued_again_once(app, episode_id, dispatched):
    ctx = app.extensions["locsvc"]
    long_ago = utcnow() - timedelta(seconds=ctx.settings.lost_message_seconds + 5)
    with ctx.db.session() as session:
        session.execute(
            update(StageRun)
            .where(StageRun.episode_id == episode_id)
            .values(queued_at=long_ago, finished_at=long_ago)
        )
    set_status(app, episode_id, "done", [s.value for s in SOURCE_PIPELINE], heartbeat=long_ago)
    assert requeue_lost_stages(ctx, lambda queue: False) == []  # messages still waiting
    assert requeue_lost_stages(ctx, lambda queue: True) == [(episode_id, "translate:es")]
    assert dispatched[-1] == (episode_id, ["translate:es"])
    assert requeue_lost_stages(ctx, lambda queue: True) == []  # just queued again: wait
