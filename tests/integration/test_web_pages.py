"""The review page's server side with the Flask test client: sign-in, session, CSRF,
scope, pages render, saving and the conflict answer. The browser tests are in
tests/e2e/test_web_browser.py."""

import re

import pytest

from locsvc.adapters.db.repositories import SpeakerRepository, TrackRepository
from locsvc.domain.access import Principal, Role
from locsvc.domain.cues import Cue
from locsvc.services.editor import editor_view
from locsvc.services.tracks import load_cues

from .review_fixtures import build_cast, store_track


@pytest.fixture
def cast(app, client, auth, data_dir):
    return build_cast(app, client, auth, data_dir)


def sign_in_form(client, token: str) -> dict:
    """The sign-in form as a browser sends it, with its own CSRF token."""
    page = client.get("/app/sign-in").get_data(as_text=True)
    return {"token": token, "csrf": re.search(r'name="csrf" value="([^"]+)"', page).group(1)}


def sign_in(client, token: str):
    response = client.post("/app/sign-in", data=sign_in_form(client, token))
    assert response.status_code == 302, response.data[:200]
    page = client.get("/app/").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_sign_in_sets_an_httponly_cookie_and_a_bad_token_is_refused(client, cast):
    assert client.post("/app/sign-in", data=sign_in_form(client, "wrong")).status_code == 401
    response = client.post("/app/sign-in", data=sign_in_form(client, cast.tokens["ana"]))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert cast.tokens["ana"] not in cookie  # only a session id is kept, signed
    assert client.get("/app/").status_code == 200


def test_pages_need_a_session_and_changes_need_the_csrf_token(client, cast):
    assert client.get("/app/").status_code == 302  # to the sign-in page
    csrf = sign_in(client, cast.tokens["ana"])
    review_id = re.search(r'data-review="(\d+)"', client.get("/app/").get_data(as_text=True))
    claim = f"/app/reviews/{review_id.group(1)}/claim"
    assert client.post(claim, data={"csrf": "forged"}).status_code == 400
    assert client.post(claim, data={"csrf": csrf}).status_code == 302
    editor = client.get(f"/app/reviews/{review_id.group(1)}").get_data(as_text=True)
    assert 'data-editable="true"' in editor and "ask not what your country" in editor


def test_a_revoked_token_ends_the_session(client, auth, cast):
    sign_in(client, cast.tokens["ana"])
    client.post("/api/v1/users/ana/revoke", headers=auth)
    assert client.get("/app/").status_code == 302


def test_saving_and_the_conflict_answer(client, cast):
    csrf = sign_in(client, cast.tokens["ana"])
    review_id = re.search(r'data-review="(\d+)"', client.get("/app/").get_data(as_text=True)).group(
        1
    )
    client.post(f"/app/reviews/{review_id}/claim", data={"csrf": csrf})
    cues = [
        {"start_ms": 0, "end_ms": 2600, "text": "Y así, mis compatriotas estadounidenses,"},
        {"start_ms": 2700, "end_ms": 6000, "text": "no preguntéis qué puede\nhacer la patria,"},
        {"start_ms": 6100, "end_ms": 9500, "text": "preguntad qué podéis hacer\npor la patria."},
    ]
    save = f"/app/reviews/{review_id}/save"
    headers = {"X-CSRF-Token": csrf}
    first = client.post(save, json={"base_revision": 1, "cues": cues}, headers=headers)
    assert first.status_code == 200 and first.json["revision"] == 2, first.json
    stale = client.post(save, json={"base_revision": 1, "cues": cues[:2]}, headers=headers)
    assert stale.status_code == 409
    details = stale.json["error"]["details"]
    assert details["latest_revision"] == 2 and details["their_changes"]["text_edits"] == 3
    empty = client.post(save, json={"base_revision": 2, "cues": [{**cues[0], "text": " "}]},
                        headers=headers)  # fmt: skip
    assert empty.status_code == 400


def test_a_linguist_of_another_language_cannot_open_the_track(client, cast, auth):
    review_id = next(i["id"] for i in client.get("/api/v1/reviews", headers=auth).json["items"]
                     if i["language"] == "es")  # fmt: skip
    sign_in(client, cast.tokens["fred"])
    assert client.get(f"/app/reviews/{review_id}").status_code == 403


INLINE_CODE = re.compile(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>|"
                         r"\sstyle=|<style|\son[a-z]+=", re.IGNORECASE)  # fmt: skip


def test_the_pages_work_under_their_content_security_policy(client, cast):
    """No inline script, style or handler (the policy would block it), and the headers that
    keep the page out of frames and its types unsniffed."""
    sign_in(client, cast.tokens["ana"])
    review_id = re.search(r'data-review="(\d+)"', client.get("/app/").get_data(as_text=True))
    pages = [client.get(path) for path in ("/app/sign-in", "/app/", f"/app/reviews/{review_id[1]}")]
    for page in pages:
        assert page.status_code == 200
        assert INLINE_CODE.search(page.get_data(as_text=True)) is None, page.request.path
        policy = page.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert page.headers["X-Frame-Options"] == "DENY"
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Referrer-Policy"] == "same-origin"


# --- speakers --------------------------------------------------------------------------

DUAL_SPANISH = [
    Cue(0, 2600, ("Y así, mis compatriotas,",), ("S1",)),
    Cue(2700, 6000, ("-¿Qué puede hacer?", "-Nada."), ("S1", "S2")),
    Cue(6100, 9500, ("preguntad qué podéis hacer",)),
]


def with_speakers(app, cast, cues=None) -> None:
    """The diarization's two speakers for the cast's episode (S2 named), and, with
    ``cues``, a new Spanish revision whose cues name them."""
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        speakers = SpeakerRepository(session)
        speakers.add(cast.episode_id, "S1", None)
        speakers.add(cast.episode_id, "S2", "Jackie")
    if cues is not None:
        store_track(ctx, cast.episode_id, "es", "translation", cues)


def latest_cues(app, episode_id: str) -> list[Cue]:
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        sha256 = TrackRepository(session).find(episode_id, "es").revisions[-1].cues_sha256
    return load_cues(ctx, sha256)


def spanish_review(client, auth) -> str:
    items = client.get("/api/v1/reviews", headers=auth).json["items"]
    return str(next(i["id"] for i in items if i["language"] == "es"))


def test_the_editor_shows_the_speakers_of_the_episode_and_of_each_cue(app, client, auth, cast):
    with_speakers(app, cast, DUAL_SPANISH)
    review_id = spanish_review(client, auth)
    sign_in(client, cast.tokens["ana"])
    page = client.get(f"/app/reviews/{review_id}").get_data(as_text=True)
    assert 'class="badge speaker-2" data-label="S2" title="S2">Jackie</span>' in page
    assert 'class="badge speaker-1" data-label="S1" title="S1">S1</span>' in page
    assert 'data-speakers=\'["S1", "S2"]\'' in page  # the dual cue's row
    assert 'data-dash="-" data-dash-first="true"' in page
    assert f'action="/app/reviews/{review_id}/speakers/S2"' in page  # the rename panel
    assert INLINE_CODE.search(page) is None
    view = editor_view(app.extensions["locsvc"], int(review_id), Principal("admin", Role.ADMIN))
    assert [(s["label"], s["name"], s["class"]) for s in view["speakers"]] == [
        ("S1", None, "speaker-1"), ("S2", "Jackie", "speaker-2")]  # fmt: skip
    assert [r["speakers"] for r in view["rows"]] == [["S1"], ["S1", "S2"], []]
    assert view["dialogue"] == {"dash": "-", "dash_first_line": True}


def test_saving_keeps_the_speakers_of_each_line(app, client, auth, cast):
    with_speakers(app, cast, DUAL_SPANISH)
    review_id = spanish_review(client, auth)
    csrf = sign_in(client, cast.tokens["ana"])
    client.post(f"/app/reviews/{review_id}/claim", data={"csrf": csrf})
    cues = [  # cue 1 becomes a dual event, cue 2 goes back to one speaker
        {"start_ms": 0, "end_ms": 2600, "text": "-Y así,\n-mis compatriotas,",
         "speakers": ["S2", "S1"]},
        {"start_ms": 2700, "end_ms": 6000, "text": "¿Qué puede hacer?\nNada.",
         "speakers": ["S2", "S2"]},
        {"start_ms": 6100, "end_ms": 9500, "text": "preguntad qué podéis hacer", "speakers": []},
    ]  # fmt: skip
    save = f"/app/reviews/{review_id}/save"
    headers = {"X-CSRF-Token": csrf}
    saved = client.post(save, json={"base_revision": 2, "cues": cues}, headers=headers)
    assert saved.status_code == 200 and saved.json["revision"] == 3, saved.json
    assert latest_cues(app, cast.episode_id) == [
        Cue(0, 2600, ("-Y así,", "-mis compatriotas,"), ("S2", "S1")),
        Cue(2700, 6000, ("¿Qué puede hacer?", "Nada."), ("S2", "S2")),
        Cue(6100, 9500, ("preguntad qué podéis hacer",)),
    ]
    vtt = client.get(f"/api/v1/episodes/{cast.episode_id}/tracks/es?format=vtt", headers=auth)
    assert "<v Jackie>-Y así,</v>" in vtt.get_data(as_text=True)
    page = client.get(f"/app/reviews/{review_id}").get_data(as_text=True)
    assert 'data-speakers=\'["S2", "S1"]\'' in page
    for bad in (["S1"], "S1", [""], ["S1", 2], ["<v>", "S1"], ["S" * 65, "S1"]):
        wrong = [{**cues[0], "speakers": bad}, *cues[1:]]
        refused = client.post(save, json={"base_revision": 3, "cues": wrong}, headers=headers)
        assert refused.status_code == 400, (bad, refused.json)
        assert refused.json["error"]["details"]["cue"] == 1


def test_renaming_a_speaker_from_the_page(app, client, auth, cast):
    with_speakers(app, cast, DUAL_SPANISH)
    review_id = spanish_review(client, auth)
    csrf = sign_in(client, cast.tokens["ana"])
    rename = f"/app/reviews/{review_id}/speakers/S1"
    forged = client.post(rename, json={"name": "Diane"}, headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 400
    assert client.post(rename, data={"name": "Diane"}).status_code == 400  # no token at all
    renamed = client.post(rename, json={"name": " Diane "}, headers={"X-CSRF-Token": csrf})
    assert renamed.status_code == 200, renamed.json
    assert renamed.json["label"] == "S1" and renamed.json["name"] == "Diane"
    page = client.get(f"/app/reviews/{review_id}").get_data(as_text=True)
    assert 'data-label="S1" title="S1">Diane</span>' in page
    listed = client.get(f"/api/v1/episodes/{cast.episode_id}/speakers", headers=auth).json
    assert {s["label"]: s["name"] for s in listed["speakers"]} == {"S1": "Diane", "S2": "Jackie"}
    # The plain form (no script) comes back to the page; a name taken is a conflict.
    form = client.post(rename, data={"csrf": csrf, "name": "Dee"})
    assert form.status_code == 302 and form.headers["Location"].endswith(f"/reviews/{review_id}")
    taken = client.post(rename, json={"name": "Jackie"}, headers={"X-CSRF-Token": csrf})
    assert taken.status_code == 409
    bad = client.post(rename, json={"name": "<b>"}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 400
    unknown = client.post(f"/app/reviews/{review_id}/speakers/S9", json={"name": "X"},
                          headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert unknown.status_code == 404


@pytest.mark.parametrize("who", ["fred", "olga"])
def test_a_linguist_of_another_language_or_show_cannot_rename(app, client, auth, cast, who):
    with_speakers(app, cast)
    review_id = spanish_review(client, auth)
    csrf = sign_in(client, cast.tokens[who])
    refused = client.post(f"/app/reviews/{review_id}/speakers/S1", json={"name": "Diane"},
                          headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert refused.status_code == 403
    listed = client.get(f"/api/v1/episodes/{cast.episode_id}/speakers", headers=auth).json
    assert listed["speakers"][0]["name"] is None
