"""Glossaries through the API and the CLI: imported, versioned, read back."""

import io

from click.testing import CliRunner

from locsvc.cli import main
from locsvc.services.glossaries import load_glossary

from ..helpers import env_for

CSV = "en,es,kind\nlightsaber,sable láser,\nLuke,Luke,dnt\n"


def post_glossary(client, auth, text=CSV, url="/api/v1/glossaries", **form):
    data = {"show": "star-wars", "source": "en", "target": "es", **form,
            "file": (io.BytesIO(text.encode()), "en-es.csv")}  # fmt: skip
    return client.post(url, headers=auth, data=data, content_type="multipart/form-data")


def test_import_then_new_versions_keep_the_old_ones(app, client, auth):
    first = post_glossary(client, auth)
    assert first.status_code == 201, first.json
    glossary_id = first.json["id"]
    assert (first.json["version"], first.json["entry_count"]) == (1, 2)

    second = post_glossary(
        client,
        auth,
        CSV + "Jedi,Jedi,dnt\n",
        url=f"/api/v1/glossaries/{glossary_id}/entries:import",
    )
    assert second.status_code == 201 and second.json["version"] == 2

    latest = client.get(f"/api/v1/glossaries/{glossary_id}", headers=auth).json
    old = client.get(f"/api/v1/glossaries/{glossary_id}?version=1", headers=auth).json
    assert latest["entry_count"] == 3 and len(latest["entries"]) == 3
    assert old["entry_count"] == 2 and old["entries"][0]["target"] == "sable láser"
    listed = client.get("/api/v1/glossaries?show=star-wars", headers=auth).json["items"]
    assert [(g["id"], g["version"]) for g in listed] == [(glossary_id, 2)]

    glossary, version = load_glossary(app.extensions["locsvc"], glossary_id)
    assert version == 2 and glossary.check("Luke's lightsaber", "el sable láser de Luke") == []


def test_bad_glossaries_are_400_or_404(client, auth):
    bad = post_glossary(client, auth, "en,es,kind\nx,y,sometimes\n")
    assert bad.status_code == 400 and bad.json["error"]["details"]["line"] == 2
    wrong_pair = post_glossary(client, auth, target="fr")
    assert wrong_pair.status_code == 400 and "'fr'" in wrong_pair.json["error"]["message"]
    assert post_glossary(client, auth, show="Bad Slug").status_code == 400
    assert client.get("/api/v1/glossaries/99", headers=auth).status_code == 404
    assert client.get("/api/v1/glossaries/99?version=x", headers=auth).status_code == 400


def test_cli_import(app, settings_overrides, tmp_path):
    path = tmp_path / "en-es.csv"
    path.write_text(CSV)
    args = [
        "glossary",
        "import",
        str(path),
        "--show",
        "star-wars",
        "--source",
        "en",
        "--target",
        "es",
    ]
    result = CliRunner().invoke(main, args, env=env_for(settings_overrides))
    assert result.exit_code == 0, result.output
    assert "version 1: 2 entries" in result.output


def test_importing_the_same_entries_again_adds_no_version(client, auth):
    first = post_glossary(client, auth)
    again = post_glossary(client, auth)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["unchanged"] and again.json["version"] == first.json["version"] == 1
