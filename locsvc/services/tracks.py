"""Reading an episode's tracks: their cues from storage, one revision by number, what the
machine draft behind a revision records, and the frame rate their times are on. Borrowed
by every use case that reads a track."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from ..adapters.db.models import Episode, TrackRevision
from ..adapters.db.repositories import EpisodeRepository, TrackRepository
from ..domain.cues import Cue
from ..domain.errors import InvalidRequest
from ..ports import Context


def load_cues(ctx: Context, cues_sha256: str) -> list[Cue]:
    return [Cue.from_dict(c) for c in json.loads(ctx.storage.read_bytes(cues_sha256))]


def frame_rate_of(ctx: Context, episode: Episode) -> str:
    """The episode's frame rate, or the configured default for an audio-only episode."""
    return episode.media.frame_rate_or(ctx.settings.default_frame_rate)


@dataclass(frozen=True)
class TrackRevisionRef:
    number: int
    cues_sha256: str
    frame_rate: str  # the episode's, or the configured default for audio-only episodes
    show: str


def find_revision(
    ctx: Context, episode_id: str, language: str, revision: int | None = None
) -> TrackRevisionRef:
    """A revision of a track (the latest by default); NotFound / InvalidRequest otherwise."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        track = TrackRepository(session).find(episode_id, language)
        revisions = {r.number: r for r in track.revisions}
        number = revision if revision is not None else max(revisions, default=0)
        if number not in revisions:
            raise InvalidRequest(
                f"The {language!r} track has no revision {number}.",
                revisions=sorted(revisions),
            )
        return TrackRevisionRef(
            number, revisions[number].cues_sha256, frame_rate_of(ctx, episode), episode.show
        )


def machine_info(revisions: Sequence[TrackRevision], up_to: int) -> dict:
    """What the newest machine-made revision up to ``up_to`` records (engine, glossaries)."""
    for revision in sorted(revisions, key=lambda r: r.number, reverse=True):
        if revision.number <= up_to and revision.info:
            return revision.info
    return {}
