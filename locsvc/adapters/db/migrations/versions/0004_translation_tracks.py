"""translation tracks: what a revision was made with, the glossary an episode asked for

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("glossary", sa.String(length=200), nullable=True))
    with op.batch_alter_table("track_revisions") as batch:
        batch.add_column(sa.Column("info", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("track_revisions") as batch:
        batch.drop_column("info")
    with op.batch_alter_table("episodes") as batch:
        batch.drop_column("glossary")
