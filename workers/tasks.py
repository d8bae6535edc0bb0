"""Celery tasks: ids in, one service call, nothing else (the Superset shape)."""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import Ignore
from flask import current_app

from locsvc.domain.pipeline import Stage
from locsvc.services.pipeline import run_stage


@shared_task(name="locsvc.source_stage", bind=True, ignore_result=True)
def run_source_stage(self, episode_id: str, stage: str) -> str:
    ctx = current_app.extensions["locsvc"]
    outcome = run_stage(ctx, episode_id, Stage(stage), worker=self.request.hostname)
    if not outcome.continues_pipeline:
        raise Ignore()  # the rest of the chain must not run
    return outcome.value
