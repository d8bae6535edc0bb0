"""Where to break a subtitle into lines: linguistically sound, balanced or bottom-heavy.

Every possible break is scored; widths over the limit cost most, then breaking
inside a unit that belongs together (article + noun, pronoun + verb, auxiliary or
negation + verb, preposition + object, first + last name), then imbalance. Japanese
and Chinese break between characters, with the basic kinsoku rules."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .profiles import TimedTextProfile
from .text import line_width, visible
from .wordlists import CHARACTER_BREAKING, BreakWords, break_words_for

CLAUSE_PUNCTUATION = (",", ";", ":", ".", "?", "!", "…", "-", "—", "、", "。", "，", "！", "？")
# Characters that may not start a line (closing marks, small kana) or end one (opening marks).
NO_LINE_START = set("、。，．！？」』）〕】・ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々")
NO_LINE_END = set("「『（〔【")

# A unit to break between: a word (or, in unspaced scripts, a character) with any tags
# in or around it, a tag's inner spaces included.
WORD_UNIT = re.compile(r"(?:<[^<>\n]*>|\{\\[^{}\n]*\}|\S)+")
CHARACTER_UNIT = re.compile(r"(?:<[^<>\n]*>|\{\\[^{}\n]*\})*\S(?:</[^<>\n]*>)*|\s")

OVERFLOW_COST = 1000  # per column over the limit: only when nothing fits
BAD_BREAK_COST = 40  # splitting a unit that belongs together
NAME_SPLIT_COST = 30
TOP_HEAVY_COST = 3  # a bottom-heavy pyramid reads better
PUNCTUATION_BONUS = 15
BREAK_BEFORE_BONUS = 6


def tokens_of(text: str, language: str) -> tuple[list[str], str]:
    """The units a line may break between, and the glue that joins them again. Markup
    ("<v Jane Doe>", "<i>") stays whole inside its unit: a tag cut across two lines
    would show, and would make a line's width depend on where the other line ends."""
    if language.split("-")[0].lower() in CHARACTER_BREAKING and " " not in text.strip():
        return CHARACTER_UNIT.findall(text.strip()), ""
    return WORD_UNIT.findall(text), " "


def break_lines(text: str, profile: TimedTextProfile) -> tuple[str, ...]:
    """One line when it fits, else the best two-line split (or as good as can be)."""
    tokens, glue = tokens_of(text, profile.language)
    if not tokens:
        return ("",)
    whole = glue.join(tokens)
    if (
        profile.max_lines < 2
        or len(tokens) == 1
        or _width(whole, profile) <= profile.max_chars_per_line
    ):
        return (whole,)
    words = break_words_for(profile.language)
    best = min(
        range(1, len(tokens)),
        key=lambda k: (_cost(tokens, k, glue, profile, words), k),
    )
    return (glue.join(tokens[:best]), glue.join(tokens[best:]))


def fits(text: str, profile: TimedTextProfile) -> bool:
    """True when the text can be laid out within the profile's lines and columns.

    The same answer as laying it out with break_lines (whose overflow cost outweighs
    every other, so it picks a split within the limit whenever one exists), without
    scoring every split: segmentation asks this once per word."""
    tokens, glue = tokens_of(text, profile.language)
    limit = profile.max_chars_per_line
    if not tokens or _width(glue.join(tokens), profile) <= limit:
        return True
    if profile.max_lines < 2 or len(tokens) < 2:
        return False
    # The top line only widens as words move up and the bottom only narrows, so the
    # split to try is the one with the most words on top that still fit there.
    low, high = 0, len(tokens) - 1  # invariant: tokens[:low] fits on top (or low == 0)
    while low < high:
        middle = (low + high + 1) // 2
        if _width(glue.join(tokens[:middle]), profile) <= limit:
            low = middle
        else:
            high = middle - 1
    return low > 0 and _width(glue.join(tokens[low:]), profile) <= limit


def _width(text: str, profile: TimedTextProfile) -> float:
    return line_width(text, profile.half_width_counts_half)


def _cost(
    tokens: Sequence[str], k: int, glue: str, profile: TimedTextProfile, words: BreakWords
) -> float:
    top, bottom = glue.join(tokens[:k]), glue.join(tokens[k:])
    top_width, bottom_width = _width(top, profile), _width(bottom, profile)
    limit = profile.max_chars_per_line
    cost = OVERFLOW_COST * (max(0.0, top_width - limit) + max(0.0, bottom_width - limit))
    cost += abs(top_width - bottom_width)
    if top_width > bottom_width:
        cost += TOP_HEAVY_COST
    last, first = visible(tokens[k - 1]), visible(tokens[k])
    if glue == "":
        return cost + _kinsoku_cost(last, first)
    if last.endswith(CLAUSE_PUNCTUATION):
        return cost - PUNCTUATION_BONUS
    last_word, first_word = _bare(last), _bare(first)
    if last_word in words.keep_with_next or last_word.endswith(words.elisions):
        cost += BAD_BREAK_COST
    if first_word in words.break_before:
        cost -= BREAK_BEFORE_BONUS
    if _looks_like_name_pair(tokens, k):
        cost += NAME_SPLIT_COST
    return cost


def _bare(token: str) -> str:
    return token.strip("\"'“”‘’«»()[]¿¡").lower()


def _looks_like_name_pair(tokens: Sequence[str], k: int) -> bool:
    """Two capitalised words in a row ("Alice Miller", "New York") stay together."""
    last, first = visible(tokens[k - 1]), visible(tokens[k])
    return last[:1].isupper() and first[:1].isupper()


def _kinsoku_cost(last: str, first: str) -> float:
    cost = 0.0
    if first[:1] in NO_LINE_START or last[-1:] in NO_LINE_END:
        cost += BAD_BREAK_COST * 10
    if last.endswith(CLAUSE_PUNCTUATION):
        cost -= PUNCTUATION_BONUS
    return cost
