"""Subtitle writers in a registry, backed by pysubs2 (times in integer ms, like ours)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pysubs2

from ..domain.cues import Cue
from ..domain.errors import UnsupportedFormat


@dataclass(frozen=True)
class SubtitleFormat:
    name: str
    pysubs2_format: str
    media_type: str
    extension: str

    def render(self, cues: Sequence[Cue]) -> str:
        document = pysubs2.SSAFile()
        for cue in cues:
            # pysubs2 marks a hard line break as \N in its event text.
            document.append(
                pysubs2.SSAEvent(start=cue.start_ms, end=cue.end_ms, text=r"\N".join(cue.lines))
            )
        return document.to_string(self.pysubs2_format)


FORMATS: dict[str, SubtitleFormat] = {
    f.name: f
    for f in (
        SubtitleFormat("srt", "srt", "application/x-subrip; charset=utf-8", "srt"),
        SubtitleFormat("vtt", "vtt", "text/vtt; charset=utf-8", "vtt"),
    )
}


def get_format(name: str) -> SubtitleFormat:
    try:
        return FORMATS[name]
    except KeyError as error:
        raise UnsupportedFormat(
            f"Unsupported format {name!r}; choose one of {', '.join(FORMATS)}.",
            format=name,
            supported=list(FORMATS),
        ) from error
