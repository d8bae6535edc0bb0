"""Celery canvas for the pipeline: the only place chains and groups are built."""

from __future__ import annotations

from collections.abc import Sequence

from celery import chain, group

from locsvc.domain.pipeline import QUEUE_ASR, StageName, chain_of
from locsvc.services.stages import queue_of

from .tasks import fan_out, run_episode_stage

# Episode priority (0 low .. 3 urgent) -> Redis message priority (0 is served first).
# Every message gets one: kombu's Redis transport serves priority-less messages first.
BROKER_PRIORITY = {0: 9, 1: 6, 2: 3, 3: 0}


def dispatch_episode_stages(
    episode_id: str, stages: Sequence[StageName], priority: int | None = None
) -> None:
    """The source chain's stages as one chain on the asr queue, ending with the fan-out of
    what waited for it (the chunks of a long recognition, the pending translations; on
    asr too: an episode without targets must not wait for an mt worker); chunks,
    translations and dubs side by side on their queues (asr, mt, tts)."""
    level = BROKER_PRIORITY.get(1 if priority is None else priority, 6)
    source = chain_of(stages)
    side_by_side = [s for s in stages if s not in source]
    if source:
        chain(
            *(run_episode_stage.si(episode_id, stage).set(queue=QUEUE_ASR, priority=level)
              for stage in source),
            fan_out.si(episode_id).set(queue=QUEUE_ASR, priority=level),
        ).apply_async()  # fmt: skip
    if side_by_side:
        group(
            run_episode_stage.si(episode_id, stage).set(queue=queue_of(stage), priority=level)
            for stage in side_by_side
        ).apply_async()
