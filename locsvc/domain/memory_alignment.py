"""Which target text translates which source sentence (and cue) in an approved track.

A translation is placed on its source's timing and re-segmented, and a linguist may
re-time it, so targets are found by time: each target cue (a dual-speaker event cut into
its turns) belongs to the source sentence its span overlaps most. A target cue that
straddles two sentences (a linguist joined them, or the segmenter put two short ones in
one event) makes both ambiguous, and neither becomes a unit: the memory holds only pairs
it can vouch for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .cues import Cue
from .sentences import Sentence, join_sentences, plain_text, speaker_fragments
from .translation_memory import UnitKind

# A target cue overlapping a second sentence by more than this share of its own span
# straddles the two.
STRADDLE_SHARE = 0.3


@dataclass(frozen=True)
class AlignedPair:
    kind: UnitKind
    source: str
    target: str
    previous: str | None
    following: str | None
    start_ms: int
    end_ms: int


def source_sentences(cues: Sequence[Cue]) -> list[Sentence]:
    """The sentences the translate stage joins (a dual-speaker event cut into its turns)."""
    return join_sentences(speaker_fragments(cues))


def aligned_pairs(source_cues: Sequence[Cue], target_cues: Sequence[Cue]) -> list[AlignedPair]:
    """Sentence pairs, and cue pairs inside sentences that span several cues."""
    sentences = source_sentences(source_cues)
    targets = [cue for cue in speaker_fragments(target_cues) if plain_text(cue)]
    owners, straddled = _owners(targets, [(s.start_ms, s.end_ms) for s in sentences])
    pairs: list[AlignedPair] = []
    for index, sentence in enumerate(sentences):
        owned = [target for target, owner in zip(targets, owners, strict=True) if owner == index]
        if not owned or index in straddled:
            continue
        pairs.append(_pair(UnitKind.SENTENCE, [s.text for s in sentences], index, owned,
                           sentence.start_ms, sentence.end_ms))  # fmt: skip
        if len(sentence.cues) > 1:
            pairs += _cue_pairs(sentence, owned)
    return pairs


def _cue_pairs(sentence: Sentence, targets: list[Cue]) -> list[AlignedPair]:
    cues = sentence.cues
    owners, straddled = _owners(targets, [(c.start_ms, c.end_ms) for c in cues])
    texts = [plain_text(cue) for cue in cues]
    pairs = []
    for index, cue in enumerate(cues):
        owned = [target for target, owner in zip(targets, owners, strict=True) if owner == index]
        if owned and index not in straddled:
            pairs.append(_pair(UnitKind.CUE, texts, index, owned, cue.start_ms, cue.end_ms))
    return pairs


def _pair(
    kind: UnitKind, sources: list[str], index: int, owned: list[Cue], start: int, end: int
) -> AlignedPair:
    previous = sources[index - 1] if index > 0 else None
    following = sources[index + 1] if index + 1 < len(sources) else None
    target = " ".join(plain_text(cue) for cue in owned)
    return AlignedPair(kind, sources[index], target, previous, following, start, end)


def _owners(
    targets: Sequence[Cue], spans: Sequence[tuple[int, int]]
) -> tuple[list[int | None], set[int]]:
    """Each target's span index (None: it overlaps none), and the spans some target
    straddles."""
    owners: list[int | None] = []
    straddled: set[int] = set()
    for target in targets:
        overlaps = sorted(
            ((min(target.end_ms, end) - max(target.start_ms, start), index)
             for index, (start, end) in enumerate(spans)),
            reverse=True,
        )  # fmt: skip
        if not overlaps or overlaps[0][0] <= 0:
            owners.append(None)
            continue
        owners.append(overlaps[0][1])
        length = max(target.end_ms - target.start_ms, 1)
        if len(overlaps) > 1 and overlaps[1][0] > STRADDLE_SHARE * length:
            straddled.update((overlaps[0][1], overlaps[1][1]))
    return owners, straddled
