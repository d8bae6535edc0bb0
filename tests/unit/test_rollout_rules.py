from locsvc.domain.pipeline import StageStatus
from locsvc.domain.rollout import (
    CellFacts,
    CellState,
    RolloutState,
    cell_state,
    eta_seconds,
    needs_translation,
    rollout_state,
)

P, R, D, F, C = (StageStatus.PENDING, StageStatus.RUNNING, StageStatus.DONE, StageStatus.FAILED,
                 StageStatus.CANCELLED)  # fmt: skip


def test_a_cell_follows_its_episodes_stages():
    assert cell_state(CellFacts(P, P)) is CellState.PLANNED
    assert cell_state(CellFacts(R, P)) is CellState.PLANNED
    assert cell_state(CellFacts(D, P)) is CellState.QUEUED
    assert cell_state(CellFacts(D, R)) is CellState.RUNNING
    assert cell_state(CellFacts(D, D)) is CellState.DONE
    assert cell_state(CellFacts(F, P)) is CellState.FAILED  # its source failed
    assert cell_state(CellFacts(D, F)) is CellState.FAILED


def test_cancelling_keeps_finished_work_and_skipped_cells_stay_skipped():
    assert cell_state(CellFacts(D, C, cancelled=True)) is CellState.CANCELLED
    assert cell_state(CellFacts(D, D, cancelled=True)) is CellState.DONE
    assert cell_state(CellFacts(D, D, skipped=True)) is CellState.SKIPPED


def test_a_track_is_redone_only_when_its_source_moved_on():
    assert not needs_translation(current_source_revision=2, translated_from_revision=2)
    assert needs_translation(current_source_revision=3, translated_from_revision=2)
    assert needs_translation(current_source_revision=1, translated_from_revision=None)


def test_rollout_state():
    assert rollout_state([CellState.DONE, CellState.RUNNING], False) is RolloutState.RUNNING
    assert rollout_state([CellState.DONE, CellState.SKIPPED], False) is RolloutState.DONE
    assert rollout_state([CellState.DONE, CellState.FAILED], False) is RolloutState.FAILED
    assert rollout_state([CellState.DONE, CellState.CANCELLED], True) is RolloutState.CANCELLED


def test_eta_from_measured_stage_times_over_workers():
    open_cells = [CellState.QUEUED] * 4
    assert eta_seconds(open_cells, 1, [2.0, 4.0], [10.0], workers=2) == (4 * 3.0 + 10.0) / 2
    assert eta_seconds(open_cells, 0, [], [], workers=1) is None  # nothing measured yet
    assert eta_seconds([], 0, [], [], workers=1) == 0.0
