"""Dubbing an episode's track: request it (from the approved revision, or a draft) for
the dub stage (``stages/dub.py``, on the tts queue), cast a voice per speaker, hand out
the script, the report and the audio.

A speaker's voice in language L: the one cast for its show character (by name) for L,
else for any language ("*"); else one chosen by pitch register (``auto_voices``), distinct
from the voices of the episode's other speakers. A named speaker keeps its automatic
voice: it is recorded on the character ("cast_by": "auto") for the show's later episodes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ..adapters.db.repositories import (
    AuditLog,
    EpisodeRepository,
    ReviewRepository,
    SpeakerRepository,
    TrackRepository,
)
from ..domain.access import Principal, Role, require_role
from ..domain.cast import VoiceChoice, auto_voices
from ..domain.dubbing import DEFAULT_MAX_SPEED, HIGHEST_MAX_SPEED
from ..domain.errors import Conflict, InvalidRequest, NotFound
from ..domain.pipeline import StageStatus, dub_stage, source_status
from ..ports import Context, Synthesizer, Synthesizers
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
            "no cloning engine is installed; each speaker is dubbed with the synthetic "
            "voice cast for their character (or one chosen by pitch).",
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


AUTO = "auto"  # cast_by of a voice chosen by pitch


@dataclass(frozen=True)
class CastVoice:
    """The voice a speaker of the episode is dubbed with, and why."""

    label: str
    name: str | None  # the show character, for a named speaker
    synthesizer: Synthesizer
    cast_by: str  # a user, "auto" (chosen by pitch), or "default" (speakers unknown)
    cast_for: str | None  # the language it was cast for ("*": any); None when chosen now

    @property
    def choice(self) -> VoiceChoice:
        return VoiceChoice(self.synthesizer.name, self.synthesizer.voice)

    def to_dict(self) -> dict:
        return {"label": self.label, "name": self.name, "cast_by": self.cast_by,
                "cast_for": self.cast_for}  # fmt: skip


def cast_voices(
    session: Session,
    synthesizers: Synthesizers,
    show: str,
    episode_id: str,
    language: str,
    labels: Sequence[str],
) -> dict[str, CastVoice]:
    """The voice of each speaker ``labels`` (those with lines in the dub), in ``language``:
    their character's cast voice, or chosen by pitch among the voices left."""
    rows = {row.label: row for row in SpeakerRepository(session).of_episode(episode_id)}
    characters = {c.name: c for c in SpeakerRepository(session).characters(show)}
    cast: dict[str, CastVoice] = {}
    for label in labels:
        name = rows[label].name if label in rows else None
        voices = (characters[name].voices or {}) if name in characters else {}
        key = language if language in voices else "*" if "*" in voices else None
        if key is not None:
            entry = voices[key]
            synthesizer = synthesizers.voice(language, entry["engine"], entry["voice"])
            cast[label] = CastVoice(label, name, synthesizer, entry.get("cast_by") or AUTO, key)
    rest = [(label, rows[label].pitch_hz if label in rows else None)
            for label in labels if label not in cast]  # fmt: skip
    higher, lower = synthesizers.register_voices(language)
    chosen = auto_voices(rest, higher, lower, taken=[c.choice for c in cast.values()])
    for label, _ in rest:
        name = rows[label].name if label in rows else None
        choice = chosen[label]
        synthesizer = synthesizers.voice(language, choice.engine, choice.voice)
        cast[label] = CastVoice(label, name, synthesizer, AUTO, None)
    return {label: cast[label] for label in labels}


def record_auto_voices(
    session: Session, show: str, language: str, cast: Sequence[tuple[str, str, str]]
) -> None:
    """Keep each (character, engine, voice) chosen by pitch as the character's voice in
    ``language``, unless a voice was cast for it meanwhile."""
    speakers = SpeakerRepository(session)
    for name, engine, voice in cast:
        character = speakers.character(show, name, create=True)
        assert character is not None
        voices = dict(character.voices or {})
        if language not in voices:
            voices[language] = {"engine": engine, "voice": voice, "cast_by": AUTO}
            character.voices = voices  # a new dict: the JSON column sees the change


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
