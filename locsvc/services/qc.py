"""QC as a use case: of any subtitle file, or of an episode's track revision."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..adapters.db.repositories import TrackRepository
from ..adapters.formats import ParsedSubtitles, read_subtitles
from ..domain.errors import InvalidRequest
from ..domain.profiles import profile_for
from ..domain.qc import QcReport, check
from ..wiring import Context
from .episodes import find_revision, load_cues
from .shows import show_profile


@dataclass(frozen=True)
class FileQc:
    parsed: ParsedSubtitles
    report: QcReport

    def to_dict(self) -> dict:
        body = self.report.to_dict()
        body["summary"].update(
            format=self.parsed.format, encoding=self.parsed.encoding, warnings=self.parsed.warnings
        )
        return body


def parse_frame_rate(rate: str) -> float:
    try:
        value = float(Fraction(rate))
    except (ValueError, ZeroDivisionError) as error:
        raise InvalidRequest(f"{rate!r} is not a frame rate (25, 23.976, 24000/1001).") from error
    if value <= 0:
        raise InvalidRequest(f"{rate!r} is not a frame rate.")
    return value


def qc_file(
    data: bytes,
    language: str,
    frame_rate: str,
    filename: str | None = None,
    fmt: str | None = None,
    audience: str = "adult",
    encoding: str | None = None,
) -> FileQc:
    """Read a subtitle file (SubtitleUnreadable when it cannot be) and check it."""
    parsed = read_subtitles(data, fmt, filename, encoding)
    report = check(parsed.cues, profile_for(language, audience), parse_frame_rate(frame_rate))
    return FileQc(parsed, report)


def qc_track(ctx: Context, episode_id: str, language: str, revision: int | None = None) -> dict:
    found = find_revision(ctx, episode_id, language, revision)
    with ctx.db.session() as session:
        profile = show_profile(session, found.show, language)
        source = TrackRepository(session).source_of(episode_id)
        source_sha256 = (
            source.revisions[-1].cues_sha256
            if source is not None and source.language != language and source.revisions
            else None
        )
    source_cues = load_cues(ctx, source_sha256) if source_sha256 else None
    report = check(
        load_cues(ctx, found.cues_sha256), profile, parse_frame_rate(found.frame_rate), source_cues
    )
    body = report.to_dict()
    body["summary"]["revision"] = found.number
    return body
