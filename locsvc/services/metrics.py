"""The service's state as metrics (queues, stages, uploads, reviews), for Prometheus.

Everything is read from the database and the broker at scrape time, so one scrape of any
API process sees the work of every API and worker process on every host, and a restart
loses nothing. Stage durations count finished stages (claim to finish, or the time the
engine was held, for translations under an engine limit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..adapters.db.repositories import MetricsRepository, StageRecord
from ..domain.pipeline import StageStatus
from ..ports import Context
from .workers import live_worker_count

Key = tuple[str, ...]


@dataclass
class MetricsSnapshot:
    queue_messages: dict[str, int]  # queue -> messages waiting in the broker (-1: unknown)
    workers: int
    stages: dict[Key, int] = field(default_factory=dict)  # (stage, language, status)
    durations: dict[Key, tuple[int, float]] = field(default_factory=dict)  # (stage, engine)
    failures: dict[Key, int] = field(default_factory=dict)  # (stage, engine, code)
    retries: dict[Key, int] = field(default_factory=dict)  # (stage,): attempts beyond one
    uploads: dict[Key, tuple[int, int]] = field(default_factory=dict)  # (show,): count, bytes
    reviews: dict[Key, int] = field(default_factory=dict)  # (state, language)


def stage_kind(name: str) -> tuple[str, str]:
    """("translate", "es") for "translate:es"; ("transcribe", "") for a source stage."""
    kind, _, language = name.partition(":")
    return kind, language


def add_stages(snapshot: MetricsSnapshot, records: list[StageRecord]) -> None:
    for record in records:
        kind, language = stage_kind(record.name)
        engine = record.engine or ""
        key = (kind, language, record.status)
        snapshot.stages[key] = snapshot.stages.get(key, 0) + 1
        if record.attempts > 1:
            snapshot.retries[(kind,)] = snapshot.retries.get((kind,), 0) + record.attempts - 1
        if record.status == StageStatus.FAILED:
            failed = (kind, engine, record.error_code or "unknown")
            snapshot.failures[failed] = snapshot.failures.get(failed, 0) + 1
        if record.status == StageStatus.DONE and record.started_at and record.finished_at:
            seconds = (record.finished_at - record.started_at).total_seconds()
            count, total = snapshot.durations.get((kind, engine), (0, 0.0))
            snapshot.durations[(kind, engine)] = (count + 1, total + seconds)


def metrics_snapshot(ctx: Context, queue_messages: Mapping[str, int]) -> MetricsSnapshot:
    with ctx.db.session() as session:
        repo = MetricsRepository(session)
        records = list(repo.stages())
        uploads = repo.uploads()
        reviews = repo.live_reviews()
    snapshot = MetricsSnapshot(dict(queue_messages), live_worker_count(ctx.db, ctx.settings))
    add_stages(snapshot, records)
    snapshot.uploads = {(show,): (count, size) for show, count, size in uploads}
    snapshot.reviews = {(state, language): count for state, language, count in reviews}
    return snapshot
