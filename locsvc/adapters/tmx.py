"""TMX 1.4b, the translation memory exchange format of CAT tools: read into memory units,
and written from them.

The reader is a target of defusedxml's expat parser (the flags parse_untrusted_xml uses:
every DTD and entity refused) rather than a tree of the whole file: it checks the structure
as each element opens, when expat knows its line, so an error names the line of the
element at fault, and it turns each <tu> into units as soon as it closes (a memory of two
million units is never one tree). It returns every unit or raises: nothing partial.

What CAT tools write and what is kept of it: the header's srclang is the source language
(``*all*`` needs the caller to name one); a <tu> gives one unit per <tuv> in another
language; inline codes (<bpt>, <ept>, <ph>, <it>, <ut>) hold the native code (``<i>``),
which goes into the text as is, and <hi> its text; the memoQ-style context props
(x-context-pre / x-context-post) are the neighbouring source sentences. Our own props
(x-locsvc-*) carry what TMX has no place for, so an export reads back as the same units."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..domain.errors import TmxUnreadable
from ..domain.translation_memory import MemoryUnit, UnitKind
from .formats.xml import DTD_REFUSED, MAX_DEPTH

MAX_UNITS = 2_000_000  # <tu> elements in one file
WHAT = "TMX file"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
VERSION = re.compile(r"1\.[1-4][a-z]?")  # 1.1 to 1.4, 1.4a and 1.4b
LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
ALL_LANGUAGES = "*all*"
CODES = {"bpt", "ept", "ph", "it", "ut"}  # inline codes: their content is native code
TMX_DATE = "%Y%m%dT%H%M%SZ"
# Props: the memoQ names for the context, our own for the rest.
CONTEXT_PRE, CONTEXT_POST = "x-context-pre", "x-context-post"
KIND, SHOW, EPISODE = "x-locsvc-kind", "x-locsvc-show", "x-locsvc-episode"
REVISION, ORIGIN = "x-locsvc-revision", "x-locsvc-origin"
# Characters XML 1.0 cannot hold, even as a reference: left out of what is written.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class TmxMemory:
    """A read TMX: its source language, its units in document order, and how many <tu>
    gave no unit (no source <tuv>, an empty source, or no non-empty target asked for)."""

    source_language: str
    units: tuple[MemoryUnit, ...]
    skipped: int


@lru_cache(maxsize=1024)  # a file repeats a few languages in every <tu>
def bcp47(code: str) -> str:
    """A language code in the usual BCP 47 case (pt-BR, zh-Hant, es-419, en); an
    underscore (pt_BR, as some tools write) is read as a hyphen."""
    subtags = code.strip().replace("_", "-").split("-")
    cased = [subtags[0].lower()]
    private = len(subtags[0]) == 1  # x-..., i-...: no case conventions
    for subtag in subtags[1:]:
        private = private or len(subtag) == 1  # after a singleton (-x-, -u-): lower case
        if not private and len(subtag) == 2 and subtag.isalpha():
            cased.append(subtag.upper())  # region
        elif not private and len(subtag) == 4 and subtag.isalpha():
            cased.append(subtag.title())  # script
        else:
            cased.append(subtag.lower())
    return "-".join(cased)


def read_tmx(
    data: bytes,
    filename: str,
    source_language: str | None = None,
    target_languages: Collection[str] | None = None,
) -> TmxMemory:
    """Every unit of a TMX file (1.1 to 1.4b). ``source_language`` is used only when the
    header says srclang="*all*"; ``target_languages``: the only target languages read
    (None: every language but the source's). Units' origin is "tmx:<filename>" unless the
    file names its own (x-locsvc-origin, as render_tmx writes). TmxUnreadable, with the
    line in its details where known, for anything that is not readable TMX."""
    reader = _Reader(filename, source_language, target_languages)
    parser = DefusedXMLParser(
        target=reader, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    reader.expat = parser.parser
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException as refused:
        raise TmxUnreadable(DTD_REFUSED.format(what=WHAT), line=None) from refused
    except ET.ParseError as broken:
        line = broken.position[0] if broken.position else None
        raise TmxUnreadable(
            f"Line {line}: the {WHAT} is not well-formed XML ({broken}).", line=line
        ) from broken
    except (LookupError, ValueError) as unusable:  # expat cannot decode the named encoding
        raise TmxUnreadable(
            f"The {WHAT}'s XML declaration names an encoding that cannot be read ({unusable}); "
            "save it as UTF-8.",
            line=1,
        ) from unusable
    return reader.memory()


class _Reader:
    """The parser's target. Structure is checked in ``start`` (expat's position is then the
    element's line); a <tu> is built as a small tree and read when it closes."""

    def __init__(
        self,
        filename: str,
        source_language: str | None,
        target_languages: Collection[str] | None,
    ) -> None:
        self.expat: object = None  # the expat parser, for its line numbers
        self.origin = f"tmx:{filename}"
        self.fallback_source = source_language
        self.targets = None if target_languages is None else {_key(t) for t in target_languages}
        self.depth = 0
        self.root_line = 1
        self.source: str | None = None  # from the header
        self.in_body = False
        self.seen_body = False
        self.tu: ET.TreeBuilder | None = None  # the <tu> being built
        self.tu_count = 0
        self.units: list[MemoryUnit] = []
        self.skipped = 0

    def _line(self) -> int:
        return self.expat.CurrentLineNumber  # type: ignore[attr-defined]

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            line = self._line()
            raise TmxUnreadable(
                f"Line {line}: the {WHAT} nests elements more than {MAX_DEPTH} deep.", line=line
            )
        if self.tu is not None:  # inside a <tu>: only a <tuv>'s language is checked now
            if self.depth == 4 and _local(tag) == "tuv":
                self._check_tuv(attrs)
            self.tu.start(tag, attrs)
            return
        name = _local(tag)
        if self.depth == 1:
            self._check_root(name, attrs)
        elif self.depth == 2 and name == "header" and self.source is None:
            self._read_header(attrs)
        elif self.depth == 2 and name == "body" and not self.seen_body:
            if self.source is None:
                line = self._line()
                raise TmxUnreadable(
                    f"Line {line}: the {WHAT} has no <header> before its <body>.", line=line
                )
            self.in_body = self.seen_body = True
        elif self.depth == 3 and name == "tu" and self.in_body:
            self.tu_count += 1
            if self.tu_count > MAX_UNITS:
                line = self._line()
                raise TmxUnreadable(
                    f"Line {line}: the {WHAT} holds more than {MAX_UNITS} translation units "
                    "(<tu>); split it.",
                    line=line,
                )
            self.tu = ET.TreeBuilder()
            self.tu.start(tag, attrs)

    def end(self, tag: str) -> None:
        self.depth -= 1
        if self.tu is not None:
            self.tu.end(tag)
            if self.depth == 2:  # the <tu> closed
                tu, self.tu = self.tu.close(), None
                self._read_tu(tu)
        elif self.depth == 1 and self.in_body:
            self.in_body = False

    def data(self, text: str) -> None:
        if self.tu is not None:
            self.tu.data(text)

    def close(self) -> None:
        return None

    def _check_root(self, name: str, attrs: dict[str, str]) -> None:
        line = self.root_line = self._line()
        if name != "tmx":
            raise TmxUnreadable(
                f"Line {line}: this XML is not TMX: its root is <{name}>, not <tmx>.", line=line
            )
        version = attrs.get("version", "").strip()
        if not VERSION.fullmatch(version):
            said = f'says version="{version}"' if version else "names no version"
            raise TmxUnreadable(
                f"Line {line}: the <tmx> element {said}; TMX 1.1 to 1.4b is read.", line=line
            )

    def _read_header(self, attrs: dict[str, str]) -> None:
        line = self._line()
        srclang = attrs.get("srclang", "").strip()
        if not srclang:
            raise TmxUnreadable(
                f"Line {line}: the <header> has no srclang (the source language).", line=line
            )
        if srclang.lower() == ALL_LANGUAGES:
            if not self.fallback_source:
                raise TmxUnreadable(
                    f'Line {line}: the <header> says srclang="{ALL_LANGUAGES}" (any language '
                    "may be the source); name the source language.",
                    line=line,
                )
            srclang = self.fallback_source
        if not LANGUAGE.fullmatch(srclang.replace("_", "-")):
            raise TmxUnreadable(
                f"Line {line}: the source language {srclang!r} is not a language code.", line=line
            )
        self.source = bcp47(srclang)

    def _check_tuv(self, attrs: dict[str, str]) -> None:
        lang = _lang(attrs)
        if not LANGUAGE.fullmatch(lang.replace("_", "-")):
            line = self._line()
            said = f"xml:lang {lang!r} is not a language code" if lang else "has no xml:lang"
            raise TmxUnreadable(f"Line {line}: a <tuv> {said}.", line=line)

    def _read_tu(self, tu: ET.Element) -> None:
        assert self.source is not None  # a <tu> is read only inside a <body> after the header
        source_key = _key(self.source)
        tuvs = [(bcp47(_lang(tuv.attrib)), tuv) for tuv in tu if _local(tuv.tag) == "tuv"]
        source = next((tuv for lang, tuv in tuvs if _key(lang) == source_key), None)
        source_text = _seg_text(source) if source is not None else ""
        props = _props(tu)
        kind = UnitKind.CUE if props.get(KIND, "").lower() == UnitKind.CUE else UnitKind.SENTENCE
        made = 0
        for lang, tuv in tuvs if source_text else ():
            key = _key(lang)
            if key == source_key or (self.targets is not None and key not in self.targets):
                continue
            if not (target_text := _seg_text(tuv)):
                continue
            self.units.append(
                MemoryUnit(
                    source=source_text,
                    target=target_text,
                    source_language=self.source,
                    target_language=lang,
                    kind=kind,
                    previous=props.get(CONTEXT_PRE),
                    following=props.get(CONTEXT_POST),
                    show=props.get(SHOW),
                    episode_id=props.get(EPISODE),
                    revision=props.get(REVISION),
                    created_by=_attr(tuv, tu, "creationid"),
                    created_at=_iso_date(_attr(tuv, tu, "creationdate")),
                    changed_by=_attr(tuv, tu, "changeid"),
                    changed_at=_iso_date(_attr(tuv, tu, "changedate")),
                    origin=props.get(ORIGIN) or self.origin,
                )
            )
            made += 1
        if not made:  # no source, an empty one, or no target asked for with a text
            self.skipped += 1

    def memory(self) -> TmxMemory:
        if self.source is None or not self.seen_body:
            missing = "<header>" if self.source is None else "<body>"
            raise TmxUnreadable(
                f"Line {self.root_line}: the <tmx> element has no {missing}.", line=self.root_line
            )
        return TmxMemory(self.source, tuple(self.units), self.skipped)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if "}" in tag else tag


def _lang(attrs: dict[str, str]) -> str:
    """A <tuv>'s language: xml:lang, or TMX 1.1's lang."""
    return (attrs.get(XML_LANG) or attrs.get("lang") or "").strip()


@lru_cache(maxsize=1024)
def _key(language: str) -> str:
    return language.strip().replace("_", "-").casefold()


def _attr(tuv: ET.Element, tu: ET.Element, name: str) -> str | None:
    """The target <tuv>'s attribute, else its <tu>'s (the tuv's is the more specific)."""
    value = (tuv.get(name) or tu.get(name) or "").strip()
    return value or None


def _props(tu: ET.Element) -> dict[str, str]:
    """The <tu>'s non-empty props by type (the first of a type), ends stripped."""
    props: dict[str, str] = {}
    for prop in tu:
        if _local(prop.tag) == "prop" and (value := "".join(prop.itertext()).strip()):
            props.setdefault(prop.get("type", ""), value)
    return props


def _seg_text(tuv: ET.Element) -> str:
    seg = next((child for child in tuv if _local(child.tag) == "seg"), None)
    return "".join(_content(seg)).strip() if seg is not None else ""


def _content(element: ET.Element) -> Iterable[str]:
    """The text of a <seg> or <hi>: its text, each code's native code, each <hi>'s text."""
    yield element.text or ""
    for child in element:
        yield from _code(child) if _local(child.tag) in CODES else _content(child)
        yield child.tail or ""


def _code(element: ET.Element) -> Iterable[str]:
    """An inline code's native code; its <sub> (translatable text inside it) is dropped."""
    yield element.text or ""
    for child in element:
        if _local(child.tag) != "sub":
            yield from child.itertext()
        yield child.tail or ""


def _utc(value: str | None) -> datetime | None:
    """A TMX date (20240501T120000Z) or any ISO 8601 one, in UTC (naive: UTC); None when
    it cannot be read."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso_date(value: str | None) -> str | None:
    """As ISO 8601 in UTC, whole seconds (2024-05-01T12:00:00+00:00)."""
    moment = _utc(value)
    return moment.replace(microsecond=0).isoformat() if moment else None


def _tmx_date(value: str | None) -> str | None:
    """As TMX writes dates (UTC, whole seconds)."""
    moment = _utc(value)
    if moment is None:
        return None
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def render_tmx(
    units: Sequence[MemoryUnit], source_language: str, *, tool_version: str = "0.1.0"
) -> bytes:
    """The units as a UTF-8 TMX 1.4 document, one <tu> per unit (a source and a target
    <tuv>), the same bytes for the same units. Text is written as text: a subtitle tag such
    as <i> is escaped, not an inline code, and reads back as it was. Characters XML cannot
    hold (most C0 controls) are left out. ValueError for a unit in another source language."""
    source = bcp47(source_language)
    header = _attributes(
        [
            ("creationtool", "locsvc"),
            ("creationtoolversion", tool_version),
            ("segtype", "sentence"),
            ("o-tmf", "locsvc"),
            ("adminlang", "en"),
            ("srclang", source),
            ("datatype", "plaintext"),
        ]
    )
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<tmx version="1.4">\n',
        f"  <header{header}/>\n",
        "  <body>\n",
    ]
    for unit in units:
        if _key(unit.source_language) != _key(source):
            raise ValueError(
                f"A unit in {unit.source_language!r} cannot go into a TMX whose source "
                f"language is {source!r}."
            )
        dates = _attributes(
            [
                ("creationid", unit.created_by),
                ("creationdate", _tmx_date(unit.created_at)),
                ("changeid", unit.changed_by),
                ("changedate", _tmx_date(unit.changed_at)),
            ]
        )
        out.append(f"    <tu{dates}>\n")
        props = [
            (CONTEXT_PRE, unit.previous),
            (CONTEXT_POST, unit.following),
            (KIND, unit.kind.value),
            (SHOW, unit.show),
            (EPISODE, unit.episode_id),
            (REVISION, unit.revision),
            (ORIGIN, unit.origin),
        ]
        for kind, value in props:
            if value is not None:
                out.append(f'      <prop type="{kind}">{_text(value)}</prop>\n')
        for lang, text in ((source, unit.source), (bcp47(unit.target_language), unit.target)):
            out.append(f'      <tuv xml:lang="{lang}"><seg>{_text(text)}</seg></tuv>\n')
        out.append("    </tu>\n")
    out.append("  </body>\n</tmx>\n")
    return "".join(out).encode("utf-8")


def _attributes(pairs: Iterable[tuple[str, str | None]]) -> str:
    return "".join(f' {name}="{_attribute(value)}"' for name, value in pairs if value is not None)


def _text(value: str) -> str:
    """Element text, escaped; a carriage return as a reference (a parser would make a
    bare one a newline)."""
    value = NOT_XML.sub("", value)
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _attribute(value: str) -> str:
    """An attribute value, escaped; tabs and line breaks as references (a parser would
    make them spaces)."""
    return _text(value).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
