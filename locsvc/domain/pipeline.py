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


# A stage's name as stored: a Stage, "translate:<language>", "dub:<language>", or
# "asr_chunk:<n>", one stretch of a long episode's audio (see asr_chunks).
StageName = str
TRANSLATE_PREFIX = "translate:"
DUB_PREFIX = "dub:"
ASR_CHUNK_PREFIX = "asr_chunk:"


def asr_chunk_stage(number: int) -> StageName:
    return f"{ASR_CHUNK_PREFIX}{number}"


def asr_chunk_number(name: StageName) -> int | None:
    """1, 2, ... for a chunk of a long episode's recognition; None for any other stage."""
    return int(name[len(ASR_CHUNK_PREFIX) :]) if name.startswith(ASR_CHUNK_PREFIX) else None


def episode_stages(chain: Sequence[Stage], chunks: int, targets: Sequence[str]) -> list[StageName]:
    """An episode's stages in order: the source chain, with the chunks of a long
    recognition before its transcribe stage, then a translation per target."""
    names: list[StageName] = list(chain)
    if chunks and Stage.TRANSCRIBE in names:
        at = names.index(Stage.TRANSCRIBE)
        names[at:at] = [asr_chunk_stage(n) for n in range(1, chunks + 1)]
    return [*names, *(translation_stage(t) for t in targets)]


def asr_chunks(duration_ms: int, chunk_ms: int) -> int:
    """How many chunks a recording's recognition is split into: none (one task) unless it
    is at least two chunks long; then about ``chunk_ms`` each (cut at pauses later)."""
    if chunk_ms <= 0 or duration_ms < 2 * chunk_ms:
        return 0
    return round(duration_ms / chunk_ms)


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
    """Part of making the source track: the chain, and the chunks of its recognition."""
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
    """An episode's source chain: its source stages one after another, in the order of its
    stage rows; the chunks of a long recognition run beside each other, not in it."""
    return [name for name in names if is_source_stage(name) and asr_chunk_number(name) is None]


def prerequisites(name: StageName, names: Sequence[StageName]) -> list[StageName]:
    """The stages of an episode (all its stage ``names``, in order) that must be done before
    ``name`` may start. In the chain, the stages before it; a chunk of the recognition,
    the chain up to the transcribe stage, which in turn waits for every chunk (it stitches
    their words); a translation or a dub, the whole source work (a dub reads its track
    when it runs)."""
    chain = chain_of(names)
    chunks = [n for n in names if asr_chunk_number(n) is not None]
    if not is_source_stage(name):
        return [*chain, *chunks]
    if asr_chunk_number(name) is not None:
        return chain[: chain.index(Stage.TRANSCRIBE)]
    before = chain[: chain.index(name)]
    return [*before, *chunks] if Stage.TRANSCRIBE in (*before, name) else before


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
    needed = prerequisites(stage, [s.name for s in stages])
    if any(by_name[name].status != StageStatus.DONE for name in needed):
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


def stages_to_dispatch(first: StageName, names: Sequence[StageName]) -> list[StageName]:
    """What to queue to carry an episode (all its stage ``names``) on from ``first``: the
    rest of its source chain when ``first`` is in it, up to the transcribe stage where
    chunks of the recognition come first (the chain's fan-out then queues them, as it
    queues the pending translations after the source track); or that one stage."""
    chain = chain_of(names)
    if first not in chain:
        return [first]
    rest = chain[chain.index(first) :]
    chunked = any(asr_chunk_number(n) is not None for n in names)
    if chunked and Stage.TRANSCRIBE in rest and rest[0] != Stage.TRANSCRIBE:
        return rest[: rest.index(Stage.TRANSCRIBE)]
    return rest
