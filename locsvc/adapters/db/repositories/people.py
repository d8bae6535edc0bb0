"""Users, live workers, and the audit log of who changed what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..models import (
    AuditEntry,
    User,
    WorkerHeartbeat,
)


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> None:
        self.session.add(user)
        self.session.flush()

    def by_token_hash(self, token_hash: str) -> User | None:
        return self.session.scalar(
            select(User).where(User.token_hash == token_hash, User.revoked_at.is_(None))
        )

    def by_name(self, name: str) -> User | None:
        return self.session.scalar(select(User).where(User.name == name))


class WorkerRegistry:
    def __init__(self, session: Session) -> None:
        self.session = session

    def beat(self, hostname: str, queues: str, pid: int, now: datetime, embedded: bool) -> None:
        row = self.session.get(WorkerHeartbeat, hostname)
        if row is None:
            self.session.add(
                WorkerHeartbeat(
                    hostname=hostname,
                    queues=queues,
                    pid=pid,
                    started_at=now,
                    seen_at=now,
                    embedded=embedded,
                )
            )
        else:
            row.seen_at, row.pid, row.queues = now, pid, queues

    def leave(self, hostname: str) -> None:
        self.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.hostname == hostname))

    def alive(self, seen_after: datetime) -> int:
        return (
            self.session.scalar(
                select(func.count())
                .select_from(WorkerHeartbeat)
                .where(WorkerHeartbeat.seen_at >= seen_after)
            )
            or 0
        )


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, actor: str, action: str, target: str, before: dict | None, after: dict | None
    ) -> None:
        self.session.add(
            AuditEntry(actor=actor, action=action, target=target, before=before, after=after)
        )

    def for_targets(self, targets: Sequence[str]) -> Sequence[AuditEntry]:
        return self.session.scalars(
            select(AuditEntry).where(AuditEntry.target.in_(targets)).order_by(AuditEntry.id)
        ).all()

    def page(self, after_id: int | None = None, limit: int = 100) -> Sequence[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if after_id is not None:
            query = query.where(AuditEntry.id < after_id)
        return self.session.scalars(query).all()
