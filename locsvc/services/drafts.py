"""The command line's output: every track of an episode as draft files with QC reports."""

from __future__ import annotations

import json
from pathlib import Path

from ..ports import Context
from .episodes import episode_view
from .qc import qc_track
from .track_files import render_track

DRAFT_FORMATS = ("srt", "vtt")


def write_drafts(ctx: Context, episode_id: str, out_dir: Path, stem: str) -> list[Path]:
    """Write each track in every draft format, and its QC report as JSON, into ``out_dir``.
    Each file appears whole or not at all (written beside, then renamed)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for track in episode_view(ctx, episode_id)["tracks"]:
        language = track["language"]
        for fmt in DRAFT_FORMATS:
            body = render_track(ctx, episode_id, language, fmt).body
            written.append(_write(out_dir / f"{stem}.{language}.{fmt}", body))
        report = json.dumps(qc_track(ctx, episode_id, language), indent=2, ensure_ascii=False)
        written.append(_write(out_dir / f"{stem}.{language}.qc.json", report + "\n"))
    return written


def _write(target: Path, body: str) -> Path:
    temp = target.with_name(target.name + ".part")
    temp.write_text(body, encoding="utf-8")
    temp.replace(target)
    return target
