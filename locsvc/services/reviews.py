"""The review queue and its actions: claim, release, submit, approve, request changes,
reopen. The rules are domain/review.py's; this module loads, applies them under an
optimistic version check (two claims at once: exactly one wins) and writes the audit
log in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..adapters.db.models import Review as ReviewRow
from ..adapters.db.models import TrackRevision, utcnow
from ..adapters.db.repositories import AuditLog, ReviewRepository, TrackRepository
from ..domain.access import Principal, Role, shows_within
from ..domain.errors import Conflict, InvalidRequest
from ..domain.requests import PRIORITIES, parse_moment
from ..domain.review import (
    Review,
    ReviewAction,
    ReviewState,
    check_approvable,
    check_four_eyes,
    require_scope,
    transition,
)
from ..ports import Context
from .memory import harvest_approval
from .post_edit import post_edit_rates
from .shows import review_settings
from .stages import PIPELINE_AUTHOR
from .timestamps import iso

MAX_PAGE = 200
PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}


def review_lease(ctx: Context) -> timedelta:
    return timedelta(minutes=ctx.settings.review_lease_minutes)


def to_domain(row: ReviewRow) -> Review:
    return Review(
        row.id, row.language, row.show, ReviewState(row.state), row.round, row.assignee,
        row.lease_expires_at,
    )  # fmt: skip


def review_view(row: ReviewRow, latest: TrackRevision | None) -> dict:
    return {
        "id": row.id,
        "episode_id": row.episode_id,
        "language": row.language,
        "kind": row.kind,
        "show": row.show,
        "state": row.state,
        "round": row.round,
        "assignee": row.assignee,
        "lease_expires_at": iso(row.lease_expires_at),
        "priority": PRIORITY_NAMES.get(row.priority, str(row.priority)),
        "due": iso(row.due_at),
        "revision": latest.number if latest else None,
        "qc": (latest.qc if latest else None) or {},
        "approved_revision": row.approved_revision,
        "approved_by": row.approved_by,
        "waiver": row.waiver,
    }


def list_reviews(
    ctx: Context,
    principal: Principal,
    states: list[str],
    languages: list[str],
    shows: list[str],
    cursor: int | None,
    limit: int,
    due_before: str | None = None,
) -> dict:
    """A page of the queue (producers watch it too); a user sees only their shows, a
    linguist only their languages."""
    known = {s.value for s in ReviewState}
    if unknown := [s for s in states if s not in known]:
        raise InvalidRequest(
            f"Unknown review state {unknown[0]!r}; one of {', '.join(sorted(known))}.",
            field="state",
        )
    scoped_shows = shows_within(principal, shows)
    if principal.role is Role.LINGUIST:
        scoped_languages = _narrow(languages, principal.languages)
        if scoped_languages is None:
            return {"items": [], "next": None}
        languages = scoped_languages
    if scoped_shows is None:
        return {"items": [], "next": None}
    shows = scoped_shows
    with ctx.db.session() as session:
        rows = ReviewRepository(session).page(
            states=states, languages=languages or (), shows=shows or (),
            after_id=cursor, limit=limit, due_before=_due(due_before),
        )  # fmt: skip
        latest = TrackRepository(session).latest_revisions([r.track_id for r in rows])
        items = [review_view(row, latest.get(row.track_id)) for row in rows]
    return {"items": items, "next": items[-1]["id"] if len(items) == limit else None}


def _last_editor(session, track_id: int) -> str | None:
    """The author of the track's latest human revision (None: machine drafts only)."""
    revisions = TrackRepository(session).get_by_id(track_id).revisions
    human = [r for r in revisions if r.author != PIPELINE_AUTHOR]
    return human[-1].author if human else None


def _due(value: str | None) -> datetime | None:
    """The end of the given day (or the given moment), UTC."""
    return parse_moment(value, "due_before", "a date", whole_day=True) if value else None


def _narrow(asked: list[str], allowed: tuple[str, ...]) -> list[str] | None:
    """The filter values a scoped user may see: None when nothing is left."""
    if not allowed:
        return asked
    if not asked:
        return list(allowed)
    kept = [value for value in asked if value in allowed]
    return kept or None


def get_review(ctx: Context, review_id: int, principal: Principal) -> dict:
    with ctx.db.session() as session:
        row = ReviewRepository(session).get(review_id)
        require_scope(principal, row.language, row.show)
        latest = TrackRepository(session).latest_revisions([row.track_id]).get(row.track_id)
        return review_view(row, latest)


def act(
    ctx: Context,
    review_id: int,
    action: ReviewAction,
    principal: Principal,
    waiver: str | None = None,
    comment: str | None = None,
) -> dict:
    """Take ``action`` on a review; Conflict (409) when the review changed under us."""
    now = utcnow()
    lease = review_lease(ctx)
    with ctx.db.session() as session:
        reviews = ReviewRepository(session)
        row = reviews.get(review_id)
        if not row.live:
            raise Conflict(f"Review {review_id} is a past round; act on the track's latest.")
        before = to_domain(row)
        after = transition(before, action, principal, now, lease)
        values: dict = {
            "state": after.state.value,
            "assignee": after.assignee,
            "lease_expires_at": after.lease_expires_at,
        }
        latest = TrackRepository(session).latest_revisions([row.track_id]).get(row.track_id)
        learned = None
        if action is ReviewAction.APPROVE:
            values.update(_approval(ctx, session, row, before, principal, latest, waiver, now))
            track = TrackRepository(session).get_by_id(row.track_id)
            assert latest is not None  # _approval refuses a review without a revision
            learned = harvest_approval(ctx, session, track, latest, principal.name, now)
        if action is ReviewAction.REOPEN:
            values.update(state=ReviewState.APPROVED.value, live=False)  # the old round stays
        if not reviews.update_if_unchanged(review_id, row.version, **values):
            raise Conflict(
                f"Review {review_id} changed while you acted on it; reload it and try again."
            )
        target_id = review_id
        if action is ReviewAction.REOPEN:
            target_id = _open_next_round(session, reviews, row, after)
        _record_action(
            session,
            action,
            principal,
            row,
            before,
            after,
            target_id,
            latest,
            waiver,
            comment,
            learned,
        )
    return get_review(ctx, target_id, principal)


def _approval(
    ctx: Context,
    session,
    row: ReviewRow,
    before: Review,
    principal: Principal,
    latest: TrackRevision | None,
    waiver: str | None,
    now: datetime,
) -> dict:
    """The values an approval stores, once the four-eyes and QC rules allow it."""
    if latest is None:
        raise Conflict(f"Review {row.id} has no revision to approve.")
    check_four_eyes(
        principal.name, _last_editor(session, row.track_id), before.assignee,
        review_settings(session, row.show)["four_eyes"],
    )  # fmt: skip
    check_approvable((latest.qc or {}).get("errors", 0), waiver)
    return {
        "approved_revision": latest.number,
        "approved_by": principal.name,
        "approved_at": now,
        "waiver": waiver.strip() if waiver else None,
        "post_edit": post_edit_rates(ctx, session, row.track_id, latest),
    }


def _open_next_round(session, reviews: ReviewRepository, row: ReviewRow, after: Review) -> int:
    """A reopened review's track gets a new live round; its id."""
    track = TrackRepository(session).get_by_id(row.track_id)
    return reviews.open_round(track, track.episode, round_number=after.round).id


def _record_action(
    session,
    action: ReviewAction,
    principal: Principal,
    row: ReviewRow,
    before: Review,
    after: Review,
    target_id: int,
    latest: TrackRevision | None,
    waiver: str | None,
    comment: str | None,
    learned: dict | None = None,
) -> None:
    AuditLog(session).record(
        principal.name,
        f"review.{action.value}",
        f"review:{row.id}",
        {"state": before.state.value, "assignee": before.assignee},
        {
            "state": after.state.value,
            "assignee": after.assignee,
            "review_id": target_id,
            "revision": latest.number if latest else None,
            **({"waiver": waiver} if waiver else {}),
            **({"comment": comment} if comment else {}),
            **({"memory": learned} if learned else {}),
        },
    )
