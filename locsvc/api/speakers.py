"""/episodes/{id}/speakers and /shows/{slug}/cast: who speaks in an episode (named for
the whole episode), and a show's characters with their voice prints and dub voices."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..app_context import current_context
from ..http.validation import Limits, check_text, json_body
from ..services import speakers as service
from ..services.access import require_scope_of_episode
from .auth import authenticate_request, principal
from .shows import existing_show, show_to_change

blueprint = Blueprint("speakers", __name__)
blueprint.before_request(authenticate_request)

LABEL_LIMIT = 20


@blueprint.get("/episodes/<episode_id>/speakers")
def list_speakers(episode_id: str):
    ctx = current_context()
    require_scope_of_episode(ctx, principal(), episode_id)
    return jsonify({"speakers": service.episode_speakers(ctx, episode_id)})


@blueprint.patch("/episodes/<episode_id>/speakers/<label>")
def rename_speaker(episode_id: str, label: str):
    ctx = current_context()
    require_scope_of_episode(ctx, principal(), episode_id)
    body = json_body("SpeakerName")
    label = check_text(label, "label", LABEL_LIMIT)
    return jsonify(service.rename_speaker(ctx, principal(), episode_id, label, body["name"]))


@blueprint.get("/shows/<show>/cast")
def get_cast(show: str):
    ctx = current_context()
    return jsonify({"characters": service.show_cast(ctx, principal(), existing_show(show))})


@blueprint.put("/shows/<show>/cast/<name>")
def put_cast(show: str, name: str):
    body = json_body("CastVoice")
    name = check_text(name, "name", Limits.TITLE)
    ctx = current_context()
    return jsonify(service.cast_voice(ctx, principal(), show_to_change(show), name, body))
