"""What every reader must do with any input: give a sane result or its own error."""

from __future__ import annotations

from locsvc.adapters.formats import read_subtitles
from locsvc.adapters.formats.timing import ParsedSubtitles
from locsvc.domain.errors import InvalidRequest, SubtitleUnreadable

from .executions import EXECUTIONS


def read_or_refuse(
    family: str, data: bytes, fmt: str | None = None, filename: str | None = None
) -> ParsedSubtitles | None:
    """The parsed file, or None when the reader refused it with SubtitleUnreadable; any
    other exception fails the property."""
    EXECUTIONS[family] += 1
    try:
        parsed = read_subtitles(data, fmt=fmt, filename=filename)
    except SubtitleUnreadable as refused:
        assert isinstance(refused.message, str) and refused.message
        return None
    assert_sane(parsed, fmt)
    return parsed


def assert_sane(parsed: ParsedSubtitles, fmt: str | None) -> None:
    assert isinstance(parsed, ParsedSubtitles) and parsed.cues
    if fmt is not None:
        assert parsed.format == {"ssa": "ass"}.get(fmt, fmt)
    assert isinstance(parsed.encoding, str)
    assert all(isinstance(warning, str) for warning in parsed.warnings)
    for cue in parsed.cues:
        assert type(cue.start_ms) is int and type(cue.end_ms) is int
        assert 0 <= cue.start_ms <= cue.end_ms
        assert isinstance(cue.lines, tuple)
        assert all(isinstance(line, str) and "\n" not in line for line in cue.lines)


def read_glossary_or_refuse(family: str, data: bytes, filename: str) -> list | None:
    """The entries, or None when the reader refused the file with InvalidRequest (the
    glossary readers' own error); any other exception fails the property."""
    from locsvc.adapters.glossary_files import glossary_languages, read_glossary_file
    from locsvc.domain.glossary import EntryKind, Glossary, GlossaryEntry

    EXECUTIONS[family] += 1
    assert all(isinstance(language, str) for language in glossary_languages(data, filename))
    try:
        entries = read_glossary_file(data, "en", "es", filename)
    except InvalidRequest as refused:
        assert isinstance(refused.message, str) and refused.message
        assert not isinstance(refused, SubtitleUnreadable), "a glossary is not a subtitle file"
        return None
    for entry in entries:
        assert isinstance(entry, GlossaryEntry) and isinstance(entry.kind, EntryKind)
        assert all(isinstance(value, str) for value in (entry.source, entry.target, entry.note))
        assert all(isinstance(variant, str) and variant for variant in entry.variants)
        assert entry.target, "every entry has a target term"
        assert entry.kind is EntryKind.FORBIDDEN or entry.source
        assert entry.gender in ("", "m", "f")
    Glossary(entries, "en", "es").check("paper and lightsaber", "papel y sable láser")
    return entries
