"""Migrations and repositories, on SQLite and on a real PostgreSQL."""

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from locsvc.adapters.db.engine import Database
from locsvc.adapters.db.migrate import (
    current_revision,
    downgrade,
    head_revision,
    require_current,
    upgrade,
)
from locsvc.adapters.db.models import Base, Episode, StageRun, utcnow
from locsvc.adapters.db.repositories import EpisodeRepository, TrackRepository
from locsvc.domain.errors import SchemaOutOfDate
from locsvc.domain.pipeline import SOURCE_PIPELINE, Stage, StageStatus


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url):
    upgrade(database_url)
    database = Database(database_url)
    yield database
    database.dispose()


def test_migrations_match_models_and_go_both_ways(database_url):
    database = Database(database_url)
    with pytest.raises(SchemaOutOfDate):
        require_current(database.engine)
    upgrade(database_url)
    require_current(database.engine)
    assert current_revision(database.engine) == head_revision()
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    downgrade(database_url, "base")
    assert current_revision(database.engine) is None
    database.dispose()


def add_episode(database: Database, episode_id: str = "e1") -> None:
    with database.session() as session:
        session.add(
            Episode(
                id=episode_id,
                title="t",
                show="s",
                status="queued",
                media_sha256="0" * 64,
                media_size=1,
                original_filename="f.wav",
                media_info={},
                asr_model="tiny.en",
                created_by="test",
                stages=[
                    StageRun(
                        name=s, position=i, status=StageStatus.PENDING, progress=0.0, attempts=0
                    )
                    for i, s in enumerate(SOURCE_PIPELINE)
                ],
            )
        )


def claim(database, token, now, stale_before=None):
    with database.session() as session:
        return EpisodeRepository(session).claim_stage(
            "e1", Stage.PROBE, token, "w", now, stale_before or now - timedelta(seconds=60)
        )


def test_only_one_claim_wins_until_the_holder_goes_stale(database):
    add_episode(database)
    now = utcnow()
    assert claim(database, "a", now)
    assert not claim(database, "b", now)
    later = now + timedelta(seconds=61)
    assert claim(database, "b", later, stale_before=later - timedelta(seconds=60))
    with database.session() as session:
        repo = EpisodeRepository(session)
        # The first holder has lost its claim: it can neither beat nor finish.
        assert not repo.beat("e1", Stage.PROBE, "a", later, 0.5)
        assert not repo.finish_stage("e1", Stage.PROBE, "a", later, None, None)
        assert repo.beat("e1", Stage.PROBE, "b", later, 0.5)
        assert repo.finish_stage("e1", Stage.PROBE, "b", later, "f" * 64, {"k": 1})
        row = repo.stage("e1", Stage.PROBE)
        assert (row.status, row.attempts, row.artifact_info) == ("done", 2, {"k": 1})
    assert not claim(database, "c", later + timedelta(hours=1))


def test_stale_running_stages_are_found(database):
    add_episode(database)
    now = utcnow()
    claim(database, "a", now)
    with database.session() as session:
        repo = EpisodeRepository(session)
        assert repo.stale_running(now - timedelta(seconds=1)) == []
        assert repo.stale_running(now + timedelta(seconds=1)) == [("e1", Stage.PROBE)]


def test_revisions_are_numbered_per_track(database):
    add_episode(database)
    with database.session() as session:
        tracks = TrackRepository(session)
        track = tracks.get_or_create("e1", "en", "source")
        assert tracks.get_or_create("e1", "en", "source").id == track.id
        numbers = [tracks.add_revision(track, "a" * 64, 3, "pipeline").number for _ in range(3)]
    assert numbers == [1, 2, 3]
    with database.session() as session:
        assert [r.number for r in TrackRepository(session).find("e1", "en").revisions] == [1, 2, 3]


def test_timestamps_come_back_in_utc(database):
    add_episode(database)
    with database.session() as session:
        created = EpisodeRepository(session).get("e1").created_at
    assert created.utcoffset() == timedelta(0)


def test_a_stale_stage_is_released_once(database):
    add_episode(database)
    now = utcnow()
    claim(database, "a", now)
    later = now + timedelta(seconds=61)
    cutoff = later - timedelta(seconds=60)
    with database.session() as session:
        repo = EpisodeRepository(session)
        assert repo.release_stale("e1", Stage.PROBE, cutoff)
        assert not repo.release_stale("e1", Stage.PROBE, cutoff)  # a second reaper: nothing
        assert repo.stage("e1", Stage.PROBE).status == "pending"
        assert not repo.beat("e1", Stage.PROBE, "a", later, 0.9)  # the old holder lost it
    assert claim(database, "b", later)
