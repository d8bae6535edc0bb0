"""A translation stage on the llm engine, through a real worker and the real packaged
model server: the episode's Spanish draft comes from `llm` (or, line by line, from its
Apertium fallback), and the provenance names the model, the server's model id, the
prompt template and where every line came from."""

import pytest

from ..helpers import upload_episode, wait_for_episode
from .conftest import AUTH

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("deployment", ["embedded"], indirect=True)
def test_an_episode_translated_by_the_llm_engine(
    deployment, api, start_worker, data_dir, apertium, llm_server
):
    settings = dict(deployment, llm_url=llm_server, mt_engines="en:es=llm")
    notes = {"synopsis": "A president's inaugural address.", "tone": "solemn"}
    show = api.put("/api/v1/shows/speeches/translation", headers=AUTH, json=notes)
    assert show.status_code == 200, show.json
    response = upload_episode(api, AUTH, data_dir / "jfk" / "jfk.mp3", name="jfk.mp3",
                              show="speeches", source_language="en", targets="es")  # fmt: skip
    assert response.status_code == 202, response.json
    start_worker(settings)
    view = wait_for_episode(api, response.json["id"], AUTH)
    assert view["status"] == "ready", view
    translate = next(s for s in view["stages"] if s["name"] == "translate:es")
    assert translate["status"] == "done"

    record = api.get(f"/api/v1/episodes/{view['id']}/provenance", headers=AUTH).json
    (mt,) = [m for m in record["models"] if m["kind"] == "mt"]
    assert mt["engine"] == "llm" and mt["model"] == "gemma-3-270m-q4_k_m"
    assert mt["model_id"] and len(mt["prompt_template"]) == 16
    assert mt["parameters"]["temperature"] == 0 and mt["fallback"] == "apertium"
    assert mt["lines"] == len(mt["line_origins"]) >= 1
    assert set(mt["line_origins"]) <= {"llm", "apertium"}
    assert "sk-" not in str(record) and "api_key" not in str(record)
    srt = api.get(f"/api/v1/episodes/{view['id']}/tracks/es?format=srt", headers=AUTH)
    assert srt.status_code == 200 and "XTERM" not in srt.text and "-->" in srt.text
