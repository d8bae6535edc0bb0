"""Post-editing effort: how much a linguist changed the machine draft (HTER-like).

Word and character edit rates: substitutions + deletions + insertions needed to turn
the machine draft into the approved text, over the approved text's length; no block
shifts, so a moved phrase counts as deleted and inserted."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from sqlalchemy.orm import Session

from ..adapters.db.models import TrackRevision
from ..adapters.db.repositories import ReviewRepository, TrackRepository
from ..adapters.edit_rates import char_edit_rate, word_edit_rate
from ..domain.errors import InvalidRequest
from ..ports import Context
from .stages import PIPELINE_AUTHOR
from .tracks import load_cues


def track_text(cues) -> str:
    return " ".join(" ".join(line for line in cue.lines) for cue in cues).strip()


def post_edit_rates(
    ctx: Context, session: Session, track_id: int, approved: TrackRevision
) -> dict | None:
    """Edit rates from the newest machine revision up to ``approved`` to ``approved``."""
    revisions = TrackRepository(session).get_by_id(track_id).revisions
    machine = [r for r in revisions if r.author == PIPELINE_AUTHOR and r.number <= approved.number]
    if not machine:
        return None
    draft = machine[-1]
    machine_text = track_text(load_cues(ctx, draft.cues_sha256))
    final_text = track_text(load_cues(ctx, approved.cues_sha256))
    if not final_text:
        return None
    return {
        "machine_revision": draft.number,
        "approved_revision": approved.number,
        "engine": ((draft.info or {}).get("engine") or {}).get("engine", "asr"),
        "word_edit_rate": round(word_edit_rate(final_text, machine_text), 4),
        "char_edit_rate": round(char_edit_rate(final_text, machine_text), 4),
        "edited_by": sorted({r.author for r in revisions if r.author != PIPELINE_AUTHOR}),
    }


REPORT_KEYS = ("language", "engine", "linguist", "episode", "show")


def post_edit_report(ctx: Context, by: str, shows: Sequence[str] = ()) -> list[dict]:
    """Mean edit rates of approved reviews, grouped ``by`` one of REPORT_KEYS: which
    engines and languages need the most human work; of ``shows`` only (empty: every show)."""
    if by not in REPORT_KEYS:
        raise InvalidRequest(f"`by` is one of {', '.join(REPORT_KEYS)}.", field="by")
    groups: dict[str, list[dict]] = {}
    with ctx.db.session() as session:
        for review in ReviewRepository(session).approved_with_post_edit():
            if shows and review.show not in shows:
                continue
            rates = review.post_edit or {}
            keys = {
                "language": [review.language],
                "engine": [rates.get("engine", "?")],
                "linguist": rates.get("edited_by") or ["(no edits)"],
                "episode": [review.episode_id],
                "show": [review.show],
            }[by]
            for key in keys:
                groups.setdefault(key, []).append(rates)
    return [
        {
            by: key,
            "approved_tracks": len(rows),
            "word_edit_rate": round(statistics.fmean(r["word_edit_rate"] for r in rows), 4),
            "char_edit_rate": round(statistics.fmean(r["char_edit_rate"] for r in rows), 4),
        }
        for key, rows in sorted(groups.items())
    ]
