"""What the translation memory tells about an episode: leverage (per episode and per
rollout), the matches beside each cue of a translation, and the consistency check across
a show's episodes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from ..adapters.db.models import Episode, Track
from ..adapters.db.repositories import (
    EpisodeRepository,
    MemoryRepository,
    RolloutRepository,
    TrackRepository,
)
from ..domain.access import Principal, Role, require_role
from ..domain.cues import Cue, overlap_finder
from ..domain.errors import InvalidRequest
from ..domain.memory_alignment import aligned_pairs, source_sentences
from ..domain.qc import Inconsistency
from ..domain.translation_memory import (
    Band,
    Leverage,
    Match,
    MemoryUnit,
    UnitKind,
    normalized,
    queries_in_order,
    source_key,
)
from ..ports import Context
from .access import require_scope_of_episode, require_scope_of_rollout
from .memory import memory_scopes, memory_settings, stored_recall
from .tracks import load_cues

# --- leverage ------------------------------------------------------------------------------


def episode_leverage(
    ctx: Context, episode_id: str, languages: Sequence[str], principal: Principal
) -> dict:
    """What the memory covers of the episode's source track, per target language, by band:
    as it stands now (before a translation is ordered) and, where one was made, as its
    latest machine translation recorded it."""
    require_scope_of_episode(ctx, principal, episode_id)
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        tracks = TrackRepository(session)
        source = tracks.source_of(episode_id)
        if source is None or not source.revisions:
            raise InvalidRequest("The episode has no source track yet: its leverage is known "
                                 "once it is transcribed.")  # fmt: skip
        targets = list(languages) or [t.language for t in episode.tracks
                                      if t.kind == "translation"]  # fmt: skip
        recorded = {t.language: _recorded_leverage(t) for t in episode.tracks}
        settings = memory_settings(session, episode.show)
        show, requested, source_language = episode.show, episode.glossary, source.language
        sha256 = source.revisions[-1].cues_sha256
    sentences = source_sentences(load_cues(ctx, sha256))
    queries = queries_in_order([s.text for s in sentences])
    items = []
    for language in targets:
        recall = stored_recall(ctx, memory_scopes(show, requested), source_language, language,
                               settings["threshold"])  # fmt: skip
        leverage = Leverage()
        for sentence, found in zip(sentences, recall(queries), strict=True):
            leverage.add(found[0].band if found else Band.NONE, sentence.text)
        items.append({"language": language, "now": leverage.to_dict(),
                      "at_translation": recorded.get(language)})  # fmt: skip
    return {"episode_id": episode_id, "source_language": source_language, "languages": items}


def _recorded_leverage(track: Track) -> dict | None:
    for revision in reversed(track.revisions):
        memory = (revision.info or {}).get("memory")
        if memory:
            return memory.get("leverage")
    return None


def rollout_leverage(ctx: Context, rollout_id: str, principal: Principal) -> dict:
    """Each cell's leverage now, and the totals per language and overall (producers: what
    a rollout will cost is theirs to see, as the rollout is)."""
    require_role(principal, Role.PRODUCER)
    require_scope_of_rollout(ctx, principal, rollout_id)
    with ctx.db.session() as session:
        rollout = RolloutRepository(session).get(rollout_id)
        cells = [(c.episode_id, c.language) for c in rollout.cells]
    by_episode: dict[str, list[str]] = {}
    for episode_id, language in cells:
        by_episode.setdefault(episode_id, []).append(language)
    rows: list[dict] = []
    per_language: dict[str, Leverage] = {}
    total = Leverage()
    for episode_id, languages in by_episode.items():
        try:
            report = episode_leverage(ctx, episode_id, languages, principal)
        except InvalidRequest:  # not transcribed yet: nothing to measure
            rows += [{"episode_id": episode_id, "language": lang, "leverage": None}
                     for lang in languages]  # fmt: skip
            continue
        for item in report["languages"]:
            leverage = Leverage.from_dict(item["now"])
            per_language.setdefault(item["language"], Leverage()).merge(leverage)
            total.merge(leverage)
            rows.append({"episode_id": episode_id, "language": item["language"],
                         "leverage": item["now"]})  # fmt: skip
    return {
        "rollout_id": rollout_id,
        "cells": rows,
        "languages": {lang: lev.to_dict() for lang, lev in sorted(per_language.items())},
        "total": total.to_dict(),
    }


# --- matches beside each cue, and consistency -----------------------------------------------


def cue_matches(ctx: Context, episode_id: str, language: str, principal: Principal,
                revision: int | None = None) -> dict:  # fmt: skip
    """For each cue of the translation (latest revision by default), the memory's matches
    for the source sentences under it, best first: the review page and XLIFF offer them."""
    require_scope_of_episode(ctx, principal, episode_id, language)
    sources, target_cues, number = _track_pair(ctx, episode_id, language, revision)
    per_cue = matches_under_cues(ctx, episode_id, sources, target_cues, language)
    return {
        "episode_id": episode_id,
        "language": language,
        "revision": number,
        "cues": [
            {"cue": n, "matches": [m.to_dict() for m in found]}
            for n, found in enumerate(per_cue, start=1)
            if found
        ],  # fmt: skip
    }


def _track_pair(
    ctx: Context, episode_id: str, language: str, revision: int | None
) -> tuple[list[Cue], list[Cue], int]:
    with ctx.db.session() as session:
        tracks = TrackRepository(session)
        track = tracks.find(episode_id, language)
        if track.kind != "translation":
            raise InvalidRequest("Memory matches are for translation tracks.", field="language")
        by_number = {r.number: r for r in track.revisions}
        number = revision if revision is not None else max(by_number, default=0)
        if number not in by_number:
            raise InvalidRequest(f"The {language!r} track has no revision {number}.")
        source = tracks.source_of(episode_id)
        if source is None or not source.revisions:
            raise InvalidRequest("The episode has no source track.")
        source_sha, target_sha = source.revisions[-1].cues_sha256, by_number[number].cues_sha256
    return load_cues(ctx, source_sha), load_cues(ctx, target_sha), number


def matches_under_cues(
    ctx: Context, episode_id: str, source_cues: Sequence[Cue], target_cues: Sequence[Cue],
    language: str,
) -> list[list[Match]]:  # fmt: skip
    """Each target cue's matches: those of the source sentences its span overlaps."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        settings = memory_settings(session, episode.show)
        show, requested, source_language = episode.show, episode.glossary, episode.source_language
    sentences = source_sentences(source_cues)
    if not sentences or not source_language:
        return [[] for _ in target_cues]
    recall = stored_recall(ctx, memory_scopes(show, requested), source_language, language,
                           settings["threshold"])  # fmt: skip
    found = recall(queries_in_order([s.text for s in sentences]))
    under = overlap_finder(sentences)
    per_cue: list[list[Match]] = []
    for cue in target_cues:
        matches = [match for n in under(cue.start_ms, cue.end_ms) for match in found[n - 1]]
        per_cue.append(sorted(matches, key=lambda m: -m.score)[:3])
    return per_cue


def inconsistencies(
    session: Session, episode: Episode, language: str, source_cues: Sequence[Cue],
    target_cues: Sequence[Cue],
) -> list[Inconsistency]:  # fmt: skip
    """Sentences this translation renders otherwise than the show's other episodes' approved
    translations of the same source sentence (QC warns; the linguist decides)."""
    if not episode.source_language:
        return []
    repository = MemoryRepository(session)
    memory = repository.find(episode.show, episode.source_language, language)
    if memory is None:
        return []
    pairs = [p for p in aligned_pairs(source_cues, target_cues) if p.kind is UnitKind.SENTENCE]
    approved: dict[str, list[MemoryUnit]] = {}
    for unit in repository.source([memory]).exact({source_key(p.source) for p in pairs}):
        if unit.kind is UnitKind.SENTENCE and unit.episode_id != episode.id:
            approved.setdefault(source_key(unit.source), []).append(unit)
    on_target = overlap_finder(target_cues)
    found = []
    for pair in pairs:
        others = [u for u in approved.get(source_key(pair.source), [])
                  if normalized(u.target) != normalized(pair.target)]  # fmt: skip
        if others:
            number = next(iter(on_target(pair.start_ms, pair.end_ms)), 1)
            found.append(Inconsistency(
                number, pair.source, pair.target,
                tuple(dict.fromkeys(f"{u.target} ({u.episode_id or u.origin})" for u in others)),
            ))  # fmt: skip
    return found
