"""`locsvc db upgrade`, `worker`, `api` and `up`: running the service's processes.

Imported by every `locsvc` command (and by gunicorn's master): keep the top light; the
app, the database and the broker client are imported inside the commands."""

from __future__ import annotations

import os
import sys

import click

from ..domain.errors import LocsvcError
from ..domain.pipeline import ALL_QUEUES
from .admin import sync_glossaries
from .support import console, load_settings, require_schema, spawn_worker, stop_worker


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations up to the newest schema."""
    from ..adapters.db.migrate import upgrade

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    console.print("database schema is up to date")


@click.command()
@click.option("--queues", default=",".join(ALL_QUEUES), show_default=True)
@click.option(
    "--concurrency", type=int, default=None, help="Processes (LOCSVC_WORKER_CONCURRENCY)."
)
@click.option("--loglevel", default="INFO", show_default=True)
@click.option("--quiet", is_flag=True, help="No start-up banner.")
@click.option(
    "--hostname",
    default=None,
    help="Node name it registers under (default locsvc-<pid>@<host>); unique per worker.",
)
@click.option("--exit-with-parent", "parent_pid", type=int, default=None, hidden=True)
def worker(
    queues: str,
    concurrency: int | None,
    loglevel: str,
    quiet: bool,
    hostname: str | None,
    parent_pid: int | None,
) -> None:
    """Run a Celery worker (Redis broker when LOCSVC_BROKER_URL is set, else embedded)."""
    from workers.maintenance import Maintenance

    from ..adapters.subprocesses import exit_with_parent
    from ..app import create_app

    if parent_pid is not None:  # started by `locsvc up` or a command of its own
        exit_with_parent(parent_pid)
    settings = load_settings()
    require_schema(settings)
    app = create_app()
    Maintenance(app, queues).install()
    app.extensions["celery"].start(
        [
            *(["--quiet"] if quiet else []),  # a global option: it goes before "worker"
            "worker",
            "--queues", queues,
            "--concurrency", str(concurrency or settings.worker_concurrency),
            "--hostname", hostname or f"locsvc-{os.getpid()}@%h",
            "--loglevel", loglevel,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]
    )  # fmt: skip


# The HTTP server: gunicorn with gevent workers, so a slow or idle client holds a
# greenlet, not a whole process (a sync worker waits on one client's headers for as
# long as it likes). Still put a proxy in front (deploy/nginx.conf.template).
CONNECTIONS_PER_PROCESS = 250  # greenlets per process; past it, new clients queue
KEEPALIVE_S = 5  # an idle keep-alive connection is closed after this
# A gevent worker that does not report to the master for this long (a request hogging
# its event loop) is restarted; a slow upload does not count, it yields while it waits.
SILENT_WORKER_TIMEOUT_S = 120
GRACEFUL_TIMEOUT_S = 30  # requests in flight may finish on SIGTERM


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", "processes", default=2, show_default=True, help="HTTP processes.")
def api(host: str, port: int, processes: int) -> None:
    """Serve the HTTP API (gunicorn, gevent workers)."""
    _prepare_serving(sync_glossaries=False)
    _serve(host, port, processes)


@click.command("prepare-serving", hidden=True)
@click.option("--sync-glossaries", "sync", is_flag=True)
def prepare_serving(sync: bool) -> None:
    """The schema check (and glossary sync) before serving, run by `api` and `up` in a
    process of its own."""
    from ..app import create_app
    from ..app_context import context_of

    settings = load_settings()
    require_schema(settings)
    if not sync:
        return
    try:
        sync_glossaries(context_of(create_app()))
    except LocsvcError as error:  # a broken glossary file must not keep the service down
        console.print(f"[yellow]glossaries not synced:[/] {error.message}")


def _prepare_serving(sync_glossaries: bool) -> None:
    """gevent patches sockets, locks and subprocesses in each server process after the
    fork: the master must not have imported the app, its database or its broker client
    by then (their locks and connections would stay unpatched), so that work runs in a
    child process and the master imports only gunicorn."""
    import subprocess

    command = [sys.executable, "-m", "locsvc.cli", "prepare-serving"]
    done = subprocess.run([*command, *(["--sync-glossaries"] if sync_glossaries else [])])
    if done.returncode != 0:
        sys.exit(done.returncode)


def _serve(host: str, port: int, processes: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", processes)
            self.cfg.set("worker_class", "gevent")
            self.cfg.set("worker_connections", CONNECTIONS_PER_PROCESS)
            self.cfg.set("keepalive", KEEPALIVE_S)
            self.cfg.set("timeout", SILENT_WORKER_TIMEOUT_S)
            self.cfg.set("graceful_timeout", GRACEFUL_TIMEOUT_S)
            # gunicorn's control socket is one path per user: two servers would share it.
            self.cfg.set("control_socket_disable", True)

        def load(self):
            from ..app import create_app  # in the worker, after gevent has patched

            return create_app()

    Server().run()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
def up(host: str, port: int) -> None:
    """API and a worker together on the embedded default: no other service needed."""
    settings = load_settings()
    _prepare_serving(sync_glossaries=True)
    worker_process = spawn_worker()
    console.print(
        f"locsvc: API on http://{host}:{port}/api/v1, data in {settings.data_dir.resolve()}"
    )
    try:
        _serve(host, port, processes=1)
    finally:
        stop_worker(worker_process)
