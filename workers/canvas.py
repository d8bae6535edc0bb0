"""Celery canvas for the pipeline: the only place chains and groups are built."""

from __future__ import annotations

from collections.abc import Sequence

from celery import chain, group

from locsvc.celery_app import QUEUE_ASR, QUEUE_MT
from locsvc.domain.pipeline import StageName, translation_language

from .tasks import fan_out_translations, run_episode_stage


def dispatch_episode_stages(episode_id: str, stages: Sequence[StageName]) -> None:
    """Source stages as one chain on the asr queue, ending with the fan-out of the
    episode's pending translations (on asr too: an episode without targets must not
    wait for an mt worker); translation stages side by side on the mt queue."""
    source = [s for s in stages if translation_language(s) is None]
    translations = [s for s in stages if translation_language(s) is not None]
    if source:
        chain(
            *(run_episode_stage.si(episode_id, stage).set(queue=QUEUE_ASR) for stage in source),
            fan_out_translations.si(episode_id).set(queue=QUEUE_ASR),
        ).apply_async()
    if translations:
        group(
            run_episode_stage.si(episode_id, stage).set(queue=QUEUE_MT) for stage in translations
        ).apply_async()
