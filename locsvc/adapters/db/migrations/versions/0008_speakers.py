"""speakers: the diarize stage, each episode's speakers and a show's characters

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIARIZE_POSITION = 4  # after transcribe (3), before segment


def upgrade() -> None:
    op.add_column("episodes", sa.Column("speaker_hints", sa.JSON(), nullable=True))
    op.create_table(
        "episode_speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("speech_ms", sa.Integer(), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=True),
        sa.Column("pitch_hz", sa.Float(), nullable=True),
        sa.Column("name_source", sa.String(length=20), nullable=True),
        sa.Column("match_score", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"],
            name=op.f("fk_episode_speakers_episode_id_episodes"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_episode_speakers")),
        sa.UniqueConstraint("episode_id", "label", name=op.f("uq_episode_speakers_episode_id")),
    )  # fmt: skip
    op.create_table(
        "show_characters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("show", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("voice_print", sa.JSON(), nullable=True),
        sa.Column("print_episodes", sa.Integer(), nullable=False),
        sa.Column("pitch_hz", sa.Float(), nullable=True),
        sa.Column("voices", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_show_characters")),
        sa.UniqueConstraint("show", "name", name=op.f("uq_show_characters_show")),
    )
    op.create_index(op.f("ix_show_characters_show"), "show_characters", ["show"])
    # Episodes made before diarization get the stage, done (and empty) when their
    # segmentation already ran, pending otherwise; the later stages move down one place.
    stages = sa.table(
        "stages", sa.column("episode_id", sa.String), sa.column("name", sa.String),
        sa.column("position", sa.Integer), sa.column("status", sa.String),
        sa.column("progress", sa.Float), sa.column("attempts", sa.Integer),
        sa.column("artifact_info", sa.JSON),
    )  # fmt: skip
    connection = op.get_bind()
    segments = connection.execute(
        sa.select(stages.c.episode_id, stages.c.status).where(stages.c.name == "segment")
    ).all()
    op.execute(
        stages.update()
        .where(stages.c.position >= DIARIZE_POSITION)
        .values(position=stages.c.position + 1)
    )
    for episode_id, status in segments:
        done = status == "done"
        connection.execute(
            stages.insert().values(
                episode_id=episode_id, name="diarize", position=DIARIZE_POSITION,
                status="done" if done else "pending", progress=1.0 if done else 0.0,
                attempts=0, artifact_info={"skipped": "made before diarization"} if done else None,
            )
        )  # fmt: skip


def downgrade() -> None:
    stages = sa.table("stages", sa.column("name", sa.String), sa.column("position", sa.Integer))
    op.execute(stages.delete().where(stages.c.name == "diarize"))
    op.execute(
        stages.update()
        .where(stages.c.position > DIARIZE_POSITION)
        .values(position=stages.c.position - 1)
    )
    op.drop_index(op.f("ix_show_characters_show"), table_name="show_characters")
    op.drop_table("show_characters")
    op.drop_table("episode_speakers")
    op.drop_column("episodes", "speaker_hints")
