"""rollouts and their cells; when a stage was last queued; an episode's M&E stem

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rollouts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("show", sa.String(length=200), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("glossary", sa.String(length=200), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollouts")),
        sa.UniqueConstraint("created_by", "idempotency_key", name=op.f("uq_rollouts_created_by")),
    )
    op.create_table(
        "rollout_cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rollout_id", sa.String(length=32), nullable=False),
        sa.Column("episode_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"],
            name=op.f("fk_rollout_cells_episode_id_episodes"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rollout_id"], ["rollouts.id"],
            name=op.f("fk_rollout_cells_rollout_id_rollouts"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollout_cells")),
        sa.UniqueConstraint(
            "rollout_id", "episode_id", "language", name=op.f("uq_rollout_cells_rollout_id")
        ),
    )  # fmt: skip
    with op.batch_alter_table("stages") as batch:
        batch.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("episodes") as batch:
        batch.add_column(sa.Column("me_stem_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("episodes") as batch:
        batch.drop_column("me_stem_sha256")
    with op.batch_alter_table("stages") as batch:
        batch.drop_column("queued_at")
    op.drop_table("rollout_cells")
    op.drop_table("rollouts")
