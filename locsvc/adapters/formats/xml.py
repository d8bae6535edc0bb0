"""XML subtitle files (TTML, XLIFF): parsed, or refused with the line that broke."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ...domain.errors import SubtitleUnreadable
from .text import DecodedText


def parse_xml(text: DecodedText, what: str) -> ET.Element:
    try:
        return ET.fromstring("\n".join(text.lines).encode("utf-8"))
    except ET.ParseError as error:
        line = error.position[0] if error.position else None
        raise SubtitleUnreadable(
            f"Line {line}: the {what} is not well-formed XML ({error}).", line=line
        ) from error
