"""Words with times -> subtitle events, by the language's timed-text profile.

Grouping: a sentence end or a pause starts a new event; an event takes words while
its text still fits the profile's lines and columns and its speech stays within the
maximum duration; an overflowing event ends at its last clause boundary when it has
one. Timing, in whole frames of the episode's frame rate: in-time at the first
frame of speech, out-time up to 12 frames after it, gaps under 12 frames closed to
the 2-frame minimum, short events lengthened to the minimum duration where the
next event allows, and in/out-times snapped to nearby shot changes. Words are never
dropped or reordered: when the speech makes a rule impossible (a fast talker), the
event is made as good as it can be and QC flags it.

Speakers: an event never joins two speakers' words as one speaker's text. Where a
speaker's words are too brief to stand alone (a rapid exchange: "Hello." / "Hello."),
they are joined with the next speaker's into a dual-speaker event, one speaker per line
with the language's dialogue dash; a too-brief sentence is likewise joined with the same
speaker's next one when both fit the event."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from .cues import Cue, check_monotonic
from .dialogue import dialogue_lines
from .frames import Frames
from .linebreak import break_lines, fits, tokens_of
from .profiles import TimedTextProfile
from .text import CLAUSE_END, SENTENCE_END, line_width, visible
from .transcript import Word
from .wordlists import ABBREVIATIONS, break_words_for

PAUSE_BREAK_MS = 700  # a silence this long starts a new event
OUT_TIME_MAX_FRAMES = 12  # out-time may run this far past the end of speech
CLOSE_GAP_FRAMES = 12  # a gap shorter than this is closed to the minimum gap
SNAP_TO_CUT_FRAMES = 7  # an in-time this close before a cut moves onto it
CUT_LEAD_FRAMES = 12  # ...8-11 frames before a cut moves to 12 frames before it
# A speaker's turn this close to the next one may share a dual-speaker event with it
# (the second line then shows a little before it is spoken, as subtitlers do).
DIALOGUE_GAP_MS = 1500
LINGER_MS = 500  # about 12 frames: what an event may stay up after its speech


def segment_words(
    words: Sequence[Word],
    profile: TimedTextProfile,
    frame_rate: float,
    shot_changes_ms: Sequence[int] = (),
    end_limit_ms: int | None = None,
    dual_spans: Sequence[tuple[int, int]] = (),
) -> list[Cue]:
    """Cues from timed words. ``end_limit_ms`` bounds how far an event may linger after
    its speech: the media's end for a source track, the source track's last out-time
    for a translation. ``dual_spans`` are the times of a translation's source events
    that were dual-speaker: two speakers' words inside one of them share an event again."""
    words = [w for w in words if w.text.strip()]
    groups = join_brief_groups(group_words(words, profile), profile, dual_spans)
    frames = Frames(frame_rate)
    cuts = sorted(frames.nearest(ms) for ms in shot_changes_ms)
    limit = frames.floor(end_limit_ms) if end_limit_ms is not None else None
    spans = _time_groups(groups, profile, frames, cuts, limit)
    cues = [
        _cue(frames.ms(start), frames.ms(end), group, profile)
        for (start, end), group in zip(spans, groups, strict=True)
    ]
    check_monotonic(cues)
    return cues


def _cue(start_ms: int, end_ms: int, group: list[Word], profile: TimedTextProfile) -> Cue:
    speakers = _speakers(group)
    if len(speakers) == 2:
        first = [w for w in group if w.speaker == speakers[0]]
        second = [w for w in group if w.speaker == speakers[1]]
        return Cue(start_ms, end_ms, dialogue_lines(_text(first), _text(second), profile), speakers)
    lines = break_lines(_text(group), profile)
    return Cue(start_ms, end_ms, lines, speakers * len(lines))


def _speakers(group: Sequence[Word]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.speaker for w in group if w.speaker is not None))


def words_on_span(
    text: str, start_ms: int, end_ms: int, language: str, speaker: str | None = None
) -> list[Word]:
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
        words.append(Word(round(clock), round(clock + duration), glue + token, speaker=speaker))
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
    return (
        ends_sentence(current[-1])
        or word.start_ms - current[-1].end_ms >= PAUSE_BREAK_MS
        or word.speaker != current[-1].speaker
    )


def join_brief_groups(
    groups: list[list[Word]],
    profile: TimedTextProfile,
    dual_spans: Sequence[tuple[int, int]] = (),
) -> list[list[Word]]:
    """Events too brief (or too dense) to read alone joined with the next: the same
    speaker's next sentence, or the next speaker's turn as a dual-speaker event. Only
    when the joined event fits the lines, columns and maximum duration and reads no
    faster than the worse of the two; a source dual event's turns are joined again."""
    joined: list[list[Word]] = []
    for index, group in enumerate(groups):
        next_start = groups[index + 1][0].start_ms if index + 1 < len(groups) else None
        if joined and _should_join(joined[-1], group, next_start, profile, dual_spans):
            joined[-1] = joined[-1] + group
            continue
        if joined and (rebalanced := _borrow_words(joined[-1], group, next_start, profile)):
            joined[-1], group = rebalanced
        joined.append(group)
    return joined


def _borrow_words(
    previous: list[Word], group: list[Word], after: int | None, profile: TimedTextProfile
) -> tuple[list[Word], list[Word]] | None:
    """A brief tail of a sentence that ran over its event ("...New Jersey now though" /
    "well") that cannot be joined takes the fewest last words of the event before it that
    make both long enough to read, when it still fits; None when no such split exists."""
    if _speakers(previous) != _speakers(group) or ends_sentence(previous[-1]):
        return None
    if group[0].start_ms - previous[-1].end_ms >= PAUSE_BREAK_MS:
        return None
    too_brief, speed_alone = _reading(group, after, profile)
    if not too_brief:
        return None
    # No faster than the talker's own pace: the worse of the two events as they were.
    pace = max(profile.reading_speed_cps, speed_alone, _reading(previous, group[0].start_ms,
                                                                profile)[1])  # fmt: skip
    for count in range(1, len(previous)):
        kept, moved = previous[:-count], previous[-count:] + group
        if moved[-1].end_ms - moved[0].start_ms > profile.max_duration_ms:
            return None
        if not fits(_text(moved), profile) or _reading(kept, moved[0].start_ms, profile)[0]:
            return None
        too_brief, speed = _reading(moved, after, profile)
        if not too_brief:
            return (kept, moved) if speed <= pace else None
    return None


def _should_join(
    first: list[Word],
    second: list[Word],
    after: int | None,
    profile: TimedTextProfile,
    dual_spans: Sequence[tuple[int, int]],
) -> bool:
    speakers_first, speakers_second = _speakers(first), _speakers(second)
    if len(speakers_first) > 1 or len(speakers_second) > 1:
        return False  # a dual event takes no third turn
    same = speakers_first == speakers_second
    gap = second[0].start_ms - first[-1].end_ms
    if gap >= (PAUSE_BREAK_MS if same else DIALOGUE_GAP_MS):
        return False
    if second[-1].end_ms - first[0].start_ms > profile.max_duration_ms:
        return False
    if same:
        if not ends_sentence(first[-1]) or not fits(_text([*first, *second]), profile):
            return False
    elif not _fits_dual(first, second, profile):
        return False
    if not same and _inside_one(dual_spans, first[0].start_ms, second[-1].end_ms):
        return True
    alone = [
        _reading(first, second[0].start_ms, profile),
        _reading(second, after, profile),
    ]
    if not any(too_brief or speed > profile.reading_speed_cps for too_brief, speed in alone):
        return False
    _, speed = _reading([*first, *second], after, profile)  # dashes are not read as words
    return speed <= max(profile.reading_speed_cps, *(s for _, s in alone))


def _fits_dual(first: list[Word], second: list[Word], profile: TimedTextProfile) -> bool:
    if profile.max_lines < 2:
        return False
    lines = dialogue_lines(_text(first), _text(second), profile)
    limit = profile.max_chars_per_line
    return all(line_width(line, profile.half_width_counts_half) <= limit for line in lines)


def _reading(
    group: list[Word], next_start: int | None, profile: TimedTextProfile
) -> tuple[bool, float]:
    """Whether an event of these words would be too brief, and how fast it would read,
    given the time it can have before the next event (about: frames come later)."""
    end = group[-1].end_ms + LINGER_MS
    if next_start is not None:
        end = min(end, next_start - 100)  # the next event's in-time, less a gap
    shown_ms = max(end, group[-1].end_ms) - group[0].start_ms
    characters = len(visible(_text(group)))
    speed = characters / max(shown_ms, 1) * 1000
    return shown_ms < profile.min_duration_ms, speed


def _inside_one(spans: Sequence[tuple[int, int]], start_ms: int, end_ms: int) -> bool:
    return any(begin <= start_ms and end_ms <= end for begin, end in spans)


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
