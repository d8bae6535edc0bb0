"""`locsvc rollout create|status`: a season into many languages, with a live table."""

from __future__ import annotations

import sys
import time

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from ..domain.errors import LocsvcError
from .support import console, context, fail, own_worker_unless_one_is_alive

REFRESH_SECONDS = 1.0
STYLE = {"done": "green", "skipped": "dim", "failed": "red", "cancelled": "yellow",
         "running": "cyan", "queued": "blue", "planned": "white"}  # fmt: skip


def matrix(view: dict) -> Table:
    """Episodes down, languages across; each cell its state and progress."""
    languages = view["languages"]
    totals = ", ".join(f"{n} {state}" for state, n in view["totals"].items() if n)
    eta = f", ETA {view['eta']:.0f} s" if view.get("eta") else ""
    table = Table(title=f"rollout {view['id']}: {view['state']} ({totals}{eta})")
    table.add_column("episode")
    for language in languages:
        table.add_column(language, justify="center")
    rows: dict[str, dict[str, dict]] = {}
    for cell in view["cells"]:
        rows.setdefault(cell["episode_id"], {})[cell["language"]] = cell
    for episode_id, cells in rows.items():
        table.add_row(episode_id[:12], *(_cell(cells.get(lang)) for lang in languages))
    return table


def _cell(cell: dict | None) -> str:
    if cell is None:
        return ""
    state = cell["state"]
    shown = f"{state} {cell['progress'] * 100:.0f}%" if state in ("running", "queued") else state
    return f"[{STYLE.get(state, 'white')}]{shown}[/]"


def watch(ctx, rollout_id: str, out: Console) -> dict:
    from ..services.rollouts import rollout_view

    view = rollout_view(ctx, rollout_id)
    with Live(matrix(view), console=out, refresh_per_second=2) as live:
        while view["state"] == "running":
            time.sleep(REFRESH_SECONDS)
            view = rollout_view(ctx, rollout_id)
            live.update(matrix(view))
    return view


@click.group()
def rollout() -> None:
    """Bulk language rollouts."""


@rollout.command("create")
@click.option("--show", default=None, help="Every episode of this show.")
@click.option("--episodes", default="", help="Or a comma list of episode ids.")
@click.option("--languages", required=True, help="Comma list: es,fr,pt-BR.")
@click.option("--priority", default="normal",
              type=click.Choice(["low", "normal", "high", "urgent"]))  # fmt: skip
@click.option("--glossary", default=None, help="A glossary id or a show slug.")
@click.option("--watch", "watch_flag", is_flag=True, help="A live table until it finishes.")
def create(show: str | None, episodes: str, languages: str, priority: str,
           glossary: str | None, watch_flag: bool) -> None:  # fmt: skip
    """Plan and start a rollout; print its id."""
    from ..services.episodes import LOCAL_PRINCIPAL
    from ..services.rollouts import NewRollout, create_rollout

    ctx = context()
    body = {
        "languages": [v.strip() for v in languages.split(",") if v.strip()],
        "priority": priority,
        **({"show": show} if show else {}),
        **({"episodes": [v for v in episodes.split(",") if v]} if episodes else {}),
        **({"glossary": glossary} if glossary else {}),
    }
    try:
        rollout_id, _ = create_rollout(ctx, NewRollout.from_json(body, None), LOCAL_PRINCIPAL)
    except LocsvcError as error:
        fail(error, exit_code=2)
    click.echo(rollout_id)
    if watch_flag:
        follow(ctx, rollout_id)


@rollout.command("status")
@click.argument("rollout_id")
@click.option("--watch", "watch_flag", is_flag=True, help="Refresh until it finishes.")
def status(rollout_id: str, watch_flag: bool) -> None:
    """The rollout's matrix, totals and ETA."""
    from ..services.rollouts import rollout_view

    ctx = context()
    try:
        if watch_flag:
            follow(ctx, rollout_id)
        else:
            Console().print(matrix(rollout_view(ctx, rollout_id)))
    except LocsvcError as error:
        fail(error, exit_code=2)


def follow(ctx, rollout_id: str) -> None:
    """Watch the rollout, with a worker of our own when none is alive (embedded);
    exit 1 unless it ends done."""
    with own_worker_unless_one_is_alive(ctx, ctx.settings.data_dir / "logs" / "worker.log"):
        view = watch(ctx, rollout_id, console)
    if view["state"] != "done":
        sys.exit(1)
