"""An episode's stages and the rules for running them.

The source pipeline is a chain: each stage reads the artifact of the stage
before it and stores its own, so a stage can be retried alone. After it, one
translation stage per target language ("translate:es") fans out; each needs
only the finished source track, so they run side by side.

The database, not the broker, is the source of truth: a stage runs only when
the stages it needs are done and nobody else holds a fresh claim on it, and a
claim whose heartbeat went stale may be taken over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Stage(StrEnum):
    PROBE = "probe"
    EXTRACT_AUDIO = "extract_audio"
    DETECT_SHOTS = "detect_shots"
    TRANSCRIBE = "transcribe"
    IMPORT_SUBTITLES = "import_subtitles"  # the producer's subtitles, in place of the ASR
    ALIGN_SCRIPT = "align_script"  # the producer's script, timed by the ASR's words
    DIARIZE = "diarize"
    SEGMENT = "segment"
    WRITE_TRACK = "write_track"


class SourceText(StrEnum):
    """What the producer sent beside the media, if anything."""

    SUBTITLES = "subtitles"  # timed: they are the source track
    SCRIPT = "script"  # words without times: aligned to the speech


# An episode's source chain, by what the producer sent. From speech alone (the default):
SOURCE_PIPELINE: tuple[Stage, ...] = (
    Stage.PROBE, Stage.EXTRACT_AUDIO, Stage.DETECT_SHOTS, Stage.TRANSCRIBE, Stage.DIARIZE,
    Stage.SEGMENT, Stage.WRITE_TRACK,
)  # fmt: skip
# From subtitles: no recognition; the audio is still extracted (dubbing reads it).
SUBTITLES_PIPELINE: tuple[Stage, ...] = (
    Stage.PROBE, Stage.EXTRACT_AUDIO, Stage.DETECT_SHOTS, Stage.IMPORT_SUBTITLES,
    Stage.WRITE_TRACK,
)  # fmt: skip
# From a script: the recogniser's words time the script's words.
SCRIPT_PIPELINE: tuple[Stage, ...] = (
    Stage.PROBE, Stage.EXTRACT_AUDIO, Stage.DETECT_SHOTS, Stage.TRANSCRIBE, Stage.ALIGN_SCRIPT,
    Stage.DIARIZE, Stage.SEGMENT, Stage.WRITE_TRACK,
)  # fmt: skip


def source_chain(source_text: SourceText | None) -> tuple[Stage, ...]:
    return {
        None: SOURCE_PIPELINE,
        SourceText.SUBTITLES: SUBTITLES_PIPELINE,
        SourceText.SCRIPT: SCRIPT_PIPELINE,
    }[source_text]


# A stage's name as stored: a Stage, "translate:<language>" or "dub:<language>".
StageName = str
TRANSLATE_PREFIX = "translate:"
DUB_PREFIX = "dub:"


def translation_stage(language: str) -> StageName:
    return f"{TRANSLATE_PREFIX}{language}"


def dub_stage(language: str) -> StageName:
    return f"{DUB_PREFIX}{language}"


def translation_language(name: StageName) -> str | None:
    """The target language of a translation stage; None for any other stage."""
    return name[len(TRANSLATE_PREFIX) :] if name.startswith(TRANSLATE_PREFIX) else None


def dub_language(name: StageName) -> str | None:
    return name[len(DUB_PREFIX) :] if name.startswith(DUB_PREFIX) else None


def is_source_stage(name: StageName) -> bool:
    return translation_language(name) is None and dub_language(name) is None


# The queues, one per kind of work: the only place their names are written (each stage
# declares its own in the registry, services/stages).
QUEUE_ASR = "asr"  # the source chain (and its fan-out)
QUEUE_MT = "mt"  # translations
QUEUE_TTS = "tts"  # dubs
ALL_QUEUES = (QUEUE_ASR, QUEUE_MT, QUEUE_TTS)
# The MT engines, in order of preference for a pair: an operator's own model first, then
# neural where we have it, rule-based elsewhere; a large language model (configured, for
# any pair) where nothing else translates, or wherever LOCSVC_MT_ENGINES names it.
MT_ENGINES = ("transformers", "bergamot", "apertium", "llm")


def chain_of(names: Sequence[StageName]) -> list[StageName]:
    """An episode's source chain: its source stages, in the order of its stage rows."""
    return [name for name in names if is_source_stage(name)]


def prerequisites(name: StageName, chain: Sequence[StageName]) -> list[StageName]:
    """The stages of the episode's source ``chain`` that must be done before ``name`` may
    start: a translation or a dub needs all of it (a dub reads its track when it runs)."""
    if not is_source_stage(name):
        return list(chain)
    return list(chain[: list(chain).index(name)])


class StageStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"  # a translation a rollout called off before it started


class EpisodeStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class StageState:
    name: StageName
    status: StageStatus
    heartbeat_at: datetime | None = None


def episode_status(stages: Sequence[StageState]) -> EpisodeStatus:
    statuses = [s.status for s in stages]
    if StageStatus.FAILED in statuses:
        return EpisodeStatus.FAILED
    if all(s in (StageStatus.DONE, StageStatus.CANCELLED) for s in statuses):
        return EpisodeStatus.READY
    if StageStatus.RUNNING in statuses or any(s == StageStatus.DONE for s in statuses[1:]):
        return EpisodeStatus.PROCESSING
    return EpisodeStatus.QUEUED


def is_stale(state: StageState, now: datetime, stale_after: timedelta) -> bool:
    return (
        state.status == StageStatus.RUNNING
        and state.heartbeat_at is not None
        and now - state.heartbeat_at > stale_after
    )


def may_claim(
    stages: Sequence[StageState], stage: StageName, now: datetime, stale_after: timedelta
) -> bool:
    """True when ``stage`` may start now: every stage it needs is done, and the
    stage itself is pending or held by a claim whose heartbeat went stale."""
    by_name = {s.name: s for s in stages}
    chain = chain_of([s.name for s in stages])
    if any(by_name[needed].status != StageStatus.DONE for needed in prerequisites(stage, chain)):
        return False
    state = by_name[stage]
    return state.status == StageStatus.PENDING or is_stale(state, now, stale_after)


def source_status(stages: Sequence[StageState]) -> StageStatus:
    """The source pipeline as one status: failed, done, running or pending."""
    statuses = [s.status for s in stages if is_source_stage(s.name)]
    if StageStatus.FAILED in statuses:
        return StageStatus.FAILED
    if all(s == StageStatus.DONE for s in statuses):
        return StageStatus.DONE
    if StageStatus.RUNNING in statuses or StageStatus.DONE in statuses[1:]:
        return StageStatus.RUNNING
    return StageStatus.PENDING


def first_unfinished(stages: Sequence[StageState]) -> StageName | None:
    for state in stages:
        if state.status != StageStatus.DONE:
            return state.name
    return None


def stages_to_dispatch(first: StageName, chain: Sequence[StageName]) -> list[StageName]:
    """What to queue to carry an episode on from ``first``: the rest of its source
    ``chain`` when ``first`` is a source stage (its fan-out then queues the pending
    translations), or that one translation."""
    if not is_source_stage(first):
        return [first]
    return list(chain[list(chain).index(first) :])
