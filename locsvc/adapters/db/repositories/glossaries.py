"""Glossaries with their versions, and per-show settings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ....domain.errors import NotFound
from ..models import (
    GlossaryRecord,
    GlossaryVersion,
    ShowSettings,
)
from ._numbering import next_number


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
            number=next_number(
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

    def timed_text_overrides(self, show: str, *, for_update: bool = False) -> dict:
        """``for_update`` locks the row until the transaction ends (PostgreSQL), so two
        changes to different parts of the document cannot undo each other."""
        row = self.session.get(ShowSettings, show, with_for_update=for_update)
        return dict(row.timed_text) if row else {}

    def set_timed_text_overrides(self, show: str, overrides: dict, by: str) -> None:
        row = self.session.get(ShowSettings, show)
        if row is None:
            self.session.add(ShowSettings(show=show, timed_text=overrides, updated_by=by))
        else:
            row.timed_text, row.updated_by = overrides, by
