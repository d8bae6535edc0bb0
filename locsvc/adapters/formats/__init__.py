"""Subtitle formats: readers (SRT, WebVTT, TTML/IMSC, SBV, ASS/SSA, XLIFF) and writers
(SRT, WebVTT, TTML/IMSC 1.1 text profile; XLIFF, which needs the source text too,
in xliff.py).

Readers accept what real files contain (BOMs, UTF-16/32, CRLF, Windows-1252 with a
warning, numbering from 0 or none) and reject what cannot be timed, naming the
line. Times are integer milliseconds throughout, so a round trip is exact."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from ...domain.errors import SubtitleUnreadable, UnsupportedFormat
from .ass import read_ass
from .sbv import read_sbv
from .srt import read_srt
from .text import DecodedText, decode
from .timing import ParsedSubtitles
from .ttml import read_ttml
from .vtt import read_vtt
from .writers import FORMATS, SubtitleFormat, get_format
from .xliff import read_xliff

READERS: dict[str, Callable[[DecodedText], ParsedSubtitles]] = {
    "srt": read_srt,
    "vtt": read_vtt,
    "ttml": read_ttml,
    "sbv": read_sbv,
    "ass": read_ass,
    "ssa": read_ass,
    "xliff": read_xliff,
}

# Bounds on what a file may turn into (a feature film has about 2,000 cues, a day of
# live captions about 30,000). The text bound is exact: no reader adds text, so cues
# holding more characters than the file means something in it expanded.
MAX_CUES = 100_000

__all__ = [
    "FORMATS",
    "READERS",
    "ParsedSubtitles",
    "SubtitleFormat",
    "get_format",
    "read_subtitles",
]


def read_subtitles(
    data: bytes, fmt: str | None = None, filename: str | None = None, encoding: str | None = None
) -> ParsedSubtitles:
    """Parse a subtitle file; the format comes from ``fmt``, else the file name, else the text."""
    text = decode(data, encoding)
    if not any(line.strip() for line in text.lines):
        raise SubtitleUnreadable("The file is empty.", line=None)
    name = fmt or _from_filename(filename) or _sniff(text)
    try:
        reader = READERS[name]
    except KeyError as error:
        raise UnsupportedFormat(
            f"Cannot read {name!r} subtitles; readable: {', '.join(READERS)}.",
            format=name,
            supported=list(READERS),
        ) from error
    return _bounded(reader(text), text)


def _bounded(parsed: ParsedSubtitles, text: DecodedText) -> ParsedSubtitles:
    if len(parsed.cues) > MAX_CUES:
        raise SubtitleUnreadable(
            f"The file holds {len(parsed.cues)} cues; at most {MAX_CUES} are read.",
            line=None,
            cues=len(parsed.cues),
        )
    file_chars = sum(len(line) + 1 for line in text.lines)
    cue_chars = sum(len(line) + 1 for cue in parsed.cues for line in cue.lines)
    if cue_chars > file_chars:
        raise SubtitleUnreadable(
            f"The cues would hold {cue_chars} characters, more than the file's {file_chars}: "
            "something in it expands.",
            line=None,
        )
    return parsed


def _from_filename(filename: str | None) -> str | None:
    suffix = PurePath(filename).suffix.lower().lstrip(".") if filename else ""
    aliases = {"webvtt": "vtt", "xml": "ttml", "dfxp": "ttml", "xlf": "xliff"}
    return aliases.get(suffix, suffix) or None


def _sniff(text: DecodedText) -> str:
    first = next((line.strip() for line in text.lines if line.strip()), "")
    if first.startswith(("<?xml", "<tt", "<xliff")):
        return "xliff" if any("<xliff" in line for line in text.lines[:5]) else "ttml"
    if first.startswith("WEBVTT"):
        return "vtt"
    if first.startswith("[Script Info]"):
        return "ass"
    if "-->" not in first and "," in first and first[:1].isdigit() and ":" in first:
        return "sbv"
    return "srt"
