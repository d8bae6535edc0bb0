from locsvc.domain.cues import Cue
from locsvc.domain.revision_diff import diff_revisions, merge_revisions

BEFORE = [Cue(0, 1000, ("One.",)), Cue(1000, 2000, ("Two.",)), Cue(2000, 3000, ("Three.",))]


def test_identical_revisions_have_no_changes():
    assert diff_revisions(BEFORE, BEFORE).to_dict()["cues_changed"] == 0


def test_text_and_timing_edits_are_counted_per_cue():
    after = [BEFORE[0], Cue(1100, 2000, ("Two!",)), BEFORE[2]]
    diff = diff_revisions(BEFORE, after)
    assert (diff.text_edits, diff.timing_edits, diff.added, diff.removed) == (1, 1, 0, 0)
    assert diff.cues_changed == 1
    assert {c["kind"] for c in diff.changes} == {"text", "timing"}


def test_an_inserted_cue_does_not_shift_the_rest_into_edits():
    after = [BEFORE[0], Cue(900, 950, ("Uh.",)), *BEFORE[1:]]
    diff = diff_revisions(BEFORE, after)
    assert (diff.text_edits, diff.timing_edits, diff.added, diff.removed) == (0, 0, 1, 0)
    assert diff.changes[0]["cue"] == 2


def test_three_way_merge_keeps_both_sides_edits():
    theirs = [BEFORE[0], Cue(1000, 2000, ("Two, theirs.",)), BEFORE[2]]
    mine = [BEFORE[0], BEFORE[1], Cue(2000, 3000, ("Three, mine.",))]
    merged, both = merge_revisions(BEFORE, theirs, mine)
    assert [c.text for c in merged] == ["One.", "Two, theirs.", "Three, mine."] and both == []
    clash = [BEFORE[0], Cue(1000, 2000, ("Two, mine.",)), BEFORE[2]]
    merged, both = merge_revisions(BEFORE, theirs, clash)
    assert merged[1].text == "Two, mine." and both == [2]
    assert merge_revisions(BEFORE, theirs, mine[:2]) == (None, [])
