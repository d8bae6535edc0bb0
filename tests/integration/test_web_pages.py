"""The review page's server side with the Flask test client: sign-in, session, CSRF,
scope, pages render, saving and the conflict answer. The browser tests are in
tests/e2e/test_web_browser.py."""

import re

import pytest

from .review_fixtures import build_cast


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
