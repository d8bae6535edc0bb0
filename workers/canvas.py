"""Celery canvas for the pipeline: the only place chains are built."""

from __future__ import annotations

from celery import chain

from locsvc.celery_app import QUEUE_ASR
from locsvc.domain.pipeline import Stage
from locsvc.services.pipeline import remaining_stages

from .tasks import run_source_stage


def dispatch_source_pipeline(episode_id: str, first_stage: Stage) -> None:
    """Queue the source pipeline from ``first_stage`` to the source track, as one chain."""
    chain(
        run_source_stage.si(episode_id, stage.value).set(queue=QUEUE_ASR)
        for stage in remaining_stages(first_stage)
    ).apply_async()
