"""A refused upload stores nothing: authorization, scope and the review claim are checked
before a corrected file becomes an object in storage, and a broken file never does."""

from __future__ import annotations

import io

import pytest

from .review_fixtures import SPANISH, build_cast, claim_spanish, stored_objects

CORRECTED = "".join(
    f"{n}\n00:00:{c.start_ms // 1000:02d},{c.start_ms % 1000:03d} --> "
    f"00:00:{c.end_ms // 1000:02d},{c.end_ms % 1000:03d}\nCorregido {n}\n\n"
    for n, c in enumerate(SPANISH, start=1)
)


@pytest.fixture
def cast(app, client, auth, data_dir):
    cast = build_cast(app, client, auth, data_dir)
    claim_spanish(client, cast)
    return cast


def upload(client, cast, who: str, body: str, name: str = "fix.srt"):
    return client.post(
        f"/api/v1/episodes/{cast.episode_id}/tracks/es/revisions",
        headers=cast.auth(who),
        data={"file": (io.BytesIO(body.encode()), name)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "who, body, status",
    [
        ("bea", CORRECTED, 409),  # a Spanish linguist without the claim
        ("fred", CORRECTED, 403),  # a French linguist
        ("olga", CORRECTED, 403),  # a Spanish linguist of another show
        ("pat", CORRECTED, 403),  # a producer
        ("ana", "1\n00:00:01,000 --> nonsense\nHola\n", 400),  # the claim holder, broken file
    ],
)
def test_a_refused_revision_stores_no_object(app, client, cast, who, body, status):
    before = stored_objects(app)
    response = upload(client, cast, who, body)
    assert response.status_code == status, response.json
    assert stored_objects(app) == before


def test_an_accepted_revision_stores_its_cues_once(app, client, cast):
    before = stored_objects(app)
    assert upload(client, cast, "ana", CORRECTED).status_code == 201
    after = stored_objects(app)
    assert len(after) == len(before) + 1
    assert upload(client, cast, "ana", CORRECTED).status_code == 200  # unchanged: no new object
    assert stored_objects(app) == after


def test_a_refused_glossary_stores_no_version(client, cast, auth):
    def post(headers, body: bytes, name: str = "terms.csv"):
        return client.post(
            "/api/v1/glossaries",
            headers=headers,
            data={
                "file": (io.BytesIO(body), name),
                "show": "demo",
                "source": "en",
                "target": "es",
            },  # fmt: skip
            content_type="multipart/form-data",
        )

    assert post(cast.auth("ana"), b"en,es\npaper,papel\n").status_code == 403
    assert post(auth, b"fr,de\nchat,Katze\n").status_code == 400
    assert post(auth, b"<martif><text>", "terms.tbx").status_code == 400
    assert client.get("/api/v1/glossaries", headers=auth).json["items"] == []


def test_a_show_setting_stored_badly_refuses_the_revision_before_storing_it(app, client, cast):
    """Settings stored before they were validated: the upload names the setting (409) and
    stores no revision, instead of a revision without QC."""
    from locsvc.adapters.db.models import ShowSettings

    with app.extensions["locsvc"].db.session() as session:
        session.add(ShowSettings(show="demo", timed_text={"max_chars_per_line": "abc"},
                                 updated_by="an older version"))  # fmt: skip
    before = stored_objects(app)
    response = upload(client, cast, "ana", CORRECTED)
    assert response.status_code == 409 and "max_chars_per_line" in response.json["error"]["message"]
    assert stored_objects(app) == before
    track = client.get(f"/api/v1/episodes/{cast.episode_id}", headers=cast.auth("ana")).json
    (es,) = [t for t in track["tracks"] if t["language"] == "es"]
    assert es["revision"] == 1
