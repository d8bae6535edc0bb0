"""The embedded queue: kombu's SQLAlchemy transport on a SQLite file, polled faster.

kombu polls this transport once a second by default, which would add up to a
second to every hop of the stage chain; and it hands every transport option to
SQLAlchemy's create_engine, so the interval cannot be set as an option. Hence a
subclass with its own interval, registered under a transport name of our own.
"""

from __future__ import annotations

from pathlib import Path

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SQLAlchemyTransport

TRANSPORT_NAME = "locsvc-sqlite"
POLLING_INTERVAL_S = 0.05


class EmbeddedTransport(SQLAlchemyTransport):
    polling_interval = POLLING_INTERVAL_S


def embedded_broker_url(database: Path) -> str:
    TRANSPORT_ALIASES.setdefault(TRANSPORT_NAME, f"{__name__}:EmbeddedTransport")
    return f"{TRANSPORT_NAME}+sqlite:///{database.resolve()}"
