"""The source chain: probe, audio, shots, transcript, speakers, cues, the source track.
Each reads the artifact of a stage before it and stores its own."""

from __future__ import annotations

import json
from dataclasses import replace

from ...adapters.db.repositories import SpeakerRepository
from ...adapters.formats import read_subtitles
from ...adapters.language_id import detect_language
from ...adapters.speech_pauses import pauses_between
from ...adapters.wav_audio import duration_ms, write_stretch
from ...domain import forced_alignment
from ...domain.cast import match_voices, names_from_script
from ...domain.diarization import Diarization, SpeakerHints
from ...domain.errors import StageFailed
from ...domain.frames import Frames
from ...domain.media import frames_per_second
from ...domain.pipeline import Stage
from ...domain.qc import SpokenWord, check
from ...domain.recognition_chunks import (
    PAUSE_SEARCH_MS,
    chunk_spans,
    cut_in_pause,
    even_cuts,
    stitch,
)
from ...domain.retiming import Retimed, conform_timing, words_of_cues
from ...domain.segmentation import segment_words
from ...domain.transcript import Transcript, Word
from ...ports import Context, TextAligner
from ..shows import show_profile
from ..source_text import read_script
from ..speakers import resolve_speakers
from ..tracks import load_cues
from .base import (
    PIPELINE_AUTHOR,
    DetectedLanguage,
    EpisodeSpeakers,
    NewRevision,
    NewSpeakers,
    Progress,
    StageJob,
    StageResult,
)


def probe(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    # Never queued: the upload request probes the file and records this stage as done.
    raise StageFailed("The probe runs on the upload; upload the file again.")


def extract_audio(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    """16 kHz mono audio; for a long recording also where its recognition is cut into
    chunks (at pauses: decided once, here, so every chunk's worker agrees)."""
    target = ctx.storage.temp_path(".wav")
    try:
        decoded_ms = ctx.media.extract_audio(
            ctx.storage.path(job.media_sha256), target, job.media.expected_audio_ms
        )
        info: dict = {"decoded_ms": decoded_ms, "sample_rate": 16000}
        if job.asr_chunks:
            info["chunk_cuts_ms"] = [
                cut_in_pause(pauses_between(target, max(0, at - PAUSE_SEARCH_MS),
                                            min(decoded_ms, at + PAUSE_SEARCH_MS)), at)
                for at in even_cuts(decoded_ms, len(job.asr_chunks))
            ]  # fmt: skip
        blob = ctx.storage.adopt(target)
    finally:
        ctx.storage.discard(target)
    return StageResult(blob.sha256, info)


def detect_shots(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    if not job.media.has_video:
        return StageResult(None, {"shot_changes": 0, "skipped": "audio only"})
    cuts = ctx.media.detect_shot_changes(ctx.storage.path(job.media_sha256))
    blob = ctx.storage.put_bytes(json.dumps(cuts).encode())
    return StageResult(blob.sha256, {"shot_changes": len(cuts)})


def transcribe(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    """The recording's words: recognised here, or, for a long one, stitched from its
    chunks' (each recognised by whichever worker was free)."""
    if job.asr_chunks:
        parts = [_read_transcript(ctx, job.artifact(name)) for name in job.asr_chunks]
        transcript = stitch(parts, job.requested_language)
    else:
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


def transcribe_chunk(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    """One chunk of a long recording, recognised on its own; its words on the episode's
    timeline."""
    cuts = job.records.get(Stage.EXTRACT_AUDIO, {}).get("chunk_cuts_ms")
    audio = ctx.storage.path(job.artifact(Stage.EXTRACT_AUDIO))
    spans = chunk_spans(cuts or [], duration_ms(audio))
    if cuts is None or len(spans) != len(job.asr_chunks):
        raise StageFailed("The chunks' cuts are missing: run extract_audio again.")
    start_ms, end_ms = spans[job.asr_chunks.index(job.stage)]
    stretch = ctx.storage.temp_path(".wav")
    try:
        write_stretch(audio, start_ms, end_ms, stretch)
        part = ctx.transcriber.transcribe(stretch, job.requested_language, progress)
    finally:
        ctx.storage.discard(stretch)
    words = tuple(replace(w, start_ms=w.start_ms + start_ms, end_ms=w.end_ms + start_ms)
                  for w in part.words)  # fmt: skip
    placed = replace(part, words=words, duration_ms=end_ms - start_ms)
    blob = ctx.storage.put_bytes(json.dumps(placed.to_dict()).encode())
    return StageResult(
        blob.sha256,
        {
            "span_ms": [start_ms, end_ms],
            "words": len(words),
            "language": part.language,
            "model": part.model,
        },
    )


def _transcript(ctx: Context, job: StageJob) -> Transcript:
    """The words the later stages read: the script's, timed, where the producer sent a
    script; the recogniser's otherwise."""
    stage = Stage.ALIGN_SCRIPT if Stage.ALIGN_SCRIPT in job.artifacts else Stage.TRANSCRIBE
    return _read_transcript(ctx, job.artifact(stage))


def _read_transcript(ctx: Context, sha256: str) -> Transcript:
    return Transcript.from_dict(json.loads(ctx.storage.read_bytes(sha256)))


def _source_text(job: StageJob) -> dict:
    """The producer's file behind this stage, as the upload recorded it."""
    origin = job.source_text
    if not origin:
        raise StageFailed("No source text was uploaded with this episode.")
    return origin


def _shot_changes(ctx: Context, job: StageJob) -> list[int]:
    """The episode's shot changes, in ms (none for audio)."""
    sha256 = job.artifacts.get(Stage.DETECT_SHOTS)
    return json.loads(ctx.storage.read_bytes(sha256)) if sha256 else []


def import_subtitles(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    """The producer's subtitles as the source track: their text as it is, re-timed only
    where a hard rule fails (or re-segmented for the profile, when asked)."""
    origin = _source_text(job)
    parsed = read_subtitles(ctx.storage.read_bytes(origin["sha256"]), filename=origin["filename"])
    language, detected = job.requested_language, None
    if not language:
        language, probability = detect_language(" ".join(c.text for c in parsed.cues))
        detected = {"language": language, "probability": probability}
    fps = frames_per_second(job.frame_rate)
    with ctx.db.session() as session:
        profile = show_profile(session, job.show, language)
        named, new_speakers = resolve_speakers(session, job.episode_id, parsed.cues)
    if origin.get("resegment"):
        cues = segment_words(words_of_cues(named), profile, fps, _shot_changes(ctx, job),
                             job.media.duration_ms)  # fmt: skip
        moves: list[Retimed] = []
    else:
        cues, moves = conform_timing(named, profile, Frames(fps), job.media.duration_ms)
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    info = {
        **job.record,
        "format": parsed.format,
        "cues_in_file": len(parsed.cues),
        "cues": len(cues),
        "resegmented": bool(origin.get("resegment")),
        "retimed": [move.to_dict() for move in moves],
        "warnings": parsed.warnings,
        "detected_language": detected,
        "profile": profile.to_dict(),
    }
    return StageResult(blob.sha256, info,
                       (DetectedLanguage(language), NewSpeakers(tuple(new_speakers))))  # fmt: skip


def align_script(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    """The producer's script timed by the recogniser's words (forced alignment); what the
    script does not cover, and what the speech does not, reported."""
    origin = _source_text(job)
    recognised = _read_transcript(ctx, job.artifact(Stage.TRANSCRIBE))
    lines = read_script(ctx.storage.read_bytes(origin["sha256"]))
    alignment = forced_alignment.align_script(lines, recognised.words)
    if alignment.unheard and isinstance(ctx.transcriber, TextAligner):
        audio = ctx.storage.path(job.artifact(Stage.EXTRACT_AUDIO))
        language = job.requested_language or recognised.language
        transcriber = ctx.transcriber

        def align_text(start_ms: int, end_ms: int, text: str) -> list[Word]:
            return transcriber.align_text(audio, start_ms, end_ms, text, language)

        alignment = forced_alignment.recover_unheard(alignment, lines, align_text,
                                                     job.media.duration_ms)  # fmt: skip
    if not alignment.words:
        raise StageFailed(
            "None of the script's words were heard in the audio: is it this episode's script?"
        )
    # Each word with the speaker the script names (the diarize stage names voices by them).
    words = tuple(replace(w, speaker=name)
                  for w, name in zip(alignment.words, alignment.speakers, strict=True))  # fmt: skip
    timed = replace(
        recognised,
        words=words,
        parameters={**recognised.parameters, "aligned_to_script": origin["sha256"]},
    )
    blob = ctx.storage.put_bytes(json.dumps(timed.to_dict()).encode())
    info = {**job.record, "alignment": alignment.report(), "lines": len(lines)}
    return StageResult(blob.sha256, info)


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
    if any(w.speaker for w in words):  # a script's words, with the speakers it names
        named = {m.label for m in matches}
        matches += [
            match
            for match in names_from_script(
                result.word_speakers, [w.speaker for w in words], {m.name for m in matches}
            )  # fmt: skip
            if match.label not in named
        ]
    blob = ctx.storage.put_bytes(json.dumps(result.to_dict()).encode())
    info = {
        **ctx.diarizer.describe(),
        "speakers": len(result.speakers),
        "hints": hints.to_dict(),
        "matched": [
            {"label": m.label, "name": m.name, "score": m.score, "source": m.source}
            for m in matches
        ],  # fmt: skip
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
    cuts = _shot_changes(ctx, job)
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
    """The source track's first revision: the segmented words, or the producer's
    subtitles (then by the producer, its origin recorded)."""
    imported = Stage.IMPORT_SUBTITLES in job.artifacts
    cues_sha256 = job.artifact(Stage.IMPORT_SUBTITLES if imported else Stage.SEGMENT)
    cues = load_cues(ctx, cues_sha256)
    language = job.source_language or "und"
    with ctx.db.session() as session:
        profile = show_profile(session, job.show, language)
    spoken = [] if imported else spoken_words(diarization_of(ctx, job.artifacts),
                                              _transcript(ctx, job))  # fmt: skip
    qc = check(cues, profile, frames_per_second(job.frame_rate), spoken=spoken,
               shot_changes_ms=_shot_changes(ctx, job)).brief()  # fmt: skip
    origin = job.source_text if imported else None
    revision = NewRevision(
        language,
        "source",
        cues_sha256,
        len(cues),
        {"origin": origin} if origin else None,
        qc,
        author=origin["uploaded_by"] if origin else PIPELINE_AUTHOR,
    )
    return StageResult(cues_sha256, {"language": language, "qc": qc}, (revision,))
