"""The source chain: probe, audio, shots, transcript, cues, the source track.
Each reads the artifact of a stage before it and stores its own."""

from __future__ import annotations

import json

from ...domain.errors import StageFailed
from ...domain.media import frames_per_second
from ...domain.pipeline import Stage
from ...domain.qc import check
from ...domain.segmentation import segment_words
from ...domain.transcript import Transcript
from ...ports import Context
from ..shows import show_profile
from ..tracks import load_cues
from .base import DetectedLanguage, NewRevision, Progress, StageJob, StageResult


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


def segment(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    transcript = Transcript.from_dict(
        json.loads(ctx.storage.read_bytes(job.artifact(Stage.TRANSCRIBE)))
    )
    shots_sha256 = job.artifacts.get(Stage.DETECT_SHOTS)
    cuts = json.loads(ctx.storage.read_bytes(shots_sha256)) if shots_sha256 else []
    with ctx.db.session() as session:
        profile = show_profile(session, job.show, job.source_language or transcript.language)
    fps = frames_per_second(job.frame_rate)
    cues = segment_words(transcript.words, profile, fps, cuts, job.media.duration_ms)
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    # The profile used is recorded with the track's source (shown in provenance later).
    return StageResult(
        blob.sha256, {"cues": len(cues), "frame_rate": job.frame_rate, "profile": profile.to_dict()}
    )


def write_track(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    cues_sha256 = job.artifact(Stage.SEGMENT)
    cues = load_cues(ctx, cues_sha256)
    language = job.source_language or "und"
    with ctx.db.session() as session:
        profile = show_profile(session, job.show, language)
    qc = check(cues, profile, frames_per_second(job.frame_rate)).brief()
    return StageResult(
        cues_sha256,
        {"language": language, "qc": qc},
        (NewRevision(language, "source", cues_sha256, len(cues), None, qc),),
    )
