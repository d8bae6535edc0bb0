"""Bearer-token authentication for the API blueprints."""

from __future__ import annotations

from flask import g, request

from ..app_context import current_context
from ..domain.access import Principal
from ..services.auth import authenticate


def authenticate_request() -> None:
    """A blueprint ``before_request`` hook: sets ``g.principal`` or raises Unauthorized."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    ctx = current_context()
    g.principal = authenticate(
        ctx.db, token.strip() if scheme.lower() == "bearer" else None, ctx.settings.admin_token
    )


def principal() -> Principal:
    return g.principal
