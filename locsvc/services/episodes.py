"""Episodes: accept an upload, list them, report their progress, hand out their media."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from ..adapters.db.models import Episode, StageRun, utcnow
from ..adapters.db.repositories import AuditLog, EpisodeRepository, GlossaryRepository
from ..domain.access import Principal, Role, require_role, require_show, shows_within
from ..domain.errors import InvalidRequest, NotFound, QueueUnavailable
from ..domain.pipeline import (
    EpisodeStatus,
    Stage,
    StageName,
    StageStatus,
    asr_chunks,
    episode_stages,
    source_chain,
    stages_to_dispatch,
)
from ..domain.requests import PRIORITIES, NewEpisode, check_idempotency_key
from ..ports import Context, UploadWriter
from .access import require_glossary_reference
from .queueing import queue_stages
from .source_text import SourceTextFile, store_source_text
from .timestamps import iso


def replayed_episode(ctx: Context, principal: Principal, key: str | None) -> str | None:
    """The episode this caller already created with this Idempotency-Key, if any."""
    if key is None:
        return None
    check_idempotency_key(key)
    with ctx.db.session() as session:
        return EpisodeRepository(session).find_by_idempotency_key(principal.name, key)


def _check_glossary_exists(ctx: Context, glossary: str | None) -> None:
    if glossary is None or not glossary.isdigit():
        return  # a show slug: its glossaries are looked up per language when translating
    with ctx.db.session() as session:
        try:
            GlossaryRepository(session).get(int(glossary))
        except NotFound as error:
            raise InvalidRequest(error.message, field="glossary") from error


def create_episode(
    ctx: Context,
    upload: UploadWriter,
    meta: NewEpisode,
    principal: Principal,
    source_text: SourceTextFile | None = None,
) -> tuple[str, bool]:
    """Probe the streamed upload, store it, record the episode and queue its pipeline;
    (its id, whether it is new: False when a request with the same Idempotency-Key won).
    With ``source_text`` (the producer's subtitles or script) the chain starts from it.

    Nothing is kept when the upload is rejected: the temp file is removed before
    any blob or row exists."""
    try:
        require_role(principal, Role.PRODUCER)
        meta = meta.validated(ctx.translators)
        require_show(principal, meta.show)  # before anything is stored
        _check_glossary_exists(ctx, meta.glossary)
        require_glossary_reference(ctx, principal, meta.glossary)
        if source_text is not None:
            source_text.checked()
        upload.close()
        probe_started = utcnow()
        info = ctx.media.probe(upload.path)
        probe_finished = utcnow()
        blob = ctx.storage.commit_writer(upload)
    finally:
        ctx.storage.discard(upload.path)  # a no-op once committed

    episode_id = uuid.uuid4().hex
    chunks = asr_chunks(info.duration_ms, round(ctx.settings.asr_chunk_seconds * 1000))
    names = episode_stages(source_chain(source_text.kind if source_text else None), chunks,
                        meta.targets)  # fmt: skip
    stages = _stage_rows(names, probe_started, probe_finished)
    if source_text is not None:
        record = store_source_text(ctx, source_text, principal)
        for stage in stages:
            if stage.name in (Stage.IMPORT_SUBTITLES, Stage.ALIGN_SCRIPT):
                stage.artifact_info = {"source_text": record}
    try:
        with ctx.db.session() as session:
            EpisodeRepository(session).add(
                Episode(
                    id=episode_id,
                    title=meta.title or meta.original_filename,
                    show=meta.show,
                    status=EpisodeStatus.QUEUED,
                    requested_language=meta.source_language,
                    source_language=meta.source_language,
                    media_sha256=blob.sha256,
                    media_size=blob.size,
                    original_filename=meta.original_filename,
                    media_info=info.to_dict(),
                    asr_model=ctx.settings.asr_model,
                    glossary=meta.glossary,
                    speaker_hints=meta.speaker_hints.to_dict() or None,
                    priority=PRIORITIES[meta.priority],
                    due_at=meta.due_at(),
                    created_by=principal.name,
                    idempotency_key=meta.idempotency_key,
                    stages=stages,
                )
            )
            AuditLog(session).record(
                principal.name, "episode.create", f"episode:{episode_id}", None,
                {"media_sha256": blob.sha256, "targets": list(meta.targets),
                 "glossary": meta.glossary,
                 "source_text": source_text.kind.value if source_text else None},
            )  # fmt: skip
    except IntegrityError:
        # The same Idempotency-Key raced us in: the other request's episode stands.
        existing = replayed_episode(ctx, principal, meta.idempotency_key)
        if existing is None:
            raise
        return existing, False
    _queue_source_chain(ctx, episode_id, names, PRIORITIES[meta.priority])
    return episode_id, True


def _stage_rows(
    names: Sequence[StageName], probe_started: datetime, probe_finished: datetime
) -> list[StageRun]:
    stages = [
        StageRun(
            name=stage, position=position, status=StageStatus.PENDING, progress=0.0, attempts=0
        )
        for position, stage in enumerate(names)
    ]
    # The probe ran on the request: record it as the pipeline's first stage.
    # Its artifact, the MediaInfo, is kept on the episode (media_info).
    probe = stages[0]
    probe.status, probe.progress, probe.attempts = StageStatus.DONE, 1.0, 1
    probe.started_at, probe.finished_at = probe_started, probe_finished
    return stages


def _queue_source_chain(
    ctx: Context, episode_id: str, names: Sequence[StageName], priority: int
) -> None:
    try:
        queue_stages(ctx, episode_id, stages_to_dispatch(Stage.EXTRACT_AUDIO, names), priority)
    except Exception as error:
        # No job, no episode: the caller retries the same upload (its media blob is reused).
        with ctx.db.session() as session:
            session.delete(EpisodeRepository(session).get(episode_id))
        raise QueueUnavailable(
            "The job queue is unavailable; the upload was not kept. Try again shortly.",
            broker_error=type(error).__name__,
        ) from error


def episode_view(ctx: Context, episode_id: str) -> dict:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        info = episode.media
        return {
            "id": episode.id,
            "title": episode.title,
            "show": episode.show,
            "status": episode.status,
            "source_language": episode.source_language,
            "duration": info.duration_ms / 1000,
            "frame_rate": info.frame_rate_value,
            "has_video": info.has_video,
            "media_sha256": episode.media_sha256,
            "created_at": iso(episode.created_at),
            "error": (
                {"code": episode.error_code, "message": episode.error_message}
                if episode.error_code
                else None
            ),
            "stages": [
                {
                    "name": s.name,
                    "status": s.status,
                    "progress": round(s.progress, 3),
                    "attempts": s.attempts,
                    "started_at": iso(s.started_at),
                    "finished_at": iso(s.finished_at),
                    "error": (
                        {"code": s.error_code, "message": s.error_message} if s.error_code else None
                    ),
                }
                for s in episode.stages
            ],
            "tracks": [
                {
                    "language": t.language,
                    "kind": t.kind,
                    "state": t.state,
                    "revision": len(t.revisions),
                }
                for t in episode.tracks
            ],
            "source_text": source_text_view(episode.stages),
        }


RETIMED_SHOWN = 50  # the episode's view is polled: a film's every move stays in provenance


def source_text_view(stages: Sequence[StageRun]) -> dict | None:
    """The producer's subtitles or script, and once its stage ran, what it made of them:
    the cues re-timed, or what the script's alignment covered."""
    for stage in stages:
        record = stage.artifact_info or {}
        if "source_text" in record:
            view = dict(record["source_text"])
            if "alignment" in record:
                view["alignment"] = record["alignment"]
            if "retimed" in record:  # every move is in the provenance; here the first
                moves = record["retimed"]
                view["retimed"] = moves[:RETIMED_SHOWN]
                view["retimed_count"] = len(moves)
            return view
    return None


def list_episodes(
    ctx: Context,
    principal: Principal,
    show: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> list[dict]:
    """Episodes, newest first; a user assigned to shows sees only theirs."""
    within = shows_within(principal, [show] if show else [])
    if within is None:
        return []
    with ctx.db.session() as session:
        return [
            {
                "id": e.id,
                "title": e.title,
                "show": e.show,
                "status": e.status,
                "source_language": e.source_language,
                "created_at": iso(e.created_at),
            }
            for e in EpisodeRepository(session).find_many(show, status, limit, offset, within)
        ]


LOCAL_PRINCIPAL = Principal("local-cli", Role.ADMIN)


def submit_file(
    ctx: Context, path, meta: NewEpisode, source_text: SourceTextFile | None = None
) -> str:
    """The command line's upload: stream a local file into storage, then as the API."""
    writer = ctx.storage.writer(max_bytes=ctx.settings.max_upload_bytes)
    try:
        with open(path, "rb") as source:
            while chunk := source.read(1024 * 1024):
                writer.write(chunk)
    except BaseException:
        writer.close()
        ctx.storage.discard(writer.path)
        raise
    return create_episode(ctx, writer, meta, LOCAL_PRINCIPAL, source_text)[0]


MEDIA_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "matroska": "video/x-matroska",
               "webm": "video/webm", "mp3": "audio/mpeg", "wav": "audio/wav",
               "ogg": "audio/ogg", "flac": "audio/flac", "aac": "audio/aac"}  # fmt: skip


def episode_media(ctx: Context, episode_id: str) -> tuple[str, str]:
    """(sha256, media type) of the episode's uploaded media, for a player."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        formats = episode.media.format_name.split(",")
        sha256 = episode.media_sha256
    mimetype = next(
        (MEDIA_TYPES[f] for f in formats if f in MEDIA_TYPES), "application/octet-stream"
    )
    return sha256, mimetype
