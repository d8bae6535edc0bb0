"""The `locsvc` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .cli_admin import glossary, sync_glossaries, users
from .cli_rollout import rollout
from .cli_support import (
    console,
    fail,
    load_settings,
    own_worker_unless_one_is_alive,
    require_schema,
    spawn_worker,
    stop_worker,
)
from .domain.errors import InvalidRequest, LocsvcError


@click.group()
def main() -> None:
    """locsvc: localization pipeline service for TV and film."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply migrations up to the newest schema."""
    from .adapters.db.migrate import upgrade

    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url)
    console.print("database schema is up to date")


@main.command()
@click.option("--queues", default="asr,mt,tts", show_default=True)
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

    from .adapters.subprocesses import exit_with_parent
    from .app import create_app

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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", "processes", default=2, show_default=True, help="HTTP processes.")
def api(host: str, port: int, processes: int) -> None:
    """Serve the HTTP API (gunicorn, gevent workers)."""
    _prepare_serving(sync_glossaries=False)
    _serve(host, port, processes)


@main.command("prepare-serving", hidden=True)
@click.option("--sync-glossaries", "sync", is_flag=True)
def prepare_serving(sync: bool) -> None:
    """The schema check (and glossary sync) before serving, run by `api` and `up` in a
    process of its own."""
    from .app import create_app

    settings = load_settings()
    require_schema(settings)
    if not sync:
        return
    try:
        sync_glossaries(create_app().extensions["locsvc"])
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
            from .app import create_app  # in the worker, after gevent has patched

            return create_app()

    Server().run()


@main.command()
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


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
@click.option("--show", default="local", show_default=True)
@click.option("--title", default=None)
@click.option(
    "--language",
    "source_language",
    default=None,
    help="Source language (BCP 47); detected if not given.",
)
@click.option("--to", "targets", default="", help="Target languages, a comma list: es,pt-BR.")
@click.option(
    "--glossary",
    "glossary_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV/TSV/TBX glossary, imported as the show's for each target it has (needs --language).",
)
def localize(file: Path, out_dir: Path, show: str, title: str | None, source_language: str | None,
             targets: str, glossary_path: Path | None) -> None:  # fmt: skip
    """Run the whole pipeline on FILE and write the drafts and QC reports into OUT."""
    from .app import create_app
    from .cli_progress import follow_episode
    from .services.drafts import write_drafts
    from .services.episodes import LOCAL_PRINCIPAL, NewEpisode, parse_targets, submit_file
    from .services.glossaries import import_for_targets

    settings = load_settings()
    require_schema(settings)
    ctx = create_app().extensions["locsvc"]
    wanted = parse_targets(targets)
    meta = NewEpisode(title or file.stem, show, file.name, source_language, targets=wanted)
    try:
        meta.validated(ctx.translators)  # before anything is imported
        sync_glossaries(ctx)
        if glossary_path is not None:
            if source_language is None or not wanted:
                raise InvalidRequest("--glossary needs --language and --to.")
            for view in import_for_targets(
                ctx, glossary_path.read_bytes(), glossary_path.name, show,
                source_language, wanted, LOCAL_PRINCIPAL,
            ):  # fmt: skip
                console.print(
                    f"glossary {show} {view['source_language']}->{view['target_language']} "
                    f"version {view['version']}: {view['entry_count']} entries"
                )
        episode_id = submit_file(ctx, file, meta)
    except LocsvcError as error:
        fail(error, exit_code=2)
    console.print(f"episode {episode_id}: {file.name}")
    worker_log = settings.data_dir / "logs" / "worker.log"
    with own_worker_unless_one_is_alive(ctx, worker_log) as spawned:
        try:
            follow_episode(ctx, episode_id, console, spawned, worker_log)
        except LocsvcError as error:
            fail(error)
    for path in write_drafts(ctx, episode_id, out_dir, file.stem):
        click.echo(str(path.resolve()))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", "language", required=True, help="Language of the file (BCP 47).")
@click.option("--frame-rate", default=None, help="Frames per second (25, 24000/1001).")
@click.option("--audience", type=click.Choice(["adult", "children"]), default="adult")
@click.option("--format", "fmt", default=None, help="srt, vtt, sbv, ass (default: by name).")
@click.option("--encoding", default=None, help="Text encoding, when not UTF-8/16/32.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def qc(file: Path, language: str, frame_rate: str | None, audience: str, fmt: str | None,
       encoding: str | None, as_json: bool) -> None:  # fmt: skip
    """QC report of a subtitle file: exit 0 clean, 1 with errors, 2 unreadable."""
    from .cli_reports import print_qc
    from .services.qc import qc_file

    rate = frame_rate or load_settings().default_frame_rate
    try:
        result = qc_file(file.read_bytes(), language, rate, file.name, fmt, audience, encoding)
    except LocsvcError as error:
        fail(error, exit_code=2)
    print_qc(result, as_json)
    sys.exit(0 if result.report.passed else 1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--from", "source", required=True, help="Source language (BCP 47).")
@click.option("--to", "target", required=True, help="Target language (BCP 47).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--glossary", "glossary_path", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--engine", default=None, help="bergamot or apertium (default: by language pair).")
@click.option("--frame-rate", default=None, help="Frames per second (25, 24000/1001).")
def translate(file: Path, source: str, target: str, out_path: Path, glossary_path: Path | None,
              engine: str | None, frame_rate: str | None) -> None:  # fmt: skip
    """Translate a subtitle file, with glossary enforcement, re-fitted to the target rules."""
    from .cli_reports import print_translation
    from .services.translate import translate_file
    from .wiring import translators_for

    suffix = out_path.suffix.lstrip(".").lower()
    out_format = {"webvtt": "vtt", "xml": "ttml"}.get(suffix, suffix)
    glossary = (glossary_path.read_bytes(), glossary_path.name) if glossary_path else None
    try:
        settings = load_settings()
        result = translate_file(
            translators_for(settings), file.read_bytes(), file.name, source, target,
            out_format, frame_rate or settings.default_frame_rate, glossary, engine,
        )  # fmt: skip
    except LocsvcError as error:
        fail(error, exit_code=2)
    temp = out_path.with_name(out_path.name + ".part")
    temp.write_text(result.body, encoding="utf-8")
    temp.replace(out_path)
    print_translation(result)
    click.echo(str(out_path))


main.add_command(users)
main.add_command(glossary)
main.add_command(rollout)

if __name__ == "__main__":
    main()
