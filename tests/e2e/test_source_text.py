"""Episodes started from what the producer already has: finished subtitles (no
recognition runs) or a dialogue list (its words timed by the speech). Real worker
processes, a real broker and database, the real two-speaker telephone call."""

from __future__ import annotations

import io
import statistics
from pathlib import Path

import pytest

from locsvc.adapters.formats import read_subtitles

from ..helpers import upload_episode, wait_for_episode, wer
from .conftest import AUTH

pytestmark = pytest.mark.slow
NEVER_RECORDED = "And this line was cut from the call before it aired."


def stm_turns(data_dir: Path) -> list[tuple[str, int, int, str]]:
    """(speaker, start ms, end ms, text) of the call's reference transcript."""
    turns = []
    for line in (data_dir / "conversation" / "sample.stm").read_text().splitlines():
        _, _, speaker, start, end, text = line.split(maxsplit=5)
        turns.append((speaker, round(float(start) * 1000), round(float(end) * 1000), text))
    return turns


def vtt_of(turns) -> str:
    """The reference turns as a post house's WebVTT, a voice span naming each speaker."""

    def stamp(ms: int) -> str:
        return f"00:{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    cues = [f"{stamp(s)} --> {stamp(e)}\n<v {who}>{text}" for who, s, e, text in turns]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def upload_with(api, data_dir: Path, **files) -> str:
    form = {name: (io.BytesIO(body.encode()), filename) for name, (body, filename) in files.items()}
    response = upload_episode(api, AUTH, data_dir / "conversation" / "sample.wav",
                              name="call.wav", show="calls", source_language="en",
                              targets="es", **form)  # fmt: skip
    assert response.status_code == 202, response.json
    return response.json["id"]


def test_an_episode_from_subtitles_runs_no_recognition(deployment, api, start_worker, data_dir):
    turns = stm_turns(data_dir)
    episode_id = upload_with(api, data_dir, source_subtitles=(vtt_of(turns), "call.en.vtt"))
    start_worker(deployment)
    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", view
    assert [s["name"] for s in view["stages"]] == [
        "probe", "extract_audio", "detect_shots", "import_subtitles", "write_track",
        "translate:es",
    ]  # fmt: skip
    assert view["source_text"]["kind"] == "subtitles"
    assert view["source_text"]["uploaded_by"] == "admin"

    track = api.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=vtt", headers=AUTH).text
    cues = read_subtitles(track.encode(), "vtt").cues
    assert " ".join(c.text for c in cues).split() == " ".join(t[3] for t in turns).split()
    speakers = api.get(f"/api/v1/episodes/{episode_id}/speakers", headers=AUTH).json
    assert {s["name"] for s in speakers["speakers"]} == {"Diane", "Sheila"}
    # Quick exchanges ("Hello?" in 480 ms) are lengthened, never merged or re-worded.
    moved = {m["cue"]: m for m in view["source_text"]["retimed"]}
    assert moved[1]["reason"] == "min_duration"

    qc = api.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc", headers=AUTH).json
    assert not [i for i in qc["issues"] if i["rule"] in ("overlap", "max_duration")]
    provenance = api.get(f"/api/v1/episodes/{episode_id}/provenance", headers=AUTH).json
    kinds = [m["kind"] for m in provenance["models"]]
    assert "asr" not in kinds and "diarization" not in kinds
    origin = next(m for m in provenance["models"] if m["kind"] == "source_text")
    assert origin["origin"] == "subtitles" and origin["filename"] == "call.en.vtt"
    [source] = [t for t in provenance["tracks"] if t["kind"] == "source"]
    assert source["revisions"][0]["author"] == "admin"
    assert source["revisions"][0]["made_with"]["origin"]["sha256"] == origin["sha256"]
    spanish = api.get(f"/api/v1/episodes/{episode_id}/tracks/es?format=srt", headers=AUTH)
    assert spanish.status_code == 200 and "-->" in spanish.text


def test_an_episode_from_a_dialogue_list_has_its_words_on_the_speech(
    deployment, api, start_worker, data_dir
):
    turns = stm_turns(data_dir)
    script = "\n".join(f"{who.upper()}: {text}" for who, _, _, text in turns)
    script += f"\nDIANE: {NEVER_RECORDED}\n"
    episode_id = upload_with(api, data_dir, script=(script, "call-dialogue-list.txt"))
    start_worker(deployment)
    view = wait_for_episode(api, episode_id, AUTH, timeout_s=400)
    assert view["status"] == "ready", view
    names = [s["name"] for s in view["stages"]]
    assert names.index("transcribe") + 1 == names.index("align_script")
    alignment = view["source_text"]["alignment"]
    # Whisper drops "what can I say? Oh," in the cross-talk; its own alignment finds it.
    assert alignment["realigned"] >= 3, alignment
    assert [s["text"] for s in alignment["unheard"]] == [NEVER_RECORDED]
    # The track holds exactly the script's recorded words: nothing guessed, nothing
    # re-worded by the recogniser.
    spoken = " ".join(t[3] for t in turns)
    track = api.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=vtt", headers=AUTH).text
    cues = read_subtitles(track.encode(), "vtt").cues
    assert wer(spoken, " ".join(line for c in cues for line in c.lines)) == 0
    # Each turn's words sit on its speech: the first word's cue starts near the turn.
    starts = [c.start_ms for c in cues]
    errors = [min(abs(s - start) for s in starts) for _, start, _, _ in turns]
    assert statistics.median(errors) <= 500, errors
    provenance = api.get(f"/api/v1/episodes/{episode_id}/provenance", headers=AUTH).json
    kinds = {m["kind"]: m for m in provenance["models"]}
    assert kinds["asr"]["name"] and kinds["source_text"]["origin"] == "script"
    # The voices are named after the script's speakers wherever one speaks most of them.
    speakers = api.get(f"/api/v1/episodes/{episode_id}/speakers", headers=AUTH).json["speakers"]
    named = {s["name"] for s in speakers if s["name_source"] == "script"}
    assert named and named <= {"Diane", "Sheila"}, speakers
