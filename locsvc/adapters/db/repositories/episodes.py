"""Episodes and their stages. Stage claims are conditional UPDATEs, so two workers can
never both hold a stage, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ....domain.errors import NotFound
from ....domain.pipeline import StageName, StageState, StageStatus
from ..models import (
    Episode,
    StageRun,
)


class EpisodeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _execute(self, statement) -> CursorResult:
        return cast(CursorResult, self.session.execute(statement))  # DML: rowcount is there

    def add(self, episode: Episode) -> None:
        self.session.add(episode)

    def get(self, episode_id: str) -> Episode:
        episode = self.session.get(
            Episode,
            episode_id,
            options=[selectinload(Episode.stages), selectinload(Episode.tracks)],
        )
        if episode is None:
            raise NotFound(f"There is no episode {episode_id!r}.", episode_id=episode_id)
        return episode

    def find_by_idempotency_key(self, created_by: str, key: str) -> str | None:
        return self.session.scalar(
            select(Episode.id).where(
                Episode.created_by == created_by, Episode.idempotency_key == key
            )
        )

    def find_many(
        self,
        show: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
        within_shows: Sequence[str] = (),
    ) -> Sequence[Episode]:
        query = select(Episode).order_by(Episode.created_at.desc(), Episode.id)
        if show:
            query = query.where(Episode.show == show)
        if within_shows:
            query = query.where(Episode.show.in_(within_shows))
        if status:
            query = query.where(Episode.status == status)
        return self.session.scalars(query.limit(limit).offset(offset)).all()

    def stage_states(self, episode_id: str) -> list[StageState]:
        rows = self.session.scalars(
            select(StageRun).where(StageRun.episode_id == episode_id).order_by(StageRun.position)
        ).all()
        return [StageState(r.name, StageStatus(r.status), r.heartbeat_at) for r in rows]

    def stage_names(self, episode_id: str) -> list[StageName]:
        """The episode's stages in order (which depend on what the producer sent, and on
        the length of its recording)."""
        return [s.name for s in self.stage_states(episode_id)]

    def find_stage(self, episode_id: str, stage: StageName) -> StageRun | None:
        return self.session.scalar(
            select(StageRun).where(StageRun.episode_id == episode_id, StageRun.name == stage)
        )

    def stage(self, episode_id: str, stage: StageName) -> StageRun:
        row = self.find_stage(episode_id, stage)
        if row is None:
            raise NotFound(f"Episode {episode_id!r} has no stage {stage}.")
        return row

    def add_stage(self, episode_id: str, name: StageName, position: int) -> None:
        self.session.add(
            StageRun(
                episode_id=episode_id,
                name=name,
                position=position,
                status=StageStatus.PENDING,
                progress=0.0,
                attempts=0,
            )
        )
        self.session.flush()

    def mark_queued(self, episode_id: str, names: Sequence[StageName], now: datetime) -> None:
        self.session.execute(
            update(StageRun)
            .where(StageRun.episode_id == episode_id, StageRun.name.in_(names))
            .values(queued_at=now)
        )

    def set_status(
        self, episode_id: str, status: str, error: tuple[str, str] | None = None
    ) -> None:
        values: dict = {"status": status}
        if error is not None:
            values["error_code"], values["error_message"] = error
        self.session.execute(update(Episode).where(Episode.id == episode_id).values(**values))

    # --- stage claims -------------------------------------------------------------

    def claim_stage(
        self,
        episode_id: str,
        stage: StageName,
        claim_token: str,
        worker: str,
        now: datetime,
        stale_before: datetime,
    ) -> bool:
        """Atomically take a pending stage, or one whose holder stopped beating."""
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                or_(
                    StageRun.status == StageStatus.PENDING,
                    and_(
                        StageRun.status == StageStatus.RUNNING,
                        StageRun.heartbeat_at < stale_before,
                    ),
                ),
            )
            .values(
                status=StageStatus.RUNNING,
                claim_token=claim_token,
                claimed_by=worker,
                attempts=StageRun.attempts + 1,
                progress=0.0,
                started_at=now,
                heartbeat_at=now,
                finished_at=None,
                error_code=None,
                error_message=None,
            )
        )
        return result.rowcount == 1

    def _update_held(self, episode_id: str, stage: StageName, claim_token: str, **values) -> bool:
        """Update a stage only while ``claim_token`` still holds it."""
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                StageRun.claim_token == claim_token,
                StageRun.status == StageStatus.RUNNING,
            )
            .values(**values)
        )
        return result.rowcount == 1

    def beat(
        self, episode_id: str, stage: StageName, claim_token: str, now: datetime, progress: float
    ) -> bool:
        """Refresh a held claim; False when someone else took the stage over."""
        return self._update_held(
            episode_id, stage, claim_token, heartbeat_at=now, progress=progress
        )

    def mark_started(
        self, episode_id: str, stage: StageName, claim_token: str, now: datetime
    ) -> bool:
        return self._update_held(episode_id, stage, claim_token, started_at=now)

    def finish_stage(
        self,
        episode_id: str,
        stage: StageName,
        claim_token: str,
        now: datetime,
        artifact_sha256: str | None,
        artifact_info: dict | None,
    ) -> bool:
        return self._update_held(
            episode_id,
            stage,
            claim_token,
            status=StageStatus.DONE,
            progress=1.0,
            finished_at=now,
            heartbeat_at=now,
            artifact_sha256=artifact_sha256,
            artifact_info=artifact_info,
        )

    def fail_stage(
        self,
        episode_id: str,
        stage: StageName,
        claim_token: str,
        now: datetime,
        code: str,
        message: str,
    ) -> bool:
        return self._update_held(
            episode_id,
            stage,
            claim_token,
            status=StageStatus.FAILED,
            finished_at=now,
            error_code=code,
            error_message=message,
        )

    def release_stale(self, episode_id: str, stage: StageName, stale_before: datetime) -> bool:
        """Put a stage whose holder stopped beating back to pending; False when it is
        no longer stale (its holder beat, or another reaper released it first)."""
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                StageRun.status == StageStatus.RUNNING,
                StageRun.heartbeat_at < stale_before,
            )
            .values(status=StageStatus.PENDING, claim_token=None, claimed_by=None)
        )
        return result.rowcount == 1

    def reset_stage(self, episode_id: str, stage: StageName) -> bool:
        """A finished, failed or cancelled stage back to pending (to run again)."""
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                StageRun.status.in_(
                    [StageStatus.DONE, StageStatus.FAILED, StageStatus.CANCELLED]
                ),
            )
            .values(
                status=StageStatus.PENDING, progress=0.0, claim_token=None, claimed_by=None,
                error_code=None, error_message=None, finished_at=None,
            )
        )  # fmt: skip
        return result.rowcount == 1

    def cancel_pending(self, episode_id: str, stage: StageName) -> bool:
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                StageRun.status == StageStatus.PENDING,
            )
            .values(status=StageStatus.CANCELLED)
        )
        return result.rowcount == 1

    def unclaim(self, episode_id: str, stage: StageName, claim_token: str) -> bool:
        """Give a claim back untouched (the attempt did not happen)."""
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                StageRun.claim_token == claim_token,
                StageRun.status == StageStatus.RUNNING,
            )
            .values(
                status=StageStatus.PENDING, claim_token=None, claimed_by=None,
                attempts=StageRun.attempts - 1,
            )
        )  # fmt: skip
        return result.rowcount == 1

    def running_translations(self) -> list[tuple[str, str]]:
        """(source language, target language) of every translation running now."""
        rows = self.session.execute(
            select(Episode.source_language, StageRun.name)
            .join(Episode, Episode.id == StageRun.episode_id)
            .where(StageRun.status == StageStatus.RUNNING, StageRun.name.like("translate:%"))
        ).all()
        return [(source or "und", name.split(":", 1)[1]) for source, name in rows]

    def pending_queued_before(self, before: datetime) -> list[tuple[str, StageName]]:
        rows = self.session.execute(
            select(StageRun.episode_id, StageRun.name).where(
                StageRun.status == StageStatus.PENDING,
                or_(StageRun.queued_at.is_(None), StageRun.queued_at < before),
            )
        ).all()
        return [(episode_id, name) for episode_id, name in rows]

    def requeue_if_quiet(
        self, episode_id: str, stage: StageName, before: datetime, now: datetime
    ) -> bool:
        """Mark a pending stage queued again, unless someone did since ``before``:
        of several reapers exactly one re-queues it."""
        result = self._execute(
            update(StageRun)
            .where(
                StageRun.episode_id == episode_id,
                StageRun.name == stage,
                StageRun.status == StageStatus.PENDING,
                or_(StageRun.queued_at.is_(None), StageRun.queued_at < before),
            )
            .values(queued_at=now)
        )
        return result.rowcount == 1

    def stale_running(self, stale_before: datetime) -> list[tuple[str, StageName]]:
        rows = self.session.execute(
            select(StageRun.episode_id, StageRun.name).where(
                StageRun.status == StageStatus.RUNNING, StageRun.heartbeat_at < stale_before
            )
        ).all()
        return [(episode_id, name) for episode_id, name in rows]
