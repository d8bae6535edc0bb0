"""Which workers are alive: each beats into the database (workers/maintenance.py)."""

from __future__ import annotations

from datetime import timedelta

from ..adapters.db.models import utcnow
from ..adapters.db.repositories import WorkerRegistry
from ..config import Settings
from ..ports import Context, SessionFactory

# A worker silent for this many heartbeats is counted as gone.
WORKER_GRACE_BEATS = 3


def live_worker_count(db: SessionFactory, settings: Settings) -> int:
    seen_after = utcnow() - timedelta(seconds=settings.heartbeat_seconds * WORKER_GRACE_BEATS)
    with db.session() as session:
        return WorkerRegistry(session).alive(seen_after)


def worker_registered(db: SessionFactory, hostname: str) -> bool:
    """Whether the worker named ``hostname`` (its Celery node name) has said it is ready."""
    with db.session() as session:
        return WorkerRegistry(session).registered(hostname)


def worker_beat(ctx: Context, hostname: str, queues: str, pid: int) -> None:
    """The worker ``hostname`` is alive now, consuming ``queues``."""
    with ctx.db.session() as session:
        WorkerRegistry(session).beat(
            hostname, queues, pid, utcnow(), ctx.settings.uses_embedded_queue
        )


def worker_left(ctx: Context, hostname: str) -> None:
    """The worker ``hostname`` shut down: it no longer counts as alive."""
    with ctx.db.session() as session:
        WorkerRegistry(session).leave(hostname)
