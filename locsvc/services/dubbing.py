"""Dubbing an episode's track: request it (from the approved revision, or a draft) for
the dub stage (``stages/dub.py``, on the tts queue), hand out the script, the report and
the audio."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from ..adapters.db.repositories import (
    AuditLog,
    EpisodeRepository,
    ReviewRepository,
    TrackRepository,
)
from ..domain.access import Principal, Role, require_role
from ..domain.dubbing import DEFAULT_MAX_SPEED, HIGHEST_MAX_SPEED
from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..domain.pipeline import StageStatus, dub_stage, source_status
from ..ports import Context
from .queueing import queue_stages

FORMATS = {"wav": "audio/wav", "m4a": "audio/mp4", "mp4": "video/mp4",
           "stem": "audio/wav", "json": "application/json"}  # fmt: skip


def request_dub(
    ctx: Context,
    episode_id: str,
    language: str,
    principal: Principal,
    draft: bool = False,
    max_speed: float = DEFAULT_MAX_SPEED,
    voice: str | None = None,
) -> dict:
    """Queue a dub of the track's approved revision (or, with ``draft``, its latest)."""
    require_role(principal, Role.PRODUCER)
    if voice is not None:
        raise InvalidRequest(
            "Voice cloning of a performer needs a recorded consent (who, scope, date), and "
            "no cloning engine is installed; each language has one synthetic voice.",
            field="voice",
        )
    if not 1.0 <= max_speed <= HIGHEST_MAX_SPEED:
        raise InvalidRequest(f"`max_speed` is 1.0 to {HIGHEST_MAX_SPEED}.", field="max_speed")
    with ctx.db.session() as session:
        episodes = EpisodeRepository(session)
        episode = episodes.get(episode_id)
        track = TrackRepository(session).find(episode_id, language)
        revision = _revision_to_dub(session, track, draft)
        name = dub_stage(language)
        stages = {s.name: s for s in episode.stages}
        request = {"revision": revision, "draft": draft, "max_speed": max_speed,
                   "requested_by": principal.name}  # fmt: skip
        if name not in stages:
            episodes.add_stage(episode_id, name, max(s.position for s in episode.stages) + 1)
        elif stages[name].status == StageStatus.RUNNING:
            raise Conflict(f"The {language} dub is being made; wait for it to finish.")
        else:
            episodes.reset_stage(episode_id, name)
        session.expire_all()  # the rows changed under the loaded episode
        episodes.stage(episode_id, name).artifact_info = {"request": request}
        source_done = source_status(episodes.stage_states(episode_id)) is StageStatus.DONE
        AuditLog(session).record(principal.name, "dub.request", f"episode:{episode_id}", None,
                                 {"language": language, **request})  # fmt: skip
    if source_done:
        queue_stages(ctx, episode_id, [name])
    return {"episode_id": episode_id, "language": language, **request}


# An M&E stem must run the episode's length, give or take this.
ME_STEM_TOLERANCE_MS = 500


def attach_me_stem(ctx: Context, episode_id: str, upload, principal: Principal) -> dict:
    """Keep a music-and-effects stem for the episode's dubs (mixed under them, not ducked).
    Refused, and nothing kept, unless it is audio of the episode's length."""
    try:
        require_role(principal, Role.PRODUCER)
        upload.close()
        info = ctx.media.probe(upload.path)
        with ctx.db.session() as session:
            episode_ms = EpisodeRepository(session).get(episode_id).media.duration_ms
        if not info.has_audio or abs(info.duration_ms - episode_ms) > ME_STEM_TOLERANCE_MS:
            raise InvalidRequest(
                f"An M&E stem is audio as long as the episode ({episode_ms} ms); this is "
                f"{info.duration_ms} ms{'' if info.has_audio else ' without audio'}.",
                field="file",
            )
        blob = ctx.storage.commit_writer(upload)
    finally:
        ctx.storage.discard(upload.path)  # a no-op once committed
    with ctx.db.session() as session:
        EpisodeRepository(session).get(episode_id).me_stem_sha256 = blob.sha256
        stored = {"sha256": blob.sha256, "duration_ms": info.duration_ms}
        AuditLog(session).record(
            principal.name, "episode.me_stem", f"episode:{episode_id}", None, stored
        )
    return {"episode_id": episode_id, "me_stem_sha256": blob.sha256,
            "duration": info.duration_ms / 1000}  # fmt: skip


def _revision_to_dub(session: Session, track, draft: bool) -> int:
    if draft:
        return track.revisions[-1].number
    approved = [
        r.approved_revision
        for r in ReviewRepository(session).for_episode(track.episode_id)
        if r.track_id == track.id and r.state == "approved" and r.approved_revision
    ]
    if not approved:
        raise Conflict(
            f"The {track.language} track has no approved revision; approve it first, or "
            "dub the draft with ?draft=1."
        )
    return approved[-1]


def dub_file(ctx: Context, episode_id: str, language: str, fmt: str) -> tuple[Path, str, dict]:
    """(path, media type, the dub's record) of a finished dub in ``fmt``."""
    if fmt not in FORMATS:
        raise InvalidRequest(f"`format` is one of {', '.join(FORMATS)}.", field="format")
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        stage = next((s for s in episode.stages if s.name == dub_stage(language)), None)
        if stage is None or stage.status != StageStatus.DONE:
            state = stage.status if stage else "not requested"
            raise NotFound(f"The {language} dub is {state}.", state=state)
        record = dict(stage.artifact_info or {})
    sha256 = record.get("files", {}).get(fmt)
    if sha256 is None:
        raise InvalidRequest("An audio-only episode has no MP4 dub; ask for wav or m4a.")
    return ctx.storage.path(sha256), FORMATS[fmt], record


def dub_report(ctx: Context, episode_id: str, language: str) -> dict:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        stage = next((s for s in episode.stages if s.name == dub_stage(language)), None)
        if stage is None:
            raise NotFound(f"No {language} dub was requested for episode {episode_id}.")
        return {
            "episode_id": episode_id,
            "language": language,
            "status": stage.status,
            "progress": round(stage.progress, 3),
            "error": {"code": stage.error_code, "message": stage.error_message}
            if stage.error_code else None,
            **(stage.artifact_info or {}),
        }  # fmt: skip
