"""Test helpers: worker and server processes, waiting on conditions, /proc, episodes, WER."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path

import jiwer
from werkzeug.test import EnvironBuilder

from locsvc.adapters.db.engine import Database
from locsvc.config import Settings
from locsvc.services.workers import worker_registered

WORKER_START_TIMEOUT_S = 90
SERVER_START_TIMEOUT_S = 90


def env_for(overrides: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCSVC_")}
    env.update({f"LOCSVC_{key.upper()}": str(value) for key, value in overrides.items()})
    return env


def _wait_until_started(
    process: subprocess.Popen,
    ready,
    timeout_s: float,
    what: str,
    timeout_message: str,
    log_path: Path,
) -> None:
    """Until ``ready()``; RuntimeError if the process exits first, TimeoutError past the
    deadline, each with the tail of its log."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{log_path.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{timeout_message}:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


def wait_for(condition, timeout_s: float, what: str):
    """Poll ``condition`` until it returns something truthy, and return that; fail naming
    ``what`` past ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)
    return result


def live_processes() -> dict[int, list[str]]:
    """Every running process (zombies left out: they run nothing) with its /proc stat
    fields after the name: state, parent pid, process group, ... (Linux)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # the process ended meanwhile
            continue
        if fields[0] not in ("Z", "X"):
            found[int(stat.parent.name)] = fields
    return found


def pid_alive(pid: int) -> bool:
    return pid in live_processes()


def children_of(pid: int) -> list[int]:
    return [child for child, fields in live_processes().items() if int(fields[1]) == pid]


def group_members(group: int) -> list[int]:
    return [member for member, fields in live_processes().items() if int(fields[2]) == group]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class WorkerProcess:
    """A real `locsvc worker` in its own process group."""

    def __init__(
        self,
        overrides: dict,
        log_path: Path,
        prefix: Sequence[str] = (),
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.overrides = overrides
        self.extra_env = extra_env or {}  # beyond the LOCSVC_* settings (AWS_ENDPOINT_URL)
        self.settings = Settings().with_overrides(overrides)
        self.log_path = log_path
        self.prefix = list(prefix)  # e.g. `ip netns exec NS`: a host of its own
        self.hostname = f"test-{uuid.uuid4().hex[:12]}@localhost"  # its own name
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the worker and wait until it, by its own name, has registered: a count
        of live workers can stay flat while another worker's heartbeat goes stale."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [*self.prefix, sys.executable, "-m", "locsvc.cli", "worker", "--loglevel", "INFO",
             "--hostname", self.hostname],
            env={**env_for(self.overrides), **self.extra_env},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        _wait_until_started(self.process, self._registered, WORKER_START_TIMEOUT_S, "worker",
                            "worker did not start", self.log_path)  # fmt: skip

    def _registered(self) -> bool:
        database = Database(self.settings.effective_database_url)
        try:
            return worker_registered(database, self.hostname)
        except Exception:  # noqa: BLE001 - the schema may not exist before the first worker
            return False
        finally:
            database.dispose()

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and pool children, no goodbye."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if hasattr(self, "_log"):
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http(url, data=None, headers=None, timeout_s: float = 10) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def multipart(fields: dict, file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class ServerProcess:
    """A real `locsvc up` or `locsvc api` on a free loopback port, in its own process group."""

    def __init__(self, args: list[str], overrides: dict, log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.args = [*args, "--host", "127.0.0.1", "--port", str(self.port)]
        self.overrides = overrides
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start it and wait until /health answers 200 (database and broker reachable)."""
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "locsvc.cli", *self.args],
            env=env_for(self.overrides),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_until_started(self.process, self._healthy, SERVER_START_TIMEOUT_S, "server",
                            "server did not answer", self.log_path)  # fmt: skip

    def _healthy(self) -> bool:
        try:
            return http(f"{self.base}/health", timeout_s=2)[0] == 200
        except OSError:
            return False

    def stop(self) -> int | None:
        """SIGTERM (graceful) and the exit status; the whole group is killed past 60 s."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_for_episode(client, episode_id: str, headers: dict, timeout_s: float = 240) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        view = client.get(f"/api/v1/episodes/{episode_id}", headers=headers).get_json()
        if view["status"] in ("ready", "failed"):
            return view
        if time.monotonic() > deadline:
            raise TimeoutError(f"episode not finished after {timeout_s} s: {view}")
        time.sleep(0.25)


_NORMALISE = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        # As Whisper's BasicTextNormalizer: symbols become spaces ("ill-disposed" = "ill disposed").
        jiwer.SubstituteRegexes({r"[^\w\s']": " "}),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def wer(reference: str, hypothesis: str) -> float:
    """WER after Whisper-style normalisation: lower case, punctuation out, single spaces."""
    return jiwer.wer(
        reference,
        hypothesis,
        reference_transform=_NORMALISE,
        hypothesis_transform=_NORMALISE,
    )


def srt_text(srt: str) -> str:
    """The words of an SRT file, without numbers and timings."""
    lines = [
        line
        for line in srt.splitlines()
        if line.strip() and "-->" not in line and not line.strip().isdigit()
    ]
    return " ".join(lines)


def upload_episode(client, headers, path=None, *, data=None, name="clip.mp3", **form):
    """POST /episodes through the Flask test client; ``form`` adds or overrides fields."""
    body = io.BytesIO(data if data is not None else path.read_bytes())
    environ = EnvironBuilder(
        path="/api/v1/episodes",
        method="POST",
        headers=headers,
        data={"show": "demo", **form, "file": (body, name)},
    ).get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()  # werkzeug spools big bodies to a file it never closes


class LlmServerProcess(ServerProcess):
    """A real `locsvc llm-server` (llama.cpp on the packaged Gemma 3 270M), ready once it
    lists its model."""

    def __init__(self, overrides: dict, log_path: Path) -> None:
        super().__init__(["llm-server", "--threads", "2"], overrides, log_path)
        self.base = f"http://127.0.0.1:{self.port}/v1"

    def _healthy(self) -> bool:
        try:
            return http(f"{self.base}/models", timeout_s=2)[0] == 200
        except OSError:
            return False
