"""What a viewer reads: cue text without markup, and its width on screen."""

from __future__ import annotations

import re
import unicodedata

SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
CLAUSE_END = (",", ";", ":", "、", "，")

# SRT/WebVTT inline tags (<i>, </b>, <font color=...>, <c.yellow>, <v Name>, <00:01.000>)
# and SubStation override blocks ({\an8}).
MARKUP = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
TAG = re.compile(r"<(/?)([a-zA-Z]+)[^<>\n]*>")
PAIRED_TAGS = frozenset({"i", "b", "u", "c", "v", "lang", "ruby", "rt", "font", "s"})


def visible(text: str) -> str:
    return MARKUP.sub("", text)


def line_width(line: str, half_width_counts_half: bool = False) -> float:
    """Columns a line takes: one per character (spaces included); with the Japanese
    rule, half-width characters count half and full-width ones one."""
    text = visible(line)
    if not half_width_counts_half:
        return float(len(text))
    return sum(1.0 if unicodedata.east_asian_width(c) in "FW" else 0.5 for c in text)


def reading_characters(lines: tuple[str, ...]) -> int:
    """Characters read in a cue: visible text of all lines, line breaks not counted."""
    return sum(len(visible(line)) for line in lines)


def unbalanced_tags(text: str) -> list[str]:
    """Tags opened and never closed, or closed without being opened, in order."""
    open_tags: list[str] = []
    problems: list[str] = []
    for closing, name in TAG.findall(text):
        name = name.lower()
        if name not in PAIRED_TAGS:
            continue
        if not closing:
            open_tags.append(name)
        elif open_tags and open_tags[-1] == name:
            open_tags.pop()
        else:
            problems.append(f"</{name}>")
    # <v Speaker> may legally stay open to the end of the cue in WebVTT.
    problems.extend(f"<{name}>" for name in open_tags if name != "v")
    return problems


def invalid_characters(text: str) -> list[str]:
    """Control and unassigned code points, and U+FFFD (the mark of a decoding accident)."""
    bad = []
    for char in text:
        category = unicodedata.category(char)
        if char == "\ufffd" or (category == "Cc" and char not in "\t") or category == "Cn":
            bad.append(f"U+{ord(char):04X}")
    return bad
