"""Users, live workers, and the audit log of who changed what."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..models import (
    AuditEntry,
    User,
    WebSession,
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


class WebSessionRepository:
    """Review-page sessions, found by the sha256 of the cookie's session id."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, web_session: WebSession) -> None:
        self.session.add(web_session)

    def by_id_hash(self, id_hash: str) -> WebSession | None:
        return self.session.get(WebSession, id_hash)

    def revoke(self, id_hash: str, now: datetime) -> None:
        self.session.execute(
            update(WebSession)
            .where(WebSession.id_hash == id_hash, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_all_of(self, user_name: str, now: datetime) -> None:
        self.session.execute(
            update(WebSession)
            .where(WebSession.user_name == user_name, WebSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def purge_expired(self, now: datetime) -> None:
        self.session.execute(delete(WebSession).where(WebSession.expires_at < now))


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

    def registered(self, hostname: str) -> bool:
        return self.session.get(WorkerHeartbeat, hostname) is not None

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
