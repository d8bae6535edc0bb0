"""Putting stages on the queue, with the time recorded, so that a stage whose message
the broker lost can be told from one still waiting its turn."""

from __future__ import annotations

from collections.abc import Sequence

from ..adapters.db.models import utcnow
from ..adapters.db.repositories import EpisodeRepository
from ..domain.pipeline import StageName
from ..ports import Context


def queue_stages(
    ctx: Context, episode_id: str, stages: Sequence[StageName], priority: int | None = None
) -> None:
    with ctx.db.session() as session:
        EpisodeRepository(session).mark_queued(episode_id, stages, utcnow())
    ctx.dispatch(episode_id, stages, priority)
