"""/rollouts: a season into many languages, watched and steered."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from ..app_context import current_context
from ..http.validation import json_body
from ..services import rollouts as service
from .auth import authenticate_request, principal

blueprint = Blueprint("rollouts", __name__)
blueprint.before_request(authenticate_request)


@blueprint.post("/rollouts")
def create_rollout():
    planned = service.NewRollout.from_json(
        json_body("NewRollout"), request.headers.get("Idempotency-Key")
    )
    rollout_id, created = service.create_rollout(current_context(), planned, principal())
    status_url = url_for("rollouts.get_rollout", rollout_id=rollout_id)
    response = jsonify({"id": rollout_id, "status_url": status_url})
    response.headers["Location"] = status_url
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 202


@blueprint.get("/rollouts/<rollout_id>")
def get_rollout(rollout_id: str):
    return jsonify(service.rollout_for(current_context(), rollout_id, principal()))


@blueprint.post("/rollouts/<rollout_id>/cancel")
def cancel(rollout_id: str):
    return jsonify(service.cancel_rollout(current_context(), rollout_id, principal()))


@blueprint.post("/rollouts/<rollout_id>/retry")
def retry(rollout_id: str):
    return jsonify(service.retry_rollout(current_context(), rollout_id, principal()))
