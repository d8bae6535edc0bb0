"""Translating sentences, not cue fragments: join cues into sentences, and place a
translated sentence back on the speech spans of the cues it came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cues import Cue
from .dialogue import turns_of
from .linebreak import tokens_of
from .segmentation import words_on_span
from .text import CLAUSE_END, SENTENCE_END, visible
from .transcript import Word

# A sentence may also end inside closing quotes.
SENTENCE_OR_QUOTE_END = (*SENTENCE_END, '."', '?"', '!"', ".»", "?»", "!»")
# A silence this long between cues ends a sentence even without punctuation.
SENTENCE_GAP_MS = 2000


@dataclass(frozen=True)
class Sentence:
    text: str
    cues: tuple[Cue, ...]  # the source cues it spans, in order

    @property
    def start_ms(self) -> int:
        return self.cues[0].start_ms

    @property
    def end_ms(self) -> int:
        return self.cues[-1].end_ms

    @property
    def speaker(self) -> str | None:
        return speaker_of(self.cues[0])


def speaker_of(cue: Cue) -> str | None:
    """A one-speaker cue's speaker (None when unknown)."""
    return cue.speakers[0] if cue.speakers else None


def speaker_fragments(cues: Sequence[Cue]) -> list[Cue]:
    """The cues with each dual-speaker event cut into one cue per speaker turn (dashes
    gone), the turns sharing its span in proportion to their text, so that a sentence
    never runs across two speakers and each translation keeps its speaker."""
    fragments: list[Cue] = []
    for cue in cues:
        turns = turns_of(cue)
        if len(turns) < 2:
            fragments.append(cue)
            continue
        total = sum(max(len(turn.text), 1) for turn in turns)
        clock, span = cue.start_ms, cue.end_ms - cue.start_ms
        for index, turn in enumerate(turns):
            last = index == len(turns) - 1
            end = cue.end_ms if last else clock + span * max(len(turn.text), 1) // total
            speakers = (turn.speaker,) if turn.speaker else ()
            fragments.append(Cue(clock, end, (turn.text,), speakers))
            clock = end
    return fragments


def plain_text(cue: Cue) -> str:
    """A cue's visible words on one line: tags gone, whitespace collapsed."""
    return " ".join(" ".join(visible(line).split()) for line in cue.lines if visible(line).strip())


def join_sentences(cues: Sequence[Cue]) -> list[Sentence]:
    sentences: list[Sentence] = []
    current: list[Cue] = []
    for cue in cues:
        if not plain_text(cue):
            continue
        if current and (
            cue.start_ms - current[-1].end_ms > SENTENCE_GAP_MS
            or speaker_of(cue) != speaker_of(current[-1])
        ):
            sentences.append(_sentence(current))
            current = []
        current.append(cue)
        if plain_text(cue).endswith(SENTENCE_OR_QUOTE_END):
            sentences.append(_sentence(current))
            current = []
    if current:
        sentences.append(_sentence(current))
    return sentences


def _sentence(cues: list[Cue]) -> Sentence:
    return Sentence(" ".join(plain_text(c) for c in cues), tuple(cues))


def place_on_source(translation: str, sentence: Sentence, language: str) -> list[Word]:
    """Words of the translation with times inside the source cues' spans: the text is
    shared among the cues in proportion to their source text, each share cut at the
    nearest word boundary (a clause boundary when one is close), then spread over
    that cue's span."""
    tokens, glue = tokens_of(translation, language)
    if not tokens:
        return []
    weights = [max(len(plain_text(c)), 1) for c in sentence.cues]
    cuts = _cut_points(tokens, weights)
    words: list[Word] = []
    for cue, (begin, end) in zip(
        sentence.cues, zip([0, *cuts], [*cuts, len(tokens)], strict=True), strict=True
    ):
        if begin < end:
            words += words_on_span(glue.join(tokens[begin:end]), cue.start_ms, cue.end_ms,
                                   language, sentence.speaker)  # fmt: skip
    return words


def _cut_points(tokens: list[str], weights: list[int]) -> list[int]:
    """Token indexes where each cue's share ends (one fewer than cues), monotonic."""
    lengths = [len(t) + 1 for t in tokens]
    total, share_total = sum(lengths), sum(weights)
    cuts, position, running = [], 0, 0.0
    for weight in weights[:-1]:
        running += weight / share_total * total
        best = _nearest_boundary(lengths, tokens, running, position)
        cuts.append(best)
        position = best
    return cuts


def _nearest_boundary(lengths: list[int], tokens: list[str], target: float, floor: int) -> int:
    """The token index whose starting offset is closest to ``target``, preferring one right
    after a clause or sentence mark when it is within a few characters."""
    offsets, offset = [], 0
    for length in lengths:
        offsets.append(offset)
        offset += length
    candidates = range(floor, len(tokens) + 1)

    def distance(index: int) -> float:
        at = offsets[index] if index < len(offsets) else offset
        bonus = (
            6 if index > 0 and tokens[index - 1].endswith(CLAUSE_END + SENTENCE_OR_QUOTE_END) else 0
        )
        return abs(at - target) - bonus

    return min(candidates, key=distance)
