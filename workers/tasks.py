"""Celery tasks: ids in, one service call, nothing else (the Superset shape)."""

from __future__ import annotations

import random

from celery import shared_task
from celery.exceptions import Ignore

from locsvc.app_context import current_context
from locsvc.services.pipeline import Outcome, dispatch_waiting_stages, run_stage

# Seconds before a translation deferred by its engine's limit is tried again (jittered,
# so deferred tasks do not all come back at once).
ENGINE_BUSY_RETRY_S = (1.0, 3.0)


@shared_task(name="locsvc.stage", bind=True, ignore_result=True)
def run_episode_stage(self, episode_id: str, stage: str) -> str:
    outcome = run_stage(current_context(), episode_id, stage, worker=self.request.hostname)
    if outcome is Outcome.DEFERRED:  # its engine is busy: the same message, a little later
        raise self.retry(countdown=random.uniform(*ENGINE_BUSY_RETRY_S), max_retries=None)
    if not outcome.continues_pipeline:
        raise Ignore()  # the rest of the chain must not run
    return outcome.value


@shared_task(name="locsvc.fan_out", ignore_result=True)
def fan_out(episode_id: str) -> list[str]:
    return dispatch_waiting_stages(current_context(), episode_id)
