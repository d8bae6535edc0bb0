"""A producer's script: the dialogue, without times, as plain text or a dialogue list.

Read forms, line by line:
- ``NAME: words`` (a dialogue list, or a transcript naming its speakers);
- a screenplay's character cue, a line of capitals alone (``DIANE`` or ``DIANE (V.O.)``),
  naming the speaker of the lines below it up to the next blank line;
- any other line: words of the speaker named last in its paragraph, or of nobody.

Scene headings (``INT.``/``EXT.``), transitions (``CUT TO:``) and lines wholly in
brackets or parentheses are directions, not speech; so are bracketed and parenthesised
asides inside a line. What is left is spoken."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InvalidRequest

MAX_SCRIPT_WORDS = 200_000  # a feature film's dialogue is about 10,000

_NAMED_LINE = re.compile(
    r"^(?P<name>[^\W\d_][\w.'’ -]{0,39}?)\s*(?:\([^)]*\))?\s*:\s+(?P<text>\S.*)$"
)
_CHARACTER_CUE = re.compile(r"^(?P<name>[A-Z][A-Z0-9.'’ -]{0,39}?)\s*(?:\([^)]*\))?$")
_SCENE_HEADING = re.compile(r"^(?:INT|EXT|INT\./EXT|I/E)[. ]", re.IGNORECASE)
_TRANSITION = re.compile(r"^[A-Z ]+(?:TO|OUT|IN):$")
_ASIDE = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_WORD_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class ScriptLine:
    number: int  # the line of the file it came from (1-based)
    speaker: str | None
    text: str


@dataclass(frozen=True)
class ScriptWord:
    text: str  # as written, punctuation kept
    line: int  # index of its ScriptLine

    @property
    def key(self) -> str:
        return word_key(self.text)


def word_key(text: str) -> str:
    """A word as compared with the recogniser's: case-folded, its edge punctuation off."""
    return _WORD_EDGES.sub("", text.strip()).casefold().replace("’", "'")


def parse_script(lines: Sequence[str]) -> list[ScriptLine]:
    """The spoken lines of a script, with their speakers where it names them."""
    spoken: list[ScriptLine] = []
    speaker: str | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            speaker = None  # a character cue names the speaker of its paragraph only
            continue
        if _is_direction(line):
            continue
        if (cue := _CHARACTER_CUE.match(line)) and _looks_like_name(cue["name"]):
            speaker = cue["name"].strip()
            continue
        if (named := _NAMED_LINE.match(line)) and _looks_like_name(named["name"]):
            speaker, line = named["name"].strip(), named["text"]
        text = " ".join(_ASIDE.sub(" ", line).split())
        if any(word_key(w) for w in text.split()):
            spoken.append(ScriptLine(number, speaker, text))
    if not spoken:
        raise InvalidRequest("The script has no spoken words.", field="script")
    words = sum(len(line.text.split()) for line in spoken)
    if words > MAX_SCRIPT_WORDS:
        raise InvalidRequest(
            f"The script holds {words} words; at most {MAX_SCRIPT_WORDS} are read.",
            field="script",
        )
    return spoken


def script_words(lines: Sequence[ScriptLine]) -> list[ScriptWord]:
    return [
        ScriptWord(word, index)
        for index, line in enumerate(lines)
        for word in line.text.split()
        if word_key(word)
    ]


def _is_direction(line: str) -> bool:
    if _SCENE_HEADING.match(line) or _TRANSITION.match(line):
        return True
    return not _ASIDE.sub("", line).strip()  # wholly bracketed or parenthesised


def _looks_like_name(name: str) -> bool:
    """A speaker's name is a few capitalised words ("Diane", "MAN 2", "Dr. Watson"), not a
    sentence that happens to hold a colon ("He said: go")."""
    words = name.split()
    return 0 < len(words) <= 4 and all(w[0].isupper() or w[0].isdigit() for w in words)
