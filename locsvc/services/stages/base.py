"""What a stage is: a name and a queue, and a function from the episode as it stood when
the stage was claimed (a StageJob, read once) to a StageResult that says what to write.

The stage itself writes nothing to the database: ``run_stage`` applies the result's
writes in the same transaction that marks the stage done, so a stage's database
writes (a track revision, the detected language) happen exactly once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from ...adapters.db.models import TrackRevision
from ...adapters.db.repositories import (
    EpisodeRepository,
    ReviewRepository,
    SpeakerRepository,
    TrackRepository,
)
from ...domain.cast import VoiceMatch
from ...domain.diarization import VoiceProfile
from ...domain.errors import StageFailed
from ...domain.media import MediaInfo
from ...domain.pipeline import StageName, asr_chunk_number
from ...ports import Context
from ..tracks import frame_rate_of

Progress = Callable[[float], None]
PIPELINE_AUTHOR = "pipeline"


@dataclass(frozen=True)
class StageJob:
    """The episode as a stage reads it: loaded once, when the stage starts."""

    episode_id: str
    stage: StageName
    show: str
    media: MediaInfo
    media_sha256: str
    frame_rate: str  # the episode's, or the configured default for audio only
    requested_language: str | None
    source_language: str | None
    glossary: str | None
    me_stem_sha256: str | None
    speaker_hints: dict | None
    artifacts: dict[StageName, str | None]  # each stage's artifact so far
    record: dict  # this stage's stored record (a dub's request)
    records: dict[StageName, dict]  # every stage's record (what an earlier stage decided)
    # The producer's subtitles or script, as the upload recorded it (None: from speech).
    source_text: dict | None = None

    @property
    def asr_chunks(self) -> list[StageName]:
        """The chunks of a long recording's recognition, in order (none: one task)."""
        return sorted((n for n in self.artifacts if asr_chunk_number(n) is not None),
                      key=lambda n: asr_chunk_number(n) or 0)  # fmt: skip

    def artifact(self, stage: StageName) -> str:
        sha256 = self.artifacts.get(stage)
        if not sha256:
            raise StageFailed(f"The {stage} artifact is missing; run that stage first.")
        return sha256


def read_job(ctx: Context, episode_id: str, stage: StageName) -> StageJob:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        records = {s.name: s.artifact_info for s in episode.stages}
        return StageJob(
            episode_id=episode_id,
            stage=stage,
            show=episode.show,
            media=episode.media,
            media_sha256=episode.media_sha256,
            frame_rate=frame_rate_of(ctx, episode),
            requested_language=episode.requested_language,
            source_language=episode.source_language,
            glossary=episode.glossary,
            me_stem_sha256=episode.me_stem_sha256,
            speaker_hints=episode.speaker_hints,
            artifacts={s.name: s.artifact_sha256 for s in episode.stages},
            record=dict(records.get(stage) or {}),
            records={name: dict(record or {}) for name, record in records.items()},
            source_text=next(
                (r["source_text"] for r in records.values() if r and "source_text" in r), None
            ),
        )


class StageWrite(Protocol):
    """A database write a stage asks for, applied with the stage's completion."""

    def apply(self, session: Session, episode_id: str) -> dict: ...


@dataclass(frozen=True)
class NewRevision:
    """A machine revision of the episode's track in ``language``."""

    language: str
    kind: str  # "source" or "translation"
    cues_sha256: str
    cue_count: int
    info: dict | None
    qc: dict
    author: str = PIPELINE_AUTHOR  # the producer, for the subtitles they sent

    def apply(self, session: Session, episode_id: str) -> dict:
        revision = add_pipeline_revision(session, episode_id, self.language, self.kind,
                                         self.cues_sha256, self.cue_count, self.info,
                                         self.qc, self.author)  # fmt: skip
        return {"revision": revision.number}


@dataclass(frozen=True)
class NewSpeakers:
    """Speakers a producer's subtitles name that the episode did not have: (label, name)."""

    speakers: tuple[tuple[str, str | None], ...]

    def apply(self, session: Session, episode_id: str) -> dict:
        repo = SpeakerRepository(session)
        known = {row.label for row in repo.of_episode(episode_id)}
        for label, name in self.speakers:
            if label not in known:  # a stage run again finds them added
                repo.add(episode_id, label, name)
        return {}


@dataclass(frozen=True)
class DetectedLanguage:
    """The episode's source language, as asked for or as the transcriber heard it."""

    language: str | None

    def apply(self, session: Session, episode_id: str) -> dict:
        EpisodeRepository(session).get(episode_id).source_language = self.language
        return {}


@dataclass(frozen=True)
class EpisodeSpeakers:
    """The speakers the diarization found, named where the show's cast matched them."""

    voices: tuple[VoiceProfile, ...]
    matches: tuple[VoiceMatch, ...]

    def apply(self, session: Session, episode_id: str) -> dict:
        SpeakerRepository(session).replace_all(episode_id, self.voices, self.matches)
        return {}


@dataclass(frozen=True)
class StageResult:
    artifact_sha256: str | None  # what the next stage reads
    info: dict = field(default_factory=dict)  # recorded on the stage
    writes: tuple[StageWrite, ...] = ()

    def write(self, session: Session, episode_id: str) -> dict:
        """Apply the writes; the stage's record, with what they add (a revision number)."""
        info = dict(self.info)
        for write in self.writes:
            info.update(write.apply(session, episode_id))
        return info


@dataclass(frozen=True)
class PipelineStage:
    name: str  # a Stage, or the prefix of a stage per language ("translate:", "dub:")
    queue: str
    run: Callable[[Context, StageJob, Progress], StageResult]


def add_pipeline_revision(
    session: Session,
    episode_id: str,
    language: str,
    kind: str,
    cues_sha256: str,
    cue_count: int,
    info: dict | None,
    qc: dict,
    author: str = PIPELINE_AUTHOR,
) -> TrackRevision:
    """A pipeline revision of a track; the track enters the review queue with its first."""
    tracks = TrackRepository(session)
    track = tracks.get_or_create(episode_id, language, kind=kind)
    revision = tracks.add_revision(track, cues_sha256, cue_count, author, info, qc)
    reviews = ReviewRepository(session)
    if reviews.live_for_track(track.id) is None:
        reviews.open_round(track, EpisodeRepository(session).get(episode_id))
    return revision
