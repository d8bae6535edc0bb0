"""Dubbing with a voice per speaker, without a worker: the dub stage run in the test on
espeak-ng, its two speakers in distinct voices chosen by pitch, a named speaker keeping
its voice in the show's next episode, a voice cast for a character used."""

from __future__ import annotations

import json

import pytest

from locsvc.adapters.db.repositories import EpisodeRepository, SpeakerRepository
from locsvc.adapters.tts import SynthesizerPool
from locsvc.domain.cues import Cue
from locsvc.domain.diarization import VoiceProfile
from locsvc.domain.errors import InvalidRequest
from locsvc.services.stages import read_job
from locsvc.services.stages.dub import dub

from ..helpers import upload_episode
from .review_fixtures import SOURCE, build_cast, store_track

SPANISH = [  # a one-speaker cue, a dual-speaker event, the second speaker alone
    Cue(0, 2600, ("Y así que mis compatriotas,",), ("S1",)),
    Cue(2700, 6000, ("-No preguntes qué tu país", "-puede hacer por ti."), ("S1", "S2")),
    Cue(6100, 9500, ("pregunta qué puedes hacer", "por tu país."), ("S2", "S2")),
]
VOICE_RECORD = ("engine", "voice", "version")


def add_speakers(ctx, episode_id, speakers) -> None:
    """(label, pitch, name) speakers as the diarization and a producer would leave them."""
    with ctx.db.session() as session:
        repo = SpeakerRepository(session)
        repo.replace_all(episode_id, [VoiceProfile(label, 3000, (1.0, 0.0), pitch)
                                      for label, pitch, _ in speakers], [])  # fmt: skip
        for label, _, name in speakers:
            repo.get(episode_id, label).name = name


def run_dub(app, client, auth, episode_id, language="es") -> dict:
    """Request the dub, run its stage here and record it as done; the dub's report."""
    ctx = app.extensions["locsvc"]
    queued = client.post(f"/api/v1/episodes/{episode_id}/dubs/{language}?draft=1", headers=auth)
    assert queued.status_code == 202, queued.json
    result = dub(ctx, read_job(ctx, episode_id, f"dub:{language}"), lambda fraction: None)
    with ctx.db.session() as session:
        info = result.write(session, episode_id)
        stage = EpisodeRepository(session).stage(episode_id, f"dub:{language}")
        stage.status, stage.artifact_sha256, stage.artifact_info = (
            "done",
            result.artifact_sha256,
            info,
        )
    return client.get(queued.json["status_url"], headers=auth).json


def second_episode(app, client, auth, data_dir) -> str:
    ctx = app.extensions["locsvc"]
    response = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", show="demo",
                              source_language="en")  # fmt: skip
    assert response.status_code == 202, response.json
    episode_id = response.json["id"]
    store_track(ctx, episode_id, "en", "source", SOURCE)
    store_track(ctx, episode_id, "es", "translation", SPANISH)
    return episode_id


def voices_of(report) -> dict[str, str]:
    return {line["speaker"]: line["voice"] for line in report["script"]}


def test_each_speaker_is_dubbed_in_a_voice_of_their_register(app, client, auth, data_dir):
    ctx = app.extensions["locsvc"]
    cast = build_cast(app, client, auth, data_dir)
    store_track(ctx, cast.episode_id, "es", "translation", SPANISH)  # revision 2: speakers
    add_speakers(ctx, cast.episode_id, [("S1", 105.0, "Narrador"), ("S2", 230.0, None)])

    report = run_dub(app, client, auth, cast.episode_id)
    assert report["status"] == "done"
    assert [(line["id"], line["speaker"]) for line in report["script"]] == [
        ("c0", "S1"), ("c2700", "S1"), ("c2700b", "S2"), ("c6100", "S2"),
    ]  # fmt: skip
    assert voices_of(report) == {"S1": "es+m3", "S2": "es+f3"}  # low and high registers
    assert all(line["engine"] == "espeak-ng" for line in report["script"])
    assert report["lines"] == 4 and sum(report["fit"].values()) == 4

    script = json.loads(ctx.storage.read_bytes(report["files"]["json"]))
    dual = [line for line in script["lines"] if line["id"].startswith("c2700")]
    assert [line["text"] for line in dual] == ["No preguntes qué tu país", "puede hacer por ti."]
    assert dual[0]["start_ms"] == 2700 and dual[0]["end_ms"] == dual[1]["start_ms"]
    assert dual[1]["end_ms"] == 6000

    provenance = client.get(f"/api/v1/episodes/{cast.episode_id}/provenance", headers=auth).json
    tts = [m for m in provenance["models"] if m["kind"] == "tts"]
    assert sorted(m["voice"] for m in tts) == ["es+f3", "es+m3"]
    assert all(m["engine"] == "espeak-ng" and m["version"] and m["language"] == "es" for m in tts)
    cast_for = {m["voice"]: m["cast_for"] for m in tts}
    assert cast_for["es+m3"] == [{"label": "S1", "name": "Narrador", "cast_by": "auto",
                                  "cast_for": None}]  # fmt: skip
    assert [s["label"] for s in cast_for["es+f3"]] == ["S2"]

    with ctx.db.session() as session:  # the named speaker keeps the voice chosen for them
        character = SpeakerRepository(session).character("demo", "Narrador")
        assert character is not None
        assert character.voices == {"es": {"engine": "espeak-ng", "voice": "es+m3",
                                           "cast_by": "auto"}}  # fmt: skip

    # The show's next episode: the narrator is S2 now, with a higher voice than before,
    # and keeps their voice; a character cast by a producer for any language gets theirs.
    with ctx.db.session() as session:
        host = SpeakerRepository(session).character("demo", "Presentadora", create=True)
        assert host is not None
        host.voices = {"*": {"engine": "espeak-ng", "voice": "f4", "cast_by": "pat"}}
    next_id = second_episode(app, client, auth, data_dir)
    add_speakers(ctx, next_id, [("S1", 210.0, "Presentadora"), ("S2", 250.0, "Narrador")])
    again = run_dub(app, client, auth, next_id)
    assert voices_of(again) == {"S1": "es+f4", "S2": "es+m3"}
    by_voice = {v["voice"]: v["speakers"] for v in again["voices"]}
    assert by_voice["es+f4"] == [{"label": "S1", "name": "Presentadora", "cast_by": "pat",
                                  "cast_for": "*"}]  # fmt: skip
    assert by_voice["es+m3"][0]["cast_for"] == "es"


def test_cues_without_speakers_are_dubbed_in_the_languages_default_voice(
    app, client, auth, data_dir
):
    cast = build_cast(app, client, auth, data_dir)  # its tracks name no speakers
    report = run_dub(app, client, auth, cast.episode_id)
    assert {(line["speaker"], line["voice"]) for line in report["script"]} == {("S1", "es")}
    assert report["voice"]["voice"] == "es" and len(report["voices"]) == 1
    assert report["voices"][0]["speakers"][0]["cast_by"] == "default"


def test_a_cast_voice_is_checked_against_the_engines_voices(tmp_path):
    pool = SynthesizerPool(tmp_path)
    pool.check_voice("es", "espeak-ng", "es+f2")
    pool.check_voice(None, "espeak-ng", "m3")  # any language: a variant
    for language, engine, voice, field in [
        ("es", "festival", "kal", "engine"),
        ("es", "espeak-ng", "es+nobody", "voice"),
        ("es", "espeak-ng", "en-us+f3", "voice"),  # an English voice for Spanish
        (None, "piper", "en_US-joe-medium", "engine"),  # Piper speaks English only
        ("en", "piper", "en_US-someone", "voice"),
    ]:
        with pytest.raises(InvalidRequest) as refused:
            pool.check_voice(language, engine, voice)
        assert refused.value.details["field"] == field
    assert "f3" in str(
        pytest.raises(InvalidRequest, pool.check_voice, "es", "espeak-ng", "x").value
    )
    higher, lower = pool.register_voices("en")
    assert higher[0].voice.startswith("en-us+f") and lower[0].engine == "piper"
    assert pool.voice("es", "espeak-ng", "f3").voice == "es+f3"
    assert pool.voice("es", "espeak-ng", "f3") is pool.voice("es", "espeak-ng", "f3")
