"""Slow and idle clients must not take the API down: slowloris headers, a slow upload
body and idle keep-alive connections hang while /health keeps answering, on `locsvc up`
(embedded) and on `locsvc api --workers 2` (Redis + PostgreSQL). Loopback only."""

import socket
import threading
import time
import uuid

import pytest

from locsvc.adapters.db.migrate import upgrade

from ..conftest import ADMIN_TOKEN
from ..helpers import ServerProcess, children_of, http, multipart

pytestmark = pytest.mark.slow
SLOWLORIS_SOCKETS = 20
IDLE_KEEPALIVE_SOCKETS = 5
TRICKLE_EVERY_S = 0.5
HEALTH_PROBES = 6  # one every PROBE_EVERY_S: the slow clients hang for about 10 s
PROBE_EVERY_S = 2.0
HEALTH_WITHIN_S = 5.0  # a sync worker never answers while one client trickles


@pytest.fixture(params=["up", "api"])
def server(request, settings_overrides, tmp_path):
    if request.param == "up":
        process = ServerProcess(["up"], settings_overrides, tmp_path / "up.log")
    else:
        overrides = dict(
            settings_overrides,
            broker_url=request.getfixturevalue("redis_url"),
            database_url=request.getfixturevalue("postgres_url"),
        )
        upgrade(overrides["database_url"])
        process = ServerProcess(["api", "--workers", "2"], overrides, tmp_path / "api.log")
    process.start()
    yield process
    assert process.stop() == 0, process.log()[-3000:]


class SlowClients:
    """Sockets that each send a little every TRICKLE_EVERY_S and never finish a request,
    plus idle keep-alive connections that finished one and stay open."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.trickling: list[tuple[socket.socket, bytes]] = []
        self.idle: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def _connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def open(self) -> None:
        for _ in range(IDLE_KEEPALIVE_SOCKETS):
            sock = self._connect()
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
            self.idle.append(sock)
        for number in range(SLOWLORIS_SOCKETS):
            sock = self._connect()
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            self.trickling.append((sock, f"X-Slow-{number}: a\r\n".encode()))
        self.trickling.append(self._slow_upload())
        self._thread.start()

    def _slow_upload(self) -> tuple[socket.socket, bytes]:
        """An authenticated upload whose body promises 1 MB and arrives a few bytes a tick."""
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="show"\r\n\r\ndemo\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        sock = self._connect()
        sock.sendall(
            b"POST /api/v1/episodes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + f"Authorization: Bearer {ADMIN_TOKEN}\r\n".encode()
            + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
            + f"Content-Length: {1024 * 1024}\r\n\r\n".encode()
            + head
        )
        return sock, b"RIFF"

    def _trickle(self) -> None:
        while not self._stop.wait(TRICKLE_EVERY_S):
            for sock, chunk in self.trickling:
                try:
                    sock.sendall(chunk)
                except OSError:  # the server may drop a slow client: that is allowed
                    pass

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        for sock in [s for s, _ in self.trickling] + self.idle:
            sock.close()


def test_health_answers_while_slow_clients_hang(server, data_dir):
    clients = SlowClients(server.port)
    clients.open()
    try:
        for probe in range(HEALTH_PROBES):
            started = time.monotonic()
            try:
                status, body = http(f"{server.base}/health", timeout_s=HEALTH_WITHIN_S)
            except OSError as error:
                late = f"/health did not answer within {HEALTH_WITHIN_S:g} s"
                pytest.fail(f"probe {probe}: {late} ({error!r})")
            elapsed = time.monotonic() - started
            assert status == 200 and elapsed < HEALTH_WITHIN_S, (probe, status, body, elapsed)
            time.sleep(PROBE_EVERY_S)  # pacing: the slow clients keep hanging meanwhile
        # A whole upload meanwhile: database writes and the broker publish (SQLite and the
        # embedded queue; PostgreSQL and Redis) cooperate with the waiting connections.
        body, content_type = multipart(
            {"show": "demo", "source_language": "en"},
            "goforward.wav",
            (data_dir / "goforward.wav").read_bytes(),
        )
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": content_type}
        status, reply = http(f"{server.base}/episodes", body, headers, timeout_s=10)
        assert status == 202, reply
    finally:
        clients.close()
    assert http(f"{server.base}/health")[0] == 200
    assert "MonkeyPatchWarning" not in server.log()


def test_api_keeps_the_number_of_worker_processes(redis_url, postgres_url, settings_overrides,
                                                  tmp_path):  # fmt: skip
    overrides = dict(settings_overrides, broker_url=redis_url, database_url=postgres_url)
    upgrade(postgres_url)
    server = ServerProcess(["api", "--workers", "3"], overrides, tmp_path / "api.log")
    server.start()
    try:
        assert server.process is not None
        assert len(children_of(server.process.pid)) == 3  # the workers, no more
    finally:
        assert server.stop() == 0, server.log()[-3000:]
