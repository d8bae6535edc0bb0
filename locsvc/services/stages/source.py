"""The source chain: probe, audio, shots, transcript, speakers, cues, the source track.
Each reads the artifact of a stage before it and stores its own."""

from __future__ import annotations

import json

from ...adapters.db.repositories import SpeakerRepository
from ...domain.cast import match_voices
from ...domain.diarization import Diarization, SpeakerHints
from ...domain.errors import StageFailed
from ...domain.media import frames_per_second
from ...domain.pipeline import Stage
from ...domain.qc import SpokenWord, check
from ...domain.segmentation import segment_words
from ...domain.transcript import Transcript
from ...ports import Context
from ..shows import show_profile
from ..tracks import load_cues
from .base import (
    DetectedLanguage,
    EpisodeSpeakers,
    NewRevision,
    Progress,
    StageJob,
    StageResult,
)


def probe(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    # Never queued: the upload request probes the file and records this stage as done.
    raise StageFailed("The probe runs on the upload; upload the file again.")


def extract_audio(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    target = ctx.storage.temp_path(".wav")
    try:
        decoded_ms = ctx.media.extract_audio(
            ctx.storage.path(job.media_sha256), target, job.media.expected_audio_ms
        )
        blob = ctx.storage.adopt(target)
    finally:
        ctx.storage.discard(target)
    return StageResult(blob.sha256, {"decoded_ms": decoded_ms, "sample_rate": 16000})


def detect_shots(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    if not job.media.has_video:
        return StageResult(None, {"shot_changes": 0, "skipped": "audio only"})
    cuts = ctx.media.detect_shot_changes(ctx.storage.path(job.media_sha256))
    blob = ctx.storage.put_bytes(json.dumps(cuts).encode())
    return StageResult(blob.sha256, {"shot_changes": len(cuts)})


def transcribe(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    audio = ctx.storage.path(job.artifact(Stage.EXTRACT_AUDIO))
    transcript = ctx.transcriber.transcribe(audio, job.requested_language, progress)
    blob = ctx.storage.put_bytes(json.dumps(transcript.to_dict()).encode())
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
        (DetectedLanguage(job.requested_language or transcript.language),),
    )


def _transcript(ctx: Context, job: StageJob) -> Transcript:
    return Transcript.from_dict(json.loads(ctx.storage.read_bytes(job.artifact(Stage.TRANSCRIBE))))


def diarization_of(ctx: Context, artifacts: dict) -> Diarization | None:
    """The episode's diarization; None for an episode made before the stage existed."""
    sha256 = artifacts.get(Stage.DIARIZE)
    return Diarization.from_dict(json.loads(ctx.storage.read_bytes(sha256))) if sha256 else None


def diarize(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    words = _transcript(ctx, job).words
    audio = ctx.storage.path(job.artifact(Stage.EXTRACT_AUDIO))
    hints = SpeakerHints.from_dict(job.speaker_hints)
    result = ctx.diarizer.diarize(audio, words, hints)
    with ctx.db.session() as session:
        cast = SpeakerRepository(session).cast(job.show)
    matches = match_voices(result.speakers, cast, ctx.settings.speaker_match_threshold)
    blob = ctx.storage.put_bytes(json.dumps(result.to_dict()).encode())
    info = {
        **ctx.diarizer.describe(),
        "speakers": len(result.speakers),
        "hints": hints.to_dict(),
        "matched": [{"label": m.label, "name": m.name, "score": m.score} for m in matches],
        "threshold": ctx.settings.speaker_match_threshold,
    }
    return StageResult(blob.sha256, info, (EpisodeSpeakers(result.speakers, tuple(matches)),))


def spoken_words(diarization: Diarization | None, transcript: Transcript) -> list[SpokenWord]:
    """Who said each word, for QC's speaker_change rule."""
    if diarization is None or len(diarization.word_speakers) != len(transcript.words):
        return []
    return [
        SpokenWord(w.start_ms, w.end_ms, s)
        for w, s in zip(transcript.words, diarization.word_speakers, strict=True)
    ]


def segment(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    transcript = _transcript(ctx, job)
    diarization = diarization_of(ctx, job.artifacts)
    words = diarization.label(transcript.words) if diarization else transcript.words
    shots_sha256 = job.artifacts.get(Stage.DETECT_SHOTS)
    cuts = json.loads(ctx.storage.read_bytes(shots_sha256)) if shots_sha256 else []
    with ctx.db.session() as session:
        profile = show_profile(session, job.show, job.source_language or transcript.language)
    fps = frames_per_second(job.frame_rate)
    cues = segment_words(words, profile, fps, cuts, job.media.duration_ms)
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    dual = sum(1 for c in cues if len(c.speaker_set) == 2)
    # The profile used is recorded with the track's source (shown in provenance later).
    return StageResult(
        blob.sha256,
        {"cues": len(cues), "dual_speaker_cues": dual, "frame_rate": job.frame_rate,
         "profile": profile.to_dict()},
    )  # fmt: skip


def write_track(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    cues_sha256 = job.artifact(Stage.SEGMENT)
    cues = load_cues(ctx, cues_sha256)
    language = job.source_language or "und"
    with ctx.db.session() as session:
        profile = show_profile(session, job.show, language)
    spoken = spoken_words(diarization_of(ctx, job.artifacts), _transcript(ctx, job))
    qc = check(cues, profile, frames_per_second(job.frame_rate), spoken=spoken).brief()
    return StageResult(
        cues_sha256,
        {"language": language, "qc": qc},
        (NewRevision(language, "source", cues_sha256, len(cues), None, qc),),
    )
