"""Words with times -> subtitle events, by the language's timed-text profile.

Grouping: a sentence end or a pause starts a new event; an event takes words while
its text still fits the profile's lines and columns and its speech stays within the
maximum duration; an overflowing event ends at its last clause boundary when it has
one. Timing, in whole frames of the episode's frame rate: in-time at the first
frame of speech, out-time up to 12 frames after it, gaps under 12 frames closed to
the 2-frame minimum, short events lengthened to the minimum duration where the
next event allows, and in/out-times snapped to nearby shot changes. Words are never
dropped or reordered: when the speech makes a rule impossible (a fast talker), the
event is made as good as it can be and QC flags it."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from .cues import Cue, check_monotonic
from .frames import Frames
from .linebreak import break_lines, fits, tokens_of
from .profiles import TimedTextProfile
from .text import CLAUSE_END, SENTENCE_END
from .transcript import Word
from .wordlists import ABBREVIATIONS, break_words_for

PAUSE_BREAK_MS = 700  # a silence this long starts a new event
OUT_TIME_MAX_FRAMES = 12  # out-time may run this far past the end of speech
CLOSE_GAP_FRAMES = 12  # a gap shorter than this is closed to the minimum gap
SNAP_TO_CUT_FRAMES = 7  # an in-time this close before a cut moves onto it
CUT_LEAD_FRAMES = 12  # ...8-11 frames before a cut moves to 12 frames before it


def segment_words(
    words: Sequence[Word],
    profile: TimedTextProfile,
    frame_rate: float,
    shot_changes_ms: Sequence[int] = (),
    end_limit_ms: int | None = None,
) -> list[Cue]:
    """Cues from timed words. ``end_limit_ms`` bounds how far an event may linger after
    its speech: the media's end for a source track, the source track's last out-time
    for a translation."""
    words = [w for w in words if w.text.strip()]
    groups = group_words(words, profile)
    frames = Frames(frame_rate)
    cuts = sorted(frames.nearest(ms) for ms in shot_changes_ms)
    limit = frames.floor(end_limit_ms) if end_limit_ms is not None else None
    spans = _time_groups(groups, profile, frames, cuts, limit)
    cues = [
        Cue(frames.ms(start), frames.ms(end), break_lines(_text(group), profile))
        for (start, end), group in zip(spans, groups, strict=True)
    ]
    check_monotonic(cues)
    return cues


def words_on_span(text: str, start_ms: int, end_ms: int, language: str) -> list[Word]:
    """Text with no word times (a translation placed on its source's speech span):
    each word gets a share of the span in proportion to its characters, so the
    text can be segmented like recognised speech."""
    tokens, glue = tokens_of(text, language)
    if not tokens:
        return []
    lengths = [len(token) + len(glue) for token in tokens]
    total, clock, words = sum(lengths), float(start_ms), []
    for token, length in zip(tokens, lengths, strict=True):
        duration = (end_ms - start_ms) * length / total
        words.append(Word(round(clock), round(clock + duration), glue + token))
        clock += duration
    return words


def ends_sentence(word: Word) -> bool:
    """A sentence-ending mark that is not an abbreviation ("Mr.") or an initial ("F.")."""
    text = word.text.strip()
    if not text.endswith(SENTENCE_END):
        return False
    bare = text.strip("\"'“”’)»").lower()
    is_initial = len(bare) == 2 and bare[0].isalpha() and bare.endswith(".")
    return bare not in ABBREVIATIONS and not is_initial


def _text(words: Sequence[Word]) -> str:
    return "".join(w.text for w in words).strip()


def group_words(words: Sequence[Word], profile: TimedTextProfile) -> list[list[Word]]:
    """Words in events, in order, each event non-empty. A sentence end or a pause cuts
    where it falls; an overflowing event may hand its last words on to the next."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if current and _ends_event(current, word):
            groups.append(current)
            current = []
        elif current and _overflows(current, word, profile):
            keep, carry = _split_at_clause(current, word, profile)
            groups.append(keep)
            current = carry
        current.append(word)
    if current:
        groups.append(current)
    return groups


def _ends_event(current: list[Word], word: Word) -> bool:
    return ends_sentence(current[-1]) or word.start_ms - current[-1].end_ms >= PAUSE_BREAK_MS


def _overflows(current: list[Word], word: Word, profile: TimedTextProfile) -> bool:
    if word.end_ms - current[0].start_ms > profile.max_duration_ms:
        return True
    return not fits(_text([*current, word]), profile)


def _split_at_clause(
    current: list[Word], word: Word, profile: TimedTextProfile
) -> tuple[list[Word], list[Word]]:
    """End an overflowing event at its last clause boundary past its first third,
    rather than mid-phrase; failing that, not on a word that belongs with the next
    ("in his | power" becomes "in his power" in the next event). The event kept is
    never empty, and words are handed on only when the next event, with ``word``,
    still fits and lasts no longer than the maximum."""
    whole = len(_text(current))
    for index in range(len(current) - 1, 0, -1):
        if current[index - 1].text.strip().endswith(CLAUSE_END):
            if len(_text(current[:index])) >= whole / 3 and _can_carry(
                current[index:], word, profile
            ):
                return current[:index], current[index:]
            break
    keep_with_next = break_words_for(profile.language).keep_with_next
    index = len(current)
    while index > max(1, len(current) // 2) and _bare(current[index - 1]) in keep_with_next:
        index -= 1
    if index < len(current) and not _can_carry(current[index:], word, profile):
        index = len(current)
    return current[:index], current[index:]


def _can_carry(carry: list[Word], word: Word, profile: TimedTextProfile) -> bool:
    return word.end_ms - carry[0].start_ms <= profile.max_duration_ms and fits(
        _text([*carry, word]), profile
    )


def _bare(word: Word) -> str:
    return word.text.strip().strip("\"'“”‘’«»").lower()


def _time_groups(
    groups: list[list[Word]],
    profile: TimedTextProfile,
    frames: Frames,
    cuts: list[int],
    limit: int | None = None,
) -> list[tuple[int, int]]:
    gap = profile.min_gap_frames
    min_frames = max(1, frames.ceil(profile.min_duration_ms))
    max_frames = frames.floor(profile.max_duration_ms)
    speech = [(frames.floor(g[0].start_ms), frames.ceil(g[-1].end_ms)) for g in groups]
    spans: list[tuple[int, int]] = []
    for index, (speech_start, speech_end) in enumerate(speech):
        earliest = spans[-1][1] + gap if spans else 0
        start = max(_snap_in_time(speech_start, cuts, earliest), earliest)
        end = max(speech_end + OUT_TIME_MAX_FRAMES, start + min_frames)
        end = min(end, max(start + max_frames, speech_end))
        end = _snap_out_time(end, speech_end, start + min_frames, cuts, gap)
        if index + 1 < len(speech):
            latest = speech[index + 1][0] - gap
            if latest - speech_end < CLOSE_GAP_FRAMES or end > latest:
                end = latest  # chain to the next event at exactly the minimum gap
        if limit is not None:
            end = min(end, max(limit, speech_end))  # linger, but not past the limit
        spans.append((start, max(end, start + 1)))
    return spans


def _snap_in_time(start: int, cuts: list[int], earliest: int) -> int:
    """An in-time up to 7 frames before a cut moves onto it; 8-11 frames before, to
    12 frames before it (docs/timed-text.md), never onto the previous event."""
    index = bisect.bisect_right(cuts, start)
    if index == len(cuts):
        return start
    cut = cuts[index]
    distance = cut - start
    if distance <= SNAP_TO_CUT_FRAMES:
        return cut
    if distance < CUT_LEAD_FRAMES and cut - CUT_LEAD_FRAMES >= earliest:
        return cut - CUT_LEAD_FRAMES
    return start


def _snap_out_time(end: int, speech_end: int, shortest_end: int, cuts: list[int], gap: int) -> int:
    """An out-time that would cross a cut after the speech has ended stops 2 frames
    before the cut, unless that would make the event too short."""
    index = bisect.bisect_left(cuts, speech_end + gap)  # the first cut after the speech
    if index < len(cuts) and cuts[index] - gap < end and cuts[index] - gap >= shortest_end:
        return cuts[index] - gap
    return end
