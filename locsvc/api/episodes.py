"""/episodes: upload, status, tracks."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, send_file, url_for

from ..app_context import current_context
from ..domain.access import Role, require_role
from ..domain.diarization import SpeakerHints
from ..domain.errors import InvalidRequest
from ..domain.pipeline import SourceText
from ..domain.requests import NewEpisode, parse_targets
from ..http.validation import (
    Limits,
    check_text,
    form_count,
    form_flag,
    form_text,
    json_body,
    query_int,
)
from ..services import dubbing, track_files
from ..services import episodes as service
from ..services import provenance as provenance_service
from ..services import qc as qc_service
from ..services.access import require_scope_of_episode
from ..services.source_text import MAX_SOURCE_TEXT_BYTES, SourceTextFile
from .auth import authenticate_request, principal
from .uploads import optional_small_file, small_upload

SOURCE_TEXT_FIELDS = ((SourceText.SUBTITLES, "source_subtitles"), (SourceText.SCRIPT, "script"))

blueprint = Blueprint("episodes", __name__)
blueprint.before_request(authenticate_request)

MAX_PAGE = 200


@blueprint.post("/episodes")
def create_episode():
    require_role(principal(), Role.PRODUCER)  # before the body is read, not after
    idempotency_key = request.headers.get("Idempotency-Key")
    replayed = service.replayed_episode(current_context(), principal(), idempotency_key)
    if replayed is not None:
        return _accepted(replayed, replayed=True)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidRequest("Send the media as a multipart form field named `file`.", field="file")
    meta = NewEpisode(
        title=form_text("title", Limits.TITLE),
        show=form_text("show", Limits.SHOW),
        original_filename=check_text(upload.filename, "file", Limits.FILENAME),
        source_language=form_text("source_language", Limits.LANGUAGE) or None,
        idempotency_key=idempotency_key,
        targets=parse_targets(form_text("targets", Limits.TARGETS)),
        glossary=form_text("glossary", Limits.GLOSSARY) or None,
        priority=form_text("priority", Limits.PRIORITY) or "normal",
        due=form_text("due", Limits.DUE) or None,
        speaker_hints=SpeakerHints(
            speakers=form_count("speakers"),
            min_speakers=form_count("min_speakers"),
            max_speakers=form_count("max_speakers"),
        ),
    )
    episode_id, created = service.create_episode(
        current_context(), upload.stream, meta, principal(), _source_text()
    )
    return _accepted(episode_id, replayed=not created)


def _source_text() -> SourceTextFile | None:
    """The optional `source_subtitles` or `script` file sent with the media (one of them)."""
    for _, field in SOURCE_TEXT_FIELDS:
        if request.form.get(field):
            raise InvalidRequest(f"Send `{field}` as a file, not as text.", field=field)
    sent = [(kind, field) for kind, field in SOURCE_TEXT_FIELDS if request.files.get(field)]
    resegment = form_flag("resegment")
    if not sent:
        if resegment:
            raise InvalidRequest("`resegment` needs `source_subtitles`.", field="resegment")
        return None
    if len(sent) > 1:
        raise InvalidRequest(
            "Send either `source_subtitles` or `script`, not both.", field="script"
        )
    kind, field = sent[0]
    data, filename = optional_small_file(field, MAX_SOURCE_TEXT_BYTES)
    return SourceTextFile(kind, data, filename, resegment)


def _accepted(episode_id: str, replayed: bool):
    status_url = url_for("episodes.get_episode", episode_id=episode_id)
    response = jsonify({"id": episode_id, "status_url": status_url})
    response.headers["Location"] = status_url
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 202


@blueprint.get("/episodes")
def list_episodes():
    limit = query_int("limit", 50, 1, MAX_PAGE)
    offset = query_int("offset", 0)
    show, status = request.args.get("show"), request.args.get("status")
    items = service.list_episodes(current_context(), principal(), show, status, limit, offset)
    return jsonify({"items": items, "limit": limit, "offset": offset})


@blueprint.get("/episodes/<episode_id>")
def get_episode(episode_id: str):
    require_episode_access(episode_id)
    return jsonify(service.episode_view(current_context(), episode_id))


@blueprint.get("/episodes/<episode_id>/tracks/<language>")
def get_track(episode_id: str, language: str):
    require_track_access(episode_id, language)
    revision = query_int("revision", None, 1)
    fmt = request.args.get("format", "srt")
    labels = request.args.get("speaker_labels", "false").lower() in ("1", "true")
    return _file(
        track_files.render_track(current_context(), episode_id, language, fmt, revision, labels)
    )


@blueprint.get("/episodes/<episode_id>/tracks/<language>/qc")
def get_track_qc(episode_id: str, language: str):
    require_track_access(episode_id, language)
    revision = query_int("revision", None, 1)
    return jsonify(qc_service.qc_track(current_context(), episode_id, language, revision))


@blueprint.post("/episodes/<episode_id>/tracks/<language>/revisions")
def upload_revision(episode_id: str, language: str):
    require_role(principal(), Role.LINGUIST)
    require_track_access(episode_id, language)
    data, filename = small_upload("corrected subtitle file")
    reply, created = track_files.upload_revision(
        current_context(), episode_id, language, data, filename, principal()
    )
    return jsonify(reply), 201 if created else 200


@blueprint.get("/episodes/<episode_id>/deliverables/<language>")
def get_deliverable(episode_id: str, language: str):
    require_track_access(episode_id, language)
    fmt = request.args.get("format", "srt")
    rendered, approval = track_files.deliverable(current_context(), episode_id, language, fmt)
    response = _file(rendered)
    provenance = url_for("episodes.get_provenance", episode_id=episode_id)
    response.headers["Link"] = f'<{provenance}>; rel="provenance"'
    response.headers["X-Approved-By"] = approval["approved_by"] or ""
    return response


@blueprint.get("/episodes/<episode_id>/provenance")
def get_provenance(episode_id: str):
    require_episode_access(episode_id)
    return jsonify(provenance_service.provenance(current_context(), episode_id))


def _file(rendered: track_files.RenderedTrack) -> Response:
    return Response(
        rendered.body,
        content_type=rendered.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{rendered.filename}"',
            "X-Revision": str(rendered.revision),
        },
    )


def require_episode_access(episode_id: str) -> None:
    require_scope_of_episode(current_context(), principal(), episode_id)


def require_track_access(episode_id: str, language: str) -> None:
    require_scope_of_episode(current_context(), principal(), episode_id, language)


@blueprint.post("/episodes/<episode_id>/dubs/<language>")
def request_dub(episode_id: str, language: str):
    require_role(principal(), Role.PRODUCER)
    require_track_access(episode_id, language)
    body = json_body("DubRequest", optional=True)
    max_speed = float(body.get("max_speed", dubbing.DEFAULT_MAX_SPEED))
    draft = request.args.get("draft", "") in ("1", "true", "yes")
    queued = dubbing.request_dub(
        current_context(), episode_id, language, principal(), draft, max_speed, body.get("voice")
    )
    status_url = url_for("episodes.get_dub_report", episode_id=episode_id, language=language)
    return jsonify({**queued, "status_url": status_url}), 202


@blueprint.get("/episodes/<episode_id>/dubs/<language>")
def get_dub(episode_id: str, language: str):
    require_track_access(episode_id, language)
    fmt = request.args.get("format", "wav")
    path, media_type, _ = dubbing.dub_file(current_context(), episode_id, language, fmt)
    extension = {"stem": "stem.wav"}.get(fmt, fmt)
    return send_file(path, mimetype=media_type, as_attachment=True,
                     download_name=f"{episode_id}.{language}.dub.{extension}")  # fmt: skip


@blueprint.get("/episodes/<episode_id>/dubs/<language>/report")
def get_dub_report(episode_id: str, language: str):
    """The dub's state and, once made, its fit report, voice and files."""
    require_track_access(episode_id, language)
    return jsonify(dubbing.dub_report(current_context(), episode_id, language))


@blueprint.put("/episodes/<episode_id>/me-stem")
def put_me_stem(episode_id: str):
    """A music-and-effects stem for the episode's dubs (multipart `file`)."""
    require_role(principal(), Role.PRODUCER)  # before the body is read
    require_episode_access(episode_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidRequest("Send the stem as a multipart field named `file`.", field="file")
    return jsonify(
        dubbing.attach_me_stem(current_context(), episode_id, upload.stream, principal())
    )
