"""What a probe tells about an uploaded file, and whether we can work with it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction

from .errors import NotMedia, UnusableMedia

# Shorter than this there is no speech to transcribe; the broken fixtures we
# reject are 0 and 0.4 ms long.
MIN_DURATION_MS = 100

# Demuxers that ffprobe accepts but that are not audio or video programmes:
# still images and ANSI text art would otherwise look like a video stream.
NON_PROGRAMME_FORMATS = frozenset(
    {"tty", "image2", "png_pipe", "jpeg_pipe", "gif", "webp_pipe", "bmp_pipe", "svg_pipe"}
)


def frames_per_second(rate: str) -> float:
    """An exact rate as ffprobe or the settings give it ("24000/1001", "25") as a number."""
    return float(Fraction(rate))


@dataclass(frozen=True)
class MediaInfo:
    """The facts of one media file that the pipeline needs."""

    format_name: str
    duration_ms: int
    has_audio: bool
    has_video: bool
    frame_rate: str | None  # exact rational as ffprobe gives it, e.g. "24000/1001"
    audio_codec: str | None = None
    video_codec: str | None = None
    # The audio stream's own length when the container says it: a video may run on
    # after its sound ends, which is not a truncated file.
    audio_duration_ms: int | None = None

    @property
    def expected_audio_ms(self) -> int:
        return self.audio_duration_ms or self.duration_ms

    @property
    def frame_rate_value(self) -> float | None:
        return frames_per_second(self.frame_rate) if self.frame_rate else None

    def frame_rate_or(self, default: str) -> str:
        """The file's frame rate; ``default`` (the configured one) for audio only."""
        return self.frame_rate or default

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> MediaInfo:
        return cls(**data)


def check_usable(info: MediaInfo) -> MediaInfo:
    """Raise a MediaRejected error when the pipeline cannot work on this file."""
    if any(name in NON_PROGRAMME_FORMATS for name in info.format_name.split(",")):
        raise NotMedia(
            f"This is not an audio or video file (it reads as {info.format_name!r}).",
            format=info.format_name,
        )
    if not info.has_audio:
        raise UnusableMedia(
            "The file has no audio stream, so there is no speech to transcribe.",
            reason="no_audio_stream",
        )
    if info.duration_ms < MIN_DURATION_MS:
        raise UnusableMedia(
            f"The audio is {info.duration_ms} ms long; at least {MIN_DURATION_MS} ms is needed.",
            reason="too_short",
            duration_ms=info.duration_ms,
        )
    return info
