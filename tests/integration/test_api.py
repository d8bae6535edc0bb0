"""The HTTP API on the embedded default, without a worker: auth, uploads, bad input, errors."""

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from locsvc.adapters.db.repositories import TrackRepository
from locsvc.cli import main as cli
from locsvc.domain.cues import Cue

from ..helpers import env_for
from ..helpers import upload_episode as upload


def nothing_stored(app) -> bool:
    ctx = app.extensions["locsvc"]
    media = ctx.settings.media_dir
    leftovers = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    with ctx.db.session() as session:
        episodes = session.execute(text("SELECT count(*) FROM episodes")).scalar()
    return leftovers == [] and episodes == 0


def add_source_track(app, episode_id: str, cues: list[Cue]) -> None:
    """A source-track revision written straight to storage and database (no worker here)."""
    ctx = app.extensions["locsvc"]
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    with ctx.db.session() as session:
        tracks = TrackRepository(session)
        track = tracks.get_or_create(episode_id, "en", "source")
        tracks.add_revision(track, blob.sha256, len(cues), "test")


def test_health_and_openapi_need_no_token(client):
    health = client.get("/api/v1/health")
    assert health.status_code == 200
    assert health.json == {"status": "ok", "database": "ok", "broker": "ok", "workers": 0}
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/episodes/{id}/tracks/{lang}" in spec["paths"]


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_missing_or_wrong_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/episodes", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_created_users_authenticate_with_their_role(app, client, data_dir, settings_overrides):
    runner = CliRunner()
    env = env_for(settings_overrides)
    producer = runner.invoke(cli, ["users", "create", "pat", "--role", "producer"], env=env)
    linguist = runner.invoke(
        cli, ["users", "create", "lin", "--role", "linguist", "--languages", "es"], env=env
    )
    assert producer.exit_code == 0 and linguist.exit_code == 0, producer.output + linguist.output
    duplicate = runner.invoke(cli, ["users", "create", "pat", "--role", "producer"], env=env)
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output

    as_producer = {"Authorization": f"Bearer {producer.output.strip()}"}
    as_linguist = {"Authorization": f"Bearer {linguist.output.strip()}"}
    assert client.get("/api/v1/episodes", headers=as_linguist).status_code == 200
    refused = upload(client, as_linguist, data_dir / "jfk" / "jfk.mp3")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert upload(client, as_producer, data_dir / "jfk" / "jfk.mp3").status_code == 202


def test_upload_is_accepted_and_reported(app, client, auth, data_dir):
    response = upload(client, auth, data_dir / "jfk" / "jfk.mp3", title="JFK", source_language="en")
    assert response.status_code == 202
    episode_id = response.json["id"]
    assert response.headers["Location"] == response.json["status_url"]
    view = client.get(response.json["status_url"], headers=auth).json
    assert view["status"] == "queued" and view["title"] == "JFK"
    assert view["source_language"] == "en" and view["frame_rate"] is None
    assert [s["name"] for s in view["stages"]] == [
        "probe",
        "extract_audio",
        "detect_shots",
        "transcribe",
        "diarize",
        "segment",
        "write_track",
    ]
    assert view["stages"][0]["status"] == "done"
    assert all(s["status"] == "pending" for s in view["stages"][1:])
    listed = client.get("/api/v1/episodes?show=demo", headers=auth).json["items"]
    assert [e["id"] for e in listed] == [episode_id]
    assert client.get("/api/v1/episodes?show=other", headers=auth).json["items"] == []


def test_video_upload_records_its_frame_rate(client, auth, media_dir):
    response = upload(client, auth, media_dir / "jfk.mp4", name="jfk.mp4")
    view = client.get(response.json["status_url"], headers=auth).json
    assert view["has_video"] and view["frame_rate"] == pytest.approx(24000 / 1001)


@pytest.mark.parametrize(
    "source, status, code",
    [
        ("media:notes.mp4", 415, "unsupported_media_type"),
        ("media:empty.wav", 422, "empty_upload"),
        ("media:truncated-jfk.mp4", 415, "unsupported_media_type"),
        ("media:silent-video.mp4", 422, "unusable_media"),
        ("data:bad_input/bad.wav", 415, "unsupported_media_type"),
        ("data:bad_input/evil.wav", 415, "unsupported_media_type"),
        ("data:bad_input/null.wav", 422, "unusable_media"),
        ("data:bad_input/awful.wav", 422, "unusable_media"),
    ],
)
def test_bad_media_is_rejected_and_nothing_is_kept(
    app, client, auth, data_dir, media_dir, source, status, code
):
    kind, name = source.split(":")
    path = (media_dir if kind == "media" else data_dir) / name
    response = upload(client, auth, path, name=path.name)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]
    assert nothing_stored(app)


@pytest.fixture
def small_limit(settings_overrides):
    settings_overrides["max_upload_mb"] = 1
    return settings_overrides


@pytest.mark.parametrize("size_mb", [1.5, 3])  # under and over the multipart allowance
def test_oversized_upload_is_413_and_nothing_is_kept(small_limit, app, client, auth, size_mb):
    response = upload(client, auth, data=b"\0" * int(size_mb * 1024 * 1024), name="big.wav")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "upload_too_large"
    assert nothing_stored(app)


@pytest.mark.parametrize(
    "form, field",
    [
        ({"show": "Not A Slug!"}, "show"),
        ({"source_language": "english!"}, "source_language"),
        ({"targets": "es,not a tag"}, "targets"),
        ({"targets": "en", "source_language": "en"}, "targets"),
        ({"glossary": "Not A Slug!"}, "glossary"),
        ({"glossary": "999"}, "glossary"),
    ],
)
def test_invalid_fields_are_400(client, auth, data_dir, form, field):
    response = upload(client, auth, data_dir / "jfk" / "jfk.mp3", **form)
    assert response.status_code == 400
    assert response.json["error"]["details"]["field"] == field


@pytest.mark.parametrize("form", [{"targets": "es,xx"}, {"targets": "ja", "source_language": "en"}])
def test_untranslatable_targets_are_refused_before_anything_is_kept(
    app, client, auth, data_dir, form
):
    response = upload(client, auth, data_dir / "jfk" / "jfk.mp3", **form)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "unsupported_language_pair"
    assert nothing_stored(app)


def test_targets_become_translation_stages(client, auth, data_dir):
    response = upload(
        client, auth, data_dir / "jfk" / "jfk.mp3", source_language="en", targets="es, pt-BR,es"
    )
    assert response.status_code == 202
    episode = client.get(response.json["status_url"], headers=auth).json
    stages = [s["name"] for s in episode["stages"]]
    assert stages[-3:] == ["write_track", "translate:es", "translate:pt-BR"]


def test_missing_file_is_400(client, auth):
    response = client.post("/api/v1/episodes", headers=auth, data={"show": "demo"})
    assert response.status_code == 400 and response.json["error"]["details"]["field"] == "file"


def test_unknown_ids_are_404(client, auth):
    assert client.get("/api/v1/episodes/nope", headers=auth).status_code == 404
    response = client.get("/api/v1/episodes/nope/tracks/en?format=srt", headers=auth)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_track_formats_and_revisions(app, client, auth, data_dir):
    episode_id = upload(client, auth, data_dir / "jfk" / "jfk.mp3").json["id"]
    add_source_track(app, episode_id, [Cue(0, 1000, ("Hello.",))])

    srt = client.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=srt", headers=auth)
    assert srt.status_code == 200 and srt.mimetype == "application/x-subrip"
    assert srt.text == "1\n00:00:00,000 --> 00:00:01,000\nHello.\n\n"
    vtt = client.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=vtt&revision=1", headers=auth)
    assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT")

    ttml = client.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=ttml", headers=auth)
    assert ttml.status_code == 200 and ttml.mimetype == "application/ttml+xml"
    assert 'xml:lang="en"' in ttml.text and 'ttp:frameRate="25"' in ttml.text

    bad_format = client.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=docx", headers=auth)
    assert (
        bad_format.status_code == 400 and bad_format.json["error"]["code"] == "unsupported_format"
    )
    for query in ("revision=7", "revision=zero", "revision=0"):
        response = client.get(f"/api/v1/episodes/{episode_id}/tracks/en?{query}", headers=auth)
        assert response.status_code == 400, query
    assert client.get(f"/api/v1/episodes/{episode_id}/tracks/fr", headers=auth).status_code == 404

    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc", headers=auth)
    assert qc.status_code == 200
    assert qc.json["summary"]["cues"] == 1 and qc.json["summary"]["revision"] == 1
    assert qc.json["issues"] == []
    missing = client.get(f"/api/v1/episodes/{episode_id}/tracks/fr/qc", headers=auth)
    assert missing.status_code == 404


@pytest.fixture
def broker_down(settings_overrides, tmp_path):
    settings_overrides["broker_url"] = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    return settings_overrides


def test_upload_while_the_broker_is_down_is_503_and_keeps_no_episode(
    broker_down, app, client, auth, data_dir
):
    response = upload(client, auth, data_dir / "goforward.wav", name="goforward.wav")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "queue_unavailable"
    assert client.get("/api/v1/episodes", headers=auth).json["items"] == []
    assert client.get("/api/v1/health").json["broker"].startswith("unreachable")


def test_a_repeated_upload_with_the_same_idempotency_key_creates_one_episode(
    app, client, auth, data_dir
):
    first = upload(client, {**auth, "Idempotency-Key": "pilot-v1"}, data_dir / "goforward.wav")
    again = upload(client, {**auth, "Idempotency-Key": "pilot-v1"}, data_dir / "goforward.wav")
    other = upload(client, {**auth, "Idempotency-Key": "pilot-v2"}, data_dir / "goforward.wav")
    assert first.status_code == again.status_code == other.status_code == 202
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert other.json["id"] != first.json["id"]
    assert len(client.get("/api/v1/episodes", headers=auth).json["items"]) == 2
    too_long = upload(client, {**auth, "Idempotency-Key": "k" * 201}, data_dir / "goforward.wav")
    assert too_long.status_code == 400


def test_show_timed_text_overrides_apply_to_qc(app, client, auth, data_dir):
    episode_id = upload(client, auth, data_dir / "jfk" / "jfk.mp3").json["id"]  # show "demo"
    # 37 characters in 2 s: 18.5 chars/s, within en adults' 20 but over children's 17.
    add_source_track(app, episode_id, [Cue(0, 2000, ("Ask not what your country can do for",))])
    qc_url = f"/api/v1/episodes/{episode_id}/tracks/en/qc"
    assert client.get(qc_url, headers=auth).json["summary"]["errors"] == 0

    overrides = {"audience": "children", "languages": {"ja": {"max_chars_per_line": 11}}}
    saved = client.put("/api/v1/shows/demo/timed-text", headers=auth, json=overrides)
    assert saved.status_code == 200 and saved.json["overrides"] == overrides
    english = client.get("/api/v1/shows/demo/timed-text", headers=auth).json["profile"]
    japanese = client.get("/api/v1/shows/demo/timed-text?language=ja", headers=auth).json["profile"]
    assert (english["audience"], english["reading_speed_cps"]) == ("children", 17)
    assert (japanese["max_chars_per_line"], japanese["reading_speed_cps"]) == (11, 4)

    report = client.get(qc_url, headers=auth).json
    assert [issue["rule"] for issue in report["issues"]] == ["reading_speed"]
    assert report["summary"]["profile"]["audience"] == "children"


@pytest.mark.parametrize("body", [{"lines_please": 3}, ["children"], {"audience": "toddlers"}])
def test_bad_show_overrides_are_400(client, auth, body):
    response = client.put("/api/v1/shows/demo/timed-text", headers=auth, json=body)
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_request"
