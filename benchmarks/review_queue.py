"""Review queue latency on PostgreSQL (issue 5): listing pages and claiming, with 1,000
and 10,000 tracks in review, through the Flask app (in process: app + database, no
network).

    python benchmarks/review_queue.py [--admin-url postgresql://postgres@127.0.0.1:5432/test]

Creates a scratch database beside the admin URL's and drops it afterwards. Prints
median and 95th percentile per operation and the 10,000 / 1,000 ratio: with keyset
pages on an index the ratio stays near 1.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime

LANGUAGES = ("es", "fr", "de", "it", "pt-BR")
PAGE = 50
SAMPLES = 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    results = {size: measure(args.admin_url, size) for size in (1_000, 10_000)}
    print(f"PostgreSQL, Flask test client, {SAMPLES} samples each (claims: 199 at 1k);"
          " milliseconds")  # fmt: skip
    print(f"{'operation':<40}{'1k p50':>9}{'1k p95':>9}{'10k p50':>9}{'10k p95':>9}{'ratio':>8}")
    for name in results[1_000]:
        small, large = results[1_000][name], results[10_000][name]
        print(f"{name:<40}{small[0]:>9.2f}{small[1]:>9.2f}{large[0]:>9.2f}{large[1]:>9.2f}"
              f"{large[0] / small[0]:>8.2f}")  # fmt: skip


def measure(admin_url: str, tracks: int) -> dict[str, tuple[float, float]]:
    import psycopg

    name = f"locsvc_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        return _measure(f"{url}/{name}", tracks)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _measure(database_url: str, tracks: int) -> dict[str, tuple[float, float]]:
    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app
    from locsvc.services.auth import create_user

    app = create_app(
        {"data_dir": tempfile.mkdtemp(), "database_url": database_url, "admin_token": "bench"}
    )
    ctx = app.extensions["locsvc"]
    upgrade(database_url)
    fill(ctx.db, tracks)
    client = app.test_client()
    admin = {"Authorization": "Bearer bench"}
    linguist = {"Authorization": f"Bearer {create_user(ctx.db, 'ana', 'linguist', 'es')[1]}"}
    page = client.get(f"/api/v1/reviews?limit={PAGE}", headers=admin).json
    assert len(page["items"]) == PAGE and page["next"] is not None  # paginated
    deep_cursor = _deep_cursor(ctx.db)
    queued_es = _ids(ctx.db, "es")
    random.Random(1).shuffle(queued_es)

    def claim() -> None:
        response = client.post(f"/api/v1/reviews/{queued_es.pop()}/claim", headers=linguist)
        assert response.status_code == 200, response.json

    operations = {
        "list first page (admin)": lambda: client.get(
            f"/api/v1/reviews?limit={PAGE}", headers=admin),
        "list es + queued (linguist)": lambda: client.get(
            f"/api/v1/reviews?limit={PAGE}&state=queued", headers=linguist),
        "list a deep page (cursor near the end)": lambda: client.get(
            f"/api/v1/reviews?limit={PAGE}&cursor={deep_cursor}", headers=admin),
        "claim": claim,
    }  # fmt: skip
    # Each claim takes a fresh queued track; the 1k database has 200 Spanish ones.
    counts = {"claim": min(SAMPLES, len(queued_es) - 1)}
    return {name: _timed(action, counts.get(name, SAMPLES)) for name, action in operations.items()}


def _timed(action, count: int) -> tuple[float, float]:
    action()  # warm
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]


def fill(db, tracks: int) -> None:
    """``tracks`` translation tracks over tracks / 5 episodes, each with a revision and a
    queued review, inserted in bulk."""
    from sqlalchemy import insert

    from locsvc.adapters.db.models import Episode, Review, Track, TrackRevision

    now = datetime.now(UTC)
    episodes = tracks // len(LANGUAGES)
    with db.session() as session:
        session.execute(insert(Episode), [
            {"id": f"ep{n:08d}", "title": f"Episode {n}", "show": f"show-{n % 40}",
             "status": "ready", "media_sha256": "0" * 64, "media_size": 1,
             "original_filename": "x.mp4", "media_info": {}, "asr_model": "base",
             "created_by": "bench", "created_at": now, "updated_at": now}
            for n in range(episodes)
        ])  # fmt: skip
        session.execute(insert(Track), [
            {"id": n + 1, "episode_id": f"ep{n // len(LANGUAGES):08d}",
             "language": LANGUAGES[n % len(LANGUAGES)], "kind": "translation",
             "state": "draft", "created_at": now}
            for n in range(tracks)
        ])  # fmt: skip
        session.execute(insert(TrackRevision), [
            {"track_id": n + 1, "number": 1, "cues_sha256": "0" * 64, "cue_count": 700,
             "author": "pipeline", "created_at": now,
             "qc": {"errors": n % 3, "warnings": n % 7, "glossary_issues": n % 2}}
            for n in range(tracks)
        ])  # fmt: skip
        session.execute(insert(Review), [
            {"track_id": n + 1, "round": 1, "episode_id": f"ep{n // len(LANGUAGES):08d}",
             "language": LANGUAGES[n % len(LANGUAGES)], "show": f"show-{(n // 5) % 40}",
             "kind": "translation", "state": "queued", "live": True, "priority": 1,
             "version": 1, "created_at": now, "updated_at": now}
            for n in range(tracks)
        ])  # fmt: skip
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")


def _deep_cursor(db) -> int:
    from sqlalchemy import func, select

    from locsvc.adapters.db.models import Review

    with db.session() as session:
        return int(session.scalar(select(func.min(Review.id))) or 0) + PAGE


def _ids(db, language: str) -> list[int]:
    from sqlalchemy import select

    from locsvc.adapters.db.models import Review

    with db.session() as session:
        return list(session.scalars(select(Review.id).where(Review.language == language)))


if __name__ == "__main__":
    main()
