"""Tracks as files: drafts out in every format (XLIFF with the source text beside each
cue), a linguist's corrected file in as a new immutable revision, and deliverables
from approved revisions only."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from ..adapters.db.models import Review as ReviewRow
from ..adapters.db.models import Track, utcnow
from ..adapters.db.repositories import (
    AuditLog,
    EpisodeRepository,
    ReviewRepository,
    SpeakerRepository,
    TrackRepository,
)
from ..adapters.formats import ParsedSubtitles, get_format, read_subtitles
from ..adapters.formats.xliff import render_xliff
from ..domain.access import Principal
from ..domain.cues import Cue, check_monotonic
from ..domain.errors import Conflict, InvalidRequest, NotFound, SubtitleUnreadable
from ..domain.media import frames_per_second
from ..domain.review import Review, ReviewAction, ReviewState, transition
from ..domain.revision_diff import diff_revisions
from ..domain.sentences import plain_text
from ..ports import Context
from .memory_reports import matches_under_cues
from .qc import qc_track
from .reviews import review_lease, to_domain
from .shows import show_profile
from .speakers import resolve_speakers, speaker_names
from .timestamps import iso
from .tracks import find_revision, load_cues

XLIFF_MEDIA_TYPE = "application/x-xliff+xml; charset=utf-8"
UPLOAD_FORMATS = ("srt", "vtt", "xliff")


@dataclass(frozen=True)
class RenderedTrack:
    body: str
    media_type: str
    filename: str
    revision: int


def render_track(
    ctx: Context,
    episode_id: str,
    language: str,
    fmt: str,
    revision: int | None = None,
    speaker_labels: bool = False,
) -> RenderedTrack:
    """A revision (the latest by default) in SRT, WebVTT, TTML/IMSC or XLIFF, speakers by
    their names; ``speaker_labels`` puts SDH-style "[Name]" labels in an SRT."""
    if fmt == "xliff":
        return _render_xliff(ctx, episode_id, language, revision)
    subtitle_format = get_format(fmt)
    found = find_revision(ctx, episode_id, language, revision)
    body = subtitle_format.render(
        load_cues(ctx, found.cues_sha256),
        language,
        frames_per_second(found.frame_rate),
        speaker_names=speaker_names(ctx, episode_id),
        speaker_labels=speaker_labels,
    )
    filename = f"{episode_id}.{language}.r{found.number}.{subtitle_format.extension}"
    return RenderedTrack(body, subtitle_format.media_type, filename, found.number)


def _render_xliff(
    ctx: Context, episode_id: str, language: str, revision: int | None
) -> RenderedTrack:
    found = find_revision(ctx, episode_id, language, revision)
    target = load_cues(ctx, found.cues_sha256)
    with ctx.db.session() as session:
        source_track = TrackRepository(session).source_of(episode_id)
        translation = TrackRepository(session).find(episode_id, language).kind == "translation"
        source_language = source_track.language if source_track else language
        source_sha256 = (
            source_track.revisions[-1].cues_sha256
            if source_track and source_track.revisions
            else found.cues_sha256
        )
    source = load_cues(ctx, source_sha256)
    texts = [_text_under(cue, source) for cue in target]
    original = f"{episode_id}/{language}/r{found.number}"
    matches = matches_under_cues(ctx, episode_id, source, target, language) if translation else None
    alternatives = [[m.to_dict() for m in found] for found in matches] if matches else None
    body = render_xliff(target, texts, source_language, language, original,
                        speaker_names=speaker_names(ctx, episode_id),
                        alternatives=alternatives)  # fmt: skip
    filename = f"{episode_id}.{language}.r{found.number}.xlf"
    return RenderedTrack(body, XLIFF_MEDIA_TYPE, filename, found.number)


def _text_under(cue: Cue, source: list[Cue]) -> str:
    """The source words spoken during a target cue (the cues overlapping it in time)."""
    return " ".join(
        plain_text(s) for s in source if s.start_ms < cue.end_ms and s.end_ms > cue.start_ms
    )


def upload_revision(
    ctx: Context,
    episode_id: str,
    language: str,
    data: bytes,
    filename: str,
    principal: Principal,
) -> tuple[dict, bool]:
    """Store a corrected file as the track's next revision, by the linguist holding the
    review. Returns (the reply, whether a revision was created): the same cues as the
    latest revision create nothing. A broken file changes nothing."""
    parsed = _parse_upload(data, filename)
    stored = _check_and_store(ctx, episode_id, language, parsed, filename, principal)
    if not stored.created:
        return {"revision": stored.number, "unchanged": True}, False
    qc = qc_track(ctx, episode_id, language, stored.number)
    _record_qc_counts(ctx, episode_id, language, qc)
    reply = {
        "revision": stored.number,
        "unchanged": False,
        "author": principal.name,
        "format": parsed.format,
        "warnings": parsed.warnings,
        "diff": diff_revisions(stored.before_cues, stored.cues).to_dict(),
        "qc": qc,
    }
    return reply, True


@dataclass(frozen=True)
class _StoredUpload:
    number: int  # the new revision, or the latest one when nothing was created
    created: bool
    before_cues: list[Cue]  # the previous revision's cues (empty when nothing was created)
    cues: list[Cue] = field(default_factory=list)  # as stored: speakers as the episode's labels


def _parse_upload(data: bytes, filename: str) -> ParsedSubtitles:
    """The uploaded file's cues, refused unless an upload format with cues in order."""
    parsed = read_subtitles(data, filename=filename)
    if parsed.format not in UPLOAD_FORMATS:
        raise InvalidRequest(
            f"Upload a corrected {', '.join(UPLOAD_FORMATS)} file, not {parsed.format}.",
            field="file",
        )
    try:
        check_monotonic(parsed.cues)
    except InvalidRequest as error:
        raise SubtitleUnreadable(error.message, **error.details) from error
    return parsed


def _check_and_store(
    ctx: Context,
    episode_id: str,
    language: str,
    parsed: ParsedSubtitles,
    filename: str,
    principal: Principal,
) -> _StoredUpload:
    """Every check first (a live claim, changed cues, readable show settings), then the
    new revision and its audit entry, in one transaction."""
    with ctx.db.session() as session:
        track = TrackRepository(session).find(episode_id, language)
        reviews = ReviewRepository(session)
        review, after = _claimed_review(ctx, reviews, track, principal)
        cues, new_speakers = resolve_speakers(session, episode_id, parsed.cues)
        cues_json = json.dumps([c.to_dict() for c in cues]).encode()
        previous = track.revisions[-1]
        if previous.cues_sha256 == hashlib.sha256(cues_json).hexdigest():
            return _StoredUpload(previous.number, created=False, before_cues=[])
        before_cues = load_cues(ctx, previous.cues_sha256)
        # The show's rules must be readable before anything is stored: a setting stored
        # before settings were validated is a Conflict naming it, not a revision without QC.
        show_profile(session, track.episode.show, language)
        if not reviews.update_if_unchanged(
            review.id, review.version, lease_expires_at=after.lease_expires_at
        ):
            raise Conflict("The review changed while the file was stored; try again.")
        # Stored only once every check has passed: a refused upload leaves no object.
        for label, name in new_speakers:
            SpeakerRepository(session).add(episode_id, label, name)
        blob = ctx.storage.put_bytes(cues_json)
        revision = TrackRepository(session).add_revision(
            track, blob.sha256, len(cues), principal.name
        )
        number = revision.number
        AuditLog(session).record(
            principal.name,
            "track.revision",
            f"review:{review.id}",
            {"revision": previous.number},
            {"revision": number, "file": filename, "format": parsed.format},
        )
    return _StoredUpload(number, created=True, before_cues=before_cues, cues=cues)


def _claimed_review(
    ctx: Context, reviews: ReviewRepository, track: Track, principal: Principal
) -> tuple[ReviewRow, Review]:
    """The track's live review and that review after this linguist's edit."""
    review = reviews.live_for_track(track.id)
    if review is None:
        raise Conflict(f"The {track.language} track is not in review yet.")
    # Forbidden / Conflict unless this linguist holds a live claim on the review.
    after = transition(to_domain(review), ReviewAction.EDIT, principal, utcnow(), review_lease(ctx))
    return review, after


def _record_qc_counts(ctx: Context, episode_id: str, language: str, qc: dict) -> None:
    """The queue shows the latest revision's QC counts."""
    with ctx.db.session() as session:
        stored = TrackRepository(session).find(episode_id, language).revisions[-1]
        stored.qc = {
            "errors": qc["summary"]["errors"],
            "warnings": qc["summary"]["warnings"],
            "glossary_issues": qc["summary"]["by_rule"].get("glossary", 0),
        }


def deliverable(
    ctx: Context, episode_id: str, language: str, fmt: str
) -> tuple[RenderedTrack, dict]:
    """The approved revision of a track in ``fmt``, and the approval it comes from."""
    with ctx.db.session() as session:
        EpisodeRepository(session).get(episode_id)
        track = TrackRepository(session).find(episode_id, language)
        approved = [
            (r, r.approved_revision)
            for r in ReviewRepository(session).for_episode(episode_id)
            if r.track_id == track.id
            and r.state == ReviewState.APPROVED
            and r.approved_revision is not None
        ]
        if not approved:
            raise NotFound(
                f"The {language} track of episode {episode_id} has no approved revision yet; "
                "deliverables come only from approved revisions.",
                episode_id=episode_id,
                language=language,
            )
        latest, approved_revision = max(approved, key=lambda pair: pair[0].round)
        approval = {
            "review_id": latest.id,
            "round": latest.round,
            "revision": latest.approved_revision,
            "approved_by": latest.approved_by,
            "approved_at": iso(latest.approved_at),
            "waiver": latest.waiver,
        }
    return render_track(ctx, episode_id, language, fmt, approved_revision), approval
