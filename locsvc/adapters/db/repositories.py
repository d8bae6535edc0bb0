"""Repositories: the only code that writes SQL. Stage claims are conditional
UPDATEs, so two workers can never both hold a stage, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from ...domain.errors import NotFound
from ...domain.pipeline import StageName, StageState, StageStatus
from .models import (
    AuditEntry,
    Episode,
    GlossaryRecord,
    GlossaryVersion,
    Rollout,
    ShowSettings,
    StageRun,
    Track,
    TrackRevision,
    User,
    WorkerHeartbeat,
)
from .models import Review as ReviewRow


def _next_number(session: Session, number, parent, parent_id: object) -> int:
    """The next number in a parent's 1, 2, 3... sequence (revisions, versions); the
    unique constraint on (parent, number) refuses a concurrent duplicate."""
    latest = session.scalar(select(func.max(number)).where(parent == parent_id))
    return (latest or 0) + 1


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


class TrackRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_or_create(self, episode_id: str, language: str, kind: str) -> Track:
        track = self.session.scalar(
            select(Track).where(Track.episode_id == episode_id, Track.language == language)
        )
        if track is None:
            track = Track(episode_id=episode_id, language=language, kind=kind, state="draft")
            self.session.add(track)
            self.session.flush()
        return track

    def find(self, episode_id: str, language: str) -> Track:
        track = self.session.scalar(
            select(Track)
            .where(Track.episode_id == episode_id, Track.language == language)
            .options(selectinload(Track.revisions))
        )
        if track is None:
            raise NotFound(
                f"Episode {episode_id!r} has no {language!r} track (yet).",
                episode_id=episode_id,
                language=language,
            )
        return track

    def get_by_id(self, track_id: int) -> Track:
        track = self.session.get(Track, track_id)
        if track is None:
            raise NotFound(f"There is no track {track_id}.")
        return track

    def latest_revisions(self, track_ids: Sequence[int]) -> dict[int, TrackRevision]:
        """The newest revision of each track, in one query."""
        if not track_ids:
            return {}
        newest = (
            select(TrackRevision.track_id, func.max(TrackRevision.number).label("number"))
            .where(TrackRevision.track_id.in_(track_ids))
            .group_by(TrackRevision.track_id)
            .subquery()
        )
        rows = self.session.scalars(
            select(TrackRevision).join(
                newest,
                and_(
                    TrackRevision.track_id == newest.c.track_id,
                    TrackRevision.number == newest.c.number,
                ),
            )
        ).all()
        return {row.track_id: row for row in rows}

    def source_of(self, episode_id: str) -> Track | None:
        """The episode's source-language track, with its revisions."""
        return self.session.scalar(
            select(Track)
            .where(Track.episode_id == episode_id, Track.kind == "source")
            .options(selectinload(Track.revisions))
        )

    def add_revision(
        self,
        track: Track,
        cues_sha256: str,
        cue_count: int,
        author: str,
        info: dict | None = None,
        qc: dict | None = None,
    ) -> TrackRevision:
        revision = TrackRevision(
            track_id=track.id,
            number=_next_number(
                self.session, TrackRevision.number, TrackRevision.track_id, track.id
            ),
            cues_sha256=cues_sha256,
            cue_count=cue_count,
            author=author,
            info=info,
            qc=qc,
        )
        self.session.add(revision)
        self.session.flush()
        return revision


class GlossaryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def find(self, show: str, source: str, target: str) -> GlossaryRecord | None:
        return self.session.scalar(
            select(GlossaryRecord)
            .where(
                GlossaryRecord.show == show,
                GlossaryRecord.source_language == source,
                GlossaryRecord.target_language == target,
            )
            .options(selectinload(GlossaryRecord.versions))
        )

    def get_or_create(self, show: str, source: str, target: str) -> GlossaryRecord:
        record = self.find(show, source, target)
        if record is None:
            record = GlossaryRecord(show=show, source_language=source, target_language=target)
            self.session.add(record)
            self.session.flush()
        return record

    def get(self, glossary_id: int) -> GlossaryRecord:
        record = self.session.get(
            GlossaryRecord, glossary_id, options=[selectinload(GlossaryRecord.versions)]
        )
        if record is None:
            raise NotFound(f"There is no glossary {glossary_id}.", glossary_id=glossary_id)
        return record

    def find_many(self, show: str | None = None) -> Sequence[GlossaryRecord]:
        query = select(GlossaryRecord).options(selectinload(GlossaryRecord.versions))
        if show:
            query = query.where(GlossaryRecord.show == show)
        return self.session.scalars(query.order_by(GlossaryRecord.id)).all()

    def add_version(
        self, record: GlossaryRecord, entries: list[dict], source_file: str, by: str
    ) -> GlossaryVersion:
        version = GlossaryVersion(
            glossary_id=record.id,
            number=_next_number(
                self.session, GlossaryVersion.number, GlossaryVersion.glossary_id, record.id
            ),
            entries=entries,
            source_file=source_file,
            created_by=by,
        )
        self.session.add(version)
        self.session.flush()
        return version


class ShowRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def timed_text_overrides(self, show: str) -> dict:
        row = self.session.get(ShowSettings, show)
        return dict(row.timed_text) if row else {}

    def set_timed_text_overrides(self, show: str, overrides: dict, by: str) -> None:
        row = self.session.get(ShowSettings, show)
        if row is None:
            self.session.add(ShowSettings(show=show, timed_text=overrides, updated_by=by))
        else:
            row.timed_text, row.updated_by = overrides, by


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


class ReviewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_round(self, track: Track, episode: Episode, round_number: int = 1) -> ReviewRow:
        row = ReviewRow(
            track_id=track.id,
            round=round_number,
            episode_id=episode.id,
            language=track.language,
            show=episode.show,
            kind=track.kind,
            state="queued",
            live=True,
            priority=episode.priority,
            due_at=episode.due_at,
            version=1,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def live_for_track(self, track_id: int) -> ReviewRow | None:
        return self.session.scalar(
            select(ReviewRow).where(ReviewRow.track_id == track_id, ReviewRow.live.is_(True))
        )

    def get(self, review_id: int) -> ReviewRow:
        row = self.session.get(ReviewRow, review_id)
        if row is None:
            raise NotFound(f"There is no review {review_id}.", review_id=review_id)
        return row

    def update_if_unchanged(self, review_id: int, read_version: int, **values) -> bool:
        """Apply ``values`` only if nobody changed the review since it was read."""
        result = cast(
            CursorResult,
            self.session.execute(
                update(ReviewRow)
                .where(ReviewRow.id == review_id, ReviewRow.version == read_version)
                .values(version=read_version + 1, **values)
            ),
        )
        return result.rowcount == 1

    def page(
        self,
        *,
        states: Sequence[str] = (),
        languages: Sequence[str] = (),
        shows: Sequence[str] = (),
        after_id: int | None = None,
        limit: int = 50,
        due_before: datetime | None = None,
    ) -> Sequence[ReviewRow]:
        """Live review rounds, newest first, a page after ``after_id`` (keyset: a page
        costs the same on page 1 and page 200)."""
        query = select(ReviewRow).where(ReviewRow.live.is_(True))
        if states:
            query = query.where(ReviewRow.state.in_(states))
        if languages:
            query = query.where(ReviewRow.language.in_(languages))
        if shows:
            query = query.where(ReviewRow.show.in_(shows))
        if after_id is not None:
            query = query.where(ReviewRow.id < after_id)
        if due_before is not None:
            query = query.where(ReviewRow.due_at <= due_before)
        return self.session.scalars(query.order_by(ReviewRow.id.desc()).limit(limit)).all()

    def approved_with_post_edit(self) -> Sequence[ReviewRow]:
        return self.session.scalars(
            select(ReviewRow).where(ReviewRow.state == "approved", ReviewRow.post_edit.is_not(None))
        ).all()

    def for_episode(self, episode_id: str) -> Sequence[ReviewRow]:
        return self.session.scalars(
            select(ReviewRow).where(ReviewRow.episode_id == episode_id).order_by(ReviewRow.id)
        ).all()


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
