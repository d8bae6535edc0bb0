"""A script's words timed by the recogniser's: the two word sequences aligned, and each
script word given the time of the speech it matches.

The alignment is a sequence alignment of the normalised words (difflib's matching
blocks, junk heuristics off: frequent words such as "the" must anchor too). Then, per
stretch between anchors:
- equal words take the recognised word's times;
- a stretch of script words against a stretch of recognised words (the recogniser
  misheard: "gonna" for "going to") shares that speech's time, in proportion to length,
  when the speech can hold them at a speaking rate people reach;
- a few script words the recogniser dropped ("I", "a") are placed in the time between
  their neighbours;
- everything else is reported, not guessed: script lines with no speech under them
  (cut in the edit), and speech the script does not hold (an ad-lib, a line added on
  set). The track has only script words with the speech's timing."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace

from .script import ScriptLine, ScriptWord, script_words, word_key
from .transcript import Word

# At most this many script words are placed where the recogniser heard nothing.
MAX_FILLED_WORDS = 2
# Fewer recognised words than this outside the script are noise ("uh", "you know").
MIN_UNSCRIPTED_WORDS = 3
# The fastest speech a stretch of script words may be squeezed into (ms per word).
MIN_MS_PER_WORD = 80
# Second chance for unheard stretches: timed words taken either side as context, the
# audio around them, the longest window the model aligns at once (Whisper's 30 s), and
# the mean confidence the model must have in the stretch's words (measured on the call
# in tests/data/conversation: words spoken but dropped by the recogniser 0.35, a line
# never recorded 0.04).
CONTEXT_WORDS = 2
WINDOW_PAD_MS = 500
MAX_WINDOW_MS = 30_000
HEARD_PROBABILITY = 0.2
SPOKEN_MS_PER_WORD = 400  # room allowed for a stretch with no timed words on one side

# The engine's alignment of a text to audio: (start ms, end ms, text) -> the text's
# pieces, timed on the episode's timeline, with the model's confidence in each.
TextAligner = Callable[[int, int, str], Sequence[Word]]


@dataclass(frozen=True)
class UnheardStretch:
    """Script words with no speech under them."""

    first_line: int  # file line numbers
    last_line: int
    words: int
    text: str
    after_ms: int  # where it would have been: after this time, before ``before_ms``
    before_ms: int
    first_word: int  # its place among the script's words (script_words), end excluded
    end_word: int


@dataclass(frozen=True)
class UnscriptedStretch:
    """Speech the script does not hold: the recogniser's words, for a linguist to judge."""

    start_ms: int
    end_ms: int
    words: int
    text: str


@dataclass(frozen=True)
class ScriptAlignment:
    words: tuple[Word, ...]  # the script's words, timed; script order, times monotonic
    speakers: tuple[str | None, ...]  # the script's speaker name for each word
    positions: tuple[int, ...]  # each word's place among the script's words (script_words)
    matched: int  # script words equal to a recognised word
    substituted: int  # timed by recognised words that differ (misheard)
    filled: int  # placed between neighbours where the recogniser heard nothing
    unheard: tuple[UnheardStretch, ...]
    unscripted: tuple[UnscriptedStretch, ...]
    script_words: int
    recognised_words: int
    realigned: int = 0  # unheard words the engine's own alignment found in the audio

    @property
    def timed(self) -> int:
        return len(self.words)

    def report(self) -> dict:
        """What the alignment covered, for the stage's record and the episode's view."""
        return {
            "script_words": self.script_words,
            "recognised_words": self.recognised_words,
            "timed_words": self.timed,
            "matched": self.matched,
            "substituted": self.substituted,
            "filled": self.filled,
            "realigned": self.realigned,
            "script_coverage": round(self.timed / self.script_words, 4)
            if self.script_words
            else 0.0,
            "unheard": [asdict(s) for s in self.unheard],
            "unscripted": [asdict(s) for s in self.unscripted],
        }


def align_script(lines: Sequence[ScriptLine], recognised: Sequence[Word]) -> ScriptAlignment:
    script = script_words(lines)
    heard = [w for w in recognised if word_key(w.text)]
    matcher = difflib.SequenceMatcher(
        None, [w.key for w in script], [word_key(w.text) for w in heard], autojunk=False
    )
    builder = _Builder(lines, script, heard)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                builder.matched(i1 + offset, heard[j1 + offset])
        elif tag == "replace" and _speakable(script[i1:i2], heard[j1:j2]):
            builder.substituted(i1, i2, heard[j1].start_ms, heard[j2 - 1].end_ms)
        else:
            if i2 > i1:
                builder.pending_script(i1, i2)
            if j2 > j1:
                builder.unscripted(heard[j1:j2])
    return builder.finish()


def _speakable(words: Sequence[ScriptWord], speech: Sequence[Word]) -> bool:
    """Whether ``speech`` can hold ``words`` at a speaking rate people reach, and is not
    mostly something else (far more, or far fewer, words than the script's)."""
    span = speech[-1].end_ms - speech[0].start_ms
    if span < MIN_MS_PER_WORD * len(words):
        return False
    return len(speech) <= 2 * len(words) + 2 and len(words) <= 2 * len(speech) + 2


def _share(start_ms: int, end_ms: int, texts: Sequence[str]) -> list[tuple[int, int]]:
    """``start_ms..end_ms`` shared among ``texts`` in proportion to their letters."""
    weights = [max(len(word_key(t)), 1) for t in texts]
    total, spans, done = sum(weights), [], 0
    for weight in weights:
        begin = start_ms + (end_ms - start_ms) * done // total
        done += weight
        spans.append((begin, start_ms + (end_ms - start_ms) * done // total))
    return spans


class _Builder:
    """Collects timed script words in order; script words without speech wait until the
    next anchor is known (their neighbours' times decide whether they can be placed)."""

    def __init__(self, lines: Sequence[ScriptLine], script: list[ScriptWord], heard: list[Word]):
        self.lines, self.script, self.heard = lines, script, heard
        self.timed: list[tuple[int, Word]] = []  # (script index, word)
        self.counts = {"matched": 0, "substituted": 0, "filled": 0}
        self.waiting: tuple[int, int] | None = None
        self.unheard: list[UnheardStretch] = []
        self.unscripted_stretches: list[UnscriptedStretch] = []

    def _last_end(self) -> int:
        return self.timed[-1][1].end_ms if self.timed else 0

    def _settle(self, next_start_ms: int | None) -> None:
        """Place or report the script words waiting for this anchor."""
        if self.waiting is None:
            return
        i1, i2 = self.waiting
        self.waiting = None
        after = self._last_end()
        texts = [w.text for w in self.script[i1:i2]]
        if i2 - i1 <= MAX_FILLED_WORDS and self.timed and next_start_ms is not None:
            if next_start_ms - after >= MIN_MS_PER_WORD * (i2 - i1):
                self._place(i1, i2, after, next_start_ms)
                return
            # No pause for them: the recogniser ran them into the word before ("that in"
            # heard as "that"), so that word's time is shared with them.
            previous_index, previous = self.timed[-1]
            if next_start_ms - previous.start_ms >= MIN_MS_PER_WORD * (i2 - i1 + 1):
                self.timed.pop()
                shared = _share(previous.start_ms, next_start_ms,
                                [previous.text, *texts])  # fmt: skip
                start, end = shared[0]
                self.timed.append((previous_index, replace(previous, start_ms=start,
                                                           end_ms=end)))  # fmt: skip
                self._place(i1, i2, end, next_start_ms)
                return
        first, last = self.lines[self.script[i1].line], self.lines[self.script[i2 - 1].line]
        self.unheard.append(UnheardStretch(first.number, last.number, i2 - i1, " ".join(texts),
                                           after, next_start_ms if next_start_ms is not None
                                           else after, i1, i2))  # fmt: skip

    def _place(self, i1: int, i2: int, start_ms: int, end_ms: int) -> None:
        texts = [w.text for w in self.script[i1:i2]]
        for index, (start, end) in zip(range(i1, i2), _share(start_ms, end_ms, texts),
                                       strict=True):  # fmt: skip
            self._add(index, start, end, 0.0)
        self.counts["filled"] += i2 - i1

    def _add(self, index: int, start: int, end: int, probability: float) -> None:
        start = max(start, self._last_end())
        self.timed.append((index, Word(start, max(end, start), " " + self.script[index].text,
                                       probability)))  # fmt: skip

    def matched(self, index: int, word: Word) -> None:
        self._settle(word.start_ms)
        self._add(index, word.start_ms, word.end_ms, word.probability)
        self.counts["matched"] += 1

    def substituted(self, i1: int, i2: int, start_ms: int, end_ms: int) -> None:
        self._settle(start_ms)
        texts = [w.text for w in self.script[i1:i2]]
        for index, (start, end) in zip(range(i1, i2), _share(start_ms, end_ms, texts),
                                       strict=True):  # fmt: skip
            self._add(index, start, end, 0.0)
        self.counts["substituted"] += i2 - i1

    def pending_script(self, i1: int, i2: int) -> None:
        self.waiting = (i1, i2)

    def unscripted(self, speech: Sequence[Word]) -> None:
        if len(speech) >= MIN_UNSCRIPTED_WORDS:
            text = "".join(w.text for w in speech).strip()
            self.unscripted_stretches.append(
                UnscriptedStretch(speech[0].start_ms, speech[-1].end_ms, len(speech), text)
            )

    def finish(self) -> ScriptAlignment:
        self._settle(None)
        return ScriptAlignment(
            words=tuple(word for _, word in self.timed),
            speakers=tuple(self.lines[self.script[i].line].speaker for i, _ in self.timed),
            positions=tuple(i for i, _ in self.timed),
            matched=self.counts["matched"],
            substituted=self.counts["substituted"],
            filled=self.counts["filled"],
            unheard=tuple(self.unheard),
            unscripted=tuple(self.unscripted_stretches),
            script_words=len(self.script),
            recognised_words=len(self.heard),
        )


def recover_unheard(
    alignment: ScriptAlignment,
    lines: Sequence[ScriptLine],
    align_text: TextAligner,
    media_end_ms: int,
) -> ScriptAlignment:
    """``alignment`` with the unheard stretches the engine's own alignment finds in the
    audio timed (they and their context words take the engine's times); the others stay
    reported."""
    script = script_words(lines)
    timed = dict(zip(alignment.positions, alignment.words, strict=True))
    still: list[UnheardStretch] = []
    recovered = 0
    for stretch in alignment.unheard:
        found = _realign(stretch, script, timed, align_text, media_end_ms)
        if found is None:
            still.append(stretch)
            continue
        timed.update(found)
        recovered += stretch.words
    if not recovered:
        return alignment
    positions = sorted(timed)
    return replace(
        alignment,
        words=tuple(timed[p] for p in positions),
        speakers=tuple(lines[script[p].line].speaker for p in positions),
        positions=tuple(positions),
        unheard=tuple(still),
        realigned=alignment.realigned + recovered,
    )


def _realign(
    stretch: UnheardStretch,
    script: list[ScriptWord],
    timed: dict[int, Word],
    align_text: TextAligner,
    media_end_ms: int,
) -> dict[int, Word] | None:
    """The stretch and its context words timed by the engine, or None where the engine
    is not confident it hears the stretch (or the window is too long to align)."""
    known = sorted(timed)
    before = [p for p in known if p < stretch.first_word][-CONTEXT_WORDS:]
    after = [p for p in known if p >= stretch.end_word][:CONTEXT_WORDS]
    if before and before[-1] != stretch.first_word - 1:
        before = []  # another untimed stretch in between: no context that side
    if after and after[0] != stretch.end_word:
        after = []
    if not before and not after:
        return None
    room = SPOKEN_MS_PER_WORD * stretch.words  # a side with no context: time to say it
    start = timed[before[0]].start_ms if before else timed[after[0]].start_ms - room
    end = timed[after[-1]].end_ms if after else timed[before[-1]].end_ms + room
    start, end = max(0, start - WINDOW_PAD_MS), min(media_end_ms, end + WINDOW_PAD_MS)
    if end - start > MAX_WINDOW_MS or end <= start:
        return None
    window = [*before, *range(stretch.first_word, stretch.end_word), *after]
    times = _word_times([script[p].text for p in window], align_text(start, end,
                        " ".join(script[p].text for p in window)))  # fmt: skip
    if times is None:
        return None
    inside = times[len(before) : len(before) + stretch.words]
    if sum(probability for _, _, probability in inside) / len(inside) < HEARD_PROBABILITY:
        return None
    floor = max((timed[p].end_ms for p in known if p < window[0]), default=0)
    ceiling = min((timed[p].start_ms for p in known if p > window[-1]), default=media_end_ms)
    found: dict[int, Word] = {}
    for position, (word_start, word_end, probability) in zip(window, times, strict=True):
        word_start = min(max(word_start, floor), ceiling)
        word_end = min(max(word_end, word_start), ceiling)
        kept = timed.get(position)
        found[position] = Word(word_start, word_end, " " + script[position].text,
                               kept.probability if kept else round(probability, 4))  # fmt: skip
        floor = word_end
    return found


def _word_times(
    texts: Sequence[str], pieces: Sequence[Word]
) -> list[tuple[int, int, float]] | None:
    """(start, end, confidence) of each word of ``texts`` from the engine's pieces of the
    same text (its pieces split words otherwise: punctuation apart, a word in tokens);
    None when the pieces do not spell the text."""
    spelled = "".join(piece.text for piece in pieces)
    if "".join(spelled.split()) != "".join("".join(texts).split()):
        return None
    result: list[tuple[int, int, float]] = []
    index = 0
    for text in texts:
        letters = len("".join(text.split()))
        covered: list[Word] = []
        while letters > 0 and index < len(pieces):
            piece = pieces[index]
            covered.append(piece)
            letters -= len("".join(piece.text.split()))
            index += 1
        if not covered or letters < 0:
            return None  # a piece across two words: the engine split otherwise
        spoken = [p for p in covered if word_key(p.text)] or covered
        result.append((covered[0].start_ms, covered[-1].end_ms,
                       sum(p.probability for p in spoken) / len(spoken)))  # fmt: skip
    return result
