"""What each stage does: read the previous artifact (or track), store its own.

A stage function returns a StageResult; its ``commit`` hook, if any, runs in the
same transaction that marks the stage done, so database writes of a stage
(a track revision, the detected language) happen exactly once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy.orm import Session

from ..adapters.db.models import Episode, TrackRevision
from ..adapters.db.repositories import EpisodeRepository, ReviewRepository, TrackRepository
from ..domain.errors import StageFailed
from ..domain.media import MediaInfo
from ..domain.pipeline import Stage, StageName
from ..domain.qc import check
from ..domain.segmentation import segment_words
from ..domain.transcript import Transcript
from ..wiring import Context
from .episodes import load_cues
from .glossaries import resolve_glossary
from .shows import show_profile
from .translate import translate_cues

Progress = Callable[[float], None]
PIPELINE_AUTHOR = "pipeline"


@dataclass
class StageResult:
    artifact_sha256: str | None
    info: dict = field(default_factory=dict)
    commit: Callable[[Session], None] | None = None


def _load_episode(ctx: Context, episode_id: str) -> tuple[Episode, dict[StageName, str | None]]:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        artifacts = {s.name: s.artifact_sha256 for s in episode.stages}
        return episode, artifacts


def _artifact(artifacts: dict[StageName, str | None], stage: Stage) -> str:
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
            ctx.storage.path(episode.media_sha256), target, info.expected_audio_ms
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
            "model_sha256": transcript.model_sha256,
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
    duration_ms = MediaInfo.from_dict(episode.media_info).duration_ms
    cues = segment_words(transcript.words, profile, float(Fraction(rate)), cuts, duration_ms)
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    # The profile used is recorded with the track's source (shown in provenance later).
    return StageResult(
        blob.sha256, {"cues": len(cues), "frame_rate": rate, "profile": profile.to_dict()}
    )


def write_track(ctx: Context, episode_id: str, progress: Progress) -> StageResult:
    episode, artifacts = _load_episode(ctx, episode_id)
    cues_sha256 = _artifact(artifacts, Stage.SEGMENT)
    cues = load_cues(ctx, cues_sha256)
    language = episode.source_language or "und"
    rate = MediaInfo.from_dict(episode.media_info).frame_rate or ctx.settings.default_frame_rate
    with ctx.db.session() as session:
        profile = show_profile(session, episode.show, language)
    qc = check(cues, profile, float(Fraction(rate))).brief()
    result = StageResult(cues_sha256, {"language": language, "qc": qc})

    def add_revision(session: Session) -> None:
        revision = add_pipeline_revision(session, episode_id, language, "source", cues_sha256,
                                         len(cues), None, qc)  # fmt: skip
        result.info["revision"] = revision.number

    result.commit = add_revision
    return result


def translate(ctx: Context, episode_id: str, language: str, progress: Progress) -> StageResult:
    """The source track's latest revision into ``language``: a draft translation track
    that records its engine, glossary versions and source revision."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        source = TrackRepository(session).source_of(episode_id)
        if source is None or not source.revisions:
            raise StageFailed("The source track is missing; run the source pipeline first.")
        source_revision = source.revisions[-1]
        profile = show_profile(session, episode.show, language)
        glossary, glossaries_used = resolve_glossary(
            session, episode.glossary, episode.show, source.language, language
        )
        rate = MediaInfo.from_dict(episode.media_info).frame_rate
    translator = ctx.translators.get(source.language, language)
    source_cues = load_cues(ctx, source_revision.cues_sha256)
    translation = translate_cues(
        source_cues,
        translator,
        profile,
        float(Fraction(rate or ctx.settings.default_frame_rate)),
        glossary,
        progress,
    )
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in translation.cues]).encode())
    qc = check(
        translation.cues, profile, float(Fraction(rate or ctx.settings.default_frame_rate)),
        source_cues, translation.glossary_issues,
    ).brief()  # fmt: skip
    info = {
        "language": language,
        "source_language": source.language,
        "source_revision": source_revision.number,
        "engine": translation.engine,
        "glossaries": glossaries_used,
        "sentences": translation.sentences,
        "cues": len(translation.cues),
        "glossary_issues": len(translation.glossary_issues),
    }
    result = StageResult(blob.sha256, {**info, "qc": qc})

    def add_revision(session: Session) -> None:
        revision = add_pipeline_revision(session, episode_id, language, "translation",
                                         blob.sha256, len(translation.cues), info, qc)  # fmt: skip
        result.info["revision"] = revision.number

    result.commit = add_revision
    return result


def add_pipeline_revision(
    session: Session,
    episode_id: str,
    language: str,
    kind: str,
    cues_sha256: str,
    cue_count: int,
    info: dict | None,
    qc: dict,
) -> TrackRevision:
    """A machine revision of a track; the track enters the review queue with its first."""
    tracks = TrackRepository(session)
    track = tracks.get_or_create(episode_id, language, kind=kind)
    revision = tracks.add_revision(track, cues_sha256, cue_count, PIPELINE_AUTHOR, info, qc)
    reviews = ReviewRepository(session)
    if reviews.live_for_track(track.id) is None:
        reviews.open_round(track, EpisodeRepository(session).get(episode_id))
    return revision


SOURCE_STAGE_FUNCTIONS: dict[Stage, Callable[[Context, str, Progress], StageResult]] = {
    Stage.EXTRACT_AUDIO: extract_audio,
    Stage.DETECT_SHOTS: detect_shots,
    Stage.TRANSCRIBE: transcribe,
    Stage.SEGMENT: segment,
    Stage.WRITE_TRACK: write_track,
}
