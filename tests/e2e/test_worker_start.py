"""The test helper that starts a real worker knows when THAT worker is up: by its own
registration, not by the count of live workers, which stays flat when another worker's
heartbeat goes stale meanwhile (the flake of the worker-killed tests)."""

from datetime import timedelta

import pytest

from locsvc.adapters.db.engine import Database
from locsvc.adapters.db.migrate import upgrade
from locsvc.adapters.db.models import utcnow
from locsvc.adapters.db.repositories import WorkerRegistry
from locsvc.config import Settings
from locsvc.services.workers import WORKER_GRACE_BEATS, worker_registered

pytestmark = pytest.mark.slow
STALE_IN_S = 0.5  # less than a worker takes to start and register (over a second here)


def test_start_returns_once_its_worker_registered_while_another_goes_stale(
    settings_overrides, start_worker
):
    settings = Settings().with_overrides(settings_overrides)
    upgrade(settings.effective_database_url)
    database = Database(settings.effective_database_url)
    try:
        grace = timedelta(seconds=settings.heartbeat_seconds * WORKER_GRACE_BEATS)
        last_beat = utcnow() - grace + timedelta(seconds=STALE_IN_S)
        with database.session() as session:  # a killed worker's last heartbeat
            WorkerRegistry(session).beat("killed@localhost", "asr,mt,tts", 1, last_beat, True)

        worker = start_worker(settings_overrides)

        assert worker_registered(database, worker.hostname)
        assert worker.process is not None and worker.process.poll() is None
    finally:
        database.dispose()
