"""The review lifecycle of a track, enforced here and nowhere else.

    queued --claim--> in_review --submit--> submitted --approve--> approved
       ^                 |  ^                   |                      |
       +----release------+  +--claim-- changes_requested <-request-changes
    approved --reopen--> queued (a new review round)

A claim is a lease: past ``lease_expires_at`` another linguist may take the track
over. Who may act also depends on scope: a linguist only touches the languages
(and shows) they are assigned to, a producer only the shows they are assigned to;
producers never review. Four eyes: the approver is not the track's last editor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .access import Principal, Role, may_touch_show, require_show
from .errors import Conflict, Forbidden, InvalidRequest


class ReviewState(StrEnum):
    QUEUED = "queued"
    IN_REVIEW = "in_review"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


class ReviewAction(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request-changes"
    REOPEN = "reopen"
    EDIT = "edit"  # upload a revision: not a state change, but the same rules of who


# The actions a request names in its path (.../reviews/{id}/<action>): every state change
# (an edit is an upload, not an action), by its value.
PATH_ACTIONS: dict[str, ReviewAction] = {
    action.value: action for action in ReviewAction if action is not ReviewAction.EDIT
}

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[ReviewAction, tuple[frozenset[ReviewState], ReviewState | None]] = {
    ReviewAction.CLAIM: (
        frozenset({ReviewState.QUEUED, ReviewState.CHANGES_REQUESTED, ReviewState.IN_REVIEW}),
        ReviewState.IN_REVIEW,
    ),
    ReviewAction.RELEASE: (frozenset({ReviewState.IN_REVIEW}), ReviewState.QUEUED),
    ReviewAction.SUBMIT: (frozenset({ReviewState.IN_REVIEW}), ReviewState.SUBMITTED),
    ReviewAction.APPROVE: (frozenset({ReviewState.SUBMITTED}), ReviewState.APPROVED),
    ReviewAction.REQUEST_CHANGES: (
        frozenset({ReviewState.SUBMITTED}),
        ReviewState.CHANGES_REQUESTED,
    ),
    ReviewAction.REOPEN: (frozenset({ReviewState.APPROVED}), ReviewState.QUEUED),
    ReviewAction.EDIT: (frozenset({ReviewState.IN_REVIEW}), None),
}
# Actions only the linguist holding the claim may take.
HOLDER_ONLY = frozenset({ReviewAction.RELEASE, ReviewAction.SUBMIT, ReviewAction.EDIT})
# Actions a producer may take (managing the queue, not reviewing).
PRODUCER_ACTIONS = frozenset({ReviewAction.REOPEN})


@dataclass(frozen=True)
class Review:
    id: int
    language: str
    show: str
    state: ReviewState
    round: int
    assignee: str | None
    lease_expires_at: datetime | None


def in_scope(principal: Principal, language: str, show: str) -> bool:
    """Shows bound every role but admin; languages bind linguists."""
    if not may_touch_show(principal, show):
        return False
    return principal.role is not Role.LINGUIST or (
        not principal.languages or language in principal.languages
    )


def require_scope(principal: Principal, language: str, show: str) -> None:
    require_show(principal, show)
    if not in_scope(principal, language, show):
        raise Forbidden(
            f"{principal.name} is not assigned to {language} of {show}.",
            language=language,
            show=show,
        )


def transition(
    review: Review, action: ReviewAction, actor: Principal, now: datetime, lease: timedelta
) -> Review:
    """The review after ``actor`` takes ``action`` at ``now``; Forbidden when the actor
    may not, Conflict when the review is not in a state that allows it."""
    _check_actor(review, action, actor)
    starts, leads_to = TRANSITIONS[action]
    lease_live = (
        review.state is ReviewState.IN_REVIEW
        and review.lease_expires_at is not None
        and review.lease_expires_at > now
    )
    if review.state not in starts:
        raise Conflict(
            f"Review {review.id} is {review.state.value}; it cannot be {_past(action)}.",
            state=review.state.value,
        )
    if action is ReviewAction.CLAIM and lease_live and review.assignee != actor.name:
        raise Conflict(
            f"Review {review.id} is claimed by {review.assignee} until "
            f"{review.lease_expires_at:%Y-%m-%d %H:%M} UTC.",
            state=review.state.value,
            assignee=review.assignee,
        )
    if action in HOLDER_ONLY and (review.assignee != actor.name or not lease_live):
        raise Conflict(
            f"Review {review.id} is not claimed by {actor.name} (claim it first).",
            state=review.state.value,
            assignee=review.assignee,
        )
    if action is ReviewAction.CLAIM or action is ReviewAction.EDIT:
        return replace(
            review, state=ReviewState.IN_REVIEW, assignee=actor.name, lease_expires_at=now + lease
        )
    if action is ReviewAction.RELEASE:
        return replace(review, state=ReviewState.QUEUED, assignee=None, lease_expires_at=None)
    if action is ReviewAction.REOPEN:
        return replace(
            review,
            state=ReviewState.QUEUED,
            round=review.round + 1,
            assignee=None,
            lease_expires_at=None,
        )
    assert leads_to is not None
    return replace(review, state=leads_to, lease_expires_at=None)


def _check_actor(review: Review, action: ReviewAction, actor: Principal) -> None:
    if actor.role is Role.PRODUCER and action not in PRODUCER_ACTIONS:
        raise Forbidden(
            f"Producers do not review; {action.value} needs a linguist.", role=actor.role.value
        )
    require_scope(actor, review.language, review.show)


def _past(action: ReviewAction) -> str:
    return {
        ReviewAction.CLAIM: "claimed",
        ReviewAction.RELEASE: "released",
        ReviewAction.SUBMIT: "submitted",
        ReviewAction.APPROVE: "approved",
        ReviewAction.REQUEST_CHANGES: "sent back for changes",
        ReviewAction.REOPEN: "reopened",
        ReviewAction.EDIT: "edited",
    }[action]


def check_approvable(error_count: int, waiver: str | None) -> None:
    """Approval needs a clean QC (no error-level issue) or a waiver with a reason."""
    if error_count and not (waiver and waiver.strip()):
        raise InvalidRequest(
            f"The revision has {error_count} QC error(s); fix them or approve with a waiver "
            "that gives the reason.",
            qc_errors=error_count,
        )


class FourEyesRequired(Forbidden):
    code = "four_eyes"


def check_four_eyes(
    approver: str, last_editor: str | None, submitter: str | None, required: bool
) -> None:
    """With the rule on (a show setting, on by default), a track is approved by someone
    other than its last editor (the author of its latest human revision) and the one who
    submitted it. A QC waiver does not lift it."""
    if not required:
        return
    if approver in (last_editor, submitter):
        did = "edited" if approver == last_editor else "submitted"
        raise FourEyesRequired(
            f"{approver} {did} this track last; another linguist approves it (four-eyes rule).",
            last_editor=last_editor,
            submitter=submitter,
        )
