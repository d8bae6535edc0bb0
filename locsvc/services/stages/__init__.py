"""The pipeline's stages as one registry: each declares its name and the queue it runs
on, and turns a StageJob into a StageResult (see ``base``). A new stage is one entry."""

from __future__ import annotations

from ...domain.pipeline import (
    ASR_CHUNK_PREFIX,
    DUB_PREFIX,
    QUEUE_ASR,
    QUEUE_MT,
    QUEUE_TTS,
    TRANSLATE_PREFIX,
    Stage,
    StageName,
    asr_chunk_number,
    dub_language,
    translation_language,
)
from .base import (
    PIPELINE_AUTHOR,
    DetectedLanguage,
    NewRevision,
    PipelineStage,
    Progress,
    StageJob,
    StageResult,
    add_pipeline_revision,
    read_job,
)
from .dub import dub
from .source import (
    align_script,
    detect_shots,
    diarize,
    extract_audio,
    import_subtitles,
    probe,
    segment,
    transcribe,
    transcribe_chunk,
    write_track,
)
from .translation import translate

SOURCE_STAGES: dict[str, PipelineStage] = {
    stage.name: stage
    for stage in (
        PipelineStage(Stage.PROBE, QUEUE_ASR, probe),
        PipelineStage(Stage.EXTRACT_AUDIO, QUEUE_ASR, extract_audio),
        PipelineStage(Stage.DETECT_SHOTS, QUEUE_ASR, detect_shots),
        PipelineStage(Stage.TRANSCRIBE, QUEUE_ASR, transcribe),
        PipelineStage(Stage.IMPORT_SUBTITLES, QUEUE_ASR, import_subtitles),
        PipelineStage(Stage.ALIGN_SCRIPT, QUEUE_ASR, align_script),
        PipelineStage(Stage.DIARIZE, QUEUE_ASR, diarize),
        PipelineStage(Stage.SEGMENT, QUEUE_ASR, segment),
        PipelineStage(Stage.WRITE_TRACK, QUEUE_ASR, write_track),
    )
}
# One stage per target language: "translate:es", "dub:es".
TRANSLATION = PipelineStage(TRANSLATE_PREFIX, QUEUE_MT, translate)
DUB = PipelineStage(DUB_PREFIX, QUEUE_TTS, dub)
# One stage per chunk of a long recording's recognition: "asr_chunk:1", "asr_chunk:2", ...
ASR_CHUNK = PipelineStage(ASR_CHUNK_PREFIX, QUEUE_ASR, transcribe_chunk)


def stage_for(name: StageName) -> PipelineStage:
    if asr_chunk_number(name) is not None:
        return ASR_CHUNK
    if translation_language(name) is not None:
        return TRANSLATION
    if dub_language(name) is not None:
        return DUB
    return SOURCE_STAGES[Stage(name)]


def queue_of(name: StageName) -> str:
    """The queue a stage runs on: the kind of work it is (asr, mt or tts)."""
    return stage_for(name).queue


__all__ = [
    "ASR_CHUNK",
    "DUB",
    "PIPELINE_AUTHOR",
    "SOURCE_STAGES",
    "TRANSLATION",
    "DetectedLanguage",
    "NewRevision",
    "PipelineStage",
    "Progress",
    "StageJob",
    "StageResult",
    "add_pipeline_revision",
    "queue_of",
    "read_job",
    "stage_for",
]
