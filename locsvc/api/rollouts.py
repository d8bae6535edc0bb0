"""/rollouts: a season into many languages, watched and steered."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from ..services import rollouts as service
from .auth import authenticate_request, principal
from .validation import json_body

blueprint = Blueprint("rollouts", __name__)
blueprint.before_request(authenticate_request)


def _ctx():
    return current_app.extensions["locsvc"]


@blueprint.post("/rollouts")
def create_rollout():
    planned = service.NewRollout.from_json(
        json_body("NewRollout"), request.headers.get("Idempotency-Key")
    )
    rollout_id, created = service.create_rollout(_ctx(), planned, principal())
    status_url = url_for("rollouts.get_rollout", rollout_id=rollout_id)
    response = jsonify({"id": rollout_id, "status_url": status_url})
    response.headers["Location"] = status_url
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 202


@blueprint.get("/rollouts/<rollout_id>")
def get_rollout(rollout_id: str):
    return jsonify(service.rollout_for(_ctx(), rollout_id, principal()))


@blueprint.post("/rollouts/<rollout_id>/cancel")
def cancel(rollout_id: str):
    return jsonify(service.cancel_rollout(_ctx(), rollout_id, principal()))


@blueprint.post("/rollouts/<rollout_id>/retry")
def retry(rollout_id: str):
    return jsonify(service.retry_rollout(_ctx(), rollout_id, principal()))
