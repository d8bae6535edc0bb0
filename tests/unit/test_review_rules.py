from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from locsvc.domain.access import (
    Principal,
    Role,
    may_read_glossary_scope,
    may_touch_show,
    shows_within,
)
from locsvc.domain.errors import Conflict, Forbidden, InvalidRequest
from locsvc.domain.glossary import DEFAULT_SCOPE
from locsvc.domain.review import (
    FourEyesRequired,
    Review,
    ReviewAction,
    ReviewState,
    check_approvable,
    check_four_eyes,
    in_scope,
    transition,
)

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
LEASE = timedelta(hours=2)
ANA = Principal("ana", Role.LINGUIST, ("es",))
BEA = Principal("bea", Role.LINGUIST, ("es",))
FRED = Principal("fred", Role.LINGUIST, ("fr",))
PAT = Principal("pat", Role.PRODUCER)
QUEUED = Review(1, "es", "show", ReviewState.QUEUED, 1, None, None)


def act(review, action, who, at=NOW):
    return transition(review, action, who, at, LEASE)


def test_the_happy_path():
    claimed = act(QUEUED, ReviewAction.CLAIM, ANA)
    assert (claimed.state, claimed.assignee, claimed.lease_expires_at) == (
        ReviewState.IN_REVIEW, "ana", NOW + LEASE,
    )  # fmt: skip
    submitted = act(claimed, ReviewAction.SUBMIT, ANA)
    approved = act(submitted, ReviewAction.APPROVE, BEA)
    assert approved.state is ReviewState.APPROVED
    reopened = act(approved, ReviewAction.REOPEN, PAT)
    assert (reopened.state, reopened.round, reopened.assignee) == (ReviewState.QUEUED, 2, None)


def test_a_live_claim_is_exclusive_and_an_expired_one_can_be_taken_over():
    claimed = act(QUEUED, ReviewAction.CLAIM, ANA)
    with pytest.raises(Conflict, match="claimed by ana"):
        act(claimed, ReviewAction.CLAIM, BEA)
    assert act(claimed, ReviewAction.CLAIM, ANA).lease_expires_at == NOW + LEASE  # renew
    later = NOW + LEASE + timedelta(seconds=1)
    assert act(claimed, ReviewAction.CLAIM, BEA, later).assignee == "bea"


def test_only_the_holder_edits_submits_or_releases():
    claimed = act(QUEUED, ReviewAction.CLAIM, ANA)
    for action in (ReviewAction.EDIT, ReviewAction.SUBMIT, ReviewAction.RELEASE):
        with pytest.raises(Conflict):
            act(claimed, action, BEA)
    with pytest.raises(Conflict):  # the lease ran out: claim again first
        act(claimed, ReviewAction.SUBMIT, ANA, NOW + LEASE + timedelta(seconds=1))
    assert act(claimed, ReviewAction.RELEASE, ANA).state is ReviewState.QUEUED


def test_states_refuse_actions_out_of_order():
    with pytest.raises(Conflict, match="queued"):
        act(QUEUED, ReviewAction.APPROVE, ANA)
    with pytest.raises(Conflict):
        act(QUEUED, ReviewAction.REOPEN, PAT)


def test_changes_requested_goes_back_to_a_linguist():
    submitted = act(act(QUEUED, ReviewAction.CLAIM, ANA), ReviewAction.SUBMIT, ANA)
    sent_back = act(submitted, ReviewAction.REQUEST_CHANGES, BEA)
    assert sent_back.state is ReviewState.CHANGES_REQUESTED
    assert act(sent_back, ReviewAction.CLAIM, ANA).state is ReviewState.IN_REVIEW


def test_producers_do_not_review_and_linguists_keep_to_their_languages():
    submitted = act(act(QUEUED, ReviewAction.CLAIM, ANA), ReviewAction.SUBMIT, ANA)
    with pytest.raises(Forbidden, match="Producers"):
        act(submitted, ReviewAction.APPROVE, PAT)
    with pytest.raises(Forbidden, match="fred"):
        act(QUEUED, ReviewAction.CLAIM, FRED)
    assert act(QUEUED, ReviewAction.CLAIM, Principal("root", Role.ADMIN)).assignee == "root"


def test_approval_needs_clean_qc_or_a_waiver_with_a_reason():
    check_approvable(0, None)
    check_approvable(2, "Song lyrics: reading speed agreed with the client.")
    for waiver in (None, "", "   "):
        with pytest.raises(InvalidRequest, match="waiver"):
            check_approvable(1, waiver)


def test_four_eyes_the_approver_is_neither_the_last_editor_nor_the_submitter():
    check_four_eyes("bea", last_editor="ana", submitter="ana", required=True)
    check_four_eyes("ana", last_editor=None, submitter="bea", required=True)  # machine draft
    with pytest.raises(FourEyesRequired, match="ana edited this track last") as refused:
        check_four_eyes("ana", last_editor="ana", submitter="bea", required=True)
    assert refused.value.code == "four_eyes" and isinstance(refused.value, Forbidden)
    with pytest.raises(FourEyesRequired, match="ana submitted"):
        check_four_eyes("ana", last_editor="bea", submitter="ana", required=True)
    check_four_eyes("ana", last_editor="ana", submitter="ana", required=False)  # switched off


def test_show_scope_binds_producers_and_linguists_but_not_admins():
    peg = Principal("peg", Role.PRODUCER, (), ("showb",))
    olga = Principal("olga", Role.LINGUIST, ("es",), ("showb",))
    approved = Review(1, "es", "showa", ReviewState.APPROVED, 1, None, None)
    with pytest.raises(Forbidden, match="peg is not assigned to the show 'showa'"):
        act(approved, ReviewAction.REOPEN, peg)
    assert act(replace(approved, show="showb"), ReviewAction.REOPEN, peg).round == 2
    with pytest.raises(Forbidden, match="olga"):
        act(QUEUED, ReviewAction.CLAIM, olga)
    assert not in_scope(peg, "es", "showa") and in_scope(peg, "fr", "showb")  # any language
    assert in_scope(Principal("root", Role.ADMIN, (), ("showb",)), "es", "showa")


def test_shows_within_narrows_a_listing_to_the_callers_shows():
    peg = Principal("peg", Role.PRODUCER, (), ("showb", "showc"))
    assert shows_within(peg, []) == ["showb", "showc"]
    assert shows_within(peg, ["showa", "showc"]) == ["showc"]
    assert shows_within(peg, ["showa"]) is None  # nothing to list
    assert shows_within(PAT, ["showa"]) == ["showa"] and shows_within(PAT, []) == []
    assert may_touch_show(PAT, DEFAULT_SCOPE) and not may_touch_show(peg, DEFAULT_SCOPE)
    assert may_read_glossary_scope(peg, DEFAULT_SCOPE)
    assert not may_read_glossary_scope(peg, "showa")
