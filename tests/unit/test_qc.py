"""QC: a clean track passes; each kind of violation injected into it is caught."""

import pytest

from locsvc.domain.cues import Cue
from locsvc.domain.errors import InvalidRequest
from locsvc.domain.profiles import Audience, profile_for
from locsvc.domain.qc import Rule, Severity, check
from locsvc.domain.text import line_width, unbalanced_tags

EN = profile_for("en")
FPS = 25.0
CLEAN = [
    Cue(1000, 3000, ("And so, my fellow Americans,",)),
    Cue(3500, 6000, ("ask not what your country", "can do for you.")),
    Cue(6500, 9000, ("<i>Ask what you can do</i>", "for your country.")),
]


def rules_of(cues, profile=EN, source=None):
    return {(issue.cue, issue.rule) for issue in check(cues, profile, FPS, source).issues}


def with_cue(index, cue):
    cues = list(CLEAN)
    cues[index] = cue
    return cues


def test_clean_track_passes():
    report = check(CLEAN, EN, FPS)
    assert report.issues == () and report.passed
    assert report.to_dict()["summary"]["errors"] == 0


MUTATIONS = {
    Rule.EMPTY: with_cue(1, Cue(3500, 6000, ("<i></i>",))),
    Rule.ORDER: with_cue(1, Cue(500, 900, ("Too early.",))),
    Rule.OVERLAP: with_cue(1, Cue(2900, 6000, ("Overlapping here.",))),
    Rule.MIN_GAP: with_cue(1, Cue(3040, 6000, ("One frame after.",))),
    Rule.MIN_DURATION: with_cue(1, Cue(3500, 4000, ("Hi.",))),
    Rule.MAX_DURATION: with_cue(1, Cue(3500, 11_000, ("A long wait.",))),
    Rule.MAX_LINES: with_cue(1, Cue(3500, 6400, ("One,", "two,", "three."))),
    Rule.CHARS_PER_LINE: with_cue(1, Cue(3500, 6400, ("x" * 43,))),
    Rule.READING_SPEED: with_cue(1, Cue(3500, 4400, ("Far too many words to read in time",))),
    Rule.UNBALANCED_TAGS: with_cue(1, Cue(3500, 6000, ("<i>never closed",))),
    Rule.INVALID_CHARACTERS: with_cue(1, Cue(3500, 6000, ("broken \ufffd text",))),
}


@pytest.mark.parametrize("rule", list(MUTATIONS), ids=str)
def test_each_injected_violation_is_caught(rule):
    found = rules_of(MUTATIONS[rule])
    assert (2, rule) in found, found


def test_every_rule_but_those_fed_from_outside_the_cues_has_a_mutation():
    assert set(Rule) - set(MUTATIONS) == {Rule.UNTRANSLATED, Rule.GLOSSARY, Rule.DUB_TOO_LONG}


def test_lines_a_dub_could_not_fit_are_warnings_on_their_cues():
    report = check(CLEAN, EN, 25.0, dub_overflows=[(2, 420)])
    (issue,) = [i for i in report.issues if i.rule is Rule.DUB_TOO_LONG]
    assert (issue.cue, issue.value, issue.severity.value) == (2, 420, "warning")
    assert report.passed  # a warning: the linguist shortens the line, approval is not blocked


def test_untranslated_text_is_flagged_only_against_a_source():
    target = [
        Cue(1000, 3000, ("Y así, mis compatriotas,",)),
        Cue(3500, 6000, ("ask not what your country", "can do for you.")),
    ]
    assert rules_of(target, profile_for("es")) == set()
    found = check(target, profile_for("es"), FPS, source=CLEAN).issues
    assert [(i.cue, i.rule, i.severity) for i in found] == [
        (2, Rule.UNTRANSLATED, Severity.WARNING)
    ]


def test_issue_carries_value_and_limit():
    (issue,) = check(MUTATIONS[Rule.CHARS_PER_LINE], EN, FPS).issues
    assert (issue.value, issue.limit, issue.severity) == (43, 42, Severity.ERROR)


def test_profiles_follow_the_standards():
    assert (EN.max_chars_per_line, EN.reading_speed_cps) == (42, 20)
    assert profile_for("en-GB", Audience.CHILDREN).reading_speed_cps == 17
    assert profile_for("pt-BR").reading_speed_cps == 17
    japanese = profile_for("ja")
    assert (japanese.max_chars_per_line, japanese.half_width_counts_half) == (13, True)
    assert profile_for("fr", max_lines=1).max_lines == 1
    with pytest.raises(InvalidRequest):
        profile_for("fr", lines_please=3)
    with pytest.raises(InvalidRequest):
        profile_for("fr", "toddlers")


def test_widths():
    assert line_width("<i>Hello</i>, you") == 10
    assert line_width("日本語ｶﾀｶﾅ", half_width_counts_half=True) == 3 + 4 * 0.5
    long_japanese = Cue(0, 5000, ("あ" * 14,))
    assert (1, Rule.CHARS_PER_LINE) in rules_of([long_japanese], profile_for("ja"))


def test_tag_balance():
    assert unbalanced_tags("<i>fine</i> <b>also</b>") == []
    assert unbalanced_tags("<v Jane>speaker spans may stay open") == []
    assert unbalanced_tags("<i>open") == ["<i>"]
    assert unbalanced_tags("closed</b>") == ["</b>"]
