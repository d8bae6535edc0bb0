"""Subtitle writers in a registry (openai-whisper's WriteSRT/WriteVTT shape).

SRT and WebVTT are written by hand rather than through pysubs2: pysubs2 reads cue
text as SubStation markup and drops tags such as ``{\\an8}`` that SRT files use
for positioning, and a round trip must keep text and times exactly."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ...domain.cues import Cue
from ...domain.errors import UnsupportedFormat
from .srt import labelled_lines
from .timing import timestamp
from .ttml import render_ttml
from .vtt import voiced_lines

# (cues, language, frame rate, *, speaker_names=..., [speaker_labels=...]) -> text
Writer = Callable[..., str]
Lines = Callable[[Cue], Sequence[str]]


def render_arrow_cues(
    cues: Sequence[Cue], *, decimal_marker: str, header: str, lines_of: Lines | None = None
) -> str:
    """SRT and WebVTT: numbered blocks of ``start --> end`` and text lines."""
    blocks = [
        f"{number}\n{timestamp(cue.start_ms, decimal_marker)} --> "
        f"{timestamp(cue.end_ms, decimal_marker)}\n"
        + "".join(f"{line}\n" for line in (lines_of(cue) if lines_of else cue.lines))
        for number, cue in enumerate(cues, start=1)
    ]
    return header + "\n".join(blocks) + ("\n" if blocks else "")


def render_srt(
    cues: Sequence[Cue],
    language: str,
    frame_rate: float,
    *,
    speaker_names: Mapping[str, str] | None = None,
    speaker_labels: bool = False,
) -> str:
    """SubRip has no speaker markup: speakers show only as SDH labels, when asked for."""
    lines_of = (lambda cue: labelled_lines(cue, speaker_names)) if speaker_labels else None
    return render_arrow_cues(cues, decimal_marker=",", header="", lines_of=lines_of)


def render_vtt(
    cues: Sequence[Cue],
    language: str,
    frame_rate: float,
    *,
    speaker_names: Mapping[str, str] | None = None,
) -> str:
    return render_arrow_cues(
        cues,
        decimal_marker=".",
        header="WEBVTT\n\n",
        lines_of=lambda cue: voiced_lines(cue, speaker_names),
    )


@dataclass(frozen=True)
class SubtitleFormat:
    name: str
    media_type: str
    extension: str
    writer: Writer
    # Whether the writer takes speaker_labels: formats with speaker markup (WebVTT voices,
    # TTML agents) carry speakers in it and have no use for labels in the text.
    labels_speakers: bool = False

    def render(
        self,
        cues: Sequence[Cue],
        language: str = "und",
        frame_rate: float = 25.0,
        *,
        speaker_names: Mapping[str, str] | None = None,
        speaker_labels: bool = False,
    ) -> str:
        """``speaker_names``: label -> display name (a label without one is written as
        itself); ``speaker_labels``: SDH labels in SRT, ignored by the other formats."""
        options = {"speaker_labels": speaker_labels} if self.labels_speakers else {}
        return self.writer(cues, language, frame_rate, speaker_names=speaker_names, **options)


FORMATS: dict[str, SubtitleFormat] = {
    f.name: f
    for f in (
        SubtitleFormat(
            "srt", "application/x-subrip; charset=utf-8", "srt", render_srt, labels_speakers=True
        ),
        SubtitleFormat("vtt", "text/vtt; charset=utf-8", "vtt", render_vtt),
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
