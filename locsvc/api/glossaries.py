"""/glossaries: import (CSV/TSV), list, read a version."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..app_context import current_context
from ..domain.access import Role, may_read_glossary_scope, require_role
from ..domain.errors import InvalidRequest
from ..http.validation import Limits, form_text, query_int
from ..services import glossaries as service
from ..services.access import require_glossary_readable
from .auth import authenticate_request, principal
from .uploads import small_upload

blueprint = Blueprint("glossaries", __name__)
blueprint.before_request(authenticate_request)


def _upload() -> tuple[bytes, str]:
    return small_upload("glossary")


def _form(name: str) -> str:
    value = form_text(name, Limits.LANGUAGE if name != "show" else Limits.SHOW)
    if not value:
        raise InvalidRequest(f"`{name}` is required.", field=name)
    return value


@blueprint.post("/glossaries")
def create_glossary():
    require_role(principal(), Role.PRODUCER)
    data, filename = _upload()
    view = service.import_glossary(
        current_context(),
        data,
        filename,
        _form("show"),
        _form("source"),
        _form("target"),
        principal(),
    )
    return jsonify(view), 200 if view["unchanged"] else 201


@blueprint.post("/glossaries/<row_id:glossary_id>/entries:import")
def import_entries(glossary_id: int):
    require_role(principal(), Role.PRODUCER)
    require_glossary_readable(current_context(), principal(), glossary_id)
    current = service.glossary_view(current_context(), glossary_id)
    data, filename = _upload()
    view = service.import_glossary(
        current_context(), data, filename, current["show"], current["source_language"],
        current["target_language"], principal(), glossary_id,
    )  # fmt: skip
    return jsonify(view), 200 if view["unchanged"] else 201


@blueprint.get("/glossaries")
def list_glossaries():
    items = service.list_glossaries(current_context(), request.args.get("show"))
    return jsonify({"items": [i for i in items if may_read_glossary_scope(principal(), i["show"])]})


@blueprint.get("/glossaries/<row_id:glossary_id>")
def get_glossary(glossary_id: int):
    version = query_int("version", None, 1)
    require_glossary_readable(current_context(), principal(), glossary_id)
    return jsonify(service.glossary_view(current_context(), glossary_id, version))
