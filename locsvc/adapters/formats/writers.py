"""Subtitle writers in a registry (openai-whisper's WriteSRT/WriteVTT shape).

Written by hand rather than through pysubs2: pysubs2 reads cue text as SubStation
markup and drops tags such as ``{\\an8}`` that SRT files use for positioning, and a
round trip must keep text and times exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...domain.cues import Cue
from ...domain.errors import UnsupportedFormat


def timestamp(ms: int, decimal_marker: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{decimal_marker}{millis:03d}"


@dataclass(frozen=True)
class SubtitleFormat:
    name: str
    media_type: str
    extension: str
    decimal_marker: str
    header: str = ""

    def render(self, cues: Sequence[Cue]) -> str:
        blocks = [
            f"{number}\n{timestamp(cue.start_ms, self.decimal_marker)} --> "
            f"{timestamp(cue.end_ms, self.decimal_marker)}\n"
            + "".join(f"{line}\n" for line in cue.lines)
            for number, cue in enumerate(cues, start=1)
        ]
        return self.header + "\n".join(blocks) + ("\n" if blocks else "")


FORMATS: dict[str, SubtitleFormat] = {
    f.name: f
    for f in (
        SubtitleFormat("srt", "application/x-subrip; charset=utf-8", "srt", ","),
        SubtitleFormat("vtt", "text/vtt; charset=utf-8", "vtt", ".", header="WEBVTT\n\n"),
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
