"""Alembic environment: the URL comes from the caller (locsvc.adapters.db.migrate)."""

from alembic import context

from locsvc.adapters.db.engine import make_engine
from locsvc.adapters.db.models import Base, UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(kind, item, autogen_context):
    """Migrations name plain SQLAlchemy types, never our model code (it may change)."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite alters tables by copying them
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
