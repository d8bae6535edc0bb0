"""/glossaries: import (CSV/TSV), list, read a version."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..domain.access import Role, require_role
from ..domain.errors import InvalidRequest
from ..services import glossaries as service
from .auth import authenticate_request, principal
from .uploads import small_upload

blueprint = Blueprint("glossaries", __name__)
blueprint.before_request(authenticate_request)


def _ctx():
    return current_app.extensions["locsvc"]


def _upload() -> tuple[bytes, str]:
    return small_upload("glossary")


def _form(name: str) -> str:
    value = request.form.get(name, "").strip()
    if not value:
        raise InvalidRequest(f"`{name}` is required.", field=name)
    return value


@blueprint.post("/glossaries")
def create_glossary():
    require_role(principal(), Role.PRODUCER)
    data, filename = _upload()
    view = service.import_glossary(
        _ctx(), data, filename, _form("show"), _form("source"), _form("target"), principal()
    )
    return jsonify(view), 200 if view["unchanged"] else 201


@blueprint.post("/glossaries/<int:glossary_id>/entries:import")
def import_entries(glossary_id: int):
    require_role(principal(), Role.PRODUCER)
    current = service.glossary_view(_ctx(), glossary_id)
    data, filename = _upload()
    view = service.import_glossary(
        _ctx(), data, filename, current["show"], current["source_language"],
        current["target_language"], principal(), glossary_id,
    )  # fmt: skip
    return jsonify(view), 200 if view["unchanged"] else 201


@blueprint.get("/glossaries")
def list_glossaries():
    return jsonify({"items": service.list_glossaries(_ctx(), request.args.get("show"))})


@blueprint.get("/glossaries/<int:glossary_id>")
def get_glossary(glossary_id: int):
    version = request.args.get("version")
    if version is not None and not version.isdigit():
        raise InvalidRequest("`version` must be a whole number.", field="version")
    return jsonify(service.glossary_view(_ctx(), glossary_id, int(version) if version else None))
