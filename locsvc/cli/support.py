"""What the command line's commands share: settings, errors, the schema check, and a
worker of their own when none is running (the embedded default)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from ..config import Settings
from ..domain.errors import ConfigError, LocsvcError

console = Console(stderr=True)


def load_settings() -> Settings:
    return Settings.from_env()


def fail(error: LocsvcError, exit_code: int = 1) -> None:
    console.print(f"[bold red]error[/] ({error.code}): {error.message}")
    sys.exit(exit_code)


@contextmanager
def stop_on_config_error() -> Iterator[None]:
    """A bad LOCSVC_* variable stops the command at start: one line naming it, exit 2."""
    try:
        yield
    except ConfigError as error:
        console.print(f"[bold red]error[/] ({error.code}): {error.message}", soft_wrap=True)
        sys.exit(2)


def context():
    """The process's Context, with the schema checked (the embedded default migrates)."""
    from ..app import create_app
    from ..app_context import context_of

    require_schema(load_settings())
    return context_of(create_app())


def require_schema(settings: Settings) -> None:
    """The embedded default migrates itself on first use; a configured database must
    have been upgraded with `locsvc db upgrade` (one process, not every replica)."""
    from ..adapters.db.engine import make_engine
    from ..adapters.db.migrate import require_current, upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.database_url is None:
        upgrade(settings.effective_database_url)  # first run on the embedded default
        return
    engine = make_engine(settings.effective_database_url)
    try:
        require_current(engine)
    except LocsvcError as error:
        fail(error)
    finally:
        engine.dispose()


def spawn_worker(log_path: Path | None = None) -> subprocess.Popen:
    """A worker in its own process group that shuts down when this process dies (SIGKILL
    included); its output goes to ``log_path`` or to stderr."""
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    output = open(log_path, "ab") if log_path else sys.stderr  # noqa: SIM115 - child owns it
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locsvc.cli",
            "worker",
            "--loglevel",
            "WARNING",
            "--quiet",
            "--exit-with-parent",
            str(os.getpid()),
        ],  # fmt: skip
        start_new_session=True,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def stop_worker(process: subprocess.Popen, grace_s: float = 30) -> None:
    """Warm shutdown: the worker's main process finishes its task and stops its pool."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_alive(ctx) -> bool:
    from ..services.workers import live_worker_count

    return live_worker_count(ctx.db, ctx.settings) > 0


@contextmanager
def own_worker_unless_one_is_alive(ctx, log_path: Path) -> Iterator[subprocess.Popen | None]:
    """A worker of this command's own while it runs, unless one is already alive."""
    spawned = None if worker_alive(ctx) else spawn_worker(log_path)
    try:
        yield spawned
    finally:
        if spawned is not None:
            stop_worker(spawned)
