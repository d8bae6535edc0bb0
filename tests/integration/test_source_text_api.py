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
