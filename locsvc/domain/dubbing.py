"""Dubbing: the dub script, and fitting each synthesized line into its slot.

A line's slot is its cue's in/out time. A line that runs long is first sped up
(pitch-preserving) up to ``max_speed``; if still long it borrows silence from the gap
before the next line (keeping a small breath); if still long it is flagged for the
linguist with the overflow in ms (rule ``dub_too_long``) and plays whole: words are
never cut, and an overlap is never silent.

A line is one speaker's turn, in the voice cast for that speaker: a dual-speaker cue is
two lines, sharing the cue's time in proportion to their text."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from .cues import Cue
from .dialogue import turns_of
from .errors import InvalidRequest
from .text import visible

# Speed-up of synthesized speech: natural to about 1.2x, acceptable to 1.4x (docs/timed-text.md).
DEFAULT_MAX_SPEED = 1.25
HIGHEST_MAX_SPEED = 1.4
# Silence kept before the next line when borrowing from the gap.
BREATH_MS = 80


class FitStatus(StrEnum):
    FITS = "fits"
    SPED_UP = "sped_up"
    BORROWED = "borrowed"  # sped up to the limit and ran into the following gap
    TOO_LONG = "too_long"  # flagged: dub_too_long


@dataclass(frozen=True)
class DubLine:
    id: str
    speaker: str
    start_ms: int
    end_ms: int
    source_text: str
    text: str
    voice: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Fit:
    status: FitStatus
    speed: float  # 1.0 = as synthesized
    played_ms: int  # how long the line plays after the speed-up
    overflow_ms: int  # past the slot and the borrowable gap (too_long only)


def fit_line(natural_ms: int, slot_ms: int, gap_after_ms: int | None, max_speed: float) -> Fit:
    """How a line of ``natural_ms`` fits a ``slot_ms`` slot followed by ``gap_after_ms``
    of silence (None: the last line, bounded by the episode's end)."""
    if not 1.0 <= max_speed <= HIGHEST_MAX_SPEED:
        raise InvalidRequest(f"`max_speed` is 1.0 to {HIGHEST_MAX_SPEED}.", field="max_speed")
    slot_ms = max(slot_ms, 1)
    if natural_ms <= slot_ms:
        return Fit(FitStatus.FITS, 1.0, natural_ms, 0)
    # the speed is kept to 3 decimals, rounded up so that the line still ends in its slot
    speed = min(math.ceil(natural_ms / slot_ms * 1000 - 1e-6) / 1000, max_speed)
    if round(natural_ms / speed) <= slot_ms:
        return Fit(FitStatus.SPED_UP, speed, round(natural_ms / speed), 0)
    played = round(natural_ms / max_speed)
    borrowable = max((gap_after_ms or 0) - BREATH_MS, 0)
    over = played - slot_ms
    if over <= borrowable:
        return Fit(FitStatus.BORROWED, max_speed, played, 0)
    return Fit(FitStatus.TOO_LONG, max_speed, played, over - borrowable)


def script_from_cues(
    target: Sequence[Cue],
    source: Sequence[Cue],
    voice: str,
    speaker: str = "S1",
    voices: Mapping[str, str] | None = None,
) -> list[DubLine]:
    """One line per speaker turn of the target cues: its id (the cue's in-time, as the
    XLIFF export; a cue's later turns add a letter: ``c2700b``), times, text, the source
    words under it, and the voice cast for its speaker (``voices``: label -> voice).

    A cue whose speakers are not known is one line, as it reads, by ``speaker`` in
    ``voice``; a cue with several speakers (a dual-speaker event) is a line per turn,
    without its dialogue dash, sharing the cue's span in proportion to its text."""
    voices = voices or {}
    lines = []
    for cue in target:
        text = " ".join(line.strip() for line in cue.lines if line.strip())
        if not text:
            continue
        turns = [t for t in turns_of(cue) if t.text.strip()] if len(cue.speaker_set) > 1 else []
        if not cue.speakers or len(turns) < 2:
            who = (
                ((turns[0].speaker if turns else None) or cue.speakers[0])
                if cue.speakers
                else speaker
            )
            under = _source_under(source, cue, None)
            lines.append(DubLine(f"c{cue.start_ms}", who, cue.start_ms, cue.end_ms, under, text,
                                 voices.get(who, voice) if cue.speakers else voice))  # fmt: skip
            continue
        spans = _shares(cue.start_ms, cue.end_ms, [len(visible(t.text)) or 1 for t in turns])
        for index, (turn, (start, end)) in enumerate(zip(turns, spans, strict=True)):
            who = turn.speaker or speaker
            lines.append(DubLine(line_id(cue.start_ms, index), who, start, end,
                                 _source_under(source, cue, who), turn.text.strip(),
                                 voices.get(who, voice)))  # fmt: skip
    return lines


def line_id(cue_start_ms: int, turn: int) -> str:
    """A line's id: the cue's (``c<in-time ms>``), a letter added for its later turns."""
    return f"c{cue_start_ms}" + ("" if turn == 0 else string.ascii_lowercase[min(turn, 25)])


def cue_id(line_id: str) -> str:
    """The id of the cue a line comes from (the QC reports a line on its cue)."""
    return line_id.rstrip(string.ascii_lowercase)


def _shares(start_ms: int, end_ms: int, weights: Sequence[int]) -> list[tuple[int, int]]:
    """``start_ms``..``end_ms`` cut in consecutive spans proportional to ``weights``."""
    total, done, cuts = sum(weights), 0, [start_ms]
    for weight in weights:
        done += weight
        cuts.append(start_ms + round((end_ms - start_ms) * done / total))
    cuts[-1] = end_ms
    return list(zip(cuts, cuts[1:], strict=False))


def _source_under(source: Sequence[Cue], cue: Cue, speaker: str | None) -> str:
    """The source words under a cue; only ``speaker``'s where a source cue names them."""
    words = []
    for s in source:
        if not (s.start_ms < cue.end_ms and s.end_ms > cue.start_ms):
            continue
        if speaker is not None and speaker in s.speakers and len(s.speaker_set) > 1:
            words.append(" ".join(t.text for t in turns_of(s) if t.speaker == speaker))
        else:
            words.append(" ".join(s.lines))
    return " ".join(words)


def gaps_after(lines: Sequence[DubLine], episode_ms: int) -> list[int]:
    """Silence after each line up to the next one (or the episode's end)."""
    starts = [line.start_ms for line in lines[1:]] + [episode_ms] if lines else []
    return [
        max(next_start - line.end_ms, 0) for line, next_start in zip(lines, starts, strict=True)
    ]
