"""SQLAlchemy 2 table models. Schema changes go through Alembic (migrations/)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ...domain.media import MediaInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC on the way out, on SQLite (which drops zones) and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    languages: Mapped[str] = mapped_column(String(500), default="")  # comma list, "" = all
    shows: Mapped[str] = mapped_column(String(2000), default="")  # comma list, "" = all
    # sha256 of a random 256-bit token: a salt adds nothing against guessing such a secret.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebSession(Base):
    """A signed-in review-page session: the cookie carries only the random id, stored here
    as its sha256, so that a session can be revoked (sign-out, token rotation) and expire."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    # A user's name, or "admin" for the admin token (no row in users).
    user_name: Mapped[str] = mapped_column(String(200), index=True)
    # sha256 of the token signed in with: a rotated token (or admin token) ends the session.
    credential_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Episode(Base):
    __tablename__ = "episodes"
    __table_args__ = (UniqueConstraint("created_by", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    show: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    requested_language: Mapped[str | None] = mapped_column(String(35), nullable=True)
    source_language: Mapped[str | None] = mapped_column(String(35), nullable=True)
    media_sha256: Mapped[str] = mapped_column(String(64))
    media_size: Mapped[int] = mapped_column(Integer)
    original_filename: Mapped[str] = mapped_column(String(500))
    media_info: Mapped[dict] = mapped_column(JSON)
    asr_model: Mapped[str] = mapped_column(String(500))
    # The glossary the upload asked for (a glossary id, or a show slug whose glossaries
    # to use); None: the episode's own show, then the default scope.
    glossary: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Carried into the review queue: how urgent the episode's tracks are, and when due.
    priority: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A music-and-effects stem, when the delivery has one: dubs are mixed over it.
    me_stem_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # What the producer said about the speakers (SpeakerHints), for the diarize stage.
    speaker_hints: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    # The client's Idempotency-Key: a repeated upload with it answers the first episode.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    error_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)

    stages: Mapped[list[StageRun]] = relationship(
        back_populates="episode", order_by="StageRun.position", cascade="all, delete-orphan"
    )
    tracks: Mapped[list[Track]] = relationship(
        back_populates="episode", order_by="Track.id", cascade="all, delete-orphan"
    )

    @property
    def media(self) -> MediaInfo:
        """The probe's facts (media_info), parsed."""
        return MediaInfo.from_dict(self.media_info)


class StageRun(Base):
    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("episode_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[str] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When its message was last put on the queue: a pending stage whose message was lost
    # (a broker restarted without persistence) is queued again after a while.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The stored artifact (a sha256 in media storage) and what produced it.
    artifact_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    artifact_info: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    episode: Mapped[Episode] = relationship(back_populates="stages")


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("episode_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[str] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    kind: Mapped[str] = mapped_column(String(20))  # source | translation
    state: Mapped[str] = mapped_column(String(20))  # draft until the review loop exists
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    episode: Mapped[Episode] = relationship(back_populates="tracks")
    revisions: Mapped[list[TrackRevision]] = relationship(
        back_populates="track", order_by="TrackRevision.number", cascade="all, delete-orphan"
    )


class TrackRevision(Base):
    """An immutable version of a track's cues, stored as JSON in media storage."""

    __tablename__ = "track_revisions"
    __table_args__ = (UniqueConstraint("track_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    cues_sha256: Mapped[str] = mapped_column(String(64))
    cue_count: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How a machine revision was made: engine, glossary versions, source revision.
    info: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # The QC summary when it was stored (errors, warnings, glossary issues): the queue
    # lists it without re-checking every track.
    qc: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    track: Mapped[Track] = relationship(back_populates="revisions")


class GlossaryRecord(Base):
    """A show's glossary for one language pair; its entries live in immutable versions."""

    __tablename__ = "glossaries"
    __table_args__ = (UniqueConstraint("show", "source_language", "target_language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show: Mapped[str] = mapped_column(String(200))
    source_language: Mapped[str] = mapped_column(String(35))
    target_language: Mapped[str] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[GlossaryVersion]] = relationship(
        back_populates="glossary", order_by="GlossaryVersion.number", cascade="all, delete-orphan"
    )


class GlossaryVersion(Base):
    __tablename__ = "glossary_versions"
    __table_args__ = (UniqueConstraint("glossary_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    glossary_id: Mapped[int] = mapped_column(ForeignKey("glossaries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    entries: Mapped[list] = mapped_column(JSON)  # GlossaryEntry fields, as imported
    source_file: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    glossary: Mapped[GlossaryRecord] = relationship(back_populates="versions")


class ShowSettings(Base):
    """Per-show choices, such as timed-text profile overrides (a children's show)."""

    __tablename__ = "show_settings"

    show: Mapped[str] = mapped_column(String(200), primary_key=True)
    timed_text: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EpisodeSpeaker(Base):
    """A speaker the diarization found in an episode: the label its cues carry ("S1"),
    the name a person gave or the show's voice prints matched, and the voice itself."""

    __tablename__ = "episode_speakers"
    __table_args__ = (UniqueConstraint("episode_id", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[str] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    speech_ms: Mapped[int] = mapped_column(Integer, default=0)
    centroid: Mapped[list | None] = mapped_column(JSON, nullable=True)
    pitch_hz: Mapped[float | None] = mapped_column(Float, nullable=True)
    # How the name came: "matched" (with its score) from the show's cast, or "named".
    name_source: Mapped[str | None] = mapped_column(String(20), nullable=True)
    match_score: Mapped[float | None] = mapped_column(Float, nullable=True)


class ShowCharacter(Base):
    """A show's named speaker, kept across episodes: the voice print (mean embedding of
    the episodes where a person named them) and the dub voice cast per language."""

    __tablename__ = "show_characters"
    __table_args__ = (UniqueConstraint("show", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    voice_print: Mapped[list | None] = mapped_column(JSON, nullable=True)
    print_episodes: Mapped[int] = mapped_column(Integer, default=0)
    pitch_hz: Mapped[float | None] = mapped_column(Float, nullable=True)
    # language ("*" for any) -> {"engine": ..., "voice": ..., "cast_by": "auto" | a user}
    voices: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WorkerHeartbeat(Base):
    """Live workers, so /health can count them on any broker."""

    __tablename__ = "worker_heartbeats"

    hostname: Mapped[str] = mapped_column(String(200), primary_key=True)
    queues: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    embedded: Mapped[bool] = mapped_column(Boolean, default=False)


class Review(Base):
    """A track's review round: one row per round; the latest round is the live one.
    Language, show and episode are copied here so the queue is one indexed table."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("track_id", "round"),
        Index("ix_reviews_queue", "live", "language", "state", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer, default=1)
    episode_id: Mapped[str] = mapped_column(String(32), index=True)
    language: Mapped[str] = mapped_column(String(35))
    show: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # source | translation
    state: Mapped[str] = mapped_column(String(20))
    live: Mapped[bool] = mapped_column(Boolean, default=True)  # the track's latest round
    assignee: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    priority: Mapped[int] = mapped_column(Integer, default=1)  # 0 low, 1 normal, 2 high, 3 urgent
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    waiver: Mapped[str | None] = mapped_column(Text, nullable=True)
    post_edit: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # edit rates at approval
    # Bumped by every change: an update names the version it read, so of two concurrent
    # claims exactly one matches (on SQLite and PostgreSQL alike).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AuditEntry(Base):
    """Every state change, by whom and when, with the ids before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(200), index=True)  # "review:12", "episode:ab12"
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class Rollout(Base):
    """A season (or any set of episodes) into many languages: a matrix of cells."""

    __tablename__ = "rollouts"
    __table_args__ = (UniqueConstraint("created_by", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_by: Mapped[str] = mapped_column(String(200))
    show: Mapped[str | None] = mapped_column(String(200), nullable=True)
    languages: Mapped[list] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    glossary: Mapped[str | None] = mapped_column(String(200), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    cells: Mapped[list[RolloutCell]] = relationship(
        back_populates="rollout", order_by="RolloutCell.id", cascade="all, delete-orphan"
    )


class RolloutCell(Base):
    """One (episode, language) of a rollout. Its progress is the episode's stages'."""

    __tablename__ = "rollout_cells"
    __table_args__ = (UniqueConstraint("rollout_id", "episode_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rollout_id: Mapped[str] = mapped_column(ForeignKey("rollouts.id", ondelete="CASCADE"))
    episode_id: Mapped[str] = mapped_column(ForeignKey("episodes.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(35))
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)

    rollout: Mapped[Rollout] = relationship(back_populates="cells")


class TranslationMemory(Base):
    """One scope's memory for one language pair: a show's, a franchise's, or the default."""

    __tablename__ = "translation_memories"
    __table_args__ = (UniqueConstraint("scope", "source_language", "target_language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))
    source_language: Mapped[str] = mapped_column(String(35))
    target_language: Mapped[str] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemoryUnitRow(Base):
    """A translation unit. Never edited: a later approval of the same source in the same
    context supersedes it (superseded_at), and the old one stays as history."""

    __tablename__ = "tm_units"
    __table_args__ = (Index("ix_tm_units_lookup", "memory_id", "source_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    memory_id: Mapped[int] = mapped_column(
        ForeignKey("translation_memories.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10))  # sentence | cue
    source_text: Mapped[str] = mapped_column(Text)
    target_text: Mapped[str] = mapped_column(Text)
    source_key: Mapped[str] = mapped_column(String(64))  # sha256 of the normalized source
    context_key: Mapped[str] = mapped_column(String(64))  # sha256 of the neighbours
    previous_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    following_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    token_count: Mapped[int] = mapped_column(Integer)
    # Where it came from: an approved revision ("<episode>/<language>/r<N>") or a file.
    episode_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    revision: Mapped[str | None] = mapped_column(String(120), nullable=True)
    origin: Mapped[str] = mapped_column(String(600))
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    changed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class MemoryPosting(Base):
    """The fuzzy index: each current unit under each distinct token of its source, with
    its token count, so a lookup reads only units of a length that can match."""

    __tablename__ = "tm_postings"

    memory_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    token_count: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("tm_units.id", ondelete="CASCADE"), primary_key=True
    )


class MemoryTokenCount(Base):
    """How many units a token was indexed under (superseded ones included: the count only
    chooses which of a query's tokens to probe, and any choice finds every match)."""

    __tablename__ = "tm_token_counts"

    memory_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(100), primary_key=True)
    units: Mapped[int] = mapped_column(Integer)
