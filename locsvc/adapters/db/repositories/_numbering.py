"""Numbered children: revisions of a track, versions of a glossary."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def next_number(session: Session, number, parent, parent_id: object) -> int:
    """The next number in a parent's 1, 2, 3... sequence (revisions, versions); the
    unique constraint on (parent, number) refuses a concurrent duplicate."""
    latest = session.scalar(select(func.max(number)).where(parent == parent_id))
    return (latest or 0) + 1
