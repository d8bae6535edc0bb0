"""One QC engine for generated tracks, linguist uploads and any file given to `locsvc qc`.

Each rule looks at a cue (and its neighbours) and reports issues with the rule's
name, a severity, the measured value and the limit. Error-level issues block
delivery; warnings are for the linguist's judgement."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from .cues import Cue
from .dialogue import unmarked_speaker_change
from .frames import Frames
from .glossary import TermIssue
from .profiles import TimedTextProfile
from .text import invalid_characters, line_width, reading_characters, unbalanced_tags, visible


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Rule(StrEnum):
    EMPTY = "empty_cue"
    ORDER = "order"
    OVERLAP = "overlap"
    MIN_GAP = "min_gap"
    MIN_DURATION = "min_duration"
    MAX_DURATION = "max_duration"
    MAX_LINES = "max_lines"
    CHARS_PER_LINE = "chars_per_line"
    READING_SPEED = "reading_speed"
    UNBALANCED_TAGS = "unbalanced_tags"
    INVALID_CHARACTERS = "invalid_characters"
    UNTRANSLATED = "untranslated"
    GLOSSARY = "glossary"
    DUB_TOO_LONG = "dub_too_long"
    SPEAKER_CHANGE = "speaker_change"
    TM_CONSISTENCY = "tm_consistency"
    SHOT_CHANGE = "shot_change"


SEVERITY: dict[Rule, Severity] = {
    Rule.EMPTY: Severity.ERROR,
    Rule.ORDER: Severity.ERROR,
    Rule.OVERLAP: Severity.ERROR,
    Rule.MIN_GAP: Severity.WARNING,  # touching cues read as one flicker, but they are legible
    Rule.MIN_DURATION: Severity.ERROR,
    Rule.MAX_DURATION: Severity.ERROR,
    Rule.MAX_LINES: Severity.ERROR,
    Rule.CHARS_PER_LINE: Severity.ERROR,
    Rule.READING_SPEED: Severity.ERROR,
    Rule.UNBALANCED_TAGS: Severity.ERROR,
    Rule.INVALID_CHARACTERS: Severity.ERROR,
    Rule.UNTRANSLATED: Severity.WARNING,  # names and exclamations may rightly stay as they are
    Rule.GLOSSARY: Severity.ERROR,  # a show's key term missing, or a forbidden one used
    Rule.DUB_TOO_LONG: Severity.WARNING,  # the dub plays it whole; the line wants shortening
    # two speakers in a one-speaker event; a warning, as the speakers come from a model
    Rule.SPEAKER_CHANGE: Severity.WARNING,
    # the show approved this source sentence otherwise elsewhere; either may be right
    Rule.TM_CONSISTENCY: Severity.WARNING,
    # an in- or out-time a few frames off a shot change: the text flashes across the cut
    Rule.SHOT_CHANGE: Severity.WARNING,
}
# Within this many frames of a shot change, a cue's times belong on it (in-time) or the
# minimum gap before it (out-time): docs/timed-text.md, as segmentation times them.
NEAR_CUT_FRAMES = 12


@dataclass(frozen=True)
class SpokenWord:
    """Who speaks when, from the diarization: the evidence for ``speaker_change``."""

    start_ms: int
    end_ms: int
    speaker: str


@dataclass(frozen=True)
class Inconsistency:
    """A sentence translated otherwise than the show's approved translations of it."""

    cue: int  # the first cue the sentence's translation is on
    source: str
    target: str
    elsewhere: tuple[str, ...]  # the other approved translations, each with its episode


@dataclass(frozen=True)
class Issue:
    cue: int  # 1-based, as linguists count
    rule: Rule
    severity: Severity
    value: float | str | None
    limit: float | str | None
    message: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class QcReport:
    issues: tuple[Issue, ...]
    cue_count: int
    profile: TimedTextProfile
    frame_rate: float

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity is Severity.ERROR)

    @property
    def passed(self) -> bool:
        return self.errors == 0

    def brief(self) -> dict:
        """What a queue shows of it: counts only."""
        return {
            "errors": self.errors,
            "warnings": len(self.issues) - self.errors,
            "glossary_issues": sum(1 for i in self.issues if i.rule is Rule.GLOSSARY),
        }

    def to_dict(self) -> dict:
        by_rule = Counter(issue.rule.value for issue in self.issues)
        return {
            "summary": {
                "cues": self.cue_count,
                "errors": self.errors,
                "warnings": len(self.issues) - self.errors,
                "passed": self.passed,
                "by_rule": dict(sorted(by_rule.items())),
                "profile": self.profile.to_dict(),
                "frame_rate": self.frame_rate,
            },
            "issues": [issue.to_dict() for issue in self.issues],
        }


def check(
    cues: Sequence[Cue],
    profile: TimedTextProfile,
    frame_rate: float,
    source: Sequence[Cue] | None = None,
    glossary_issues: Sequence[tuple[int, TermIssue]] = (),
    dub_overflows: Sequence[tuple[int, int]] = (),
    spoken: Sequence[SpokenWord] = (),
    inconsistencies: Sequence[Inconsistency] = (),
    shot_changes_ms: Sequence[int] = (),
) -> QcReport:
    """Every issue in ``cues`` against ``profile``; ``source`` (the source-language track,
    when this is a translation) enables the untranslated-text rule; ``glossary_issues``
    (cue number, issue) come from checking the translation against the show's glossary;
    ``dub_overflows`` (cue number, ms) are lines its dub could not fit; ``spoken`` (the
    episode's words with their speakers) lets a cue that spans a speaker change be found;
    ``inconsistencies`` come from the show's translation memory; ``shot_changes_ms`` (the
    episode's cuts) find in- and out-times a few frames off a cut."""
    issues: list[Issue] = []
    frames = Frames(frame_rate)
    source_texts = {_normalised(c.text) for c in source or ()} - {""}
    heard = _speakers_heard(cues, spoken)
    for number, cue in enumerate(cues, start=1):
        found: list[tuple[Rule, float | str | None, float | str | None, str]] = []
        found += _text_rules(cue, profile)
        found += _duration_rules(cue, profile)
        if number > 1:
            found += _neighbour_rules(cues[number - 2], cue, frames, profile)
        found += _shot_change_rules(cue, shot_changes_ms, frames, profile)
        if source_texts and _normalised(cue.text) in source_texts:
            found.append((Rule.UNTRANSLATED, visible(cue.text), None, "same text as the source"))
        if mixed := unmarked_speaker_change(cue, heard[number - 1]):
            found.append((
                Rule.SPEAKER_CHANGE, ", ".join(mixed), None,
                "speakers change inside a one-speaker event: split it, or make it a "
                "dual-speaker event (one line each, dialogue dashes)",
            ))  # fmt: skip
        issues += [Issue(number, rule, SEVERITY[rule], v, lim, msg) for rule, v, lim, msg in found]
    for number, term in glossary_issues:
        expected = term.expected[0] if term.expected else None
        issues.append(
            Issue(number, Rule.GLOSSARY, SEVERITY[Rule.GLOSSARY], term.term, expected, term.message)
        )
    for number, overflow_ms in dub_overflows:
        issues.append(
            Issue(number, Rule.DUB_TOO_LONG, SEVERITY[Rule.DUB_TOO_LONG], overflow_ms, 0,
                  f"the dubbed line runs {overflow_ms} ms past its slot and the gap after "
                  "it, at the fastest allowed speed: shorten it")
        )  # fmt: skip
    for other in inconsistencies:
        issues.append(
            Issue(other.cue, Rule.TM_CONSISTENCY, SEVERITY[Rule.TM_CONSISTENCY], other.target,
                  " | ".join(other.elsewhere),
                  f"{other.source!r} is approved otherwise in the show's other episodes: "
                  + "; ".join(other.elsewhere))
        )  # fmt: skip
    issues.sort(key=lambda issue: issue.cue)
    return QcReport(tuple(issues), len(cues), profile, frame_rate)


def _speakers_heard(cues: Sequence[Cue], spoken: Sequence[SpokenWord]) -> list[list[str]]:
    """For each cue, in order, the speakers of the words whose middle falls inside it."""
    heard: list[list[str]] = [[] for _ in cues]
    if not spoken:
        return heard
    middles = sorted(((w.start_ms + w.end_ms) // 2, w.speaker) for w in spoken)
    times = [m for m, _ in middles]
    for index, cue in enumerate(cues):
        begin = bisect.bisect_left(times, cue.start_ms)
        end = bisect.bisect_left(times, cue.end_ms)
        heard[index] = [speaker for _, speaker in middles[begin:end]]
    return heard


def _normalised(text: str) -> str:
    return " ".join(visible(text).lower().split())


def _text_rules(cue: Cue, profile: TimedTextProfile):
    if not visible(cue.text).strip():
        yield Rule.EMPTY, None, None, "the cue has no text"
        return
    if len(cue.lines) > profile.max_lines:
        yield Rule.MAX_LINES, len(cue.lines), profile.max_lines, f"{len(cue.lines)} lines"
    for line in cue.lines:
        width = line_width(line, profile.half_width_counts_half)
        if width > profile.max_chars_per_line:
            yield (
                Rule.CHARS_PER_LINE, width, profile.max_chars_per_line,
                f"a line of {width:g} characters: {visible(line)[:60]!r}",
            )  # fmt: skip
    duration_s = (cue.end_ms - cue.start_ms) / 1000
    if duration_s > 0:
        speed = round(reading_characters(cue.lines) / duration_s, 1)
        if speed > profile.reading_speed_cps:
            yield (
                Rule.READING_SPEED, speed, profile.reading_speed_cps,
                f"{speed:g} characters per second",
            )  # fmt: skip
    if problems := unbalanced_tags(" ".join(cue.lines)):
        yield Rule.UNBALANCED_TAGS, " ".join(problems), None, "tags not opened or not closed"
    if bad := invalid_characters("".join(cue.lines)):
        yield Rule.INVALID_CHARACTERS, " ".join(bad), None, "characters a player cannot show"


def _shot_change_rules(cue: Cue, cuts_ms: Sequence[int], frames: Frames, profile: TimedTextProfile):
    start, end = frames.nearest(cue.start_ms), frames.nearest(cue.end_ms)
    for cut_ms in cuts_ms:
        cut = frames.nearest(cut_ms)
        if 0 < abs(start - cut) < NEAR_CUT_FRAMES:
            side = "after" if start > cut else "before"
            yield (
                Rule.SHOT_CHANGE, start - cut, 0,
                f"in-time {abs(start - cut)} frames {side} the shot change at {cut_ms} ms: "
                "start on the cut",
            )  # fmt: skip
        if 0 < end - cut < NEAR_CUT_FRAMES or (
            -NEAR_CUT_FRAMES < end - cut < -profile.min_gap_frames
        ):
            side = "after" if end > cut else "before"
            yield (
                Rule.SHOT_CHANGE, end - cut, -profile.min_gap_frames,
                f"out-time {abs(end - cut)} frames {side} the shot change at {cut_ms} ms: end "
                f"{profile.min_gap_frames} frames before the cut",
            )  # fmt: skip


def _duration_rules(cue: Cue, profile: TimedTextProfile):
    duration = cue.end_ms - cue.start_ms
    if duration < profile.min_duration_ms:
        yield Rule.MIN_DURATION, duration, profile.min_duration_ms, f"on screen {duration} ms"
    elif duration > profile.max_duration_ms:
        yield Rule.MAX_DURATION, duration, profile.max_duration_ms, f"on screen {duration} ms"


def _neighbour_rules(previous: Cue, cue: Cue, frames: Frames, profile: TimedTextProfile):
    if cue.start_ms < previous.start_ms:
        yield Rule.ORDER, cue.start_ms, previous.start_ms, "starts before the cue above it"
    elif cue.start_ms < previous.end_ms:
        overlap = previous.end_ms - cue.start_ms
        yield Rule.OVERLAP, overlap, 0, f"overlaps the cue above by {overlap} ms"
    elif not frames.at_least(previous.end_ms, cue.start_ms, profile.min_gap_frames):
        # in frames: 2 frames at 23.976 fps are 83.4 ms, and a file keeps 83
        gap = cue.start_ms - previous.end_ms
        yield (
            Rule.MIN_GAP, gap, frames.ms(profile.min_gap_frames),
            f"{gap} ms after the cue above; at least {profile.min_gap_frames} frames wanted",
        )  # fmt: skip
