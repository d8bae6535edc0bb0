"""What each source-pipeline stage does: read the previous artifact, store its own.

A stage function returns a StageResult; its ``commit`` hook, if any, runs in the
same transaction that marks the stage done, so database writes of a stage
(a track revision, the detected language) happen exactly once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy.orm import Session

from ..adapters.db.models import Episode
from ..adapters.db.repositories import EpisodeRepository, TrackRepository
from ..domain.errors import StageFailed
from ..domain.media import MediaInfo
from ..domain.pipeline import Stage
from ..domain.segmentation import segment_words
from ..domain.transcript import Transcript
from ..wiring import Context
from .shows import show_profile

Progress = Callable[[float], None]
PIPELINE_AUTHOR = "pipeline"


@dataclass
class StageResult:
    artifact_sha256: str | None
    info: dict = field(default_factory=dict)
    commit: Callable[[Session], None] | None = None


def _load_episode(ctx: Context, episode_id: str) -> tuple[Episode, dict[Stage, str | None]]:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        artifacts = {Stage(s.name): s.artifact_sha256 for s in episode.stages}
        return episode, artifacts


def _artifact(artifacts: dict[Stage, str | None], stage: Stage) -> str:
    sha256 = artifacts.get(stage)
    if not sha256:
        raise StageFailed(f"The {stage} artifact is missing; run that stage first.")
    return sha256


def extract_audio(ctx: Context, episode_id: str, progress: Progress) -> StageResult:
    episode, _ = _load_episode(ctx, episode_id)
    info = MediaInfo.from_dict(episode.media_info)
    target = ctx.storage.temp_path(".wav")
    try:
        decoded_ms = ctx.media.extract_audio(
            ctx.storage.path(episode.media_sha256), target, info.duration_ms
        )
        blob = ctx.storage.adopt(target)
    finally:
        ctx.storage.discard(target)
    return StageResult(blob.sha256, {"decoded_ms": decoded_ms, "sample_rate": 16000})


def detect_shots(ctx: Context, episode_id: str, progress: Progress) -> StageResult:
    episode, _ = _load_episode(ctx, episode_id)
    if not MediaInfo.from_dict(episode.media_info).has_video:
        return StageResult(None, {"shot_changes": 0, "skipped": "audio only"})
    cuts = ctx.media.detect_shot_changes(ctx.storage.path(episode.media_sha256))
    blob = ctx.storage.put_bytes(json.dumps(cuts).encode())
    return StageResult(blob.sha256, {"shot_changes": len(cuts)})


def transcribe(ctx: Context, episode_id: str, progress: Progress) -> StageResult:
    episode, artifacts = _load_episode(ctx, episode_id)
    audio = ctx.storage.path(_artifact(artifacts, Stage.EXTRACT_AUDIO))
    transcript = ctx.transcriber.transcribe(audio, episode.requested_language, progress)
    blob = ctx.storage.put_bytes(json.dumps(transcript.to_dict()).encode())

    def record_language(session: Session) -> None:
        row = EpisodeRepository(session).get(episode_id)
        row.source_language = episode.requested_language or transcript.language

    return StageResult(
        blob.sha256,
        {
            "model": transcript.model,
            "model_dir": str(ctx.transcriber.model_dir),
            "language": transcript.language,
            "language_probability": transcript.language_probability,
            "words": len(transcript.words),
            "parameters": transcript.parameters,
        },
        record_language,
    )


def segment(ctx: Context, episode_id: str, progress: Progress) -> StageResult:
    episode, artifacts = _load_episode(ctx, episode_id)
    transcript = Transcript.from_dict(
        json.loads(ctx.storage.read_bytes(_artifact(artifacts, Stage.TRANSCRIBE)))
    )
    shots_sha256 = artifacts.get(Stage.DETECT_SHOTS)
    cuts = json.loads(ctx.storage.read_bytes(shots_sha256)) if shots_sha256 else []
    rate = MediaInfo.from_dict(episode.media_info).frame_rate or ctx.settings.default_frame_rate
    with ctx.db.session() as session:
        profile = show_profile(
            session, episode.show, episode.source_language or transcript.language
        )
    cues = segment_words(transcript.words, profile, float(Fraction(rate)), cuts)
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    # The profile used is recorded with the track's source (shown in provenance later).
    return StageResult(
        blob.sha256, {"cues": len(cues), "frame_rate": rate, "profile": profile.to_dict()}
    )


def write_track(ctx: Context, episode_id: str, progress: Progress) -> StageResult:
    episode, artifacts = _load_episode(ctx, episode_id)
    cues_sha256 = _artifact(artifacts, Stage.SEGMENT)
    cue_count = len(json.loads(ctx.storage.read_bytes(cues_sha256)))
    language = episode.source_language or "und"
    result = StageResult(cues_sha256, {"language": language})

    def add_revision(session: Session) -> None:
        tracks = TrackRepository(session)
        track = tracks.get_or_create(episode_id, language, kind="source")
        revision = tracks.add_revision(track, cues_sha256, cue_count, PIPELINE_AUTHOR)
        result.info["revision"] = revision.number

    result.commit = add_revision
    return result


STAGE_FUNCTIONS: dict[Stage, Callable[[Context, str, Progress], StageResult]] = {
    Stage.EXTRACT_AUDIO: extract_audio,
    Stage.DETECT_SHOTS: detect_shots,
    Stage.TRANSCRIBE: transcribe,
    Stage.SEGMENT: segment,
    Stage.WRITE_TRACK: write_track,
}
