"""Rollouts and their cells, and the stage facts a rollout's view is made of."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ....domain.errors import NotFound
from ....domain.pipeline import StageStatus
from ..models import (
    Episode,
    Rollout,
    StageRun,
)


class RolloutRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, rollout: Rollout) -> None:
        self.session.add(rollout)
        self.session.flush()

    def get(self, rollout_id: str) -> Rollout:
        rollout = self.session.get(Rollout, rollout_id, options=[selectinload(Rollout.cells)])
        if rollout is None:
            raise NotFound(f"There is no rollout {rollout_id!r}.", rollout_id=rollout_id)
        return rollout

    def find_by_idempotency_key(self, created_by: str, key: str) -> str | None:
        return self.session.scalar(
            select(Rollout.id).where(
                Rollout.created_by == created_by, Rollout.idempotency_key == key
            )
        )

    def episodes_of_show(self, show: str) -> list[str]:
        return list(
            self.session.scalars(
                select(Episode.id)
                .where(Episode.show == show)
                .order_by(Episode.created_at, Episode.id)
            )
        )

    def shows_of(self, rollout: Rollout) -> list[str]:
        """The shows of the rollout's episodes (a rollout of ids may span several)."""
        episode_ids = sorted({cell.episode_id for cell in rollout.cells})
        return list(
            self.session.scalars(select(Episode.show).where(Episode.id.in_(episode_ids)).distinct())
        )

    def stages_of(self, episode_ids: Sequence[str]) -> dict[str, list[StageRun]]:
        rows = self.session.scalars(
            select(StageRun).where(StageRun.episode_id.in_(episode_ids)).order_by(StageRun.position)
        ).all()
        found: dict[str, list[StageRun]] = {}
        for row in rows:
            found.setdefault(row.episode_id, []).append(row)
        return found

    def recent_stage_seconds(self, translation: bool, limit: int = 200) -> list[float]:
        """How long recently finished stages took: translations, or whole source runs."""
        if translation:
            rows = self.session.execute(
                select(StageRun.started_at, StageRun.finished_at)
                .where(StageRun.status == StageStatus.DONE, StageRun.name.like("translate:%"))
                .order_by(StageRun.finished_at.desc())
                .limit(limit)
            ).all()
        else:
            rows = self.session.execute(
                select(func.min(StageRun.started_at), func.max(StageRun.finished_at))
                .where(StageRun.status == StageStatus.DONE, StageRun.name.not_like("translate:%"))
                .group_by(StageRun.episode_id)
                .limit(limit)
            ).all()
        return [(end - start).total_seconds() for start, end in rows if start and end]
