"""Runs in each worker's main process: says the worker is alive, and re-queues
stages whose worker died (the broker alone cannot: see docs/architecture.md)."""

from __future__ import annotations

import logging
import os
import threading

from celery.signals import worker_process_init, worker_ready, worker_shutdown
from flask import Flask

from locsvc.app_context import context_of
from locsvc.ports import Context
from locsvc.services.pipeline import requeue_lost_stages, requeue_stale_stages
from locsvc.services.workers import worker_beat, worker_left

from .broker import queue_messages

log = logging.getLogger(__name__)


class Maintenance:
    def __init__(self, app: Flask, queues: str) -> None:
        self.app = app
        self.ctx: Context = context_of(app)
        self.queues = queues
        self.hostname = ""
        self._stop = threading.Event()

    def install(self) -> None:
        worker_ready.connect(self._on_ready, weak=False)
        worker_shutdown.connect(self._on_shutdown, weak=False)
        # Forked pool processes must not share the parent's database connections.
        worker_process_init.connect(lambda **_: self.ctx.db.dispose(close=False), weak=False)

    def _on_ready(self, sender=None, **_: object) -> None:
        self.hostname = getattr(sender, "hostname", f"worker-{os.getpid()}")
        self._beat()
        threading.Thread(target=self._loop, name="locsvc-maintenance", daemon=True).start()

    def _on_shutdown(self, **_: object) -> None:
        self._stop.set()
        worker_left(self.ctx, self.hostname)

    def _beat(self) -> None:
        worker_beat(self.ctx, self.hostname, self.queues, os.getpid())

    def _queue_is_empty(self, queue: str) -> bool:
        return queue_messages(self.app.extensions["celery"], queue) == 0

    def _loop(self) -> None:
        while not self._stop.wait(self.ctx.settings.heartbeat_seconds):
            try:
                self._beat()
                with self.app.app_context():
                    requeue_stale_stages(self.ctx)
                    requeue_lost_stages(self.ctx, self._queue_is_empty)
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                log.exception("worker maintenance failed; trying again")
