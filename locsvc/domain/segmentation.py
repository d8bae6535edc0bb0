"""Words with times -> subtitle cues.

A deliberately simple segmenter (sentence and pause based, bounded line length);
the full timed-text engine with per-language profiles replaces it later. What it
already guarantees: every word appears once and in order, cues are monotonic
and never overlap, and each cue keeps within the line and duration limits
whenever the speech allows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cues import Cue, check_monotonic
from .transcript import Word

SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
CLAUSE_END = (",", ";", ":", "、", "，")


@dataclass(frozen=True)
class SegmentationRules:
    """Defaults from STANDARDS.md (streaming delivery, adult programmes)."""

    max_chars_per_line: int = 42
    max_lines: int = 2
    max_duration_ms: int = 7000
    min_duration_ms: int = 833  # 5/6 s
    min_gap_frames: int = 2
    pause_break_ms: int = 700  # a silence this long starts a new cue

    @property
    def max_chars(self) -> int:
        return self.max_chars_per_line * self.max_lines


def segment_words(
    words: Sequence[Word], frame_rate: float, rules: SegmentationRules | None = None
) -> list[Cue]:
    rules = rules or SegmentationRules()
    words = [w for w in words if w.text.strip()]
    groups = _group_words(words, rules)
    cues = _time_groups(groups, frame_rate, rules)
    check_monotonic(cues)
    return cues


def _text(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip()


def _group_words(words: Sequence[Word], rules: SegmentationRules) -> list[list[Word]]:
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if current and _starts_new_cue(current, word, rules):
            keep, carry = _split_at_clause(current, rules)
            groups.append(keep)
            current = carry
        current.append(word)
    if current:
        groups.append(current)
    return groups


def _starts_new_cue(current: list[Word], word: Word, rules: SegmentationRules) -> bool:
    last = current[-1]
    if last.text.strip().endswith(SENTENCE_END):
        return True
    if word.start_ms - last.end_ms >= rules.pause_break_ms:
        return True
    too_long = len(_text([*current, word])) > rules.max_chars
    too_slow = word.end_ms - current[0].start_ms > rules.max_duration_ms
    return too_long or too_slow


def _split_at_clause(
    current: list[Word], rules: SegmentationRules
) -> tuple[list[Word], list[Word]]:
    """When a cue overflows, end it at its last clause boundary (if one lies past its
    first third) rather than mid-phrase; the words after it start the next cue."""
    last = current[-1].text.strip()
    if last.endswith(SENTENCE_END):
        return current, []
    for index in range(len(current) - 1, 0, -1):
        if current[index - 1].text.strip().endswith(CLAUSE_END):
            if len(_text(current[:index])) >= len(_text(current)) / 3:
                carry = current[index:]
                if len(_text(carry)) < rules.max_chars:
                    return current[:index], carry
            break
    return current, []


def _time_groups(
    groups: list[list[Word]], frame_rate: float, rules: SegmentationRules
) -> list[Cue]:
    gap_ms = round(rules.min_gap_frames * 1000 / frame_rate)
    spans = [[g[0].start_ms, g[-1].end_ms] for g in groups]
    for index, span in enumerate(spans):
        next_start = spans[index + 1][0] if index + 1 < len(spans) else None
        # Lengthen short cues into the following silence, never into the next cue.
        wanted_end = max(span[1], span[0] + rules.min_duration_ms)
        if next_start is not None:
            wanted_end = min(wanted_end, next_start - gap_ms)
        span[1] = max(wanted_end, span[0] + 1)
        if next_start is not None and span[1] > next_start:
            # Speech runs into the next cue with no room for a gap: start that one later.
            spans[index + 1][0] = span[1]
            spans[index + 1][1] = max(spans[index + 1][1], span[1] + 1)
    return [
        Cue(start, end, break_lines(_text(group), rules.max_chars_per_line))
        for (start, end), group in zip(spans, groups, strict=True)
    ]


def break_lines(text: str, max_chars_per_line: int) -> tuple[str, ...]:
    """One line if it fits; otherwise two lines split at the space that best
    balances them, preferring a break after punctuation and a bottom-heavy shape."""
    if len(text) <= max_chars_per_line or " " not in text:
        return (text,)
    best: tuple[float, int] | None = None
    for index, char in enumerate(text):
        if char != " ":
            continue
        top, bottom = text[:index], text[index + 1 :]
        score = float(abs(len(top) - len(bottom)))
        if max(len(top), len(bottom)) > max_chars_per_line:
            score += 1000  # over the limit: only if nothing else fits
        if top.endswith(CLAUSE_END + SENTENCE_END):
            score -= 8
        if len(top) > len(bottom):
            score += 2  # bottom-heavy reads better
        if best is None or score < best[0]:
            best = (score, index)
    assert best is not None
    return (text[: best[1]], text[best[1] + 1 :])
