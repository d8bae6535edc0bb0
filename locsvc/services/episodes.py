"""Episodes: accept an upload, report its progress, hand out its tracks."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from ..adapters.db.models import Episode, StageRun, utcnow
from ..adapters.db.repositories import (
    AuditLog,
    EpisodeRepository,
    GlossaryRepository,
    TrackRepository,
)
from ..adapters.storage_fs import HashingWriter
from ..domain.access import Principal, Role, require_role, require_show, shows_within
from ..domain.cues import Cue
from ..domain.errors import InvalidRequest, NotFound, QueueUnavailable, UnsupportedLanguagePair
from ..domain.glossary import DEFAULT_SCOPE
from ..domain.media import MediaInfo
from ..domain.pipeline import (
    SOURCE_PIPELINE,
    EpisodeStatus,
    Stage,
    StageStatus,
    stages_to_dispatch,
    translation_stage,
)
from ..wiring import Context
from .access import require_glossary_reference
from .ports import Translators
from .queueing import queue_stages
from .timestamps import iso

# One pattern wherever a show slug enters (uploads, settings, glossaries, users, rollouts);
# DEFAULT_SCOPE ("_default") is the one other name, for the default glossary scope.
SHOW_SLUG_PATTERN = "^[a-z0-9][a-z0-9_-]{0,62}$"
_SHOW_SLUG = re.compile(SHOW_SLUG_PATTERN)
MAX_IDEMPOTENCY_KEY = 200
PRIORITIES = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
# Stage names are "translate:<tag>" in a 40-character column.
MAX_LANGUAGE_TAG = 30


@dataclass(frozen=True)
class NewEpisode:
    title: str
    show: str
    original_filename: str
    source_language: str | None = None
    idempotency_key: str | None = None  # a repeat with the same key answers the first episode
    targets: tuple[str, ...] = ()  # languages to translate the source track into
    glossary: str | None = None  # a glossary id or a show slug; None: the episode's show
    priority: str = "normal"  # low, normal, high, urgent: the review queue's order
    due: str | None = None  # ISO 8601: when the reviewed tracks are due

    def validated(self, translators: Translators | None = None) -> NewEpisode:
        """Self, checked; target languages are checked only when ``translators`` is given."""
        if not is_show_slug(self.show) or self.show == DEFAULT_SCOPE:
            raise InvalidRequest(
                "`show` must be a slug: lower-case letters, digits, '-' and '_'"
                f" ({DEFAULT_SCOPE!r} is reserved for the default glossary scope).",
                field="show",
            )
        if self.source_language and not looks_like_language_tag(self.source_language):
            raise InvalidRequest(
                f"`source_language` {self.source_language!r} is not a BCP 47 language tag.",
                field="source_language",
            )
        if self.idempotency_key is not None:
            check_idempotency_key(self.idempotency_key)
        if translators is not None:
            for target in self.targets:
                check_target(target, self.source_language, translators)
        if self.priority not in PRIORITIES:
            raise InvalidRequest(f"`priority` is one of {', '.join(PRIORITIES)}.", field="priority")
        self.due_at()  # InvalidRequest when not a date
        if self.glossary is not None and not is_glossary_reference(self.glossary):
            raise InvalidRequest(
                "`glossary` must be a glossary id or a show slug.", field="glossary"
            )
        return self

    def due_at(self) -> datetime | None:
        if not self.due:
            return None
        try:
            moment = datetime.fromisoformat(self.due.replace("Z", "+00:00"))
        except ValueError as error:
            raise InvalidRequest(
                f"`due` {self.due!r} is not an ISO 8601 date or time.", field="due"
            ) from error
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def is_show_slug(text: str) -> bool:
    return text == DEFAULT_SCOPE or _SHOW_SLUG.fullmatch(text) is not None


def is_glossary_reference(text: str) -> bool:
    """A glossary id (an Integer column: at most 2**31 - 1) or a show slug."""
    if text.isascii() and text.isdigit():
        return len(text) <= 10 and 1 <= int(text) < 2**31
    return is_show_slug(text)


def parse_targets(raw: str | None) -> tuple[str, ...]:
    """A comma list of language tags, in order, without repeats."""
    return tuple(dict.fromkeys(t.strip() for t in (raw or "").split(",") if t.strip()))


def check_target(target: str, source: str | None, translators: Translators) -> None:
    """A target language is refused on the request, not in a failed job later: with a
    known source language the pair must have an engine; with the language still to be
    detected, some engine must translate into the target."""
    if not looks_like_language_tag(target) or len(target) > MAX_LANGUAGE_TAG:
        raise InvalidRequest(f"Target {target!r} is not a BCP 47 language tag.", field="targets")
    if source is not None:
        if target == source:
            raise InvalidRequest(
                f"Target {target!r} is the source language; its track is the source track.",
                field="targets",
            )
        translators.engine_for(source, target)
    elif not translators.reachable(target):
        raise UnsupportedLanguagePair(
            f"No MT engine translates into {target!r}.", source=None, target=target
        )


def check_idempotency_key(key: str) -> None:
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidRequest(
            f"An Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters.",
            field="Idempotency-Key",
        )


def replayed_episode(ctx: Context, principal: Principal, key: str | None) -> str | None:
    """The episode this caller already created with this Idempotency-Key, if any."""
    if key is None:
        return None
    check_idempotency_key(key)
    with ctx.db.session() as session:
        return EpisodeRepository(session).find_by_idempotency_key(principal.name, key)


def looks_like_language_tag(tag: str) -> bool:
    parts = tag.split("-")
    return 2 <= len(parts[0]) <= 3 and parts[0].isalpha() and all(p.isalnum() for p in parts)


def _check_glossary_exists(ctx: Context, glossary: str | None) -> None:
    if glossary is None or not glossary.isdigit():
        return  # a show slug: its glossaries are looked up per language when translating
    with ctx.db.session() as session:
        try:
            GlossaryRepository(session).get(int(glossary))
        except NotFound as error:
            raise InvalidRequest(error.message, field="glossary") from error


def create_episode(
    ctx: Context, upload: HashingWriter, meta: NewEpisode, principal: Principal
) -> tuple[str, bool]:
    """Probe the streamed upload, store it, record the episode and queue its pipeline;
    (its id, whether it is new: False when a request with the same Idempotency-Key won).

    Nothing is kept when the upload is rejected: the temp file is removed before
    any blob or row exists."""
    try:
        require_role(principal, Role.PRODUCER)
        meta = meta.validated(ctx.translators)
        require_show(principal, meta.show)  # before anything is stored
        _check_glossary_exists(ctx, meta.glossary)
        require_glossary_reference(ctx, principal, meta.glossary)
        upload.close()
        probe_started = utcnow()
        info = ctx.media.probe(upload.path)
        probe_finished = utcnow()
        blob = ctx.storage.commit_writer(upload)
    finally:
        ctx.storage.discard(upload.path)  # a no-op once committed

    episode_id = uuid.uuid4().hex
    stages = [
        StageRun(
            name=stage, position=position, status=StageStatus.PENDING, progress=0.0, attempts=0
        )
        for position, stage in enumerate(
            [*SOURCE_PIPELINE, *(translation_stage(t) for t in meta.targets)]
        )
    ]
    # The probe ran above, on the request: record it as the pipeline's first stage.
    # Its artifact, the MediaInfo, is kept on the episode (media_info).
    probe = stages[0]
    probe.status, probe.progress, probe.attempts = StageStatus.DONE, 1.0, 1
    probe.started_at, probe.finished_at = probe_started, probe_finished
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
                 "glossary": meta.glossary},
            )  # fmt: skip
    except IntegrityError:
        # The same Idempotency-Key raced us in: the other request's episode stands.
        existing = replayed_episode(ctx, principal, meta.idempotency_key)
        if existing is None:
            raise
        return existing, False
    try:
        queue_stages(
            ctx, episode_id, stages_to_dispatch(Stage.EXTRACT_AUDIO), PRIORITIES[meta.priority]
        )
    except Exception as error:
        # No job, no episode: the caller retries the same upload (its media blob is reused).
        with ctx.db.session() as session:
            session.delete(EpisodeRepository(session).get(episode_id))
        raise QueueUnavailable(
            "The job queue is unavailable; the upload was not kept. Try again shortly.",
            broker_error=type(error).__name__,
        ) from error
    return episode_id, True


def episode_view(ctx: Context, episode_id: str) -> dict:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        info = MediaInfo.from_dict(episode.media_info)
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
        }


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


def load_cues(ctx: Context, cues_sha256: str) -> list[Cue]:
    return [Cue.from_dict(c) for c in json.loads(ctx.storage.read_bytes(cues_sha256))]


@dataclass(frozen=True)
class TrackRevisionRef:
    number: int
    cues_sha256: str
    frame_rate: str  # the episode's, or the configured default for audio-only episodes
    show: str


def find_revision(
    ctx: Context, episode_id: str, language: str, revision: int | None = None
) -> TrackRevisionRef:
    """A revision of a track (the latest by default); NotFound / InvalidRequest otherwise."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        track = TrackRepository(session).find(episode_id, language)
        revisions = {r.number: r for r in track.revisions}
        number = revision if revision is not None else max(revisions, default=0)
        if number not in revisions:
            raise InvalidRequest(
                f"The {language!r} track has no revision {number}.",
                revisions=sorted(revisions),
            )
        rate = MediaInfo.from_dict(episode.media_info).frame_rate
        return TrackRevisionRef(
            number,
            revisions[number].cues_sha256,
            rate or ctx.settings.default_frame_rate,
            episode.show,
        )


LOCAL_PRINCIPAL = Principal("local-cli", Role.ADMIN)


def submit_file(ctx: Context, path, meta: NewEpisode) -> str:
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
    return create_episode(ctx, writer, meta, LOCAL_PRINCIPAL)[0]


MEDIA_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "matroska": "video/x-matroska",
               "webm": "video/webm", "mp3": "audio/mpeg", "wav": "audio/wav",
               "ogg": "audio/ogg", "flac": "audio/flac", "aac": "audio/aac"}  # fmt: skip


def episode_media(ctx: Context, episode_id: str) -> tuple[str, str]:
    """(path, media type) of the episode's uploaded media, for a player."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        formats = MediaInfo.from_dict(episode.media_info).format_name.split(",")
        sha256 = episode.media_sha256
    mimetype = next(
        (MEDIA_TYPES[f] for f in formats if f in MEDIA_TYPES), "application/octet-stream"
    )
    return str(ctx.storage.path(sha256)), mimetype
