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
    Rule.SPEAKER_CHANGE: with_cue(
        1, Cue(3500, 6000, ("ask not what your country", "can do for you."), ("S1", "S2"))
    ),
}


@pytest.mark.parametrize("rule", list(MUTATIONS), ids=str)
def test_each_injected_violation_is_caught(rule):
    found = rules_of(MUTATIONS[rule])
    assert (2, rule) in found, found


def test_every_rule_but_those_fed_from_outside_the_cues_has_a_mutation():
    assert set(Rule) - set(MUTATIONS) == {
        Rule.UNTRANSLATED, Rule.GLOSSARY, Rule.DUB_TOO_LONG, Rule.TM_CONSISTENCY,
        Rule.SHOT_CHANGE,  # the episode's cuts: test_times_a_few_frames_off_a_shot_change...
    }  # fmt: skip


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


def chained_track(frame_rate: float, gap_frames: int, minutes: int = 24) -> list[Cue]:
    """A track like a whole episode's: 2-second cues chained ``gap_frames`` apart, every
    time on a frame, in whole milliseconds as subtitle files keep them."""
    frame_ms = 1000 / frame_rate
    cue_frames = round(2 * frame_rate)
    cues, frame = [], 0
    while frame * frame_ms < minutes * 60_000:
        start, end = round(frame * frame_ms), round((frame + cue_frames) * frame_ms)
        cues.append(Cue(start, end, (f"Line {len(cues) + 1}.",)))
        frame += cue_frames + gap_frames
    return cues


@pytest.mark.parametrize("frame_rate", [24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0])
def test_a_gap_of_exactly_the_minimum_frames_is_not_flagged(frame_rate):
    # issue 12: 2 frames at 23.976 fps are 83.4 ms; a file keeps 83 ms.
    cues = chained_track(frame_rate, gap_frames=2)
    report = check(cues, EN, frame_rate)
    assert [i for i in report.issues if i.rule is Rule.MIN_GAP] == []


@pytest.mark.parametrize("frame_rate", [24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0])
def test_a_gap_of_one_frame_is_still_flagged(frame_rate):
    cues = chained_track(frame_rate, gap_frames=1)
    flagged = [i.cue for i in check(cues, EN, frame_rate).issues if i.rule is Rule.MIN_GAP]
    assert flagged == list(range(2, len(cues) + 1))


@pytest.mark.parametrize("rate", ["1e308", "1e400", "0.0001", "100000", "0", "-25", "nan", "x"])
def test_a_frame_rate_no_video_has_is_refused(rate):
    from locsvc.domain.requests import parse_frame_rate

    with pytest.raises(InvalidRequest, match="frame rate"):
        parse_frame_rate(rate)


@pytest.mark.parametrize("rate, value", [("24000/1001", 24000 / 1001), ("25", 25.0), ("120", 120)])
def test_real_frame_rates_are_read(rate, value):
    from locsvc.domain.requests import parse_frame_rate

    assert parse_frame_rate(rate) == value


@pytest.mark.parametrize("offset_ms", range(-40, 40, 4))
def test_a_one_frame_gap_off_the_frame_grid_is_still_one_frame(offset_ms):
    # 40 ms at 25 fps is one frame wherever it falls (980 -> 1020 ms: half a frame each)
    cues = [Cue(0, 1000 + offset_ms, ("One.",)), Cue(1040 + offset_ms, 3000, ("Two.",))]
    assert Rule.MIN_GAP in {i.rule for i in check(cues, EN, 25.0).issues}


@pytest.mark.parametrize(
    "rate, end_ms, start_ms",
    [(24.0, 1020, 1063), (24.0, 1000, 1082), (25.0, 1019, 1078), (24000 / 1001, 1000, 1082)],
)
def test_a_gap_short_of_two_frames_off_the_grid_is_flagged(rate, end_ms, start_ms):
    # 43 ms at 24 fps is about one frame, whichever frames its ends are nearest to
    cues = [Cue(0, end_ms, ("One.",)), Cue(start_ms, 3000, ("Two.",))]
    assert Rule.MIN_GAP in {i.rule for i in check(cues, EN, rate).issues}


def shot_issues(start_ms: int, end_ms: int, cuts: list[int]) -> list[tuple[int, float]]:
    report = check([Cue(start_ms, end_ms, ("Look.",))], EN, FPS, shot_changes_ms=cuts)
    return [(i.cue, i.value) for i in report.issues if i.rule == Rule.SHOT_CHANGE]


def test_times_a_few_frames_off_a_shot_change_are_flagged():
    # 25 fps: a frame is 40 ms. A cut at 2000 ms (frame 50).
    assert shot_issues(2000, 4000, [2000]) == []  # on the cut
    assert shot_issues(1000, 1920, [2000]) == []  # out 2 frames before it: the gap
    assert shot_issues(1000, 1500, [2000]) == []  # 12 frames or more away: clear of it
    assert shot_issues(2120, 4000, [2000]) == [(1, 3)]  # in 3 frames after: a flash
    assert shot_issues(1880, 4000, [2000]) == [(1, -3)]  # in 3 frames before
    assert shot_issues(1000, 2160, [2000]) == [(1, 4)]  # out 4 frames past the cut
    assert shot_issues(1000, 1800, [2000]) == [(1, -5)]  # out 5 frames before, not at the gap
    report = check([Cue(2120, 4000, ("Look.",))], EN, FPS, shot_changes_ms=[2000])
    assert report.issues[0].severity == Severity.WARNING
