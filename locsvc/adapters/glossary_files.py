"""Glossary files: TBX, or CSV/TSV with a header row of language codes (docs/api.md).

en,es,kind,case_sensitive,variants,note
Dunder Mifflin,Dunder Mifflin,dnt,true,,the company
paper,papel,translate,false,papeles|folio,
,ordenador,forbidden,,,use "computadora" in Latin American Spanish
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from ..domain.errors import InvalidRequest, SubtitleUnreadable
from ..domain.glossary import EntryKind, GlossaryEntry
from .formats.text import decode
from .formats.xml import parse_untrusted_xml

TRUE, FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n", ""}
# Bounds on what a file may turn into: a show's glossary holds hundreds of entries. A TBX
# concept gives each source synonym every other target term as a variant, so a small
# file can multiply (2,000 x 2,000 terms in 130 kB made 50 MB of entries).
MAX_ENTRIES = 100_000
MAX_ENTRY_CHARS = 10_000_000


class _Budget:
    """Counts entries and their characters as a reader makes them; refuses past the bounds."""

    def __init__(self) -> None:
        self.entries = self.chars = 0

    def spend(self, chars: int) -> None:
        self.entries, self.chars = self.entries + 1, self.chars + chars
        if self.entries > MAX_ENTRIES or self.chars > MAX_ENTRY_CHARS:
            raise InvalidRequest(
                f"The glossary expands to more than {MAX_ENTRIES} entries or "
                f"{MAX_ENTRY_CHARS} characters of terms, variants and notes; split it."
            )


def _size(entry: GlossaryEntry) -> int:
    return len(entry.source) + len(entry.target) + len(entry.note) + sum(map(len, entry.variants))


def read_glossary_file(
    data: bytes, source_language: str, target_language: str, filename: str | None = None
) -> list[GlossaryEntry]:
    """A glossary in any supported format: TBX by name or content, else CSV/TSV."""
    if _is_tbx(data, filename):
        return read_glossary_tbx(data, source_language, target_language)
    return read_glossary_table(data, source_language, target_language, filename)


def _is_tbx(data: bytes, filename: str | None) -> bool:
    """TBX by name or by content; anything else is read as CSV/TSV."""
    return (filename or "").lower().endswith(".tbx") or b"<martif" in data.lstrip()[:200]


def glossary_languages(data: bytes, filename: str | None = None) -> set[str]:
    """The language codes a glossary file has terms in (lower case)."""
    if _is_tbx(data, filename):
        try:
            root = parse_untrusted_xml(data, "TBX", InvalidRequest)
        except InvalidRequest:
            return set()
        return {_lang(e) for e in root.iter() if _local(e.tag) == "langSet"} - {""}
    try:
        lines = _decoded_lines(data)
        rows = _rows(lines[:1], "\t" if lines and "\t" in lines[0] else ",")
    except InvalidRequest:  # unreadable: in no language
        return set()
    return {name.strip().lower() for name in (rows[0] if rows else [])} - OPTIONAL_COLUMNS


def read_glossary_table(
    data: bytes, source_language: str, target_language: str, filename: str | None = None
) -> list[GlossaryEntry]:
    lines = _decoded_lines(data)
    if not any(line.strip() for line in lines):
        raise InvalidRequest("The glossary file is empty.")
    delimiter = "\t" if (filename or "").lower().endswith(".tsv") or "\t" in lines[0] else ","
    rows = _rows(lines, delimiter)
    header = [name.strip() for name in rows[0]] if rows else []
    columns = {name.lower(): index for index, name in enumerate(header)}
    source_column = columns.get(source_language.lower())
    target_column = columns.get(target_language.lower())
    if source_column is None or target_column is None:
        raise InvalidRequest(
            f"The header row must name the languages {source_language!r} and "
            f"{target_language!r} (it has {', '.join(header)}).",
            line=1,
        )
    entries, budget = [], _Budget()
    for line_number, row in enumerate(rows[1:], start=2):
        if any(value.strip() for value in row):
            entry = _entry(_Row(row, columns), source_column, target_column, line_number)
            budget.spend(_size(entry))
            entries.append(entry)
    return entries


def _rows(lines: list[str], delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:  # a field past csv's size limit: a quote never closed
        raise InvalidRequest(
            f"Line {reader.line_num}: {error} (a quote that is never closed?).",
            line=reader.line_num,
        ) from error


def _decoded_lines(data: bytes) -> list[str]:
    try:
        return decode(data).lines
    except SubtitleUnreadable as error:  # the same decoding, in the glossary's own words
        raise InvalidRequest(
            f"The glossary file cannot be decoded as {error.details.get('encoding')}: "
            "save it as UTF-8."
        ) from error


class _Row:
    def __init__(self, values: list[str], columns: dict[str, int]) -> None:
        self.values, self.columns = values, columns

    def at(self, index: int | None) -> str:
        return self.values[index].strip() if index is not None and index < len(self.values) else ""

    def named(self, name: str) -> str:
        return self.at(self.columns.get(name))


def _entry(row: _Row, source_column: int, target_column: int, line_number: int) -> GlossaryEntry:
    def refuse(message: str) -> InvalidRequest:
        return InvalidRequest(f"Line {line_number}: {message}", line=line_number)

    source, target = row.at(source_column), row.at(target_column)
    try:
        kind = EntryKind.parse(row.named("kind"))
    except InvalidRequest as error:
        raise refuse(error.message) from error
    flag = row.named("case_sensitive").lower()
    if flag not in TRUE | FALSE:
        raise refuse(f"case_sensitive must be true or false, not {flag!r}.")
    if kind is EntryKind.FORBIDDEN and not target:
        raise refuse("a forbidden entry needs its target term.")
    if kind is not EntryKind.FORBIDDEN and not source:
        raise refuse("the source term is empty.")
    if kind is EntryKind.TRANSLATE and not target:
        raise refuse("the target term is empty.")
    return GlossaryEntry(
        source=source,
        target=target or source,
        kind=kind,
        case_sensitive=flag in TRUE,
        variants=tuple(v.strip() for v in row.named("variants").split("|") if v.strip()),
        note=row.named("note"),
        part_of_speech=row.named("pos") or row.named("part_of_speech"),
        gender=_gender(row.named("gender"), line_number),
    )


OPTIONAL_COLUMNS = {
    "kind", "case_sensitive", "variants", "note", "pos", "part_of_speech", "gender"
}  # fmt: skip
GENDERS = {"": "", "m": "m", "masculine": "m", "f": "f", "feminine": "f"}


def _gender(value: str, line_number: int) -> str:
    if value.lower() not in GENDERS:
        raise InvalidRequest(
            f"Line {line_number}: gender must be m or f, not {value!r}.", line=line_number
        )
    return GENDERS[value.lower()]


# --- TBX (ISO 30042) -------------------------------------------------------------------
# Read with ElementTree rather than translate-toolkit: its TBX store (3.20) reads <tig>
# terms but returns nothing for the <ntig><termGrp> form that TBX Default files use, and
# a glossary must not lose entries silently.

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORBIDDEN_STATUSES = {
    "forbiddenterm-admn-sts",
    "deprecatedterm-admn-sts",
    "supersededterm-admn-sts",
}


def read_glossary_tbx(
    data: bytes, source_language: str, target_language: str
) -> list[GlossaryEntry]:
    root = parse_untrusted_xml(data, "TBX", InvalidRequest)
    entries, budget = [], _Budget()
    for concept in root.iter():
        if _local(concept.tag) not in ("termEntry", "conceptEntry"):
            continue
        sides = {_lang(ls): _terms(ls) for ls in concept if _local(ls.tag) == "langSet"}
        source_terms = sides.get(source_language.lower(), [])
        target_terms = sides.get(target_language.lower(), [])
        note = next(
            (d.text.strip() for d in concept.iter() if _local(d.tag) == "descrip" and d.text), ""
        )
        allowed = [(term, gender) for term, forbidden, gender in target_terms if not forbidden]
        for term, forbidden, _ in target_terms:
            if forbidden:
                budget.spend(len(term) + len(note))
                entries.append(GlossaryEntry("", term, EntryKind.FORBIDDEN, note=note))
        if source_terms and allowed:
            (preferred, gender), others = allowed[0], tuple(term for term, _ in allowed[1:])
            shared_chars = len(preferred) + sum(map(len, others)) + len(note)
            for source, _, _ in source_terms:
                budget.spend(len(source) + shared_chars)
                entries.append(
                    GlossaryEntry(source, preferred, variants=others, note=note, gender=gender)
                )
    return entries


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _lang(element: ET.Element) -> str:
    return (element.get(XML_LANG) or element.get("lang") or "").lower()


def _terms(lang_set: ET.Element) -> list[tuple[str, bool, str]]:
    """(term, forbidden, gender) for each <tig> or <ntig>/<termGrp> of a language."""
    found = []
    for holder in lang_set:
        if _local(holder.tag) not in ("tig", "ntig", "termSec"):
            continue
        term = next((e.text or "" for e in holder.iter() if _local(e.tag) == "term"), "").strip()
        notes: dict[str, set[str]] = {}
        for element in holder.iter():
            if _local(element.tag) == "termNote":
                notes.setdefault(element.get("type", ""), set()).add(
                    (element.text or "").strip().lower()
                )
        forbidden = bool(notes.get("administrativeStatus", set()) & FORBIDDEN_STATUSES)
        gender = next(iter(notes.get("grammaticalGender", ())), "")
        if term:
            found.append((term, forbidden, GENDERS.get(gender, "")))
    return found
