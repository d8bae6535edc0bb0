"""/shows/{slug}/timed-text: a show's timed-text profile overrides."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..services import shows as service
from ..services.shows import profile_from_overrides
from .auth import authenticate_request, principal

blueprint = Blueprint("shows", __name__)
blueprint.before_request(authenticate_request)


@blueprint.get("/shows/<show>/timed-text")
def get_timed_text(show: str):
    overrides = service.get_overrides(current_app.extensions["locsvc"], show)
    language = request.args.get("language", "en")
    return jsonify(
        {"overrides": overrides, "profile": profile_from_overrides(language, overrides).to_dict()}
    )


@blueprint.put("/shows/<show>/timed-text")
def put_timed_text(show: str):
    body = request.get_json(silent=True)
    overrides = service.set_overrides(current_app.extensions["locsvc"], show, body, principal())
    return jsonify({"overrides": overrides})
