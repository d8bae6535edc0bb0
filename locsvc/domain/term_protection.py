"""Protecting glossary terms through machine translation.

Before MT each source term becomes a placeholder the engine passes through
untouched (which token survives is per engine: docs/models.md and the engine tests);
after MT each placeholder becomes the required target form, cased like the source
occurrence (a sentence-initial or all-capitals term stays so), or the source term
itself for do-not-translate entries. Placeholders the engine lost are reported,
so the check after restoring can flag what could not be repaired."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .agreement import agree_before
from .glossary import EntryKind, Glossary, TermMatch, sentence_initial

DEFAULT_PLACEHOLDER = "XTERM{n}X"  # passed untouched by Bergamot en->pt and Apertium eng-spa


@dataclass(frozen=True)
class Protected:
    text: str
    replacements: dict[str, str]  # placeholder -> what goes back in its place
    lower_after: frozenset[str] = frozenset()  # placeholders followed by a lower-case word
    genders: dict[str, str] | None = None  # placeholder -> grammatical gender of its term
    language: str = ""  # the target language


@dataclass(frozen=True)
class Restored:
    text: str
    lost: tuple[str, ...]  # placeholders the engine dropped or mangled


def protect(text: str, glossary: Glossary, placeholder: str = DEFAULT_PLACEHOLDER) -> Protected:
    pieces, replacements, cursor = [], {}, 0
    for number, match in enumerate(glossary.find_in_source(text), start=1):
        token = placeholder.format(n=number)
        pieces += [text[cursor : match.start], token]
        replacements[token] = _replacement(match, text)
        cursor = match.end
    pieces.append(text[cursor:])
    protected = "".join(pieces)
    lower_after = frozenset(
        token for token in replacements if re.search(re.escape(token) + r"\s+[a-zà-ÿ]", protected)
    )
    genders = {
        placeholder.format(n=number): match.entry.gender
        for number, match in enumerate(glossary.find_in_source(text), start=1)
        if match.entry.gender and match.entry.kind is EntryKind.TRANSLATE
    }
    return Protected(protected, replacements, lower_after, genders, glossary.target_language)


def restore(translated: str, protected: Protected) -> Restored:
    """Each placeholder back to its term, at every place the engine left it (an engine
    may repeat one: a placeholder left in would reach the viewer)."""
    lost = []
    for token, replacement in protected.replacements.items():
        pattern = re.compile(re.escape(token), re.IGNORECASE)  # engines may change its case
        if pattern.search(translated) is None:
            lost.append(token)
            continue
        cursor = 0
        while (found := pattern.search(translated, cursor)) is not None:
            translated, cursor = _put_back(translated, found, token, replacement, protected)
    return Restored(translated, tuple(lost))


def _put_back(
    translated: str, found: re.Match[str], token: str, replacement: str, protected: Protected
) -> tuple[str, int]:
    """The text with one placeholder replaced, and the offset just after the term."""
    at_start = sentence_initial(translated, found.start())
    after = translated[found.end() :]
    if token in protected.lower_after:
        # Engines take a leading placeholder for a non-word and capitalise the word
        # after it ("XTERM1X Perdió"); the source had that word in lower case.
        after = re.sub(r"^(\s+)(\w)", lambda m: m.group(1) + m.group(2).lower(), after)
    before = translated[: found.start()]
    if protected.genders and token in protected.genders:
        before = agree_before(before, protected.genders[token], protected.language)
    term = _capitalised(replacement) if at_start else replacement
    return before + term + after, len(before) + len(term)


def _replacement(match: TermMatch, text: str) -> str:
    found = match.text_in(text)
    entry = match.entry
    if entry.kind is EntryKind.DNT:
        return found if not entry.case_sensitive else entry.source
    if found.isupper() and len(found) > 1:
        return entry.target.upper()
    return entry.target


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
