"""A rollout is a matrix of (episode, language) cells over the pipeline. A cell does no
work of its own: it follows the episode's source stages and its `translate:<lang>`
stage, which the database already tracks (and the reaper already recovers). So a
cell's state is derived, never stored twice; only "skipped" (already done when the
rollout was planned) and "cancelled" belong to the cell itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import fmean

from .pipeline import StageStatus


class CellState(StrEnum):
    PLANNED = "planned"  # waiting for its episode's source track
    QUEUED = "queued"  # translation queued, not started
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"  # already done before this rollout

    @property
    def open(self) -> bool:
        return self in (CellState.PLANNED, CellState.QUEUED, CellState.RUNNING)


class RolloutState(StrEnum):
    RUNNING = "running"
    DONE = "done"  # every cell done or skipped
    FAILED = "failed"  # nothing open, some failed
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class CellFacts:
    """What the database says about one cell's work."""

    source: StageStatus  # the source pipeline as a whole: pending/running/done/failed
    translation: StageStatus | None  # its translate stage; None if not added yet
    skipped: bool = False
    cancelled: bool = False


def cell_state(facts: CellFacts) -> CellState:
    if facts.skipped:
        return CellState.SKIPPED
    if facts.translation is StageStatus.DONE:
        return CellState.DONE  # finished work is kept, even in a cancelled rollout
    if facts.cancelled:
        return CellState.CANCELLED
    if facts.translation is StageStatus.FAILED or facts.source is StageStatus.FAILED:
        return CellState.FAILED
    if facts.translation is StageStatus.RUNNING:
        return CellState.RUNNING
    if facts.source is StageStatus.DONE:
        return CellState.QUEUED
    return CellState.PLANNED


def needs_translation(
    current_source_revision: int | None, translated_from_revision: int | None
) -> bool:
    """Plan a cell unless its track exists at the current source revision."""
    return (
        current_source_revision is None
        or translated_from_revision is None
        or translated_from_revision < current_source_revision
    )


def rollout_state(states: Sequence[CellState], cancelled: bool) -> RolloutState:
    if any(s.open for s in states):
        return RolloutState.RUNNING
    if cancelled:
        return RolloutState.CANCELLED
    if any(s is CellState.FAILED for s in states):
        return RolloutState.FAILED
    return RolloutState.DONE


def eta_seconds(
    open_cells: Sequence[CellState],
    episodes_awaiting_source: int,
    translate_seconds: Sequence[float],
    source_seconds: Sequence[float],
    workers: int,
) -> float | None:
    """Remaining work over the workers, from stage times measured on this deployment;
    None until there is a measurement to go by."""
    if not translate_seconds or (episodes_awaiting_source and not source_seconds):
        return None if open_cells else 0.0
    per_translation = fmean(translate_seconds)
    per_source = fmean(source_seconds) if source_seconds else 0.0
    remaining = len(open_cells) * per_translation + episodes_awaiting_source * per_source
    return remaining / max(workers, 1)
