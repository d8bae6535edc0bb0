"""Rollouts through the API without a worker: planning, validation, cancel, retry."""

import pytest
from sqlalchemy import update

from locsvc.adapters.db.models import StageRun

from ..helpers import upload_episode


@pytest.fixture
def episodes(client, auth, data_dir):
    ids = []
    for _ in range(2):
        response = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", show="s1",
                                  source_language="en")  # fmt: skip
        assert response.status_code == 202
        ids.append(response.json["id"])
    return ids


def post(client, auth, body, **headers):
    return client.post("/api/v1/rollouts", headers={**auth, **headers}, json=body)


def test_a_rollout_plans_every_cell_and_adds_the_stages(client, auth, episodes):
    response = post(client, auth, {"show": "s1", "languages": ["es", "pt-BR"]})
    assert response.status_code == 202, response.json
    view = client.get(response.json["status_url"], headers=auth).json
    assert view["state"] == "running" and view["totals"]["planned"] == 4
    assert {(c["episode_id"], c["language"]) for c in view["cells"]} == {
        (e, lang) for e in episodes for lang in ("es", "pt-BR")
    }
    stages = [s["name"] for s in client.get(f"/api/v1/episodes/{episodes[0]}",
                                             headers=auth).json["stages"]]  # fmt: skip
    assert stages[-2:] == ["translate:es", "translate:pt-BR"]


@pytest.mark.parametrize(
    "body, code",
    [
        ({"languages": ["es"]}, 400),  # neither show nor episodes
        ({"show": "s1", "episodes": ["x"], "languages": ["es"]}, 400),
        ({"show": "s1", "languages": []}, 400),
        ({"show": "s1", "languages": ["ja"]}, 400),  # no engine translates en -> ja
        ({"show": "s1", "languages": ["es"], "priority": "asap"}, 400),
        ({"episodes": ["nope"], "languages": ["es"]}, 404),
        ({"episodes": "abc", "languages": ["es"]}, 400),
        ({"show": "empty-show", "languages": ["es"]}, 400),
        ({"show": "s1", "languages": ["es"], "glossary": True}, 400),
        ({"show": "s1", "languages": ["es"], "glossary": "../../etc"}, 400),
        ({"show": "s1", "languages": ["es"], "glossary": "999"}, 400),  # no such glossary
        ({"show": "s1", "languages": ["es"], "glossary": "99999999999999999999"}, 400),
        ({"show": "s1", "languages": ["es"], "priority": []}, 400),
        ({"show": "<script>", "languages": ["es"]}, 400),
    ],
)
def test_bad_rollouts_are_refused(client, auth, episodes, body, code):
    assert post(client, auth, body).status_code == code


def test_idempotency_key_answers_the_first_rollout(client, auth, episodes):
    body = {"episodes": episodes, "languages": ["es"]}
    first = post(client, auth, body, **{"Idempotency-Key": "season-1-es"})
    again = post(client, auth, body, **{"Idempotency-Key": "season-1-es"})
    assert first.json["id"] == again.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"


def test_cancel_stops_open_cells_and_retry_runs_failed_ones(app, client, auth, episodes):
    rollout_id = post(client, auth, {"episodes": episodes, "languages": ["es"]}).json["id"]
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:  # one episode's translation failed, say
        session.execute(
            update(StageRun)
            .where(StageRun.episode_id == episodes[0], StageRun.name != "translate:es")
            .values(status="done")
        )
        session.execute(
            update(StageRun)
            .where(StageRun.episode_id == episodes[0], StageRun.name == "translate:es")
            .values(status="failed", error_code="stage_failed", error_message="engine crashed")
        )
    view = client.get(f"/api/v1/rollouts/{rollout_id}", headers=auth).json
    failed = [c for c in view["cells"] if c["state"] == "failed"]
    assert [c["error"]["message"] for c in failed] == ["engine crashed"]

    retried = client.post(f"/api/v1/rollouts/{rollout_id}/retry", headers=auth).json
    assert {c["episode_id"]: c["state"] for c in retried["cells"]} == {
        episodes[0]: "queued",
        episodes[1]: "planned",
    }
    cancelled = client.post(f"/api/v1/rollouts/{rollout_id}/cancel", headers=auth).json
    assert cancelled["state"] == "cancelled"
    assert {c["state"] for c in cancelled["cells"]} == {"cancelled"}
    assert client.post(f"/api/v1/rollouts/{rollout_id}/cancel",
                       headers={"Authorization": "Bearer nope"}).status_code == 401  # fmt: skip
