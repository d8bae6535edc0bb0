"""Untrusted XML (TTML, XLIFF, TBX, and any XML reader to come, such as TMX): parsed,
or refused with the reader's own error naming the line that broke.

Uploaded XML never needs a DTD, so every DTD is refused, and with it every entity
declaration: nothing in a file can expand (one 1 MB entity used 90 times made 90 MB
of cues), reach the network or read a local file. defusedxml does the refusing inside
expat's own handlers, before a declared entity is ever expanded."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ...domain.errors import InvalidRequest, SubtitleUnreadable
from .text import DecodedText

# Real TTML, XLIFF and TBX nest about 8 deep; the readers walk trees recursively.
MAX_DEPTH = 100
DTD_REFUSED = (
    "The {what} declares a DTD (<!DOCTYPE ...>) or entities, which uploaded XML may not "
    "hold: remove the DOCTYPE declaration and write the characters themselves."
)


def parse_untrusted_xml(
    data: bytes | str, what: str, error: type[InvalidRequest] = SubtitleUnreadable
) -> ET.Element:
    """The root element of ``data`` (bytes: decoded as its XML declaration says; text:
    already decoded, the declaration's encoding is ignored); ``error`` (the calling
    reader's own) for a DTD, an entity declaration, an external reference, an encoding
    that cannot be used, or malformed XML."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as refused:
        raise error(DTD_REFUSED.format(what=what), line=None) from refused
    except ET.ParseError as broken:
        line = broken.position[0] if broken.position else None
        raise error(f"Line {line}: the {what} is not well-formed XML ({broken}).", line=line) from (
            broken
        )
    except (LookupError, ValueError) as unusable:  # expat cannot decode the named encoding
        raise error(
            f"The {what}'s XML declaration names an encoding that cannot be read ({unusable}); "
            "save it as UTF-8.",
            line=1,
        ) from unusable
    if (depth := _depth(root)) > MAX_DEPTH:
        raise error(
            f"The {what} nests elements {depth} deep; at most {MAX_DEPTH} are read.", line=None
        )
    return root


def _depth(root: ET.Element) -> int:
    """How deep the tree goes, counted without recursion (the readers recurse, bounded)."""
    deepest, level = 0, [root]
    while level:
        deepest += 1
        level = [child for element in level for child in element]
    return deepest


def parse_xml(text: DecodedText, what: str) -> ET.Element:
    """A decoded subtitle file's XML (TTML, XLIFF): parsed as the text it was decoded to,
    so a UTF-16 file that says encoding="UTF-16" reads as well as a UTF-8 one."""
    return parse_untrusted_xml("\n".join(text.lines), what, SubtitleUnreadable)
