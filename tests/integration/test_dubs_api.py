"""Dub requests through the API without a worker: what is refused, and what is queued."""

from .review_fixtures import build_cast


def test_dub_requests(app, client, auth, data_dir):
    cast = build_cast(app, client, auth, data_dir)
    url = f"/api/v1/episodes/{cast.episode_id}/dubs/es"
    refused = client.post(url, headers=auth)  # nothing approved yet
    assert refused.status_code == 409 and "approved" in refused.json["error"]["message"]
    cloning = client.post(f"{url}?draft=1", headers=auth, json={"voice": "performer-x"})
    assert cloning.status_code == 400 and "consent" in cloning.json["error"]["message"]
    too_fast = client.post(f"{url}?draft=1", headers=auth, json={"max_speed": 2})
    assert too_fast.status_code == 400
    assert client.post(f"{url}?draft=1", headers=cast.auth("ana")).status_code == 403
    assert client.post(f"/api/v1/episodes/{cast.episode_id}/dubs/de?draft=1",
                       headers=auth).status_code == 404  # no German track  # fmt: skip

    queued = client.post(f"{url}?draft=1", headers=auth, json={"max_speed": 1.3})
    assert queued.status_code == 202, queued.json
    assert (queued.json["revision"], queued.json["draft"], queued.json["max_speed"]) == (
        1,
        True,
        1.3,
    )
    report = client.get(queued.json["status_url"], headers=auth).json
    assert report["status"] == "pending" and report["request"]["requested_by"] == "admin"
    assert client.get(f"{url}?format=wav", headers=auth).status_code == 404  # not made yet
