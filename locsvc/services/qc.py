"""QC as a use case: of any subtitle file, or of an episode's track revision."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..adapters.db.repositories import EpisodeRepository, TrackRepository
from ..adapters.formats import ParsedSubtitles, read_subtitles
from ..domain.media import frames_per_second
from ..domain.pipeline import Stage, dub_stage
from ..domain.profiles import profile_for
from ..domain.qc import QcReport, check
from ..domain.requests import parse_frame_rate
from ..domain.term_qc import track_term_issues
from ..ports import Context
from .glossaries import load_recorded_glossary
from .memory_reports import inconsistencies
from .shows import show_profile
from .tracks import find_revision, load_cues, machine_info


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
    """QC of a track revision; for a translation, with the glossary it was made with
    checked against the source track (so a linguist's revision is held to it too)."""
    found = find_revision(ctx, episode_id, language, revision)
    with ctx.db.session() as session:
        profile = show_profile(session, found.show, language)
        tracks = TrackRepository(session)
        source = tracks.source_of(episode_id)
        source_sha256 = (
            source.revisions[-1].cues_sha256
            if source is not None and source.language != language and source.revisions
            else None
        )
        made_with = machine_info(tracks.find(episode_id, language).revisions, found.number)
        glossary = load_recorded_glossary(session, made_with.get("glossaries", []))
        episodes = EpisodeRepository(session)
        shots = episodes.find_stage(episode_id, Stage.DETECT_SHOTS)
        # The source track is held to the cuts (its times are the episode's own); a
        # translation keeps the source's times, checked there.
        cuts_sha256 = shots.artifact_sha256 if shots is not None and not source_sha256 else None
        dub = episodes.find_stage(episode_id, dub_stage(language))
        dub_record = dub.artifact_info if dub is not None and dub.status == "done" else None
        source_cues = load_cues(ctx, source_sha256) if source_sha256 else None
        target_cues = load_cues(ctx, found.cues_sha256)
        others = (
            inconsistencies(session, EpisodeRepository(session).get(episode_id), language,
                            source_cues, target_cues)
            if source_cues else []
        )  # fmt: skip
    term_issues = (
        track_term_issues(source_cues, target_cues, glossary) if glossary and source_cues else []
    )
    # the media's own rate, as the pipeline used it (the range check is for typed rates)
    report = check(
        target_cues, profile, frames_per_second(found.frame_rate), source_cues, term_issues,
        _dub_overflows(dub_record, target_cues, found.number), inconsistencies=others,
        shot_changes_ms=json.loads(ctx.storage.read_bytes(cuts_sha256)) if cuts_sha256 else (),
    )  # fmt: skip
    body = report.to_dict()
    body["summary"].update(
        revision=found.number,
        engine=made_with.get("engine"),
        glossaries=made_with.get("glossaries", []),
    )
    return body


def _dub_overflows(dub_record: dict | None, cues, revision: int) -> list[tuple[int, int]]:
    """(cue number, overflow ms) of the lines this revision's dub could not fit."""
    if not dub_record or dub_record.get("request", {}).get("revision") != revision:
        return []
    numbers = {f"c{cue.start_ms}": n for n, cue in enumerate(cues, start=1)}
    return [
        (numbers[line["id"]], line["overflow_ms"])
        for line in dub_record.get("flagged", [])
        if line["id"] in numbers
    ]
