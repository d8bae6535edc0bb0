"""What the metrics endpoint reads: counts the database already holds, read at scrape
time (the database, not one process's memory, knows every API and worker process's work)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Episode, Review, StageRun


class StageRecord(NamedTuple):
    name: str
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    error_code: str | None
    engine: str | None  # the MT engine, or the ASR model, that ran it


class MetricsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def stages(self) -> Sequence[StageRecord]:
        info = StageRun.artifact_info
        engine = func.coalesce(info["engine"]["name"].as_string(), info["model"].as_string())
        rows = self.session.execute(
            select(StageRun.name, StageRun.status, StageRun.attempts, StageRun.started_at,
                   StageRun.finished_at, StageRun.error_code, engine)
        )  # fmt: skip
        return [StageRecord(*row) for row in rows]

    def uploads(self) -> Sequence[tuple[str, int, int]]:
        """(show, episodes, bytes of media) per show."""
        rows = self.session.execute(
            select(Episode.show, func.count(), func.coalesce(func.sum(Episode.media_size), 0))
            .group_by(Episode.show)
        )  # fmt: skip
        return [(show, count, size) for show, count, size in rows]

    def live_reviews(self) -> Sequence[tuple[str, str, int]]:
        """(state, language, reviews) of every track's live review round."""
        rows = self.session.execute(
            select(Review.state, Review.language, func.count())
            .where(Review.live.is_(True))
            .group_by(Review.state, Review.language)
        )  # fmt: skip
        return [(state, language, count) for state, language, count in rows]
