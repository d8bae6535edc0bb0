"""Subtitles a producer brings, made to meet the hard timing rules and changed no further.

Their text is the post house's and stays as it is. Only times move, and only where a
hard (error) rule fails: an overlap ends the cue above at the minimum gap before the
next (or, where they start together, the two become one two-line event); a cue too
short, or too fast to read, stays up longer into the gap after it; a cue too long is cut
to the maximum; nothing runs past the media's end. Each move is recorded, so the
producer sees what changed. Re-segmenting for the profile (new events, new line breaks)
is a separate, explicit choice: ``words_of_cues`` then ``segment_words``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .cues import Cue
from .frames import Frames
from .profiles import TimedTextProfile
from .text import reading_characters
from .transcript import Word


@dataclass(frozen=True)
class Retimed:
    cue: int  # 1-based, in the file as read
    reason: str  # a QC rule name: overlap, min_duration, reading_speed, max_duration, media_end
    before: tuple[int, int]
    after: tuple[int, int]

    def to_dict(self) -> dict:
        return {"cue": self.cue, "reason": self.reason, "before_ms": list(self.before),
                "after_ms": list(self.after)}  # fmt: skip


def conform_timing(
    cues: Sequence[Cue], profile: TimedTextProfile, frames: Frames, media_end_ms: int | None
) -> tuple[list[Cue], list[Retimed]]:
    """``cues`` re-timed just enough to meet the hard rules where they can be met."""
    gap_ms = frames.ms(profile.min_gap_frames)
    moves: list[Retimed] = []
    merged = _resolve_overlaps(list(cues), gap_ms, moves)
    result: list[Cue] = []
    for index, (number, cue) in enumerate(merged):
        following = merged[index + 1][1] if index + 1 < len(merged) else None
        latest = following.start_ms - gap_ms if following else media_end_ms
        if latest is None:
            latest = cue.start_ms + profile.max_duration_ms
        end = cue.end_ms
        if media_end_ms is not None and end > media_end_ms > cue.start_ms:
            end = _moved(moves, number, cue, end, media_end_ms, "media_end")
        wanted = max(profile.min_duration_ms, _readable_ms(cue, profile))
        if end - cue.start_ms < wanted and end < latest:
            reason = "min_duration" if end - cue.start_ms < profile.min_duration_ms else (
                "reading_speed")  # fmt: skip
            longer = min(cue.start_ms + wanted, latest, cue.start_ms + profile.max_duration_ms)
            end = _moved(moves, number, cue, end, max(end, longer), reason)
        if end - cue.start_ms > profile.max_duration_ms:
            end = _moved(moves, number, cue, end, cue.start_ms + profile.max_duration_ms,
                         "max_duration")  # fmt: skip
        result.append(replace(cue, end_ms=end))
    return result, moves


def _readable_ms(cue: Cue, profile: TimedTextProfile) -> int:
    """The time the cue's text needs at the profile's reading speed."""
    return math.ceil(reading_characters(cue.lines) * 1000 / profile.reading_speed_cps)


def _moved(moves: list[Retimed], number: int, cue: Cue, end: int, new_end: int, reason: str) -> int:
    if new_end != end:
        moves.append(Retimed(number, reason, (cue.start_ms, end), (cue.start_ms, new_end)))
    return new_end


def _resolve_overlaps(cues: list[Cue], gap_ms: int, moves: list[Retimed]) -> list[tuple[int, Cue]]:
    """(file number, cue) with no overlaps: the cue above ends at the minimum gap before
    the next, or, when that would leave it no time (both start together: two speakers'
    cues shown at once), the two become one event, one above the other."""
    ordered = sorted(enumerate(cues, start=1), key=lambda pair: (pair[1].start_ms, pair[0]))
    result: list[tuple[int, Cue]] = []
    for number, cue in ordered:
        if not result or cue.start_ms >= result[-1][1].end_ms:
            result.append((number, cue))
            continue
        above_number, above = result[-1]
        trimmed_end = cue.start_ms - gap_ms
        if trimmed_end > above.start_ms:
            moves.append(Retimed(above_number, "overlap", (above.start_ms, above.end_ms),
                                 (above.start_ms, trimmed_end)))  # fmt: skip
            result[-1] = (above_number, replace(above, end_ms=trimmed_end))
            result.append((number, cue))
            continue
        together = Cue(above.start_ms, max(above.end_ms, cue.end_ms), above.lines + cue.lines,
                       above.speakers + cue.speakers if above.speakers and cue.speakers
                       else ())  # fmt: skip
        moves.append(Retimed(number, "overlap", (cue.start_ms, cue.end_ms),
                             (together.start_ms, together.end_ms)))  # fmt: skip
        result[-1] = (above_number, together)
    return result


def words_of_cues(cues: Sequence[Cue]) -> list[Word]:
    """The cues' words, each timed by its share of its cue (by letters), for re-segmenting
    a file into events that suit the profile; a cue's speaker goes with its words."""
    words: list[Word] = []
    for cue in cues:
        tokens = [
            (token, cue.speakers[index] if cue.speakers else None)
            for index, line in enumerate(cue.lines)
            for token in line.lstrip("-–— ").split()
        ]
        if not tokens:
            continue
        total = sum(len(t) for t, _ in tokens)
        done = 0
        span = cue.end_ms - cue.start_ms
        for token, speaker in tokens:
            start = cue.start_ms + span * done // total
            done += len(token)
            words.append(Word(start, cue.start_ms + span * done // total, " " + token, 1.0,
                              speaker))  # fmt: skip
    return words
