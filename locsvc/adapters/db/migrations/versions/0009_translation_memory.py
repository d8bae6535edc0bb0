"""translation memory: memories per scope and pair, their units, the fuzzy index

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "translation_memories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("source_language", sa.String(length=35), nullable=False),
        sa.Column("target_language", sa.String(length=35), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_translation_memories")),
        sa.UniqueConstraint(
            "scope", "source_language", "target_language",
            name=op.f("uq_translation_memories_scope"),
        ),
    )  # fmt: skip
    op.create_table(
        "tm_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("memory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("context_key", sa.String(length=64), nullable=False),
        sa.Column("previous_text", sa.Text(), nullable=True),
        sa.Column("following_text", sa.Text(), nullable=True),
        sa.Column("token_count", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.String(length=32), nullable=True),
        sa.Column("revision", sa.String(length=120), nullable=True),
        sa.Column("origin", sa.String(length=600), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["memory_id"], ["translation_memories.id"],
            name=op.f("fk_tm_units_memory_id_translation_memories"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tm_units")),
    )  # fmt: skip
    op.create_index("ix_tm_units_lookup", "tm_units", ["memory_id", "source_key"])
    op.create_index(op.f("ix_tm_units_episode_id"), "tm_units", ["episode_id"])
    op.create_table(
        "tm_postings",
        sa.Column("memory_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("token_count", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["tm_units.id"],
            name=op.f("fk_tm_postings_unit_id_tm_units"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "memory_id", "token", "token_count", "unit_id", name=op.f("pk_tm_postings")
        ),
    )  # fmt: skip
    op.create_table(
        "tm_token_counts",
        sa.Column("memory_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=100), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("memory_id", "token", name=op.f("pk_tm_token_counts")),
    )


def downgrade() -> None:
    op.drop_table("tm_token_counts")
    op.drop_table("tm_postings")
    op.drop_index(op.f("ix_tm_units_episode_id"), table_name="tm_units")
    op.drop_index("ix_tm_units_lookup", table_name="tm_units")
    op.drop_table("tm_units")
    op.drop_table("translation_memories")
