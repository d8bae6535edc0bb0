"""Translation memory: a show's memory settings, TMX import and export, leverage reports
(an episode, a rollout) and the matches beside each cue of a translation."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..app_context import current_context
from ..domain.access import Role, require_role
from ..http.validation import Limits, check_text, form_text, json_body, query_int
from ..services import memory as service
from ..services import memory_reports as reports
from ..services.memory import MAX_TMX_BYTES
from .auth import authenticate_request, principal
from .shows import existing_show, show_to_change
from .uploads import small_upload

blueprint = Blueprint("memory", __name__)
blueprint.before_request(authenticate_request)

TMX_MEDIA_TYPE = "application/x-tmx+xml"


def _languages(name: str) -> list[str]:
    raw = check_text(request.args.get(name, ""), name, Limits.TARGETS)
    return [language.strip() for language in raw.split(",") if language.strip()]


@blueprint.get("/shows/<show>/memory")
def get_memory(show: str):
    """The show's memory settings and its memories (pairs and unit counts)."""
    return jsonify(service.get_memory(current_context(), existing_show(show), principal()))


@blueprint.put("/shows/<show>/memory")
def put_memory_settings(show: str):
    body = json_body("MemorySettings")
    ctx = current_context()
    return jsonify(service.set_memory_settings(ctx, show_to_change(show), body, principal()))


@blueprint.post("/shows/<show>/memory/tmx")
def import_tmx(show: str):
    require_role(principal(), Role.PRODUCER)
    data, filename = small_upload("TMX file", MAX_TMX_BYTES)
    targets = [t.strip() for t in form_text("targets", Limits.TARGETS).split(",") if t.strip()]
    result = service.import_tmx(
        current_context(), data, filename, show_to_change(show), principal(),
        form_text("source_language", Limits.LANGUAGE) or None, targets or None,
    )  # fmt: skip
    added = sum(pair["added"] for pair in result["pairs"])
    return jsonify(result), 201 if added else 200


@blueprint.get("/shows/<show>/memory/tmx")
def export_tmx(show: str):
    document, filename = service.export_tmx(
        current_context(), existing_show(show), principal(),
        check_text(request.args.get("source_language", ""), "source_language",
                   Limits.LANGUAGE) or None,
        check_text(request.args.get("target_language", ""), "target_language",
                   Limits.LANGUAGE) or None,
        request.args.get("history", "false") in ("true", "1"),
    )  # fmt: skip
    disposition = f'attachment; filename="{filename}"'
    return Response(document, mimetype=TMX_MEDIA_TYPE, headers={"Content-Disposition": disposition})


@blueprint.get("/episodes/<episode_id>/leverage")
def episode_leverage(episode_id: str):
    """Words and segments per match band, per target language (?languages=es,fr)."""
    return jsonify(reports.episode_leverage(current_context(), episode_id,
                                            _languages("languages"), principal()))  # fmt: skip


@blueprint.get("/rollouts/<rollout_id>/leverage")
def rollout_leverage(rollout_id: str):
    return jsonify(reports.rollout_leverage(current_context(), rollout_id, principal()))


@blueprint.get("/episodes/<episode_id>/tracks/<language>/memory-matches")
def cue_matches(episode_id: str, language: str):
    """Each cue's translation memory matches (?revision=N, the latest by default)."""
    revision = query_int("revision", None, 1)
    return jsonify(reports.cue_matches(current_context(), episode_id, language, principal(),
                                       revision))  # fmt: skip
