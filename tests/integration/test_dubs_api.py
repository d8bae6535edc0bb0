"""Dub requests through the API without a worker: what is refused, and what is queued."""

import io

from werkzeug.test import EnvironBuilder

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


def sine(path, seconds: float):
    import subprocess

    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    f"sine=frequency=220:duration={seconds}", str(path)], check=True)  # fmt: skip
    return path


def test_an_me_stem_must_be_audio_of_the_episodes_length(app, client, auth, data_dir, tmp_path):
    cast = build_cast(app, client, auth, data_dir)
    url = f"/api/v1/episodes/{cast.episode_id}/me-stem"
    duration = client.get(f"/api/v1/episodes/{cast.episode_id}", headers=auth).json["duration"]

    def put(path, headers=auth):
        environ = EnvironBuilder(path=url, method="PUT", headers=headers,
                                 data={"file": (io.BytesIO(path.read_bytes()), path.name)},
                                 ).get_environ()  # fmt: skip
        try:
            return client.open(environ)
        finally:
            environ["wsgi.input"].close()  # werkzeug spools big bodies to a file

    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    assert put(text).status_code == 415
    assert put(sine(tmp_path / "short.wav", 3)).status_code == 400
    assert put(sine(tmp_path / "me.wav", duration), cast.auth("ana")).status_code == 403
    stored = put(sine(tmp_path / "me-ok.wav", duration))
    assert stored.status_code == 200 and len(stored.json["me_stem_sha256"]) == 64
    media = app.extensions["locsvc"].settings.media_dir
    leftovers = [p for p in (media / "tmp").iterdir()] if (media / "tmp").exists() else []
    assert leftovers == []  # refused stems left nothing behind


def test_lines_the_dub_could_not_fit_show_in_the_tracks_qc(app, client, auth, data_dir):
    from locsvc.adapters.db.repositories import EpisodeRepository

    cast = build_cast(app, client, auth, data_dir)
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        episodes = EpisodeRepository(session)
        episodes.add_stage(cast.episode_id, "dub:es", 99)
        stage = episodes.stage(cast.episode_id, "dub:es")
        stage.status = "done"
        stage.artifact_info = {"request": {"revision": 1}, "flagged": [
            {"id": "c2700", "rule": "dub_too_long", "overflow_ms": 420}]}  # fmt: skip
    qc = client.get(f"/api/v1/episodes/{cast.episode_id}/tracks/es/qc", headers=auth).json
    (issue,) = [i for i in qc["issues"] if i["rule"] == "dub_too_long"]
    assert (issue["cue"], issue["value"], issue["severity"]) == (2, 420, "warning")
    assert qc["summary"]["by_rule"]["dub_too_long"] == 1
