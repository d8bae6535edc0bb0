"""Subtitle writers in a registry (openai-whisper's WriteSRT/WriteVTT shape).

SRT and WebVTT are written by hand rather than through pysubs2: pysubs2 reads cue
text as SubStation markup and drops tags such as ``{\\an8}`` that SRT files use
for positioning, and a round trip must keep text and times exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from ...domain.cues import Cue
from ...domain.errors import UnsupportedFormat
from .timing import timestamp
from .ttml import render_ttml

Writer = Callable[[Sequence[Cue], str, float], str]


def render_arrow_cues(
    cues: Sequence[Cue], language: str, frame_rate: float, *, decimal_marker: str, header: str
) -> str:
    """SRT and WebVTT: numbered blocks of ``start --> end`` and text lines."""
    blocks = [
        f"{number}\n{timestamp(cue.start_ms, decimal_marker)} --> "
        f"{timestamp(cue.end_ms, decimal_marker)}\n" + "".join(f"{line}\n" for line in cue.lines)
        for number, cue in enumerate(cues, start=1)
    ]
    return header + "\n".join(blocks) + ("\n" if blocks else "")


@dataclass(frozen=True)
class SubtitleFormat:
    name: str
    media_type: str
    extension: str
    writer: Writer

    def render(self, cues: Sequence[Cue], language: str = "und", frame_rate: float = 25.0) -> str:
        return self.writer(cues, language, frame_rate)


FORMATS: dict[str, SubtitleFormat] = {
    f.name: f
    for f in (
        SubtitleFormat(
            "srt", "application/x-subrip; charset=utf-8", "srt",
            partial(render_arrow_cues, decimal_marker=",", header=""),
        ),
        SubtitleFormat(
            "vtt", "text/vtt; charset=utf-8", "vtt",
            partial(render_arrow_cues, decimal_marker=".", header="WEBVTT\n\n"),
        ),
        SubtitleFormat("ttml", "application/ttml+xml; charset=utf-8", "ttml", render_ttml),
    )
}  # fmt: skip


def get_format(name: str) -> SubtitleFormat:
    try:
        return FORMATS[name]
    except KeyError as error:
        raise UnsupportedFormat(
            f"Unsupported format {name!r}; choose one of {', '.join(FORMATS)}.",
            format=name,
            supported=list(FORMATS),
        ) from error
