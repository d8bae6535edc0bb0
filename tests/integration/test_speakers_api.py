"""/episodes/{id}/speakers and /shows/{slug}/cast through the API: names for the whole
episode in every format, names in uploads mapped back to the episode's speakers, casting."""

import io

from locsvc.adapters.db.repositories import SpeakerRepository
from locsvc.domain.cues import Cue

from .review_fixtures import build_cast, claim_spanish, store_track

DUAL_SOURCE = [
    Cue(0, 2000, ("-Hello?", "-Oh, hello."), ("S1", "S2")),
    Cue(2100, 5000, ("I didn't know you were there.",), ("S1",)),
]
SPANISH = [
    Cue(0, 2000, ("-¿Hola?", "-Ah, hola."), ("S1", "S2")),
    Cue(2100, 5000, ("No sabía que estabas ahí.",), ("S1",)),
]


def episode_with_speakers(app, client, auth, data_dir):
    cast = build_cast(app, client, auth, data_dir)
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        for label in ("S1", "S2"):
            SpeakerRepository(session).add(cast.episode_id, label, None)
    store_track(ctx, cast.episode_id, "en", "source", DUAL_SOURCE)
    store_track(ctx, cast.episode_id, "es", "translation", SPANISH)
    return cast


def test_a_name_shows_in_every_format_of_every_track(app, client, auth, data_dir):
    cast = episode_with_speakers(app, client, auth, data_dir)
    base = f"/api/v1/episodes/{cast.episode_id}"
    renamed = client.patch(f"{base}/speakers/S1", headers=auth, json={"name": "Diane"})
    assert renamed.status_code == 200 and renamed.json["name_source"] == "named"
    for language in ("en", "es"):
        vtt = client.get(f"{base}/tracks/{language}?format=vtt", headers=auth).text
        assert "<v Diane>" in vtt and "<v S2>" in vtt, vtt
    ttml = client.get(f"{base}/tracks/es?format=ttml", headers=auth).text
    assert "Diane" in ttml and "ttm:agent" in ttml
    srt = client.get(f"{base}/tracks/en?format=srt&speaker_labels=true", headers=auth).text
    assert "-[Diane] Hello?" in srt and "-[S2] Oh, hello." in srt, srt
    assert "[Diane]" not in client.get(f"{base}/tracks/en?format=srt", headers=auth).text
    xliff = client.get(f"{base}/tracks/es?format=xliff", headers=auth).text
    assert "Diane" in xliff


def test_bad_names_are_refused_and_a_name_is_one_speakers(app, client, auth, data_dir):
    cast = episode_with_speakers(app, client, auth, data_dir)
    base = f"/api/v1/episodes/{cast.episode_id}/speakers"
    for bad in ("", "x" * 201, "<b>Diane</b>", "S2", "two\nlines"):
        assert client.patch(f"{base}/S1", headers=auth, json={"name": bad}).status_code == 400
    assert client.patch(f"{base}/S9", headers=auth, json={"name": "Nobody"}).status_code == 404
    assert client.patch(f"{base}/S1", headers=auth, json={"name": "Diane"}).status_code == 200
    taken = client.patch(f"{base}/S2", headers=auth, json={"name": "Diane"})
    assert taken.status_code == 409 and taken.json["error"]["details"]["speaker"] == "S1"


def test_an_upload_naming_people_maps_to_the_episodes_speakers(app, client, auth, data_dir):
    cast = episode_with_speakers(app, client, auth, data_dir)
    base = f"/api/v1/episodes/{cast.episode_id}"
    client.patch(f"{base}/speakers/S1", headers=auth, json={"name": "Diane"})
    claim_spanish(client, cast)
    vtt = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n"
        "<v Diane>-¿Hola?</v>\n<v Sheila>-Ah, hola.</v>\n\n"
        "00:00:02.100 --> 00:00:05.000\n<v diane>No sabía que estabas ahí.</v>\n"
    )
    uploaded = client.post(f"{base}/tracks/es/revisions", headers=cast.auth("ana"),
                           data={"file": (io.BytesIO(vtt.encode()), "es.vtt")})  # fmt: skip
    assert uploaded.status_code == 201, uploaded.json
    speakers = client.get(f"{base}/speakers", headers=auth).json["speakers"]
    assert [(s["label"], s["name"]) for s in speakers] == [
        ("S1", "Diane"), ("S2", None), ("S3", "Sheila")]  # fmt: skip
    again = client.get(f"{base}/tracks/es?format=vtt", headers=auth).text
    assert "<v Sheila>-Ah, hola.</v>" in again and "<v Diane>No sabía" in again, again


def test_a_refused_upload_adds_no_speaker(app, client, auth, data_dir):
    cast = episode_with_speakers(app, client, auth, data_dir)
    base = f"/api/v1/episodes/{cast.episode_id}"
    vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Stranger>Hola.</v>\n"
    refused = client.post(f"{base}/tracks/es/revisions", headers=cast.auth("ana"),
                          data={"file": (io.BytesIO(vtt.encode()), "es.vtt")})  # fmt: skip
    assert refused.status_code == 409  # ana holds no claim
    speakers = client.get(f"{base}/speakers", headers=auth).json["speakers"]
    assert [s["label"] for s in speakers] == ["S1", "S2"]


def test_a_producer_casts_a_characters_voice(app, client, auth, data_dir):
    cast = build_cast(app, client, auth, data_dir)
    path = "/api/v1/shows/demo/cast/Diane"
    voice = {"language": "es", "engine": "espeak-ng", "voice": "es+f3"}
    assert client.put(path, headers=cast.auth("pat"), json=voice).status_code == 200
    for bad in ({**voice, "engine": "nope"}, {**voice, "voice": "xx+zz"},
                {**voice, "language": "not a tag"}, {"engine": "espeak-ng"}):  # fmt: skip
        assert client.put(path, headers=cast.auth("pat"), json=bad).status_code == 400, bad
    characters = client.get("/api/v1/shows/demo/cast", headers=auth).json["characters"]
    assert characters[0]["name"] == "Diane"
    assert characters[0]["voices"]["es"]["voice"] == "es+f3"
    assert characters[0]["voices"]["es"]["cast_by"] == "pat"
