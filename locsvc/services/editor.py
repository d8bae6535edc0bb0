"""What the review page needs: a track laid out row by row with its source, QC issues,
glossary hints and speakers, its revision history, and saving an edit as a new revision
(refused with the difference when someone else saved first). Saves go through WebVTT, whose
voice spans keep each line's speaker."""

from __future__ import annotations

from ..adapters.db.repositories import EpisodeRepository, ReviewRepository, TrackRepository
from ..adapters.formats import get_format
from ..domain.access import Principal
from ..domain.cues import Cue
from ..domain.errors import Conflict, InvalidRequest
from ..domain.media import frames_per_second
from ..domain.review import require_scope
from ..domain.revision_diff import diff_revisions, merge_revisions
from ..domain.sentences import plain_text
from ..ports import Context
from .glossaries import load_recorded_glossary
from .memory_reports import matches_under_cues
from .qc import qc_track
from .reviews import get_review
from .shows import show_profile
from .speakers import episode_speakers
from .timestamps import iso
from .track_files import upload_revision
from .tracks import frame_rate_of, load_cues, machine_info

MAX_CUES = 5000
MAX_LABEL = 64  # a speaker label the page sends ("S1"; the upload path maps names too)
PALETTE_SIZE = 8  # the page's badge colours: speaker-1 .. speaker-8 in style.css


def speaker_class(label: str) -> str:
    """A stable badge colour per label: "S3" is speaker-3 in every episode and on every
    load (the number of the label, else a sum of its characters, over the palette)."""
    digits = "".join(ch for ch in label if ch.isascii() and ch.isdigit())
    number = int(digits) - 1 if digits else sum(map(ord, label))
    return f"speaker-{number % PALETTE_SIZE + 1}"


def editor_view(ctx: Context, review_id: int, principal: Principal) -> dict:
    review = get_review(ctx, review_id, principal)  # Forbidden out of scope
    episode_id, language = review["episode_id"], review["language"]
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        tracks = TrackRepository(session)
        track = tracks.find(episode_id, language)
        revisions = list(track.revisions)
        source = tracks.source_of(episode_id)
        source_sha256 = source.revisions[-1].cues_sha256 if source and source.revisions else None
        profile = show_profile(session, episode.show, language)
        made_with = machine_info(revisions, revisions[-1].number)
        glossary = load_recorded_glossary(session, made_with.get("glossaries", []))
        info, rate = episode.media, frame_rate_of(ctx, episode)
        history = [(r.number, r.author, r.created_at, r.cues_sha256) for r in revisions]
        title, show = episode.title, episode.show
        translation = track.kind == "translation"
    cues = load_cues(ctx, history[-1][3])
    source_cues = load_cues(ctx, source_sha256) if source_sha256 else []
    # The translation memory's matches for the source under each cue, best first.
    matches = (
        matches_under_cues(ctx, episode_id, source_cues, cues, language)
        if translation and source_cues
        else [[] for _ in cues]
    )
    qc = qc_track(ctx, episode_id, language)
    issues: dict[int, list[dict]] = {}
    for issue in qc["issues"]:
        issues.setdefault(issue["cue"], []).append(issue)
    speakers = [
        {**s, "class": speaker_class(s["label"])} for s in episode_speakers(ctx, episode_id)
    ]
    names = {s["label"]: s["name"] for s in speakers if s["name"]}
    rows = []
    for number, cue in enumerate(cues, start=1):
        under = " ".join(
            plain_text(s)
            for s in source_cues
            if s.start_ms < cue.end_ms and s.end_ms > cue.start_ms
        )
        hints = [
            {"term": m.text_in(under), "required": list(m.entry.required_forms),
             "kind": m.entry.kind.value, "note": m.entry.note}
            for m in (glossary.find_in_source(under) if glossary else [])
        ]  # fmt: skip
        rows.append({"number": number, "id": f"c{cue.start_ms}", "start_ms": cue.start_ms,
                     "end_ms": cue.end_ms, "text": cue.text, "speakers": list(cue.speakers),
                     "badges": _badges(cue, names), "source": under,
                     "issues": issues.get(number, []), "hints": hints,
                     "matches": [m.to_dict() for m in matches[number - 1]]})  # fmt: skip
    return {
        "review": review,
        "episode": {"id": episode_id, "title": title, "show": show, "has_video": info.has_video,
                    "duration_ms": info.duration_ms},
        "language": language,
        "revision": history[-1][0],
        "profile": profile.to_dict(),
        "frame_rate": frames_per_second(rate),
        # The track language's dual-speaker convention (domain.dialogue.dialogue_lines).
        "dialogue": {"dash": profile.dialogue_dash, "dash_first_line": profile.dash_first_line},
        "speakers": speakers,
        "rows": rows,
        "qc": qc["summary"],
        "history": _history(ctx, history),
    }  # fmt: skip


def _badges(cue: Cue, names: dict[str, str]) -> list[dict]:
    """A badge per speaker of the cue, in the order of its lines."""
    return [{"label": label, "name": names.get(label), "class": speaker_class(label)}
            for label in cue.speaker_set]  # fmt: skip


def _history(ctx: Context, history) -> list[dict]:
    """Each revision with what changed from the one before it."""
    entries, previous = [], None
    for number, author, created_at, sha256 in history:
        cues = load_cues(ctx, sha256)
        diff: dict | None = (
            diff_revisions(previous, cues).to_dict(max_changes=20) if previous else None
        )
        entries.append({"number": number, "author": author,
                        "created_at": iso(created_at),
                        "diff": diff})  # fmt: skip
        previous = cues
    return list(reversed(entries))


def save_from_editor(
    ctx: Context, review_id: int, base_revision: int, rows: object, principal: Principal
) -> dict:
    """The edited cues as the next revision, through the same validation and QC as an
    upload. If the track moved on since ``base_revision`` (someone saved first), nothing
    is stored and the 409 names the newer revision and what it changed."""
    cues = _cues_from(rows)
    with ctx.db.session() as session:
        review = ReviewRepository(session).get(review_id)
        require_scope(principal, review.language, review.show)
        track = TrackRepository(session).get_by_id(review.track_id)
        latest = track.revisions[-1]
        base = next((r for r in track.revisions if r.number == base_revision), None)
        episode_id, language = review.episode_id, review.language
        latest_number, latest_sha256 = latest.number, latest.cues_sha256
        base_sha256 = base.cues_sha256 if base else None
    if latest_number != base_revision:
        theirs = load_cues(ctx, latest_sha256)
        ours_base = load_cues(ctx, base_sha256) if base_sha256 else []
        merged, both = merge_revisions(ours_base, theirs, cues)
        raise Conflict(
            f"Revision {latest_number} was saved while you edited revision {base_revision}.",
            latest_revision=latest_number,
            their_changes=diff_revisions(ours_base, theirs).to_dict(max_changes=50),
            your_changes=diff_revisions(theirs, cues).to_dict(max_changes=50),
            merged=[c.to_dict() for c in merged] if merged is not None else None,
            both_changed=both,
        )
    # WebVTT, not SRT: its voice spans carry each line's speaker, which SRT would lose.
    body = get_format("vtt").render(cues, language)
    reply, _ = upload_revision(ctx, episode_id, language, body.encode(), "editor.vtt", principal)
    return reply


def _cues_from(rows: object) -> list[Cue]:
    if not isinstance(rows, list) or not rows or len(rows) > MAX_CUES:
        raise InvalidRequest(f"Send 1 to {MAX_CUES} cues.")
    cues = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise InvalidRequest(f"Cue {number} is not an object.", cue=number)
        try:
            lines = tuple(line.strip() for line in str(row["text"]).split("\n") if line.strip())
            start, end = int(row["start_ms"]), int(row["end_ms"])
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidRequest(
                f"Cue {number} needs start_ms, end_ms and text.", cue=number
            ) from error
        if not lines:
            raise InvalidRequest(f"Cue {number} is empty: merge or delete it.", cue=number)
        cues.append(Cue(start, end, lines, _speakers_of(row.get("speakers"), lines, number)))
    return cues


def _speakers_of(speakers: object, lines: tuple[str, ...], number: int) -> tuple[str, ...]:
    """A row's optional ``speakers``: one short label per (non-empty) line, or none."""
    if speakers is None:
        return ()
    if not isinstance(speakers, list):
        raise InvalidRequest(f"Cue {number}: `speakers` is a list of labels.", cue=number)
    if not speakers:
        return ()
    if len(speakers) != len(lines):
        raise InvalidRequest(
            f"Cue {number} names {len(speakers)} speakers for {len(lines)} lines.", cue=number
        )
    labels = []
    for speaker in speakers:
        label = speaker.strip() if isinstance(speaker, str) else ""
        if not label or len(label) > MAX_LABEL or any(ch in label for ch in "<>&\n\r\t"):
            raise InvalidRequest(
                f"Cue {number}: a speaker is a label of 1 to {MAX_LABEL} characters, "
                "without '<', '>', '&' or line breaks.",
                cue=number,
            )
        labels.append(label)
    return tuple(labels)
