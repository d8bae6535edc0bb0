"""API tokens: issued once, stored as a hash, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ..adapters.db.engine import Database
from ..adapters.db.models import User, utcnow
from ..adapters.db.repositories import AuditLog, UserRepository
from ..domain.access import Principal, Role
from ..domain.errors import InvalidRequest, NotFound, Unauthorized

TOKEN_BYTES = 32  # 256 random bits


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _split(values: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in values.split(",") if v.strip())


def create_user(
    db: Database, name: str, role: str, languages: str = "", shows: str = "", by: str = "cli"
) -> tuple[Principal, str]:
    """Create a user and return it with its token; the token is shown only this once."""
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


def authenticate(db: Database, token: str | None, admin_token: str | None) -> Principal:
    if not token:
        raise Unauthorized("Send an API token: Authorization: Bearer <token>.")
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return Principal("admin", Role.ADMIN)
    with db.session() as session:
        user = UserRepository(session).by_token_hash(hash_token(token))
        if user is None:
            raise Unauthorized("The API token is unknown or revoked.")
        return Principal(user.name, Role(user.role), _split(user.languages), _split(user.shows))


def rotate_token(db: Database, name: str, by: str) -> str:
    """A new token for ``name``; the old one stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with db.session() as session:
        user = _existing(session, name)
        user.token_hash = hash_token(token)
        AuditLog(session).record(by, "user.rotate", f"user:{name}", None, None)
    return token


def revoke_user(db: Database, name: str, by: str) -> None:
    """The user's token stops working; the user and its history stay."""
    with db.session() as session:
        user = _existing(session, name)
        if user.revoked_at is None:
            user.revoked_at = utcnow()
            AuditLog(session).record(by, "user.revoke", f"user:{name}", None, None)


def _existing(session, name: str) -> User:
    user = UserRepository(session).by_name(name)
    if user is None:
        raise NotFound(f"There is no user {name!r}.", name=name)
    return user


def principal_for_session(
    db: Database, name: str, token_hash: str, admin_token: str | None
) -> Principal:
    """The signed-in user of a web session, checked again on every request: a rotated
    or revoked token ends the session."""
    if admin_token and name == "admin" and hmac.compare_digest(token_hash, hash_token(admin_token)):
        return Principal("admin", Role.ADMIN)
    with db.session() as session:
        user = UserRepository(session).by_token_hash(token_hash)
        if user is None or user.name != name:
            raise Unauthorized("Your session has ended (token rotated or revoked); sign in again.")
        return Principal(user.name, Role(user.role), _split(user.languages), _split(user.shows))
