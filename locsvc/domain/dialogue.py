"""Speakers in subtitles: dual-speaker events and the speaker turns inside a cue.

A dual-speaker event holds two speakers' short lines, one speaker per line, each marked
with the language's dialogue dash (docs/timed-text.md): "-Hello." / "-Oh, hello." in
English. A cue's ``speakers`` name the speaker of each line; a one-speaker event has
the same speaker on every line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cues import Cue
from .profiles import TimedTextProfile
from .text import visible

DASHES = ("-", "\u2013", "\u2014")  # hyphen-minus, en dash, em dash: what files use
MAX_SPEAKERS_PER_EVENT = 2


@dataclass(frozen=True)
class Turn:
    """What one speaker says in a cue: its lines joined, the dialogue dash removed."""

    speaker: str | None
    text: str
    lines: tuple[int, ...]  # the cue's line indexes it came from


def dialogue_lines(first: str, second: str, profile: TimedTextProfile) -> tuple[str, str]:
    """Two speakers' lines, dashed by the profile's convention."""
    dash = profile.dialogue_dash
    return (f"{dash}{first}" if profile.dash_first_line else first, f"{dash}{second}")


def starts_with_dash(line: str) -> bool:
    return visible(line).lstrip().startswith(DASHES)


def strip_dash(line: str) -> str:
    """A line without its leading dialogue dash (and the space after it). Markup before
    the dash ("<i>-Run!") stays."""
    head = len(line) - len(line.lstrip())
    index = head
    while index < len(line) and line[index] == "<":  # skip leading tags
        close = line.find(">", index)
        if close < 0:
            break
        index = close + 1
    if index < len(line) and line[index] in DASHES and not line[index:].startswith("--"):
        return line[:index] + line[index + 1 :].lstrip(" ")
    return line


def is_dual(cue: Cue) -> bool:
    """Two speakers, one per line: a dual-speaker event."""
    return len(cue.speaker_set) == 2 and len(cue.lines) == 2


def turns_of(cue: Cue) -> list[Turn]:
    """The cue as speaker turns: consecutive lines of one speaker joined (one turn, with
    the speaker unknown, when the cue names none); dashes removed where speakers change
    or where every line is dashed (a dual event whose speakers are not known)."""
    speakers: Sequence[str | None] = cue.speakers or [None] * len(cue.lines)
    dashed = len(cue.lines) == 2 and all(starts_with_dash(line) for line in cue.lines)
    turns: list[Turn] = []
    for index, (line, speaker) in enumerate(zip(cue.lines, speakers, strict=True)):
        changes = index > 0 and speaker != speakers[index - 1]
        if turns and not changes and not (dashed and not cue.speakers):
            last = turns[-1]
            turns[-1] = Turn(speaker, f"{last.text} {line}".strip(), (*last.lines, index))
            continue
        multi = len(set(speakers)) > 1 or dashed
        turns.append(Turn(speaker, (strip_dash(line) if multi else line).strip(), (index,)))
    return turns


def unmarked_speaker_change(cue: Cue, heard: Sequence[str] = ()) -> tuple[str, ...] | None:
    """The speakers of a cue that mixes speakers without being a proper dual event (a
    speaker change with no dash on its line, more than two speakers), or whose time span
    holds the speech of speakers ``heard`` (from the diarization) that its lines do not
    name; None when the cue is fine."""
    named = cue.speaker_set
    if len(named) > MAX_SPEAKERS_PER_EVENT:
        return named
    if len(named) == 2:
        changes = [i for i in range(1, len(cue.lines)) if cue.speakers[i] != cue.speakers[i - 1]]
        if any(not starts_with_dash(cue.lines[i]) for i in changes):
            return named
        return None
    distinct = tuple(dict.fromkeys(heard))
    dual_shaped = len(cue.lines) == 2 and starts_with_dash(cue.lines[-1])
    if len(distinct) > MAX_SPEAKERS_PER_EVENT or (len(distinct) == 2 and not dual_shaped):
        return distinct
    return None
