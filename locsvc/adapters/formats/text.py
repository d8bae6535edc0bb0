"""Bytes -> text for subtitle files: BOMs, UTF-16/32, CRLF, and a Windows-1252 fallback."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ...domain.errors import SubtitleUnreadable

# Longest BOMs first: the UTF-32-LE BOM begins with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FALLBACK_ENCODING = "cp1252"  # what legacy Western subtitle files usually are


@dataclass(frozen=True)
class DecodedText:
    lines: list[str]  # without line endings; CRLF, CR and LF all end a line
    encoding: str
    warnings: tuple[str, ...] = ()


def decode(data: bytes, encoding: str | None = None) -> DecodedText:
    """Decode with the given encoding, else by BOM, else UTF-8, else Windows-1252 (warned)."""
    warnings: tuple[str, ...] = ()
    if encoding is None:
        for bom, name in BOMS:
            if data.startswith(bom):
                data, encoding = data[len(bom) :], name
                break
    if encoding is None:
        try:
            return DecodedText(_lines(data.decode("utf-8")), "utf-8")
        except UnicodeDecodeError:
            encoding = FALLBACK_ENCODING
            warnings = (
                "The file is not UTF-8; it was read as Windows-1252. "
                "Check accented letters, or give the encoding.",
            )
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise SubtitleUnreadable(
            f"The file cannot be decoded as {encoding}: give its encoding "
            "(for example gb2312 or shift_jis), or save it as UTF-8.",
            encoding=encoding,
        ) from error
    return DecodedText(_lines(text.removeprefix("\ufeff")), encoding, warnings)


def _lines(text: str) -> list[str]:
    return text.splitlines()
