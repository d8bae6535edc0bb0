"""Glossary terms: matching them in source text, and checking a translation keeps them.

Matching is token-aware and longest-first; case-insensitive unless an entry says
otherwise (and then a sentence-initial capital still matches); the last word of a
term may carry a simple inflection (plural, possessive) of its language. Checking
asks, for every source occurrence, that the required target form (or an accepted
variant, or its inflection) is in the translation, that do-not-translate terms
stay as they are, and that no forbidden target term appears anywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidRequest
from .text import SENTENCE_END

# The glossary scope below every show: a studio's house terms (brands, its own name).
DEFAULT_SCOPE = "_default"

WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

# Endings a term's last word may take: English plurals and possessives, the Romance
# plurals, German plural and case endings. Enough for "simple inflection"; a lemmatiser
# would be the next step.
INFLECTIONS: dict[str, tuple[str, ...]] = {
    "en": ("s", "es", "'s", "’s", "s'", "s’"),
    "es": ("s", "es"),
    "pt": ("s", "es"),
    "fr": ("s", "x"),
    "it": (),  # Italian plurals change the last vowel: handled in _stems
    "de": ("e", "en", "n", "s", "es", "er", "ern"),
}


class EntryKind(StrEnum):
    TRANSLATE = "translate"  # forced translation
    DNT = "dnt"  # do not translate: keep the source term
    FORBIDDEN = "forbidden"  # a target term never to use

    @classmethod
    def parse(cls, value: str) -> EntryKind:
        try:
            return cls((value or "translate").strip().lower())
        except ValueError as error:
            raise InvalidRequest(
                f"Unknown glossary entry kind {value!r}: translate, dnt or forbidden."
            ) from error


@dataclass(frozen=True)
class GlossaryEntry:
    source: str
    target: str
    kind: EntryKind = EntryKind.TRANSLATE
    case_sensitive: bool = False
    variants: tuple[str, ...] = ()
    note: str = ""
    part_of_speech: str = ""
    gender: str = ""  # of the target term: "m", "f" or "" (sets the determiner before it)

    @property
    def required_forms(self) -> tuple[str, ...]:
        if self.kind is EntryKind.DNT:
            return (self.source,)
        return (self.target, *self.variants)


@dataclass(frozen=True)
class TermMatch:
    entry: GlossaryEntry
    start: int  # character offsets in the text
    end: int

    def text_in(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class TermIssue:
    term: str
    expected: tuple[str, ...]
    kind: EntryKind
    message: str


def _primary(language: str) -> str:
    return language.split("-")[0].lower()


def _words(text: str) -> list[re.Match[str]]:
    return list(WORD.finditer(text))


def _stems(word: str, language: str) -> set[str]:
    """The forms of ``word`` (a term's last word) that count as the same term."""
    forms = {word} | {word + ending for ending in INFLECTIONS.get(_primary(language), ())}
    if _primary(language) == "en" and word.endswith("y") and len(word) > 2:
        forms.add(word[:-1] + "ies")
    if _primary(language) == "it" and word[-1:] in "oa":
        forms.add(word[:-1] + ("i" if word.endswith("o") else "e"))
    return forms


@dataclass(frozen=True)
class _Term:
    tokens: tuple[str, ...]
    last_forms: frozenset[str]  # the last word and its inflections
    case_sensitive: bool
    entry: GlossaryEntry


class TermIndex:
    """Finds glossary terms in text of one language: leftmost, longest first, looked up
    by the first word so the cost grows with the text, not with the glossary."""

    def __init__(self, terms: Iterable[tuple[str, bool, GlossaryEntry]], language: str) -> None:
        self.language = language
        self._by_first: dict[str, list[_Term]] = {}
        for text, case_sensitive, entry in terms:
            tokens = tuple(m.group() for m in _words(text))
            if not tokens:
                continue
            forms = _stems(tokens[-1], language)
            if not case_sensitive:
                tokens, forms = tuple(t.lower() for t in tokens), {f.lower() for f in forms}
            term = _Term(tokens, frozenset(forms), case_sensitive, entry)
            keys = {f.lower() for f in forms} if len(tokens) == 1 else {tokens[0].lower()}
            for key in keys:
                self._by_first.setdefault(key, []).append(term)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda term: -len(term.tokens))

    def find(self, text: str) -> list[TermMatch]:
        words = _words(text)
        matches: list[TermMatch] = []
        index = 0
        while index < len(words):
            for term in self._by_first.get(words[index].group().lower(), ()):
                size = len(term.tokens)
                found = [w.group() for w in words[index : index + size]]
                initial = sentence_initial(text, words[index].start())
                if len(found) == size and self._same(term, found, initial):
                    matches.append(
                        TermMatch(term.entry, words[index].start(), words[index + size - 1].end())
                    )
                    index += size
                    break
            else:
                index += 1
        return matches

    @staticmethod
    def _same(term: _Term, found: list[str], initial: bool) -> bool:
        if not term.case_sensitive:
            found = [f.lower() for f in found]
        elif initial and found[0][:1].isupper() and not term.tokens[0][:1].isupper():
            found = [found[0][:1].lower() + found[0][1:], *found[1:]]
        return list(term.tokens[:-1]) == found[:-1] and found[-1] in term.last_forms


def sentence_initial(text: str, position: int) -> bool:
    """True when ``position`` starts a sentence (past opening quotes and marks)."""
    before = text[:position].rstrip(" \t\"'“‘«¿¡-—")
    return not before or before.endswith(SENTENCE_END) or before.endswith("\n")


class Glossary:
    """The entries of one show and language pair, with indexes for both sides."""

    def __init__(
        self, entries: Sequence[GlossaryEntry], source_language: str, target_language: str
    ) -> None:
        self.entries = tuple(entries)
        self.source_language, self.target_language = source_language, target_language
        self._source = TermIndex(
            (
                (e.source, e.case_sensitive, e)
                for e in entries
                if e.kind is not EntryKind.FORBIDDEN and e.source
            ),
            source_language,
        )
        self._forbidden = TermIndex(
            ((e.target, e.case_sensitive, e) for e in entries if e.kind is EntryKind.FORBIDDEN),
            target_language,
        )

    def find_in_source(self, text: str) -> list[TermMatch]:
        return self._source.find(text)

    def check(self, source_text: str, target_text: str) -> list[TermIssue]:
        """Both checks on one source text and its translation."""
        return self.missing_terms(source_text, target_text) + self.forbidden_terms(target_text)

    def missing_terms(self, source_text: str, target_text: str) -> list[TermIssue]:
        """Every source occurrence whose required form the translation lacks (counted:
        a term said twice must be there twice)."""
        occurrences: dict[GlossaryEntry, list[TermMatch]] = {}
        for match in self.find_in_source(source_text):
            occurrences.setdefault(match.entry, []).append(match)
        issues = []
        for entry, matches in occurrences.items():
            present = len(self.required_in(entry, target_text))
            issues += [missing_issue(match, source_text) for match in matches[present:]]
        return issues

    def required_in(self, entry: GlossaryEntry, target_text: str) -> list[TermMatch]:
        """Where the translation has the entry's required form (or a variant)."""
        return self._required_index(entry).find(target_text)

    def forbidden_terms(self, target_text: str) -> list[TermIssue]:
        issues = []
        for match in self._forbidden.find(target_text):
            term, note = match.text_in(target_text), match.entry.note
            issues.append(
                TermIssue(term, (), EntryKind.FORBIDDEN,
                          f"{term!r} is a forbidden term" + (f" ({note})" if note else ""))
            )  # fmt: skip
        return issues

    def _required_index(self, entry: GlossaryEntry) -> TermIndex:
        language = self.source_language if entry.kind is EntryKind.DNT else self.target_language
        return TermIndex(
            ((form, entry.case_sensitive, entry) for form in entry.required_forms), language
        )


def missing_issue(match: TermMatch, source_text: str) -> TermIssue:
    """The issue of a source occurrence whose required form the translation lacks."""
    entry, term = match.entry, match.text_in(source_text)
    verb = "keep" if entry.kind is EntryKind.DNT else "translate as"
    message = f"{term!r}: {verb} {entry.required_forms[0]!r}"
    return TermIssue(term, entry.required_forms, entry.kind, message)


def layered(
    primary: Sequence[GlossaryEntry], fallback: Sequence[GlossaryEntry]
) -> list[GlossaryEntry]:
    """A show's entries over a wider scope's (the default glossary): an entry of the
    fallback is dropped where the primary has one for the same term."""

    def key(entry: GlossaryEntry) -> tuple[bool, str]:
        forbidden = entry.kind is EntryKind.FORBIDDEN
        return forbidden, (entry.target if forbidden else entry.source).casefold()

    covered = {key(e) for e in primary}
    return [*primary, *(e for e in fallback if key(e) not in covered)]


def term_success_rate(glossary: Glossary, pairs: Iterable[tuple[str, str]]) -> float | None:
    """Share of source term occurrences whose required target form is in the translation."""
    occurrences = missing = 0
    for source, target in pairs:
        occurrences += len(glossary.find_in_source(source))
        missing += sum(
            1 for i in glossary.check(source, target) if i.kind is not EntryKind.FORBIDDEN
        )
    return None if occurrences == 0 else (occurrences - missing) / occurrences
