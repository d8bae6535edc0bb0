"""Upload with `targets`: the source track fans out into translation tracks on the mt
queue, with the show's glossary over the default scope's, through real workers."""

import io

import pytest

from ..helpers import srt_text, upload_episode, wait_for_episode
from .conftest import AUTH

pytestmark = pytest.mark.slow

SHOW_GLOSSARY = "en,es,kind\ncountry,patria,\nAmericans,estadounidenses,\n"
# The show's "Americans" wins over the default's; "ask" comes from the default scope only.
DEFAULT_GLOSSARY = "en,es,kind\nAmericans,norteamericanos,\nask,pregunten,\n"


def import_glossary(client, show: str, text: str) -> dict:
    data = {"show": show, "source": "en", "target": "es",
            "file": (io.BytesIO(text.encode()), "en-es.csv")}  # fmt: skip
    response = client.post(
        "/api/v1/glossaries", headers=AUTH, data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.json
    return response.json


def test_upload_with_targets_gets_glossary_enforced_drafts(
    deployment, api, start_worker, data_dir, apertium
):
    show = import_glossary(api, "e2e", SHOW_GLOSSARY)
    default = import_glossary(api, "_default", DEFAULT_GLOSSARY)
    response = upload_episode(
        api, AUTH, data_dir / "jfk" / "jfk.mp3", name="jfk.mp3", show="e2e",
        source_language="en", targets="es,pt-BR",
    )  # fmt: skip
    assert response.status_code == 202, response.json
    episode_id = response.json["id"]
    start_worker(deployment)

    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", view
    assert [(t["language"], t["kind"], t["revision"]) for t in view["tracks"]] == [
        ("en", "source", 1),
        ("es", "translation", 1),
        ("pt-BR", "translation", 1),
    ]
    assert all(s["attempts"] == 1 for s in view["stages"])

    spanish = srt_text(api.get(f"/api/v1/episodes/{episode_id}/tracks/es", headers=AUTH).text)
    assert spanish.count("patria") == 2 and "estadounidenses" in spanish, spanish
    assert "pregunten" in spanish.lower(), spanish
    portuguese = srt_text(api.get(f"/api/v1/episodes/{episode_id}/tracks/pt-BR", headers=AUTH).text)
    assert "país" in portuguese.lower(), portuguese  # bergamot, no pt-BR glossary

    qc = api.get(f"/api/v1/episodes/{episode_id}/tracks/es/qc", headers=AUTH).json
    assert qc["summary"]["engine"]["engine"] == "apertium"
    assert qc["summary"]["glossaries"] == [
        {"id": show["id"], "show": "e2e", "version": 1},
        {"id": default["id"], "show": "_default", "version": 1},
    ]
    assert not [i for i in qc["issues"] if i["rule"] == "glossary"], qc["issues"]
    qc_pt = api.get(f"/api/v1/episodes/{episode_id}/tracks/pt-BR/qc", headers=AUTH).json
    assert qc_pt["summary"]["engine"]["engine"] == "bergamot"
    assert qc_pt["summary"]["glossaries"] == []
