"""Tracks, their immutable revisions, and their review rounds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, and_, func, select, update
from sqlalchemy.orm import Session, selectinload

from ....domain.errors import NotFound
from ..models import (
    Episode,
    Track,
    TrackRevision,
)
from ..models import Review as ReviewRow
from ._numbering import next_number


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
            number=next_number(
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
