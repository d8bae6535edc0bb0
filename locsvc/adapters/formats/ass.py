"""SubStation Alpha (ASS/SSA) reader through pysubs2: dialogue events, override tags dropped."""

from __future__ import annotations

import warnings

import pysubs2

from ...domain.cues import Cue
from ...domain.errors import SubtitleUnreadable
from .text import DecodedText
from .timing import ParsedSubtitles, require_cues


def read_ass(text: DecodedText) -> ParsedSubtitles:
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            document = pysubs2.SSAFile.from_string("\n".join(text.lines), format_="ass")
    except Exception as error:  # noqa: BLE001 - pysubs2 raises several kinds
        raise SubtitleUnreadable(
            f"The SubStation file cannot be read: {error}.", line=None
        ) from error
    events = sorted((e for e in document.events if not e.is_comment), key=lambda e: e.start)
    if events and events[0].start < 0:  # pysubs2 reads "-1:00:28.00" as it stands
        raise SubtitleUnreadable(
            f"An event starts before zero ({events[0].start} ms): {events[0].plaintext[:80]!r}.",
            line=None,
        )
    cues = [
        Cue(event.start, max(event.end, event.start), tuple(event.plaintext.splitlines()))
        for event in events
    ]
    notes = [*text.warnings, *(str(w.message) for w in caught)]
    return require_cues(ParsedSubtitles(cues, "ass", text.encoding, notes))
