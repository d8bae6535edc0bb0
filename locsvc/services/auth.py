"""API tokens: issued once, stored as a hash, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from ..adapters.db.models import User, WebSession, utcnow
from ..adapters.db.repositories import AuditLog, UserRepository, WebSessionRepository
from ..domain.access import Principal, Role
from ..domain.errors import InvalidRequest, NotFound, Unauthorized
from ..domain.requests import is_show_slug, looks_like_language_tag
from ..ports import SessionFactory

TOKEN_BYTES = 32  # 256 random bits
MAX_NAME = 200  # users.name
ADMIN_TOKEN_USER = "admin"  # who LOCSVC_ADMIN_TOKEN is, in the audit log and sessions
SESSION_ID_BYTES = 32
# A session's last_seen_at is written at most this often (or a quarter of the idle limit):
# not every request of a page need write a row.
TOUCH_EVERY = timedelta(seconds=60)
SESSION_ENDED = "Your session has ended (signed out, expired or token changed); sign in again."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _split(values: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in values.split(",") if v.strip())


def create_user(
    db: SessionFactory, name: str, role: str, languages: str = "", shows: str = "", by: str = "cli"
) -> tuple[Principal, str]:
    """Create a user and return it with its token; the token is shown only this once."""
    _check_new_user(name, _split(languages), _split(shows))
    parsed_role = Role.parse(role)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with db.session() as session:
        users = UserRepository(session)
        if users.by_name(name) is not None:
            raise InvalidRequest(f"A user named {name!r} already exists.", name=name)
        users.add(
            User(
                name=name,
                role=parsed_role.value,
                languages=",".join(_split(languages)),
                shows=",".join(_split(shows)),
                token_hash=hash_token(token),
            )
        )
        AuditLog(session).record(
            by, "user.create", f"user:{name}", None,
            {"role": parsed_role.value, "languages": languages, "shows": shows},
        )  # fmt: skip
    return Principal(name, parsed_role, _split(languages), _split(shows)), token


def _check_new_user(name: str, languages: tuple[str, ...], shows: tuple[str, ...]) -> None:
    """What the users table holds: a name of 1 to 200 characters (a URL segment), language
    tags and show slugs in comma lists of at most 500 and 2000 characters."""
    if not name.strip() or name != name.strip() or "/" in name or "\x00" in name:
        raise InvalidRequest("A user name is text without '/' or surrounding spaces.", field="name")
    if len(name) > MAX_NAME:
        raise InvalidRequest(f"A user name is at most {MAX_NAME} characters.", field="name",
                             limit=MAX_NAME)  # fmt: skip
    if name == ADMIN_TOKEN_USER:
        raise InvalidRequest(f"{name!r} names the LOCSVC_ADMIN_TOKEN in the audit log; choose "
                             "another name.", field="name")  # fmt: skip
    if not all(looks_like_language_tag(tag) and len(tag) <= 35 for tag in languages):
        raise InvalidRequest("`languages` are BCP 47 language tags.", field="languages")
    if not all(is_show_slug(show) for show in shows):
        raise InvalidRequest("`shows` are show slugs.", field="shows")
    for field, values, limit in (("languages", languages, 500), ("shows", shows, 2000)):
        if len(",".join(values)) > limit:
            raise InvalidRequest(f"`{field}` take at most {limit} characters in all.",
                                 field=field, limit=limit)  # fmt: skip


def authenticate(db: SessionFactory, token: str | None, admin_token: str | None) -> Principal:
    if not token:
        raise Unauthorized("Send an API token: Authorization: Bearer <token>.")
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return Principal(ADMIN_TOKEN_USER, Role.ADMIN)
    with db.session() as session:
        user = UserRepository(session).by_token_hash(hash_token(token))
        if user is None:
            raise Unauthorized("The API token is unknown or revoked.")
        return Principal(user.name, Role(user.role), _split(user.languages), _split(user.shows))


def rotate_token(db: SessionFactory, name: str, by: str) -> str:
    """A new token for ``name``; the old one stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with db.session() as session:
        user = _existing(session, name)
        user.token_hash = hash_token(token)
        WebSessionRepository(session).revoke_all_of(name, utcnow())
        AuditLog(session).record(by, "user.rotate", f"user:{name}", None, None)
    return token


def revoke_user(db: SessionFactory, name: str, by: str) -> None:
    """The user's token stops working; the user and its history stay."""
    with db.session() as session:
        user = _existing(session, name)
        if user.revoked_at is None:
            user.revoked_at = utcnow()
            AuditLog(session).record(by, "user.revoke", f"user:{name}", None, None)
        WebSessionRepository(session).revoke_all_of(name, utcnow())


def _existing(session, name: str) -> User:
    user = UserRepository(session).by_name(name)
    if user is None:
        raise NotFound(f"There is no user {name!r}.", name=name)
    return user


def start_session(
    db: SessionFactory,
    who: Principal,
    token: str,
    lifetime: timedelta,
    replacing: str | None = None,
) -> str:
    """A new review-page session for ``who``, signed in with ``token``; returns its random
    id, the only thing the cookie carries (stored here as a hash). ``replacing``, the
    session this browser held before, ends: every sign-in starts afresh."""
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    now = utcnow()
    with db.session() as session:
        sessions = WebSessionRepository(session)
        sessions.purge_expired(now)
        if replacing:
            sessions.revoke(hash_token(replacing), now)
        sessions.add(
            WebSession(
                id_hash=hash_token(session_id),
                user_name=who.name,
                credential_hash=hash_token(token),
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime,
            )
        )
    return session_id


def end_session(db: SessionFactory, session_id: str) -> None:
    with db.session() as session:
        WebSessionRepository(session).revoke(hash_token(session_id), utcnow())


def principal_for_session(
    db: SessionFactory, session_id: str, admin_token: str | None, idle: timedelta
) -> Principal:
    """The signed-in user of a web session, checked on every request: a session signed
    out, expired, idle too long, or whose token was rotated or revoked is over."""
    now = utcnow()
    with db.session() as session:
        row = WebSessionRepository(session).by_id_hash(hash_token(session_id))
        live = row is not None and row.revoked_at is None and now < row.expires_at
        if row is None or not live or now >= row.last_seen_at + idle:
            raise Unauthorized(SESSION_ENDED)
        who = _signed_in_with(session, row, admin_token)
        if who is None:
            raise Unauthorized(SESSION_ENDED)
        if now - row.last_seen_at >= min(TOUCH_EVERY, idle / 4):
            row.last_seen_at = now
        return who


def _signed_in_with(session: Session, row: WebSession, admin_token: str | None) -> Principal | None:
    """Who the session's credential still is: nobody once the token has changed."""
    admin_hash = hash_token(admin_token) if admin_token else None
    if row.user_name == ADMIN_TOKEN_USER and admin_hash:
        if hmac.compare_digest(row.credential_hash, admin_hash):
            return Principal(ADMIN_TOKEN_USER, Role.ADMIN)
    user = UserRepository(session).by_token_hash(row.credential_hash)
    if user is None or user.name != row.user_name:
        return None
    return Principal(user.name, Role(user.role), _split(user.languages), _split(user.shows))
