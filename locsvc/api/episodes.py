"""/episodes: upload, status, tracks."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from ..domain.access import Role, require_role
from ..domain.errors import InvalidRequest
from ..services import episodes as service
from ..services import qc as qc_service
from .auth import authenticate_request, principal

blueprint = Blueprint("episodes", __name__)
blueprint.before_request(authenticate_request)

MAX_PAGE = 200


def _ctx():
    return current_app.extensions["locsvc"]


@blueprint.post("/episodes")
def create_episode():
    require_role(principal(), Role.PRODUCER)  # before the body is read, not after
    idempotency_key = request.headers.get("Idempotency-Key")
    replayed = service.replayed_episode(_ctx(), principal(), idempotency_key)
    if replayed is not None:
        return _accepted(replayed, replayed=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidRequest("Send the media as a multipart form field named `file`.", field="file")
    meta = service.NewEpisode(
        title=request.form.get("title", "").strip(),
        show=request.form.get("show", "").strip(),
        original_filename=upload.filename,
        source_language=request.form.get("source_language") or None,
        idempotency_key=idempotency_key,
        targets=service.parse_targets(request.form.get("targets")),
        glossary=request.form.get("glossary", "").strip() or None,
    )
    episode_id = service.create_episode(_ctx(), upload.stream, meta, principal())
    return _accepted(episode_id, replayed=False)


def _accepted(episode_id: str, replayed: bool):
    status_url = url_for("episodes.get_episode", episode_id=episode_id)
    response = jsonify({"id": episode_id, "status_url": status_url})
    response.headers["Location"] = status_url
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 202


@blueprint.get("/episodes")
def list_episodes():
    limit = _int_arg("limit", 50, 1, MAX_PAGE)
    offset = _int_arg("offset", 0, 0, None)
    items = service.list_episodes(
        _ctx(), request.args.get("show"), request.args.get("status"), limit, offset
    )
    return jsonify({"items": items, "limit": limit, "offset": offset})


@blueprint.get("/episodes/<episode_id>")
def get_episode(episode_id: str):
    return jsonify(service.episode_view(_ctx(), episode_id))


@blueprint.get("/episodes/<episode_id>/tracks/<language>")
def get_track(episode_id: str, language: str):
    revision = request.args.get("revision")
    track = service.render_track(
        _ctx(),
        episode_id,
        language,
        request.args.get("format", "srt"),
        _int_arg("revision", None, 1, None) if revision else None,
    )
    return Response(
        track.body,
        content_type=track.media_type,
        headers={"Content-Disposition": f'attachment; filename="{track.filename}"'},
    )


@blueprint.get("/episodes/<episode_id>/tracks/<language>/qc")
def get_track_qc(episode_id: str, language: str):
    revision = _int_arg("revision", None, 1, None)
    return jsonify(qc_service.qc_track(_ctx(), episode_id, language, revision))


def _int_arg(name: str, default: int | None, low: int, high: int | None) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise InvalidRequest(f"`{name}` must be a whole number.", field=name) from error
    if value < low or (high is not None and value > high):
        raise InvalidRequest(f"`{name}` must be between {low} and {high or 'any'}.", field=name)
    return value
