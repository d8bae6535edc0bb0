"""Live progress bars for `locsvc localize`, read from the episode's stage records."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..domain.errors import StageFailed
from ..services.episodes import episode_view

if TYPE_CHECKING:
    from ..ports import Context

POLL_SECONDS = 0.5


def follow_episode(
    ctx: Context,
    episode_id: str,
    console: Console,
    worker: subprocess.Popen | None = None,
    worker_log: Path | None = None,
) -> dict:
    """Show one bar per stage until the episode is ready; raise StageFailed if it fails
    or if ``worker``, the worker started for this run, exits before the end."""
    columns = (
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        bars: dict[str, TaskID] = {}
        while True:
            view = episode_view(ctx, episode_id)
            for stage in view["stages"]:
                if stage["name"] not in bars:
                    bars[stage["name"]] = progress.add_task(stage["name"], total=1.0, status="")
                progress.update(
                    bars[stage["name"]], completed=stage["progress"], status=stage["status"]
                )
            if view["status"] == "ready":
                return view
            if view["status"] == "failed":
                error = view["error"] or {"code": "stage_failed", "message": "unknown error"}
                raise StageFailed(error["message"], code=error["code"], episode_id=episode_id)
            if worker is not None and worker.poll() is not None:
                raise StageFailed(
                    f"The worker exited with code {worker.returncode} before the episode was "
                    f"ready (its log: {worker_log}). Run `locsvc localize` again to resume.",
                    episode_id=episode_id,
                )
            time.sleep(POLL_SECONDS)
