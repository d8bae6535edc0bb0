"""Glossary QC of a whole track, for any revision: the machine draft or a linguist's
correction. Each source sentence is compared with the text of the target cues that
overlap it in time (a translated track keeps to the source speech spans, and a
linguist's edits rarely move text across sentences); forbidden terms are looked
for cue by cue, so each is reported once, on the cue that shows it."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from .cues import Cue, overlap_finder
from .glossary import Glossary, GlossaryEntry, TermIssue, TermMatch, missing_issue
from .sentences import join_sentences, plain_text


def track_term_issues(
    source_cues: Sequence[Cue], target_cues: Sequence[Cue], glossary: Glossary
) -> list[tuple[int, TermIssue]]:
    """(target cue number, issue) pairs, ordered by cue."""
    issues: list[tuple[int, TermIssue]] = []
    overlapping = overlap_finder(target_cues)
    credited: set[tuple[int, int]] = set()
    for sentence in join_sentences(source_cues):
        numbers = overlapping(sentence.start_ms, sentence.end_ms)
        anchor = numbers[0] if numbers else _nearest(target_cues, sentence.start_ms)
        parts = [(n, plain_text(target_cues[n - 1])) for n in numbers]
        issues += [(anchor, i) for i in _missing(glossary, sentence.text, parts, credited)]
    for number, cue in enumerate(target_cues, start=1):
        issues += [(number, i) for i in glossary.forbidden_terms(plain_text(cue))]
    return sorted(issues, key=lambda pair: pair[0])


def _missing(
    glossary: Glossary,
    source_text: str,
    parts: list[tuple[int, str]],
    credited: set[tuple[int, int]],
) -> list[TermIssue]:
    """Glossary.missing_terms over the text of the cues ``parts`` (number, text), where a
    term in a cue counts for one source occurrence only: a cue lingering over the next
    sentence (whose translation the engine dropped) must not stand in for it too.
    ``credited`` holds the (cue number, offset) of the terms already counted."""
    starts, numbers, text = [], [], ""
    for number, part in parts:
        text += " " if text else ""
        starts.append(len(text))
        numbers.append(number)
        text += part

    def origin(match: TermMatch) -> tuple[int, int]:
        index = bisect.bisect_right(starts, match.start) - 1
        return numbers[index], match.start - starts[index]

    occurrences: dict[GlossaryEntry, list[TermMatch]] = {}
    for match in glossary.find_in_source(source_text):
        occurrences.setdefault(match.entry, []).append(match)
    issues = []
    for entry, matches in occurrences.items():
        fresh = [o for o in map(origin, glossary.required_in(entry, text)) if o not in credited]
        credited.update(fresh[: len(matches)])
        issues += [missing_issue(match, source_text) for match in matches[len(fresh) :]]
    return issues


def _nearest(cues: Sequence[Cue], time_ms: int) -> int:
    """The number of the first cue that ends after ``time_ms`` (the last one otherwise)."""
    for number, cue in enumerate(cues, start=1):
        if cue.end_ms > time_ms:
            return number
    return max(len(cues), 1)
