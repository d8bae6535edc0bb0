"""The review page's sessions, on the real app and database: kept server-side and
revocable (sign-out, token rotation, user revocation, absolute and idle expiry), the
sign-in form's own CSRF token, a fresh session on every sign-in, the security headers,
and the Allow header of a 405."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from locsvc.adapters.db.migrate import upgrade
from locsvc.adapters.db.models import WebSession, utcnow
from locsvc.app import create_app
from locsvc.config import Settings
from locsvc.services.auth import create_user

COOKIE = "locsvc_session"


@pytest.fixture(params=["sqlite", "postgres"])
def settings_overrides(request, settings_overrides):
    if request.param == "sqlite":
        return settings_overrides
    return dict(settings_overrides, database_url=request.getfixturevalue("postgres_url"))


@pytest.fixture
def ana(app) -> str:
    """A Spanish linguist's API token."""
    return create_user(app.extensions["locsvc"].db, "ana", "linguist", "es")[1]


def sign_in_form_csrf(client) -> str:
    page = client.get("/app/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def sign_in(client, token: str) -> str:
    """Signs in through the form; returns the page's CSRF token for state changes."""
    csrf = sign_in_form_csrf(client)
    response = client.post("/app/sign-in", data={"token": token, "csrf": csrf})
    assert response.status_code == 302, response.data[:300]
    page = client.get("/app/").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """A fresh client (another browser, an attacker) sending an old cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie)
    return other


def ended(response) -> bool:
    return response.status_code == 302 and "/app/sign-in" in response.headers["Location"]


def rows(app) -> list[WebSession]:
    with app.extensions["locsvc"].db.session() as session:
        return list(session.scalars(select(WebSession)).all())


def test_the_cookie_carries_only_a_session_id_stored_as_a_hash(app, client, ana):
    sign_in(client, ana)
    content = app.session_interface.get_signing_serializer(app).loads(cookie_of(client))
    assert set(content) == {"sid", "csrf"}
    [row] = rows(app)
    assert row.id_hash == hashlib.sha256(content["sid"].encode()).hexdigest()
    assert row.user_name == "ana" and row.revoked_at is None
    assert all(content["sid"] not in str(value) for value in vars(row).values())


def test_a_replayed_cookie_is_dead_after_sign_out(app, client, ana):
    csrf = sign_in(client, ana)
    cookie = cookie_of(client)
    assert replay(app, cookie).get("/app/").status_code == 200
    assert ended(client.post("/app/sign-out", data={"csrf": csrf}))
    assert ended(replay(app, cookie).get("/app/"))
    [row] = rows(app)
    assert row.revoked_at is not None
    # The page's script gets a 401 it can show, not a sign-in page in place of JSON.
    save = replay(app, cookie).post("/app/reviews/1/save", json={"base_revision": 1, "cues": []},
                                    headers={"X-CSRF-Token": csrf})  # fmt: skip
    assert save.status_code == 401 and save.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("how", ["rotate", "revoke"])
def test_rotating_or_revoking_the_token_revokes_the_users_sessions(app, client, auth, ana, how):
    sign_in(client, ana)
    cookie = cookie_of(client)
    assert client.post(f"/api/v1/users/ana/{how}", headers=auth).status_code == 200
    assert ended(replay(app, cookie).get("/app/"))
    assert all(row.revoked_at is not None for row in rows(app))


def test_an_admin_token_session_ends_when_the_admin_token_changes(settings_overrides, ana):
    first = create_app(settings_overrides)
    upgrade(first.extensions["locsvc"].settings.effective_database_url)
    client = first.test_client()
    sign_in(client, settings_overrides["admin_token"])
    cookie = cookie_of(client)
    changed = create_app(dict(settings_overrides, admin_token="a-new-admin-token"))
    assert replay(changed, cookie).get("/app/").status_code == 302
    assert replay(first, cookie).get("/app/").status_code == 200
    first.extensions["locsvc"].db.dispose()
    changed.extensions["locsvc"].db.dispose()


@pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
def test_an_expired_or_idle_session_is_dead(app, client, ana, column):
    sign_in(client, ana)
    settings = app.extensions["locsvc"].settings
    past = utcnow() - timedelta(minutes=settings.session_idle_minutes, seconds=1)
    with app.extensions["locsvc"].db.session() as session:
        session.execute(update(WebSession).values({column: past}))
    assert ended(client.get("/app/"))


def test_the_session_lifetimes_come_from_the_settings(settings_overrides, ana):
    app = create_app(dict(settings_overrides, session_lifetime_hours=2.0))
    client = app.test_client()
    sign_in(client, ana)
    [row] = rows(app)
    assert row.expires_at - row.created_at == timedelta(hours=2)
    environ = {"LOCSVC_SESSION_LIFETIME_HOURS": "8", "LOCSVC_SESSION_IDLE_MINUTES": "15"}
    assert Settings.from_env(environ).session_lifetime_hours == 8.0
    assert Settings.from_env(environ).session_idle_minutes == 15.0
    defaults = Settings()
    assert 0 < defaults.session_idle_minutes <= 120 and 0 < defaults.session_lifetime_hours <= 24
    app.extensions["locsvc"].db.dispose()


def test_a_sign_in_without_the_forms_csrf_token_is_refused(app, client, ana):
    missing = client.post("/app/sign-in", data={"token": ana})
    assert missing.status_code == 400
    assert "sign-in form" in missing.get_data(as_text=True)
    sign_in_form_csrf(client)
    assert client.post("/app/sign-in", data={"token": ana, "csrf": "forged"}).status_code == 400
    # A token from another browser's form is no good either: it is bound to the cookie.
    stranger = app.test_client()
    theirs = sign_in_form_csrf(stranger)
    assert client.post("/app/sign-in", data={"token": ana, "csrf": theirs}).status_code == 400
    assert rows(app) == []
    assert client.get("/app/").status_code == 302


def test_every_sign_in_starts_a_new_session(app, client, ana):
    sign_in_form_csrf(client)
    before = cookie_of(client)  # what an attacker could have planted
    sign_in(client, ana)
    assert ended(replay(app, before).get("/app/"))
    first = cookie_of(client)
    sign_in(client, ana)
    assert cookie_of(client) != first
    assert ended(replay(app, first).get("/app/"))  # signing in again ends the previous one
    assert client.get("/app/").status_code == 200


def test_security_headers_on_pages_and_the_api(client, ana):
    page = client.get("/app/sign-in")
    assert page.headers["X-Frame-Options"] == "DENY"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in page.headers["Cache-Control"]
    sign_in(client, ana)
    assert client.get("/app/").headers["X-Frame-Options"] == "DENY"
    with client.get("/app/static/editor.js") as script:
        assert script.headers["X-Content-Type-Options"] == "nosniff"
    for api in (client.get("/api/v1/health"), client.get("/api/v1/episodes")):
        assert api.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/health", {"GET"}),
        ("put", "/app/sign-in", {"GET", "POST"}),
        ("get", "/app/sign-out", {"POST"}),
        ("get", "/app/reviews/1/save", {"POST"}),
    ],
)
def test_a_405_names_the_allowed_methods(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
