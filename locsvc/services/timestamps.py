"""Timestamps in replies: ISO 8601 UTC with a Z (docs/api.md)."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None
