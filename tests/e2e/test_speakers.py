"""Speakers end to end, through real workers: an episode of three voices gets three
speakers in its track, a producer names one, and the show's next episode labels the same
voice with the same name (with its score)."""

import pytest

from tests.speech_dialogue import build_dialogue

from ..helpers import upload_episode, wait_for_episode
from .conftest import AUTH

pytestmark = pytest.mark.slow


def upload(api, path, **form):
    response = upload_episode(api, AUTH, path, name=path.name, show="cast-show",
                              source_language="en", **form)  # fmt: skip
    assert response.status_code == 202, response.json
    return response.json["id"]


@pytest.mark.parametrize("deployment", ["embedded"], indirect=True)
def test_a_named_voice_is_recognised_in_the_next_episode(deployment, api, start_worker, tmp_path):
    first, second = tmp_path / "episode-1.wav", tmp_path / "episode-2.wav"
    build_dialogue(first, half=1)  # the reader, the cards speaker and JFK, in turn
    build_dialogue(second, half=2)  # the same three people, saying other things
    episode = upload(api, first)
    start_worker(deployment)
    assert wait_for_episode(api, episode, AUTH)["status"] == "ready"

    speakers = api.get(f"/api/v1/episodes/{episode}/speakers", headers=AUTH).json["speakers"]
    assert [s["label"] for s in speakers] == ["S1", "S2", "S3"]
    vtt = api.get(f"/api/v1/episodes/{episode}/tracks/en?format=vtt", headers=AUTH).text
    assert "<v S1>" in vtt and "<v S2>" in vtt, vtt

    named = api.patch(f"/api/v1/episodes/{episode}/speakers/S1", headers=AUTH,
                      json={"name": "Elinor"})  # fmt: skip
    assert named.status_code == 200 and named.json["name"] == "Elinor"
    vtt = api.get(f"/api/v1/episodes/{episode}/tracks/en?format=vtt", headers=AUTH).text
    assert "<v Elinor>" in vtt and "<v S1>" not in vtt
    cast = api.get("/api/v1/shows/cast-show/cast", headers=AUTH).json["characters"]
    assert [(c["name"], c["voice_print_episodes"]) for c in cast] == [("Elinor", 1)]

    nxt = upload(api, second)
    assert wait_for_episode(api, nxt, AUTH)["status"] == "ready"
    found = api.get(f"/api/v1/episodes/{nxt}/speakers", headers=AUTH).json["speakers"]
    matched = [s for s in found if s["name"] == "Elinor"]
    assert len(matched) == 1, found
    assert matched[0]["name_source"] == "matched" and matched[0]["match_score"] >= 0.5
    provenance = api.get(f"/api/v1/episodes/{nxt}/provenance", headers=AUTH).json
    assert "diarize" in str(provenance), provenance
