"""/users: admin creates users, rotates and revokes tokens; /audit: the audit log."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..adapters.db.repositories import AuditLog
from ..app_context import current_context
from ..domain.access import Role, require_role
from ..http.validation import json_body, query_int
from ..services import auth as service
from ..services.timestamps import iso
from .auth import authenticate_request, principal

blueprint = Blueprint("users", __name__)
blueprint.before_request(authenticate_request)


@blueprint.post("/users")
def create_user():
    require_role(principal(), Role.ADMIN)
    body = json_body("NewUser")
    created, token = service.create_user(
        current_context().db, body["name"], body["role"], ",".join(body.get("languages", [])),
        ",".join(body.get("shows", [])), by=principal().name,
    )  # fmt: skip
    return jsonify({"name": created.name, "role": created.role.value, "token": token}), 201


@blueprint.post("/users/<name>/rotate")
def rotate(name: str):
    """An admin, or the user itself, gets a new token; the old one stops working."""
    if principal().name != name:  # a user's own token needs no role
        require_role(principal(), Role.ADMIN)
    token = service.rotate_token(current_context().db, name, principal().name)
    return jsonify({"name": name, "token": token})


@blueprint.post("/users/<name>/revoke")
def revoke(name: str):
    require_role(principal(), Role.ADMIN)
    service.revoke_user(current_context().db, name, principal().name)
    return jsonify({"name": name, "revoked": True})


@blueprint.get("/audit")
def audit():
    require_role(principal(), Role.ADMIN)
    cursor = query_int("cursor", None)
    with current_context().db.session() as session:
        entries = AuditLog(session).page(cursor, limit=100)
        items = [
            {"id": e.id, "at": iso(e.at), "actor": e.actor,
             "action": e.action, "target": e.target, "before": e.before, "after": e.after}
            for e in entries
        ]  # fmt: skip
    return jsonify({"items": items, "next": items[-1]["id"] if len(items) == 100 else None})
