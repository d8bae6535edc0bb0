"""POST /episodes with the producer's subtitles or script: a good file decides the
episode's stages; a bad one is refused whole, with nothing stored and no episode."""

from __future__ import annotations

import io

import pytest

from ..helpers import upload_episode
from .review_fixtures import stored_objects

SUBTITLES = "1\n00:00:01,000 --> 00:00:03,000\nAnd so, my fellow Americans,\n\n"
SCRIPT = "JFK: And so, my fellow Americans, ask not what your country can do for you.\n"


def file(body: str | bytes, name: str):
    return (io.BytesIO(body.encode() if isinstance(body, str) else body), name)


def upload(client, auth, data_dir, **form):
    return upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", name="jfk.mp3",
                          source_language="en", **form)  # fmt: skip


@pytest.mark.parametrize(
    "form, chain",
    [
        ({"source_subtitles": file(SUBTITLES, "jfk.srt")},
         ["probe", "extract_audio", "detect_shots", "import_subtitles", "write_track"]),
        ({"source_subtitles": file(SUBTITLES, "jfk.srt"), "resegment": "true"},
         ["probe", "extract_audio", "detect_shots", "import_subtitles", "write_track"]),
        ({"script": file(SCRIPT, "jfk.txt")},
         ["probe", "extract_audio", "detect_shots", "transcribe", "align_script", "diarize",
          "segment", "write_track"]),
        ({}, ["probe", "extract_audio", "detect_shots", "transcribe", "diarize", "segment",
              "write_track"]),
    ],
)  # fmt: skip
def test_the_source_text_decides_the_stages(client, auth, data_dir, form, chain):
    response = upload(client, auth, data_dir, **form)
    assert response.status_code == 202, response.json
    view = client.get(response.json["status_url"], headers=auth).json
    assert [s["name"] for s in view["stages"]] == chain
    if form:
        kind = "script" if "script" in form else "subtitles"
        assert view["source_text"]["kind"] == kind
        assert view["source_text"]["uploaded_by"] == "admin"
        assert view["source_text"]["resegment"] == ("resegment" in form)
    else:
        assert view["source_text"] is None


@pytest.mark.parametrize(
    "form, code, field",
    [
        ({"source_subtitles": file("1\n00:00:01,000 --> nonsense\nHi\n", "x.srt")},
         "invalid_subtitle", None),
        ({"source_subtitles": file(b"\x89PNG\r\n\x1a\n\x00\x00binary", "x.srt")},
         "invalid_subtitle", None),
        ({"source_subtitles": file("1\n00:00:01,000 --> 00:00:02,000\n\n", "x.srt")},
         "invalid_subtitle", None),
        ({"script": file("[music]\n(silence)\n", "s.txt")}, "invalid_request", "script"),
        ({"script": file(SCRIPT, "s.txt"), "source_subtitles": file(SUBTITLES, "x.srt")},
         "invalid_request", "script"),
        ({"resegment": "true"}, "invalid_request", "resegment"),
        ({"script": file(SCRIPT, "s.txt"), "resegment": "yes"}, "invalid_request", "resegment"),
        ({"resegment": "maybe"}, "invalid_request", "resegment"),
        ({"script": SCRIPT}, "invalid_request", "script"),  # text, not a file
    ],
)  # fmt: skip
def test_a_bad_source_text_is_refused_with_nothing_kept(app, client, auth, data_dir, form, code,
                                                        field):  # fmt: skip
    before = stored_objects(app)
    response = upload(client, auth, data_dir, **form)
    assert 400 <= response.status_code < 500, response.json
    error = response.json["error"]
    assert error["code"] == code, error
    if field:
        assert error["details"]["field"] == field
    assert stored_objects(app) == before
    assert client.get("/api/v1/episodes", headers=auth).json["items"] == []


def test_imported_subtitles_are_checked_against_the_shot_changes(app, client, auth, data_dir,
                                                                 tmp_path):  # fmt: skip
    """Three 2 s shots (cuts at 2 s and 4 s) over real speech; a cue that starts 3 frames
    after the first cut is flagged, one on the second cut is not. The stages run here, in
    order, as a worker would run them."""
    import subprocess

    from locsvc.services.pipeline import run_stage

    video = tmp_path / "cuts.mp4"
    shots = ("testsrc2", "smptebars", "mandelbrot")
    patterns = [a for p in shots for a in ("-f", "lavfi", "-t", "2", "-i", f"{p}=size=320x240")]
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *patterns, "-i",
                    str(data_dir / "jfk" / "jfk.mp3"), "-filter_complex",
                    "[0:v][1:v][2:v]concat=n=3:v=1:a=0[v]", "-map", "[v]", "-map", "3:a",
                    "-t", "6", "-pix_fmt", "yuv420p", "-c:a", "aac", str(video)],
                   check=True)  # fmt: skip
    subtitles = (
        "1\n00:00:00,500 --> 00:00:01,920\nAnd so, my fellow Americans,\n\n"
        "2\n00:00:02,120 --> 00:00:03,920\nask not\n\n"
        "3\n00:00:04,000 --> 00:00:05,500\nwhat your country can do for you,\n\n"
    )
    response = upload_episode(client, auth, video, name="cuts.mp4", source_language="en",
                              source_subtitles=file(subtitles, "cuts.srt"))  # fmt: skip
    assert response.status_code == 202, response.json
    episode_id = response.json["id"]
    ctx = app.extensions["locsvc"]
    for stage in client.get(response.json["status_url"], headers=auth).json["stages"][1:]:
        assert run_stage(ctx, episode_id, stage["name"], "test").value == "done", stage
    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc", headers=auth).json
    shots = [(i["cue"], i["value"]) for i in qc["issues"] if i["rule"] == "shot_change"]
    assert shots == [(2, 3)], qc["issues"]
