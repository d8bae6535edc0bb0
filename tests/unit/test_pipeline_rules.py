from datetime import UTC, datetime, timedelta

from locsvc.domain.pipeline import (
    SOURCE_PIPELINE,
    EpisodeStatus,
    Stage,
    StageState,
    StageStatus,
    episode_status,
    first_unfinished,
    may_claim,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
STALE = timedelta(seconds=60)


def states(*statuses: StageStatus, heartbeat=NOW) -> list[StageState]:
    return [
        StageState(name, status, heartbeat)
        for name, status in zip(SOURCE_PIPELINE, statuses, strict=True)
    ]


D, P, R, F = StageStatus.DONE, StageStatus.PENDING, StageStatus.RUNNING, StageStatus.FAILED


def test_episode_status_follows_stages():
    assert episode_status(states(D, P, P, P, P, P)) == EpisodeStatus.QUEUED
    assert episode_status(states(D, R, P, P, P, P)) == EpisodeStatus.PROCESSING
    assert episode_status(states(D, D, P, P, P, P)) == EpisodeStatus.PROCESSING
    assert episode_status(states(D, D, D, F, P, P)) == EpisodeStatus.FAILED
    assert episode_status(states(D, D, D, D, D, D)) == EpisodeStatus.READY


def test_stage_waits_for_earlier_stages():
    assert may_claim(states(D, P, P, P, P, P), Stage.EXTRACT_AUDIO, NOW, STALE)
    assert not may_claim(states(D, P, P, P, P, P), Stage.TRANSCRIBE, NOW, STALE)
    assert not may_claim(states(D, R, P, P, P, P), Stage.TRANSCRIBE, NOW, STALE)


def test_fresh_claim_is_respected_and_stale_claim_taken_over():
    fresh = states(D, D, D, R, P, P, heartbeat=NOW - timedelta(seconds=10))
    stale = states(D, D, D, R, P, P, heartbeat=NOW - timedelta(seconds=61))
    assert not may_claim(fresh, Stage.TRANSCRIBE, NOW, STALE)
    assert may_claim(stale, Stage.TRANSCRIBE, NOW, STALE)


def test_done_and_failed_stages_are_not_claimed_again():
    assert not may_claim(states(D, D, D, D, P, P), Stage.TRANSCRIBE, NOW, STALE)
    assert not may_claim(states(D, D, D, F, P, P), Stage.TRANSCRIBE, NOW, STALE)


def test_first_unfinished():
    assert first_unfinished(states(D, D, D, R, P, P)) == Stage.TRANSCRIBE
    assert first_unfinished(states(D, D, D, D, D, D)) is None
