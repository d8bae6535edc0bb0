"""Rollouts: plan a matrix of (episode, language) cells, queue the work, report it,
cancel it, retry what failed. The work itself is the episodes' own stages, so a cell
is done exactly once whatever happens to workers, broker or API in between."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ..adapters.db.models import Episode, Rollout, RolloutCell, StageRun, utcnow
from ..adapters.db.repositories import (
    AuditLog,
    EpisodeRepository,
    RolloutRepository,
    TrackRepository,
)
from ..domain.access import Principal, Role, require_role, require_show, require_shows
from ..domain.errors import InvalidRequest, LocsvcError
from ..domain.pipeline import (
    StageState,
    StageStatus,
    is_source_stage,
    source_status,
    stages_to_dispatch,
    translation_stage,
)
from ..domain.requests import (
    PRIORITIES,
    check_idempotency_key,
    check_target,
    is_glossary_reference,
    is_show_slug,
)
from ..domain.rollout import (
    CellFacts,
    CellState,
    cell_state,
    eta_seconds,
    needs_translation,
    rollout_state,
)
from ..ports import Context
from .access import require_glossary_reference, require_scope_of_rollout
from .pipeline import add_translations
from .queueing import queue_stages
from .timestamps import iso
from .workers import live_worker_count

MAX_CELLS = 20_000


@dataclass(frozen=True)
class NewRollout:
    languages: tuple[str, ...]
    episodes: tuple[str, ...] = ()
    show: str | None = None
    priority: str = "normal"
    glossary: str | None = None
    idempotency_key: str | None = None

    @classmethod
    def from_json(cls, body: object, idempotency_key: str | None) -> NewRollout:
        if not isinstance(body, dict):
            raise InvalidRequest('Send {"episodes": [...] or "show": ..., "languages": [...]}.')
        episodes, show = body.get("episodes") or [], body.get("show")
        languages = body.get("languages")
        if bool(episodes) == bool(show):
            raise InvalidRequest("Give either `episodes` (ids) or `show`, not both.")
        if not isinstance(languages, list) or not languages:
            raise InvalidRequest("`languages` is a non-empty list.", field="languages")
        if not isinstance(episodes, list):
            raise InvalidRequest("`episodes` is a list of episode ids.", field="episodes")
        if not all(isinstance(v, str) for v in [*languages, *episodes]):
            raise InvalidRequest("`languages` and `episodes` are lists of strings.")
        if show is not None and not (isinstance(show, str) and is_show_slug(show)):
            raise InvalidRequest("`show` is a show slug.", field="show")
        priority = body.get("priority", "normal")
        if not isinstance(priority, str) or priority not in PRIORITIES:
            raise InvalidRequest(f"`priority` is one of {', '.join(PRIORITIES)}.", field="priority")
        glossary = body.get("glossary")
        if isinstance(glossary, int) and not isinstance(glossary, bool):
            glossary = str(glossary)
        if glossary is not None and not (
            isinstance(glossary, str) and is_glossary_reference(glossary)
        ):
            raise InvalidRequest("`glossary` is a glossary id or a show slug.", field="glossary")
        if idempotency_key is not None:
            check_idempotency_key(idempotency_key)
        return cls(
            tuple(dict.fromkeys(languages)), tuple(dict.fromkeys(episodes)), show, priority,
            str(glossary) if glossary is not None else None, idempotency_key,
        )  # fmt: skip


def create_rollout(ctx: Context, request: NewRollout, principal: Principal) -> tuple[str, bool]:
    """Plan and queue a rollout; (its id, whether it is new). The same Idempotency-Key
    answers the first rollout; the same request without one plans nothing new: every
    cell is skipped (done) or follows the work already under way."""
    require_role(principal, Role.PRODUCER)
    if request.show is not None:
        require_show(principal, request.show)
    require_glossary_reference(ctx, principal, request.glossary)
    with ctx.db.session() as session:
        rollouts = RolloutRepository(session)
        if request.idempotency_key:
            existing = rollouts.find_by_idempotency_key(principal.name, request.idempotency_key)
            if existing:
                return existing, False
        episode_ids = list(request.episodes) or rollouts.episodes_of_show(request.show or "")
        if not episode_ids:
            raise InvalidRequest(f"The show {request.show!r} has no episodes.", field="show")
        if len(episode_ids) * len(request.languages) > MAX_CELLS:
            raise InvalidRequest(f"A rollout has at most {MAX_CELLS} cells; split it.")
        episodes = [EpisodeRepository(session).get(e) for e in episode_ids]  # NotFound
        require_shows(principal, [episode.show for episode in episodes])
        for episode in episodes:
            for language in request.languages:
                check_target(language, episode.source_language, ctx.translators)
        plan = _plan(session, episodes, request.languages)
        rollout_id = uuid.uuid4().hex
        rollout = Rollout(
            id=rollout_id, created_by=principal.name, show=request.show,
            languages=list(request.languages), priority=PRIORITIES[request.priority],
            glossary=request.glossary, idempotency_key=request.idempotency_key,
            cells=[
                RolloutCell(episode_id=e, language=lang, skipped=(e, lang) in plan.skipped)
                for e in episode_ids for lang in request.languages
            ],
        )  # fmt: skip
        for episode in episodes:  # the work is the episodes' own: it takes their settings
            episode.priority = max(episode.priority, PRIORITIES[request.priority])
            if request.glossary is not None:
                episode.glossary = request.glossary
        try:
            rollouts.add(rollout)
        except IntegrityError:  # the same Idempotency-Key raced us in
            session.rollback()
            return _replayed(ctx, principal, request), False
        AuditLog(session).record(
            principal.name, "rollout.create", f"rollout:{rollout_id}", None,
            {"episodes": len(episode_ids), "languages": list(request.languages),
             "skipped": len(plan.skipped), "priority": request.priority},
        )  # fmt: skip
    for episode_id in episode_ids:
        languages = [lang for lang in request.languages if (episode_id, lang) not in plan.skipped]
        redo = [lang for lang in languages if (episode_id, lang) in plan.redo]
        if languages:
            add_translations(ctx, episode_id, languages, redo)
    return rollout_id, True


def _replayed(ctx: Context, principal: Principal, request: NewRollout) -> str:
    with ctx.db.session() as session:
        found = RolloutRepository(session).find_by_idempotency_key(
            principal.name, request.idempotency_key or ""
        )
    if found is None:
        raise InvalidRequest("The rollout could not be stored; try again.")
    return found


@dataclass(frozen=True)
class _Plan:
    skipped: set[tuple[str, str]]  # the track exists at the current source revision
    redo: set[tuple[str, str]]  # a finished translation of an older source revision


def _plan(session, episodes: list[Episode], languages: tuple[str, ...]) -> _Plan:
    skipped, redo = set(), set()
    tracks = TrackRepository(session)
    for episode in episodes:
        source = tracks.source_of(episode.id)
        current = source.revisions[-1].number if source and source.revisions else None
        stages = {s.name: s for s in episode.stages}
        for language in languages:
            stage = stages.get(translation_stage(language))
            if stage is None or stage.status in (StageStatus.PENDING, StageStatus.RUNNING):
                continue  # new, or already under way: nothing to decide
            made_from = _translated_from(tracks, episode.id, language)
            if stage.status == StageStatus.DONE and not needs_translation(current, made_from):
                skipped.add((episode.id, language))
            else:
                redo.add((episode.id, language))  # stale, failed or cancelled: again
    return _Plan(skipped, redo)


def _translated_from(tracks: TrackRepository, episode_id: str, language: str) -> int | None:
    try:
        track = tracks.find(episode_id, language)
    except LocsvcError:
        return None
    made = [r.info["source_revision"] for r in track.revisions
            if r.info and "source_revision" in r.info]  # fmt: skip
    return made[-1] if made else None


def rollout_for(ctx: Context, rollout_id: str, principal: Principal) -> dict:
    """The rollout's view for a producer (or admin) of every show it touches."""
    require_role(principal, Role.PRODUCER)
    require_scope_of_rollout(ctx, principal, rollout_id)
    return rollout_view(ctx, rollout_id)


def rollout_view(ctx: Context, rollout_id: str) -> dict:
    with ctx.db.session() as session:
        repo = RolloutRepository(session)
        rollout = repo.get(rollout_id)
        stages = repo.stages_of(sorted({c.episode_id for c in rollout.cells}))
        translate_times = repo.recent_stage_seconds(translation=True)
        source_times = repo.recent_stage_seconds(translation=False)
        cells = [_cell_view(ctx, cell, stages.get(cell.episode_id, [])) for cell in rollout.cells]
        created_at, cancelled = rollout.created_at, rollout.cancelled_at is not None
        meta = {"created_by": rollout.created_by, "show": rollout.show,
                "languages": rollout.languages, "priority": rollout.priority}  # fmt: skip
    states = [CellState(c["state"]) for c in cells]
    totals = {state.value: states.count(state) for state in CellState}
    awaiting_source = len({c["episode_id"] for c in cells if c["state"] == CellState.PLANNED.value})
    workers = live_worker_count(ctx.db, ctx.settings)
    eta = eta_seconds(
        [s for s in states if s.open], awaiting_source, translate_times, source_times, workers
    )
    elapsed = (utcnow() - created_at).total_seconds()
    return {
        "id": rollout_id,
        "state": rollout_state(states, cancelled).value,
        **meta,
        "created_at": iso(created_at),
        "cells": cells,
        "totals": totals,
        "throughput_per_minute": round(totals["done"] / elapsed * 60, 2) if elapsed > 0 else None,
        "eta": round(eta, 1) if eta is not None else None,
        "workers": workers,
    }


def _cell_view(ctx: Context, cell: RolloutCell, stages: list[StageRun]) -> dict:
    by_name = {s.name: s for s in stages}
    translation = by_name.get(translation_stage(cell.language))
    source_stages = [s for s in stages if is_source_stage(s.name)]
    source = source_status(
        [StageState(s.name, StageStatus(s.status), s.heartbeat_at) for s in stages]
    )
    facts = CellFacts(
        source, StageStatus(translation.status) if translation else None, cell.skipped,
        cell.cancelled,
    )  # fmt: skip
    state = cell_state(facts)
    failed = next(
        (s for s in (*source_stages, translation)
         if s is not None and s.status == StageStatus.FAILED),
        None,
    )  # fmt: skip
    made_with = (translation.artifact_info if translation is not None else None) or {}
    engine = (made_with.get("engine") or {}).get("engine")
    return {
        "episode_id": cell.episode_id,
        "language": cell.language,
        "state": state.value,
        "progress": _progress(state, stages, translation),
        "engine": engine,
        "error": {"stage": failed.name, "code": failed.error_code,
                  "message": failed.error_message} if failed and state is CellState.FAILED
        else None,
    }  # fmt: skip


def _progress(state: CellState, stages: list[StageRun], translation: StageRun | None) -> float:
    """0..1 over the cell's work: its episode's source stages count half, its
    translation the other half (a cell whose source is shared still shows it moving)."""
    if state in (CellState.DONE, CellState.SKIPPED):
        return 1.0
    source = [s for s in stages if is_source_stage(s.name)]
    done_source = sum(1.0 if s.status == StageStatus.DONE else s.progress for s in source)
    source_part = done_source / len(source) if source else 1.0
    translation_part = translation.progress if translation is not None else 0.0
    return round(0.5 * source_part + 0.5 * translation_part, 3)


def cancel_rollout(ctx: Context, rollout_id: str, principal: Principal) -> dict:
    """Open cells stop (their translations not yet started are called off); finished
    work is kept; a translation already running finishes."""
    require_role(principal, Role.PRODUCER)
    require_scope_of_rollout(ctx, principal, rollout_id)
    with ctx.db.session() as session:
        rollout = RolloutRepository(session).get(rollout_id)
        episodes = EpisodeRepository(session)
        rollout.cancelled_at = rollout.cancelled_at or utcnow()
        called_off = 0
        for cell in rollout.cells:
            if cell.skipped:
                continue
            cell.cancelled = True
            called_off += episodes.cancel_pending(cell.episode_id, translation_stage(cell.language))
        AuditLog(session).record(principal.name, "rollout.cancel", f"rollout:{rollout_id}", None,
                                 {"translations_called_off": called_off})  # fmt: skip
    return rollout_view(ctx, rollout_id)


def retry_rollout(ctx: Context, rollout_id: str, principal: Principal) -> dict:
    """Failed cells run again: a failed translation from the start, a failed source
    pipeline from the stage that failed."""
    require_role(principal, Role.PRODUCER)
    view = rollout_for(ctx, rollout_id, principal)
    failed = [c for c in view["cells"] if c["state"] == CellState.FAILED.value]
    by_episode: dict[str, list[str]] = {}
    for cell in failed:
        by_episode.setdefault(cell["episode_id"], []).append(cell["language"])
    for episode_id, languages in by_episode.items():
        _retry_episode(ctx, episode_id, languages)
    with ctx.db.session() as session:
        AuditLog(session).record(principal.name, "rollout.retry", f"rollout:{rollout_id}", None,
                                 {"cells": len(failed)})  # fmt: skip
    return rollout_view(ctx, rollout_id)


def _retry_episode(ctx: Context, episode_id: str, languages: list[str]) -> None:
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        failed_source = next(
            (s.name for s in repo.get(episode_id).stages
             if s.status == StageStatus.FAILED and is_source_stage(s.name)),
            None,
        )  # fmt: skip
        if failed_source is not None:
            repo.reset_stage(episode_id, failed_source)
        names = repo.stage_names(episode_id)
    if failed_source is not None:
        queue_stages(ctx, episode_id, stages_to_dispatch(failed_source, names))
    add_translations(ctx, episode_id, languages, redo=languages)
