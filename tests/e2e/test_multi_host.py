"""Hosts that share no filesystem: the API and two workers, each with a data directory of
its own, share only Redis, PostgreSQL and an S3-compatible object store (a real
SeaweedFS). An episode goes in with a target language, is dubbed, and its tracks and dub
come out of the API, which never saw a worker's disk."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from locsvc.adapters.db.migrate import upgrade
from locsvc.adapters.db.repositories import EpisodeRepository
from locsvc.app import create_app

from ..helpers import WorkerProcess, srt_text, upload_episode, wait_for_episode, wer
from .conftest import AUTH
from .test_dubbing import dub, fetch

pytestmark = pytest.mark.slow


@pytest.fixture
def hosts(tmp_path, settings_overrides, redis_url, postgres_url, object_store, monkeypatch):
    """Settings per host: the same services, a data directory each."""
    for name, value in object_store.environment().items():
        monkeypatch.setenv(name, value)  # the workers' environment is this one's
    shared = {**settings_overrides, "asr_model": "base", "broker_url": redis_url,
              "database_url": postgres_url,
              "storage_url": object_store.url(f"multi-host-{uuid.uuid4().hex[:8]}")}  # fmt: skip
    return {host: {**shared, "data_dir": str(tmp_path / host)}
            for host in ("api", "worker-a", "worker-b")}  # fmt: skip


def api_with_episode(settings: dict, media_dir):
    """The API host (this process) and the episode it was sent: the JFK video, into es."""
    app = create_app(settings)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    api = app.test_client()
    response = upload_episode(api, AUTH, media_dir / "jfk.mp4", name="jfk.mp4",
                              source_language="en", targets="es")  # fmt: skip
    assert response.status_code == 202, response.json
    return app, api, response.json["id"]


def test_an_episode_crosses_hosts_through_the_object_store(
    hosts, start_worker, media_dir, data_dir, apertium, tmp_path
):
    app, api, episode_id = api_with_episode(hosts["api"], media_dir)
    workers = [start_worker(hosts[name]) for name in ("worker-a", "worker-b")]
    view = wait_for_episode(api, episode_id, AUTH)
    assert view["status"] == "ready", (view, [w.log()[-2000:] for w in workers])
    report = dub(api, episode_id, "es")
    assert report["status"] == "done"

    english = api.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=srt", headers=AUTH)
    reference = (data_dir / "jfk" / "jfk.reference.txt").read_text()
    assert wer(reference, srt_text(english.text)) <= 0.10, english.text
    spanish = api.get(f"/api/v1/episodes/{episode_id}/tracks/es?format=srt", headers=AUTH)
    assert spanish.status_code == 200 and "-->" in spanish.text
    wav = fetch(api, episode_id, "es", "wav")
    assert wav[:4] == b"RIFF" and len(wav) > 100_000

    # Nothing went through a shared disk: no host has media storage of its own, the
    # workers each fetched what they read into their own cache, and the API's cache holds
    # what it served, fetched from the store.
    for host in hosts.values():
        assert not (tmp_path / host["data_dir"] / "media").exists()
    caches = {name: tmp_path / name / "object-cache" / "objects" for name in hosts}
    assert any(caches["worker-a"].rglob("*")) or any(caches["worker-b"].rglob("*"))
    with app.extensions["locsvc"].db.session() as session:
        stages = EpisodeRepository(session).get(episode_id).stages
        timeline = [(s.name, s.claimed_by, s.started_at, s.finished_at) for s in stages]
    print("\nstage timeline (multi-host):")
    start = min(t[2] for t in timeline if t[2])
    for name, worker, began, ended in timeline:
        if began and ended:
            since, until = ((t - start).total_seconds() for t in (began, ended))
            print(f"  {name:<16} {worker or 'api':<40} {since:7.2f} -> {until:7.2f} s")
    assert {w for _, w, _, _ in timeline if w} <= {w.hostname for w in workers}
    app.extensions["locsvc"].db.dispose()


def test_workers_in_network_namespaces_reach_only_the_services(
    hosts,
    namespace_hosts,
    media_dir,
    apertium,
    tmp_path,
    object_store,
):
    """The same, with each worker a host of its own: a network namespace joined to this
    one by a veth pair, where only Redis, PostgreSQL and the object store are reachable
    (forwarded to its gateway address)."""
    from urllib.parse import urlsplit

    ports = [6379, 5432, urlsplit(object_store.endpoint_url).port]
    netns = namespace_hosts(2, ports)
    app, api, episode_id = api_with_episode(hosts["api"], media_dir)
    workers = []
    for name, host in zip(("worker-a", "worker-b"), netns.hosts, strict=True):
        settings = {key: value.replace("127.0.0.1", host.gateway) if isinstance(value, str)
                    else value for key, value in hosts[name].items()}  # fmt: skip
        endpoint = object_store.endpoint_url.replace("127.0.0.1", host.gateway)
        worker = WorkerProcess(settings, tmp_path / f"{name}.log", prefix=host.prefix,
                               extra_env=object_store.environment(endpoint))  # fmt: skip
        worker.start()
        workers.append(worker)
    try:
        view = wait_for_episode(api, episode_id, AUTH)
        assert view["status"] == "ready", (view, [w.log()[-2000:] for w in workers])
        assert dub(api, episode_id, "es")["status"] == "done"
        assert "-->" in api.get(f"/api/v1/episodes/{episode_id}/tracks/es?format=srt",
                                headers=AUTH).text  # fmt: skip
        assert fetch(api, episode_id, "es", "wav")[:4] == b"RIFF"
        with app.extensions["locsvc"].db.session() as session:
            ran = {s.claimed_by for s in EpisodeRepository(session).get(episode_id).stages}
        assert ran - {None} <= {w.hostname for w in workers}
        # Inside a namespace this host's loopback services are out of reach.
        probe = subprocess.run([*netns.hosts[0].prefix, sys.executable, "-c",
                                "import socket; socket.create_connection(('127.0.0.1', 6379), 2)"],
                               capture_output=True)  # fmt: skip
        assert probe.returncode != 0
    finally:
        for worker in workers:
            worker.stop()
    app.extensions["locsvc"].db.dispose()
