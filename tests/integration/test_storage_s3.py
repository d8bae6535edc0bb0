"""S3Storage against a real SeaweedFS server: the contract FsStorage meets (the same cases
run on both), and what only an object store has: hosts that share no disk, a bounded
cache, ranged reads, large streamed uploads in flat memory, and clear errors."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from locsvc.adapters.storage_fs import FsStorage
from locsvc.adapters.storage_s3 import S3Storage
from locsvc.domain.errors import (
    ConfigError,
    InvalidRequest,
    LocsvcError,
    NotFound,
    StorageUnavailable,
    UploadTooLarge,
)
from locsvc.ports import Storage

from ..seaweedfs import ObjectStore, free_ports

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]


def s3_storage(store: ObjectStore, cache_dir: Path, cache_max_bytes: int = 1024 * MB,
               prefix: str | None = None, **options) -> S3Storage:  # fmt: skip
    """An S3Storage on the test server under its own prefix (a fresh one by default)."""
    return S3Storage(
        store.url(prefix if prefix is not None else f"t-{uuid.uuid4().hex[:12]}"),
        cache_dir,
        cache_max_bytes,
        store.endpoint_url,
        access_key_id=store.access_key_id,
        secret_access_key=store.secret_access_key,
        **options,
    )


def stored_keys(storage: FsStorage | S3Storage) -> list[str]:
    """Every blob the storage holds (on disk, or in the bucket under its prefix)."""
    if isinstance(storage, FsStorage):
        return sorted(p.name for p in (storage.root / "objects").glob("*/*"))
    listing = storage._client.list_objects_v2(Bucket=storage.bucket, Prefix=storage.prefix + "/")
    return sorted(item["Key"].rsplit("/", 1)[1] for item in listing.get("Contents", []))


def cached_files(storage: S3Storage) -> list[Path]:
    return sorted((storage.cache_dir / "objects").glob("*/*"))


def cache_bytes(storage: S3Storage) -> int:
    return sum(p.stat().st_size for p in cached_files(storage))


@pytest.fixture(params=["fs", "s3"])
def storage(request, tmp_path) -> FsStorage | S3Storage:
    if request.param == "fs":
        return FsStorage(tmp_path / "fs")
    return s3_storage(request.getfixturevalue("object_store"), tmp_path / "cache")


# -- the contract, on both -----------------------------------------------------------------


def test_content_addressed_and_deduplicated(storage):
    first = storage.put_bytes(b"episode")
    second = storage.put_bytes(b"episode")
    assert first == second
    assert first.sha256 == hashlib.sha256(b"episode").hexdigest()
    assert storage.read_bytes(first.sha256) == b"episode"
    assert storage.exists(first.sha256)
    assert stored_keys(storage) == [first.sha256]
    assert list(storage.temp_dir().iterdir()) == []


def test_streamed_writer_hashes_and_commits(storage):
    writer = storage.writer(max_bytes=10)
    writer.write(b"abc")
    writer.write(b"def")
    blob = storage.commit_writer(writer)
    assert blob.size == 6 and storage.read_bytes(blob.sha256) == b"abcdef"
    assert blob.sha256 == hashlib.sha256(b"abcdef").hexdigest()
    assert not writer.path.exists()
    storage.discard(writer.path)  # what the API does after committing: a no-op


def test_writer_refuses_past_the_limit_and_leaves_nothing_behind(storage):
    writer = storage.writer(max_bytes=4)
    with pytest.raises(UploadTooLarge):
        writer.write(b"12345")
    writer.close()
    storage.discard(writer.path)
    assert list(storage.temp_dir().iterdir()) == []
    assert stored_keys(storage) == []


def test_adopt_hashes_a_finished_temp_file_and_moves_it(storage):
    temp = storage.temp_path(".wav")
    temp.write_bytes(b"RIFF audio")
    blob = storage.adopt(temp)
    assert blob.sha256 == hashlib.sha256(b"RIFF audio").hexdigest() and blob.size == 10
    assert not temp.exists()
    assert storage.path(blob.sha256).read_bytes() == b"RIFF audio"
    again = storage.temp_path()
    again.write_bytes(b"RIFF audio")
    assert storage.adopt(again) == blob and not again.exists()  # already stored


def test_scratch_dir_files_adopted(storage):
    # The dub stage's shape: a TemporaryDirectory inside temp_dir(), files adopted from it.
    with tempfile.TemporaryDirectory(dir=storage.temp_dir()) as scratch:
        made = Path(scratch) / "mixed.wav"
        made.write_bytes(b"mix")
        blob = storage.adopt(made)
    with storage.open(blob.sha256) as stored:
        assert stored.read() == b"mix"


def test_missing_object_is_not_found(storage):
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert not storage.exists(missing)
    with pytest.raises(NotFound):
        storage.read_bytes(missing)
    with pytest.raises(NotFound):
        storage.open(missing)


# -- only an object store --------------------------------------------------------------------


def test_keys_are_laid_out_as_on_disk_under_the_prefix(object_store, tmp_path):
    storage = s3_storage(object_store, tmp_path / "cache", prefix="some/prefix")
    blob = storage.put_bytes(b"layout")
    key = f"some/prefix/objects/{blob.sha256[:2]}/{blob.sha256}"
    head = object_store.client().head_object(Bucket=object_store.bucket, Key=key)
    assert head["ContentLength"] == 6
    assert storage.path(blob.sha256) == tmp_path / "cache" / "objects" / key.split("objects/")[1]


def test_two_hosts_see_each_others_blobs(object_store, tmp_path):
    prefix = f"shared-{uuid.uuid4().hex[:8]}"
    api = s3_storage(object_store, tmp_path / "api-host", prefix=prefix)
    worker = s3_storage(object_store, tmp_path / "worker-host", prefix=prefix)
    upload = api.put_bytes(b"an uploaded episode")
    assert worker.exists(upload.sha256)
    assert worker.path(upload.sha256).read_bytes() == b"an uploaded episode"
    assert worker.path(upload.sha256).is_relative_to(tmp_path / "worker-host")
    artifact = worker.put_bytes(b'{"cues": []}')
    assert api.read_bytes(artifact.sha256) == b'{"cues": []}'
    assert api.size(artifact.sha256) == 12


def test_cache_stays_under_its_bound_evicting_least_recently_used(object_store, tmp_path):
    prefix = f"lru-{uuid.uuid4().hex[:8]}"
    writer_host = s3_storage(object_store, tmp_path / "writer", cache_max_bytes=0, prefix=prefix)
    blobs = [writer_host.put_bytes(os.urandom(MB)) for _ in range(6)]
    assert cached_files(writer_host) == []  # a cache of 0 bytes keeps nothing
    bound = 3 * MB
    reader = s3_storage(object_store, tmp_path / "reader", cache_max_bytes=bound, prefix=prefix)
    for blob in blobs:
        path = reader.path(blob.sha256)
        assert path.is_file() and path.stat().st_size == MB  # never evicts what it returns
        assert cache_bytes(reader) <= bound
    assert [p.name for p in cached_files(reader)] == sorted(b.sha256 for b in blobs[3:])
    reader.path(blobs[3].sha256)  # used again: now the most recent
    reader.path(blobs[0].sha256)  # fetched again: evicts the least recent, blobs[4]
    assert {p.name for p in cached_files(reader)} == {blobs[i].sha256 for i in (0, 3, 5)}
    big = reader.put_bytes(os.urandom(4 * MB))  # larger than the whole cache: store only
    assert cache_bytes(reader) <= bound and reader.exists(big.sha256)
    assert reader.path(big.sha256).stat().st_size == 4 * MB  # returned, though over the bound
    assert cached_files(reader) == [reader.path(big.sha256)]


def test_range_reads_return_exactly_those_bytes(object_store, tmp_path):
    prefix = f"range-{uuid.uuid4().hex[:8]}"
    data = os.urandom(3 * MB + 17)
    sha = (
        s3_storage(object_store, tmp_path / "up", cache_max_bytes=0, prefix=prefix)
        .put_bytes(data)
        .sha256
    )
    player = s3_storage(object_store, tmp_path / "player", prefix=prefix)
    assert player.size(sha) == len(data)
    assert player.read_range(sha, 1000, 5000) == data[1000:5000]
    assert player.read_range(sha, 0, 1) == data[:1]
    assert player.read_range(sha, len(data) - 10) == data[-10:]
    assert player.read_range(sha, 2 * MB, 10 * MB) == data[2 * MB :]  # end clamped
    assert player.read_range(sha, 7, 7) == b""
    chunks = list(player.open_range(sha, 100, 100 + MB, chunk_bytes=256 * 1024))
    assert b"".join(chunks) == data[100 : 100 + MB] and len(chunks) >= 4
    assert cached_files(player) == []  # ranged reads download nothing whole
    with pytest.raises(InvalidRequest):
        player.read_range(sha, len(data) + 5)
    player.path(sha)  # now cached: served from the local file, same bytes
    assert player.read_range(sha, 1000, 5000) == data[1000:5000]
    assert player.read_range(sha, len(data) - 10) == data[-10:]
    with pytest.raises(InvalidRequest):
        player.read_range(sha, len(data) + 5)
    with pytest.raises(NotFound):
        player.open_range(hashlib.sha256(b"absent").hexdigest(), 0, 10)


# An abandoned GET's connection is closed by the garbage collector, not by s3transfer.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize(
    ("failure", "raised"),
    [(ConnectionResetError, StorageUnavailable), (RuntimeError, RuntimeError)],
    ids=["network", "bug"],
)
def test_an_interrupted_download_leaves_no_half_file(object_store, tmp_path, failure, raised):
    prefix = f"cut-{uuid.uuid4().hex[:8]}"
    data = os.urandom(8 * MB)
    sha = (
        s3_storage(object_store, tmp_path / "up", cache_max_bytes=0, prefix=prefix)
        .put_bytes(data)
        .sha256
    )
    moved = []

    def cut(count: int) -> None:  # after two chunks; every retry is cut too
        if count > 0:  # (a retry first calls back with minus what it takes back)
            moved.append(count)
            if len(moved) > 2:
                raise failure("mid-download")

    reader = s3_storage(object_store, tmp_path / "cache", prefix=prefix, progress=cut)
    with pytest.raises(raised):
        reader.path(sha)
    assert cached_files(reader) == [] and list(reader.temp_dir().iterdir()) == []
    again = s3_storage(object_store, tmp_path / "cache", prefix=prefix)
    assert hashlib.sha256(again.path(sha).read_bytes()).hexdigest() == sha
    del reader
    gc.collect()  # the abandoned connection's warning here, where it is expected, not later


def test_a_killed_download_leaves_no_half_file(object_store, tmp_path):
    prefix = f"kill-{uuid.uuid4().hex[:8]}"
    data = os.urandom(16 * MB)
    sha = (
        s3_storage(object_store, tmp_path / "up", cache_max_bytes=0, prefix=prefix)
        .put_bytes(data)
        .sha256
    )
    cache = tmp_path / "cache"
    script = (
        "import sys, time\n"
        "from locsvc.adapters.storage_s3 import S3Storage\n"
        "def stall(moved):\n"
        "    print('downloading', flush=True); time.sleep(60)\n"
        "s = S3Storage(sys.argv[1], sys.argv[2], 1 << 30, sys.argv[3], access_key_id=sys.argv[4],"
        " secret_access_key=sys.argv[5], progress=stall)\n"
        "s.path(sys.argv[6])\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, object_store.url(prefix), str(cache),
         object_store.endpoint_url, object_store.access_key_id,
         object_store.secret_access_key, sha],
        stdout=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        assert child.stdout is not None and child.stdout.readline() == b"downloading\n"
        os.killpg(child.pid, signal.SIGKILL)  # no cleanup runs: the harshest case
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert cached_files(s3_storage(object_store, cache, prefix=prefix)) == []
    assert s3_storage(object_store, cache, prefix=prefix).path(sha).read_bytes() == data


def test_a_download_with_other_content_is_refused(object_store, tmp_path):
    prefix = f"corrupt-{uuid.uuid4().hex[:8]}"
    storage = s3_storage(object_store, tmp_path / "cache", prefix=prefix)
    sha = hashlib.sha256(b"the real bytes").hexdigest()
    object_store.client().put_object(Bucket=storage.bucket, Key=storage.key(sha), Body=b"other")
    with pytest.raises(StorageUnavailable, match="other content"):
        storage.path(sha)
    assert cached_files(storage) == [] and list(storage.temp_dir().iterdir()) == []


MEASURE = """
import os, sys, time
from pathlib import Path
from locsvc.adapters.storage_s3 import S3Storage
url, cache, endpoint, key, secret, megabytes = sys.argv[1:7]
storage = S3Storage(url, Path(cache), 0, endpoint, access_key_id=key, secret_access_key=secret)
storage.check()
writer = storage.writer(max_bytes=None)
chunk = os.urandom(1024 * 1024)
for i in range(int(megabytes)):
    writer.write(i.to_bytes(8, "big") + chunk[8:])  # no two chunks alike
blob = storage.commit_writer(writer)
status = Path("/proc/self/status").read_text()
hwm = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
print(blob.sha256, blob.size, hwm * 1024)
"""


def upload_in_subprocess(store: ObjectStore, prefix: str, cache: Path, megabytes: int):
    """(sha256, size, peak RSS in bytes) of a process streaming ``megabytes`` through
    writer + commit_writer, as the API's upload does."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, store.url(prefix), str(cache), store.endpoint_url,
         store.access_key_id, store.secret_access_key, str(megabytes)],
        capture_output=True, text=True, timeout=300, check=True, cwd=ROOT,
    )  # fmt: skip
    sha, size, peak = done.stdout.split()
    return sha, int(size), int(peak)


def test_a_large_streamed_upload_is_stored_whole_in_flat_memory(object_store, tmp_path):
    prefix = f"large-{uuid.uuid4().hex[:8]}"
    _, _, small_peak = upload_in_subprocess(object_store, prefix, tmp_path / "a", 20)
    sha, size, large_peak = upload_in_subprocess(object_store, prefix, tmp_path / "b", 100)
    assert size == 100 * MB
    assert large_peak - small_peak < 40 * MB, (small_peak, large_peak)
    key = f"{prefix}/objects/{sha[:2]}/{sha}"
    head = object_store.client().head_object(Bucket=object_store.bucket, Key=key)
    assert head["ContentLength"] == 100 * MB
    assert head.get("ETag", "").strip('"').endswith("-7")  # 16 MiB parts: a multipart upload
    digest = hashlib.sha256()
    body = object_store.client().get_object(Bucket=object_store.bucket, Key=key)["Body"]
    for chunk in body.iter_chunks(MB):
        digest.update(chunk)
    assert digest.hexdigest() == sha
    assert list((tmp_path / "b" / "tmp").iterdir()) == []


# -- errors ------------------------------------------------------------------------------------


def test_refused_credentials_are_a_clear_error(object_store, tmp_path):
    storage = S3Storage(object_store.url("p"), tmp_path, MB, object_store.endpoint_url,
                        access_key_id=object_store.access_key_id,
                        secret_access_key="not-the-secret")  # fmt: skip
    with pytest.raises(StorageUnavailable, match="refused the credentials") as caught:
        storage.exists(hashlib.sha256(b"x").hexdigest())
    assert isinstance(caught.value, LocsvcError) and caught.value.code == "storage_unavailable"
    assert object_store.endpoint_url in str(caught.value)
    with pytest.raises(StorageUnavailable, match="refused the credentials"):
        storage.put_bytes(b"x")
    assert list(storage.temp_dir().iterdir()) == []
    unknown = S3Storage(object_store.url("p"), tmp_path, MB, object_store.endpoint_url,
                        access_key_id="nobody", secret_access_key="nothing")  # fmt: skip
    with pytest.raises(StorageUnavailable, match="refused the credentials"):
        unknown.read_bytes(hashlib.sha256(b"x").hexdigest())


def test_a_missing_bucket_is_a_clear_error_and_ensure_bucket_makes_it(object_store, tmp_path):
    name = f"fresh-{uuid.uuid4().hex[:12]}"
    storage = S3Storage(f"s3://{name}", tmp_path, MB, object_store.endpoint_url,
                        access_key_id=object_store.access_key_id,
                        secret_access_key=object_store.secret_access_key)  # fmt: skip
    with pytest.raises(StorageUnavailable, match=f"bucket '{name}' does not exist"):
        storage.exists(hashlib.sha256(b"x").hexdigest())
    with pytest.raises(StorageUnavailable, match="does not exist"):
        storage.put_bytes(b"x")
    storage.ensure_bucket()
    storage.ensure_bucket()  # already there: fine
    blob = storage.put_bytes(b"first object")
    assert storage.key(blob.sha256) == f"objects/{blob.sha256[:2]}/{blob.sha256}"  # no prefix
    assert storage.read_bytes(blob.sha256) == b"first object"


def test_an_unreachable_endpoint_is_a_clear_error(tmp_path):
    (port,) = free_ports(1)  # nothing listens there
    storage = S3Storage("s3://bucket/p", tmp_path, MB, f"http://127.0.0.1:{port}",
                        access_key_id="k", secret_access_key="s")  # fmt: skip
    with pytest.raises(StorageUnavailable, match="cannot be reached") as caught:
        storage.path(hashlib.sha256(b"x").hexdigest())
    assert f"127.0.0.1:{port}" in str(caught.value)
    restored = pickle.loads(pickle.dumps(caught.value))  # crosses Celery processes
    assert type(restored) is StorageUnavailable and restored.details == caught.value.details


def test_no_credentials_at_all_is_a_clear_error(tmp_path, monkeypatch):
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    (port,) = free_ports(1)
    storage = S3Storage("s3://bucket/p", tmp_path, MB, f"http://127.0.0.1:{port}")
    with pytest.raises(StorageUnavailable, match="no credentials"):
        storage.exists(hashlib.sha256(b"x").hexdigest())


@pytest.mark.parametrize("url", ["bucket/prefix", "s3://", "file:///var/media", "s3://b/p?x=1"])
def test_a_malformed_url_is_a_config_error(url, tmp_path):
    with pytest.raises(ConfigError):
        S3Storage(url, tmp_path, MB)


def test_endpoint_and_credentials_from_the_standard_variables(object_store, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", object_store.endpoint_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", object_store.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", object_store.secret_access_key)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    storage = S3Storage(object_store.url(f"env-{uuid.uuid4().hex[:8]}"), tmp_path, MB)
    blob = storage.put_bytes(b"configured from the environment")
    assert storage.endpoint == object_store.endpoint_url
    assert storage._client.meta.region_name == "us-east-1"
    assert stored_keys(storage) == [blob.sha256]


def test_it_fills_the_storage_port_and_forked_children_get_their_own_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage: Storage = S3Storage("s3://bucket/p", tmp_path, MB, "http://127.0.0.1:9")  # mypy
    assert isinstance(storage, S3Storage)
    parent = storage._client
    assert storage._client is parent
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in a Celery pool child after fork
    assert storage._client is not parent


def test_storage_init_creates_the_bucket_and_checks_the_keys(object_store, tmp_path):
    from click.testing import CliRunner

    from locsvc.cli import main

    bucket = f"init-{uuid.uuid4().hex[:8]}"
    env = {"LOCSVC_DATA_DIR": str(tmp_path), "LOCSVC_STORAGE_URL": f"s3://{bucket}/media",
           **object_store.environment()}  # fmt: skip
    for _ in range(2):  # a second run finds it ready
        result = CliRunner().invoke(main, ["storage", "init"], env=env)
        assert result.exit_code == 0, result.output
        assert "ready" in result.output
    object_store.client().head_bucket(Bucket=bucket)
    refused = CliRunner().invoke(main, ["storage", "init"],
                                 env={**env, "AWS_SECRET_ACCESS_KEY": "wrong"})  # fmt: skip
    assert refused.exit_code == 2 and "storage_unavailable" in refused.output


def test_the_player_seeks_in_media_straight_from_the_store(
    object_store, settings_overrides, data_dir, monkeypatch
):
    """The review page's player gets byte ranges by ranged GETs, not a whole copy first."""
    import re
    import shutil

    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app

    from ..conftest import ADMIN_TOKEN
    from ..helpers import upload_episode

    for name, value in object_store.environment().items():
        monkeypatch.setenv(name, value)
    prefix = f"player-{uuid.uuid4().hex[:8]}"
    app = create_app({**settings_overrides, "storage_url": object_store.url(prefix)})
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    media = (data_dir / "jfk" / "jfk.mp3").read_bytes()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    response = upload_episode(client, auth, data=media, name="jfk.mp3")
    assert response.status_code == 202, response.json
    episode_id = response.json["id"]
    shutil.rmtree(app.extensions["locsvc"].settings.storage_cache_dir)  # another host's API
    page = client.get("/app/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    form = {"token": ADMIN_TOKEN, **({"csrf": csrf.group(1)} if csrf else {})}
    assert client.post("/app/sign-in", data=form).status_code == 302

    part = client.get(f"/app/media/{episode_id}", headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.data == media[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{len(media)}"
    assert part.mimetype == "audio/mpeg"
    whole = client.get(f"/app/media/{episode_id}")
    assert whole.status_code == 200 and whole.data == media
    beyond = client.get(f"/app/media/{episode_id}", headers={"Range": f"bytes={len(media)}-"})
    assert beyond.status_code == 416
    cached = app.extensions["locsvc"].settings.storage_cache_dir / "objects"
    assert not cached.exists() or not any(cached.rglob("*"))  # nothing copied whole
    app.extensions["locsvc"].db.dispose()
