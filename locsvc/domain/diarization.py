"""Who speaks when: the diarization's result and the pure rules around it.

The diarize stage cuts the recognised words into phrases where the speech pauses (a
speaker rarely changes mid-phrase), embeds each phrase's voice, clusters the phrases
into speakers and labels every word with its phrase's speaker ("S1", "S2", ... in order
of first appearance). The adapter does the numbers; this module holds the phrases, the
hints a producer may give, the result and the speaker-confusion measure."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .errors import InvalidRequest
from .segmentation import ends_sentence
from .transcript import Word

CHANGE_GAP_MS = 250  # a pause this long between words may be a change of speaker
MAX_PHRASE_MS = 8000  # a longer phrase is cut at its longest pause: turns hide inside
# Whisper's word times stretch a word over the silence after it (or before it): a word
# longer than this per character, plus a margin of two pauses' worth (a first word often
# takes in a little of the silence before it), hides a pause.
STRETCHED_MS_PER_CHAR = 150
STRETCH_MARGIN_MS = 2 * CHANGE_GAP_MS
MAX_SPEAKERS = 20  # a hint above this is a mistake, not a cast


@dataclass(frozen=True)
class SpeakerHints:
    """What the producer knows: the exact number of speakers, or bounds on it."""

    speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None

    def __post_init__(self) -> None:
        for name in ("speakers", "min_speakers", "max_speakers"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= MAX_SPEAKERS:
                raise InvalidRequest(f"`{name}` is 1 to {MAX_SPEAKERS}.", field=name)
        if self.min_speakers and self.max_speakers and self.min_speakers > self.max_speakers:
            raise InvalidRequest(
                "`min_speakers` is more than `max_speakers`.", field="min_speakers"
            )

    def bounds(self, default_max: int) -> tuple[int, int]:
        """(fewest, most) speakers to look for."""
        if self.speakers:
            return self.speakers, self.speakers
        low = self.min_speakers or 1
        return low, max(low, self.max_speakers or default_max)

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict | None) -> SpeakerHints:
        data = data or {}
        return cls(data.get("speakers"), data.get("min_speakers"), data.get("max_speakers"))


@dataclass(frozen=True)
class Phrase:
    """Words spoken without a pause long enough for a change of speaker."""

    first: int  # index of its first word
    last: int  # index of its last word (inclusive)
    start_ms: int
    end_ms: int
    # One stretched word (see _stretched): its span is mostly the pause it hides, too
    # little voice to tell whose; it takes a neighbour's speaker.
    stretched: bool = False

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def phrases_of(words: Sequence[Word]) -> list[Phrase]:
    """The words cut at every pause of ``CHANGE_GAP_MS`` and every sentence end ("Mr." is
    none: a change of speaker there split a reader's "And Mr. | John Dashwood"); a phrase
    longer than ``MAX_PHRASE_MS`` is cut again at its longest pause."""
    phrases: list[Phrase] = []
    begin = 0
    for index in range(1, len(words) + 1):
        if index == len(words) or _may_change(words[index - 1], words[index]):
            phrases.extend(_bounded(words, begin, index - 1))
            begin = index
    return phrases


def _may_change(before: Word, after: Word) -> bool:
    return (
        after.start_ms - before.end_ms >= CHANGE_GAP_MS
        or ends_sentence(before)
        or _stretched(before)
        or _stretched(after)
    )


def _stretched(word: Word) -> bool:
    """Whether the word's span is longer than its letters take to say plus a pause."""
    letters = sum(1 for c in word.text if c.isalnum())
    return word.end_ms - word.start_ms > letters * STRETCHED_MS_PER_CHAR + STRETCH_MARGIN_MS


def _bounded(words: Sequence[Word], first: int, last: int) -> list[Phrase]:
    if words[last].end_ms - words[first].start_ms <= MAX_PHRASE_MS or first == last:
        lone_stretched = first == last and _stretched(words[first])
        return [Phrase(first, last, words[first].start_ms, words[last].end_ms, lone_stretched)]
    cut = max(range(first + 1, last + 1), key=lambda i: words[i].start_ms - words[i - 1].end_ms)
    return _bounded(words, first, cut - 1) + _bounded(words, cut, last)


@dataclass(frozen=True)
class SpeakerTurn:
    start_ms: int
    end_ms: int
    speaker: str


@dataclass(frozen=True)
class VoiceProfile:
    """One speaker of an episode as the diarization found them."""

    label: str  # "S1"
    speech_ms: int
    centroid: tuple[float, ...]  # the mean voice embedding (unit length)
    pitch_hz: float | None  # median fundamental frequency: a voice's register


@dataclass(frozen=True)
class Diarization:
    speakers: tuple[VoiceProfile, ...]
    turns: tuple[SpeakerTurn, ...]
    word_speakers: tuple[str, ...]  # one label per transcript word, in order
    model: str
    parameters: dict = field(default_factory=dict)

    def label(self, words: Sequence[Word]) -> list[Word]:
        if len(words) != len(self.word_speakers):
            raise InvalidRequest("The diarization does not match the transcript's words.")
        return [replace(w, speaker=s) for w, s in zip(words, self.word_speakers, strict=True)]

    def to_dict(self) -> dict:
        return {
            "speakers": [
                {"label": v.label, "speech_ms": v.speech_ms, "centroid": list(v.centroid),
                 "pitch_hz": v.pitch_hz}
                for v in self.speakers
            ],
            "turns": [[t.start_ms, t.end_ms, t.speaker] for t in self.turns],
            "word_speakers": list(self.word_speakers),
            "model": self.model,
            "parameters": self.parameters,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> Diarization:
        return cls(
            tuple(
                VoiceProfile(v["label"], v["speech_ms"], tuple(v["centroid"]), v["pitch_hz"])
                for v in data["speakers"]
            ),
            tuple(SpeakerTurn(*t) for t in data["turns"]),
            tuple(data["word_speakers"]),
            data["model"],
            data.get("parameters", {}),
        )


def label_in_order(assignment: Sequence[int]) -> list[str]:
    """Cluster numbers as labels "S1", "S2", ... in order of first appearance."""
    names: dict[int, str] = {}
    for cluster in assignment:
        names.setdefault(cluster, f"S{len(names) + 1}")
    return [names[cluster] for cluster in assignment]


def turns_of_words(words: Sequence[Word], speakers: Sequence[str]) -> list[SpeakerTurn]:
    """Consecutive words of one speaker as one turn."""
    turns: list[SpeakerTurn] = []
    for word, speaker in zip(words, speakers, strict=True):
        if turns and turns[-1].speaker == speaker:
            turns[-1] = SpeakerTurn(turns[-1].start_ms, word.end_ms, speaker)
        else:
            turns.append(SpeakerTurn(word.start_ms, word.end_ms, speaker))
    return turns


def speaker_confusion(
    reference: Sequence[SpeakerTurn], hypothesis: Sequence[SpeakerTurn], step_ms: int = 10
) -> float:
    """Share of the reference's speech time given to the wrong speaker under the best
    one-to-one mapping of hypothesis to reference speakers: the confusion part of the
    diarization error rate. Counted where both sides have exactly one speaker (overlapped
    speech and the hypothesis's misses are other parts of that rate)."""
    ref, hyp = _timeline(reference, step_ms), _timeline(hypothesis, step_ms)
    overlap: dict[tuple[str, str], int] = {}
    for slot, speakers in ref.items():
        heard = hyp.get(slot)
        if len(speakers) == 1 and heard and len(heard) == 1:
            key = (next(iter(speakers)), next(iter(heard)))
            overlap[key] = overlap.get(key, 0) + 1
    total = sum(overlap.values())
    if not total:
        return 0.0
    return 1 - _best_mapping(overlap) / total


def _timeline(turns: Sequence[SpeakerTurn], step_ms: int) -> dict[int, set[str]]:
    slots: dict[int, set[str]] = {}
    for turn in turns:
        for slot in range(turn.start_ms // step_ms, turn.end_ms // step_ms):
            slots.setdefault(slot, set()).add(turn.speaker)
    return slots


def _best_mapping(overlap: dict[tuple[str, str], int]) -> int:
    """The most time agreeing under a one-to-one mapping (exhaustive for casts up to 7,
    greedy beyond: exact search would take too long)."""
    refs = sorted({r for r, _ in overlap})
    hyps = sorted({h for _, h in overlap})
    if max(len(refs), len(hyps)) <= 7:
        short, long_ = (refs, hyps) if len(refs) <= len(hyps) else (hyps, refs)
        best = 0
        for chosen in itertools.permutations(long_, len(short)):
            pairs = list(zip(short, chosen, strict=True))
            if short is not refs:
                pairs = [(r, h) for h, r in pairs]
            best = max(best, sum(overlap.get(pair, 0) for pair in pairs))
        return best
    used_r: set[str] = set()
    used_h: set[str] = set()
    best = 0
    for (r, h), count in sorted(overlap.items(), key=lambda item: -item[1]):
        if r not in used_r and h not in used_h:
            used_r.add(r)
            used_h.add(h)
            best += count
    return best
