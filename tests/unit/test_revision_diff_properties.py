"""Properties of revision diffs and the editor's three-way merge over arbitrary tracks
and edits: counts add up, a side that changed nothing takes the other's revision, and
a merge of two well-formed revisions is well-formed or refused (None)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from locsvc.domain.cues import Cue
from locsvc.domain.revision_diff import diff_revisions, merge_revisions

from .domain_strategies import cue_lists, sentence_text


def well_formed(cues: list[Cue]) -> bool:
    return all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:], strict=False))


@st.composite
def edited(draw, base: list[Cue]) -> list[Cue]:
    """A linguist's revision of ``base``: some cues retimed or rewritten, sometimes one
    added or removed."""
    cues = []
    for cue in base:
        start, end, lines = cue.start_ms, cue.end_ms, cue.lines
        if draw(st.integers(0, 3)) == 0:
            shift = draw(st.sampled_from([-2000, -80, 40, 500, 3000]))
            start, end = max(0, start + shift), max(0, end + shift)
        if draw(st.integers(0, 3)) == 0:
            lines = (draw(sentence_text),)
        cues.append(Cue(start, end, lines))
    if cues and draw(st.integers(0, 5)) == 0:
        del cues[draw(st.integers(0, len(cues) - 1))]
    return cues


@given(cue_lists(), cue_lists())
def test_diff_counts_add_up(before, after):
    diff = diff_revisions(before, after)
    assert diff.added - diff.removed == len(after) - len(before)
    assert all(1 <= c["cue"] <= len(after) for c in diff.changes if c["cue"] is not None)
    assert diff_revisions(after, after).to_dict()["cues_changed"] == 0


@given(st.data(), cue_lists())
def test_a_side_that_changed_nothing_takes_the_other_side(data, base):
    theirs = data.draw(edited(base))
    assert merge_revisions(base, theirs, base) == (
        (theirs, []) if len(theirs) == len(base) else (None, [])
    )
    assert merge_revisions(base, base, theirs)[0] in (theirs, None)
    assert merge_revisions(base, theirs, theirs)[1] == []


@given(st.data(), cue_lists().filter(well_formed))
@example(
    data=None,
    base=[Cue(0, 1000, ("One.",)), Cue(2000, 3000, ("Two.",))],
).via("issue 12: each side retimed one of two neighbours; together they overlapped")
def test_a_merge_of_well_formed_revisions_is_well_formed_or_refused(data, base):
    if data is None:
        theirs = [base[0], Cue(1200, 3000, ("Two.",))]
        mine = [Cue(0, 1800, ("One.",)), base[1]]
    else:
        theirs = data.draw(edited(base).filter(well_formed))
        mine = data.draw(edited(base).filter(well_formed))
    merged, both = merge_revisions(base, theirs, mine)
    if merged is not None:
        assert well_formed(merged)
        assert len(merged) == len(base)
        assert all(1 <= n <= len(base) for n in both)
