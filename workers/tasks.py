"""Celery tasks: ids in, one service call, nothing else (the Superset shape)."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import Ignore
from flask import current_app

from locsvc.services.pipeline import dispatch_pending_translations, run_stage


@shared_task(name="locsvc.stage", bind=True, ignore_result=True)
def run_episode_stage(self, episode_id: str, stage: str) -> str:
    ctx = current_app.extensions["locsvc"]
    outcome = run_stage(ctx, episode_id, stage, worker=self.request.hostname)
    if not outcome.continues_pipeline:
        raise Ignore()  # the rest of the chain must not run
    return outcome.value


@shared_task(name="locsvc.fan_out_translations", ignore_result=True)
def fan_out_translations(episode_id: str) -> list[str]:
    return dispatch_pending_translations(current_app.extensions["locsvc"], episode_id)
