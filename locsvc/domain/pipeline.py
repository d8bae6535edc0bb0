"""The source pipeline's stages and the rules for running them.

Each stage reads the artifact of the stage before it and stores its own, so a
stage can be retried alone. The database, not the broker, is the source of
truth: a stage runs only when its predecessors are done and nobody else holds a
fresh claim on it, and a claim whose heartbeat went stale may be taken over.
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
    SEGMENT = "segment"
    WRITE_TRACK = "write_track"


SOURCE_PIPELINE: tuple[Stage, ...] = tuple(Stage)


class StageStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class EpisodeStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class StageState:
    name: Stage
    status: StageStatus
    heartbeat_at: datetime | None = None


def episode_status(stages: Sequence[StageState]) -> EpisodeStatus:
    statuses = [s.status for s in stages]
    if StageStatus.FAILED in statuses:
        return EpisodeStatus.FAILED
    if all(s == StageStatus.DONE for s in statuses):
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
    stages: Sequence[StageState], stage: Stage, now: datetime, stale_after: timedelta
) -> bool:
    """True when ``stage`` may start now: every earlier stage is done, and the
    stage itself is pending or held by a claim whose heartbeat went stale."""
    by_name = {s.name: s for s in stages}
    position = SOURCE_PIPELINE.index(stage)
    if any(by_name[earlier].status != StageStatus.DONE for earlier in SOURCE_PIPELINE[:position]):
        return False
    state = by_name[stage]
    return state.status == StageStatus.PENDING or is_stale(state, now, stale_after)


def first_unfinished(stages: Sequence[StageState]) -> Stage | None:
    for state in stages:
        if state.status != StageStatus.DONE:
            return state.name
    return None
