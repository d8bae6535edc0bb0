"""A track's sentences as lines for an engine that translates in context (a large language
model): each line with its speaker, the glossary rules it touches and a length budget
from the target profile, so the engine can condense as a subtitler would; and what such
an engine answers, line by line, with where each line came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .glossary import EntryKind, Glossary
from .profiles import TimedTextProfile
from .sentences import Sentence
from .term_protection import DEFAULT_PLACEHOLDER

# A line may use at most this share of what its time on screen lets a viewer read: a
# little headroom, since segmentation adds no time and the next line may be long.
BUDGET_SHARE = 1.0
MIN_BUDGET = 8  # characters: even the briefest line may say "Yes, sir."
MAX_FORBIDDEN = 20  # forbidden terms stated per line at most


@dataclass(frozen=True)
class TermRule:
    """A glossary entry as an instruction. Forced and do-not-translate terms reach the
    engine as placeholders (term_protection.py): the rule says what each stands for, so
    the words around it agree; a forbidden target term is a word never to use."""

    kind: EntryKind
    source: str
    target: str
    placeholder: str | None = None

    def sentence(self) -> str:
        if self.kind is EntryKind.FORBIDDEN:
            return f'Never use the word "{self.target}".'
        if self.kind is EntryKind.DNT:
            meaning = f'"{self.source}" (a name kept as it is)'
        else:
            meaning = f'"{self.target}" (the show\'s translation of "{self.source}")'
        return f"{self.placeholder} stands for {meaning}: copy {self.placeholder} unchanged."


@dataclass(frozen=True)
class SourceLine:
    """One sentence to translate: its number in the track (from 1), its text (glossary
    terms already replaced by placeholders), who says it and how many characters its
    translation may have."""

    number: int
    text: str
    speaker: str | None = None
    max_chars: int | None = None
    terms: tuple[TermRule, ...] = ()


@dataclass(frozen=True)
class LineRequest:
    """A whole track's lines and what every batch of them is told (the engine knows its
    language pair)."""

    lines: tuple[SourceLine, ...]
    synopsis: str | None = None
    tone: str | None = None


@dataclass(frozen=True)
class TranslatedLine:
    text: str
    origin: str  # "llm", or the fallback engine's name


@dataclass(frozen=True)
class LineResult:
    lines: tuple[TranslatedLine, ...]
    run: dict = field(default_factory=dict)  # what it took: retries, splits, fallbacks, ...


def line_budgets(sentences: Sequence[Sentence], profile: TimedTextProfile) -> list[int]:
    """Per sentence, the characters its translation may have: what the reading speed
    allows in the time its cues are on screen, and no more than those cues can show."""
    budgets = []
    for sentence in sentences:
        shown_s = sum(max(c.end_ms - c.start_ms, 0) for c in sentence.cues) / 1000
        readable = profile.reading_speed_cps * shown_s * BUDGET_SHARE
        room = profile.max_chars_per_line * profile.max_lines * len(sentence.cues)
        budgets.append(max(MIN_BUDGET, int(min(readable, room))))
    return budgets


def term_rules(text: str, glossary: Glossary | None) -> tuple[TermRule, ...]:
    """The rules for one source text: each forced or do-not-translate term it holds, with
    the placeholder protect() puts in its place (numbered in the same order), then the
    glossary's forbidden target terms (the first ``MAX_FORBIDDEN``)."""
    if glossary is None:
        return ()
    rules = [
        TermRule(match.entry.kind, match.text_in(text), match.entry.target,
                 DEFAULT_PLACEHOLDER.format(n=number))
        for number, match in enumerate(glossary.find_in_source(text), start=1)
    ]  # fmt: skip
    forbidden = [e for e in glossary.entries if e.kind is EntryKind.FORBIDDEN][:MAX_FORBIDDEN]
    return (*rules, *(TermRule(e.kind, e.source, e.target) for e in forbidden))
