"""Glossary QC of a whole track, for any revision: the machine draft or a linguist's
correction. Each source sentence is compared with the text of the target cues that
overlap it in time (a translated track keeps to the source speech spans, and a
linguist's edits rarely move text across sentences); forbidden terms are looked
for cue by cue, so each is reported once, on the cue that shows it."""

from __future__ import annotations

from collections.abc import Sequence

from .cues import Cue
from .glossary import Glossary, TermIssue
from .sentences import join_sentences, plain_text


def track_term_issues(
    source_cues: Sequence[Cue], target_cues: Sequence[Cue], glossary: Glossary
) -> list[tuple[int, TermIssue]]:
    """(target cue number, issue) pairs, ordered by cue."""
    issues: list[tuple[int, TermIssue]] = []
    for sentence in join_sentences(source_cues):
        numbers = [
            number
            for number, cue in enumerate(target_cues, start=1)
            if cue.start_ms < sentence.end_ms and cue.end_ms > sentence.start_ms
        ]
        target_text = " ".join(plain_text(target_cues[n - 1]) for n in numbers)
        anchor = numbers[0] if numbers else _nearest(target_cues, sentence.start_ms)
        issues += [(anchor, i) for i in glossary.missing_terms(sentence.text, target_text)]
    for number, cue in enumerate(target_cues, start=1):
        issues += [(number, i) for i in glossary.forbidden_terms(plain_text(cue))]
    return sorted(issues, key=lambda pair: pair[0])


def _nearest(cues: Sequence[Cue], time_ms: int) -> int:
    """The number of the first cue that ends after ``time_ms`` (the last one otherwise)."""
    for number, cue in enumerate(cues, start=1):
        if cue.end_ms > time_ms:
            return number
    return max(len(cues), 1)
