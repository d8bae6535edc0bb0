"""Running one stage (from the registry in ``stages/``) under a database claim and
writing its result with the stage marked done, fanning out translations, and re-queuing
stages whose worker died."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError

from ..adapters.db.models import utcnow
from ..adapters.db.repositories import EpisodeRepository
from ..domain.errors import LocsvcError
from ..domain.pipeline import (
    ALL_QUEUES,
    EpisodeStatus,
    Stage,
    StageName,
    StageState,
    StageStatus,
    asr_chunk_number,
    chain_of,
    episode_status,
    is_source_stage,
    may_claim,
    prerequisites,
    stages_to_dispatch,
    translation_language,
    translation_stage,
)
from ..ports import Context
from .queueing import queue_stages
from .stages import queue_of, read_job, stage_for

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    DONE = "done"  # this call did the work
    ALREADY_DONE = "already_done"  # a duplicate delivery: the artifact exists
    SKIPPED = "skipped"  # obsolete dispatch, another live claim, or earlier stages unfinished
    DEFERRED = "deferred"  # its MT engine is at its concurrency limit: try again shortly
    FAILED = "failed"

    @property
    def continues_pipeline(self) -> bool:
        return self in (Outcome.DONE, Outcome.ALREADY_DONE)


class _ClaimLost(Exception):
    """Another worker took the stage over while this one worked on it."""


class _Heartbeat:
    """Refreshes a stage claim from a side thread while the stage works."""

    def __init__(self, ctx: Context, episode_id: str, stage: StageName, claim_token: str) -> None:
        self._ctx, self._episode_id, self._stage, self._token = ctx, episode_id, stage, claim_token
        self._progress = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{stage}", daemon=True)
        self.lost = False

    def report(self, progress: float) -> None:
        self._progress = progress

    def _run(self) -> None:
        while not self._stop.wait(self._ctx.settings.heartbeat_seconds):
            try:
                with self._ctx.db.session() as session:
                    held = EpisodeRepository(session).beat(
                        self._episode_id, self._stage, self._token, utcnow(), self._progress
                    )
            except Exception:  # noqa: BLE001 - a database hiccup: beat again next time
                log.exception("heartbeat of stage %s failed", self._stage)
                continue
            if not held:
                self.lost = True
                return

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _refresh_episode_status(repo: EpisodeRepository, episode_id: str, error=None) -> EpisodeStatus:
    status = episode_status(repo.stage_states(episode_id))
    repo.set_status(episode_id, status, error)
    return status


def _claim(ctx: Context, episode_id: str, stage: StageName, worker: str):
    """Return (outcome, claim token): a token only when this call may run the stage."""
    now = utcnow()
    stale_after = timedelta(seconds=ctx.settings.stage_stale_seconds)
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        repo.get(episode_id)  # NotFound for an unknown episode
        states = repo.stage_states(episode_id)
        current = next(s for s in states if s.name == stage)
        if current.status == StageStatus.DONE:
            return Outcome.ALREADY_DONE, None
        if not may_claim(states, stage, now, stale_after):
            return Outcome.SKIPPED, None
        claim_token = uuid.uuid4().hex
        if not repo.claim_stage(episode_id, stage, claim_token, worker, now, now - stale_after):
            return Outcome.SKIPPED, None
        _refresh_episode_status(repo, episode_id)
        return None, claim_token


def run_stage(ctx: Context, episode_id: str, stage: StageName, worker: str) -> Outcome:
    """Run one stage if it is this call's to run.

    Duplicate or overlapping chains are harmless: a stage already done is passed
    over (that chain goes on), and a stage another worker holds stops that chain."""
    outcome, claim_token = _claim(ctx, episode_id, stage, worker)
    if outcome is not None:
        log.info("stage %s of %s: %s", stage, episode_id, outcome)
        return outcome
    if _engine_over_limit(ctx, episode_id, stage):
        with ctx.db.session() as session:  # give the claim back: another worker may take it
            EpisodeRepository(session).unclaim(episode_id, stage, claim_token)
        return Outcome.DEFERRED
    if ctx.settings.mt_engine_limit_table and translation_language(stage) is not None:
        # The work starts now, after the limit check: started_at says when the engine
        # was taken, so no two spans of a limited engine overlap in the record either.
        with ctx.db.session() as session:
            EpisodeRepository(session).mark_started(episode_id, stage, claim_token, utcnow())
    try:
        with _Heartbeat(ctx, episode_id, stage, claim_token) as heartbeat:
            job = read_job(ctx, episode_id, stage)
            result = stage_for(stage).run(ctx, job, heartbeat.report)
    except LocsvcError as error:
        _fail(ctx, episode_id, stage, claim_token, error.code, error.message)
        return Outcome.FAILED
    except Exception as error:  # noqa: BLE001 - recorded on the stage, then re-raised for the log
        message = f"{type(error).__name__}: {error}"
        _fail(ctx, episode_id, stage, claim_token, "internal_error", message)
        raise
    try:
        with ctx.db.session() as session:
            repo = EpisodeRepository(session)
            info = result.write(session, episode_id)  # the revision, the detected language
            if not repo.finish_stage(
                episode_id, stage, claim_token, utcnow(), result.artifact_sha256, info
            ):
                raise _ClaimLost  # rolls back what the result wrote
            _refresh_episode_status(repo, episode_id)
    except _ClaimLost:
        log.warning("stage %s of %s: claim lost to another worker", stage, episode_id)
        return Outcome.SKIPPED
    if asr_chunk_number(stage) is not None:
        _carry_on_after_chunks(ctx, episode_id)
    return Outcome.DONE


def _engine_over_limit(ctx: Context, episode_id: str, stage: StageName) -> bool:
    """Whether running this translation would put its engine over LOCSVC_MT_ENGINE_LIMITS.
    Counted after claiming, own claim included, so two workers racing for the last slot
    both see it taken and both defer (a retry later), rather than both running."""
    language = translation_language(stage)
    limits = ctx.settings.mt_engine_limit_table
    if language is None or not limits:
        return False
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        running = repo.running_translations()
        source_language = repo.get(episode_id).source_language or "und"
    engines = []
    for source, target in running:
        try:
            engines.append(ctx.translators.engine_for(source, target))
        except LocsvcError:
            continue
    try:
        mine = ctx.translators.engine_for(source_language, language)
    except LocsvcError:
        return False
    limit = limits.get(mine)
    return limit is not None and engines.count(mine) > limit


def _fail(
    ctx: Context, episode_id: str, stage: StageName, claim_token: str, code: str, message: str
) -> None:
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        if repo.fail_stage(episode_id, stage, claim_token, utcnow(), code, message):
            _refresh_episode_status(repo, episode_id, (code, message))


def requeue_stale_stages(ctx: Context) -> list[tuple[str, StageName]]:
    """Re-dispatch the pipeline from every stage whose worker stopped beating.

    The stale claim is first released (back to pending) by a conditional UPDATE,
    so of several workers' reapers exactly one re-queues each stage, once."""
    stale_before = utcnow() - timedelta(seconds=ctx.settings.stage_stale_seconds)
    with ctx.db.session() as session:
        stale = EpisodeRepository(session).stale_running(stale_before)
    requeued = []
    for episode_id, stage in stale:
        with ctx.db.session() as session:
            repo = EpisodeRepository(session)
            released = repo.release_stale(episode_id, stage, stale_before)
            names = repo.stage_names(episode_id)
        if released:
            log.warning("re-queuing stage %s of episode %s: its worker stopped", stage, episode_id)
            queue_stages(ctx, episode_id, stages_to_dispatch(stage, names),
                         _priority(ctx, episode_id))  # fmt: skip
            requeued.append((episode_id, stage))
    return requeued


def requeue_lost_stages(
    ctx: Context, queue_is_empty: Callable[[str], bool]
) -> list[tuple[str, StageName]]:
    """Queue again every stage that could run (the stages it needs are done), has waited
    lost_message_seconds since it was queued and since those stages finished, and whose
    queue is empty: its message is gone (a broker restarted without persistence, or a
    message dropped before any worker claimed it). A duplicate would be harmless anyway."""
    # The broker first: while every queue holds messages (a busy deployment), nothing can
    # be lost yet, and this sweep, run by every worker at every heartbeat, reads nothing else.
    # An empty queue now means every ready stage of it is lost.
    empty = {queue for queue in ALL_QUEUES if queue_is_empty(queue)}
    if not empty:
        return []
    now = utcnow()
    before = now - timedelta(seconds=ctx.settings.lost_message_seconds)
    ready: list[tuple[str, StageName, int, list[StageName]]] = []
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        waiting: dict[str, list[StageName]] = {}
        for episode_id, name in repo.pending_queued_before(before):
            if queue_of(name) in empty:
                waiting.setdefault(episode_id, []).append(name)
        for episode_id, names in waiting.items():  # each episode read once
            episode = repo.get(episode_id)
            stages = {s.name: s for s in episode.stages}
            all_names = [s.name for s in episode.stages]
            for name in names:
                needed = [stages[n] for n in prerequisites(name, all_names)]
                if all(s.status == StageStatus.DONE for s in needed) and all(
                    s.finished_at is None or s.finished_at < before for s in needed
                ):
                    ready.append((episode_id, name, episode.priority, all_names))
    requeued = []
    for episode_id, name, priority, all_names in ready:
        with ctx.db.session() as session:
            if not EpisodeRepository(session).requeue_if_quiet(episode_id, name, before, now):
                continue
        log.warning("re-queuing stage %s of episode %s: its message was lost", name, episode_id)
        ctx.dispatch(episode_id, stages_to_dispatch(name, all_names), priority)
        requeued.append((episode_id, name))
    return requeued


def dispatch_waiting_stages(ctx: Context, episode_id: str) -> list[StageName]:
    """Queue what waited for the source chain to get this far: the chunks of a long
    recognition (once the audio is extracted), the rest of the chain once every chunk is
    done, and every pending translation (and dub) once the source track exists. Run at
    the end of each dispatched stretch of the chain; a stage queued twice runs once."""
    with ctx.db.session() as session:
        states = EpisodeRepository(session).stage_states(episode_id)
    names = [s.name for s in states]
    done = {s.name for s in states if s.status == StageStatus.DONE}
    ready = [
        s.name
        for s in states
        if s.name not in chain_of(names)
        and s.status == StageStatus.PENDING
        and all(needed in done for needed in prerequisites(s.name, names))
    ]
    ready += _after_chunks(states)
    if ready:
        queue_stages(ctx, episode_id, ready, _priority(ctx, episode_id))
    return ready


def _carry_on_after_chunks(ctx: Context, episode_id: str) -> None:
    """After a chunk: the rest of the chain, when that was the last chunk to finish (each
    finishing chunk looks once its own is recorded, so the last one sees them all)."""
    with ctx.db.session() as session:
        states = EpisodeRepository(session).stage_states(episode_id)
    if rest := _after_chunks(states):
        queue_stages(ctx, episode_id, rest, _priority(ctx, episode_id))


def _after_chunks(states: Sequence[StageState]) -> list[StageName]:
    """The chain from transcribe on, when every chunk of the recognition is done and
    transcribe (which stitches them) has not started; else nothing."""
    names = [s.name for s in states]
    done = {s.name for s in states if s.status == StageStatus.DONE}
    transcribe = next((s for s in states if s.name == Stage.TRANSCRIBE), None)
    chunked = any(asr_chunk_number(n) is not None for n in names)
    if (
        not chunked
        or transcribe is None
        or transcribe.status != StageStatus.PENDING
        or not all(needed in done for needed in prerequisites(Stage.TRANSCRIBE, names))
    ):
        return []
    return stages_to_dispatch(Stage.TRANSCRIBE, names)


def add_translations(
    ctx: Context, episode_id: str, languages: Sequence[str], redo: Sequence[str] = ()
) -> list[StageName]:
    """Add translation stages to an existing episode and queue them once its source
    track exists (a rollout adding languages). A language whose stage exists already
    is left alone, unless it is in ``redo`` and finished, failed or cancelled: then it
    goes back to pending (a source revised since, a retry). The rows go in before the
    source track is looked at, and the source chain's fan-out looks at the rows after
    the source track is done, so a translation added while the source chain runs is
    queued by one side or the other, never lost."""
    try:
        added = _add_translation_stages(ctx, episode_id, languages)
    except IntegrityError:  # the same language added concurrently: it exists now
        added = _add_translation_stages(ctx, episode_id, languages)
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        added += [
            translation_stage(lang)
            for lang in redo
            if translation_stage(lang) not in added
            and repo.reset_stage(episode_id, translation_stage(lang))
        ]
        if added:
            _refresh_episode_status(repo, episode_id)
    with ctx.db.session() as session:
        states = EpisodeRepository(session).stage_states(episode_id)
    source_done = all(s.status == StageStatus.DONE for s in states if is_source_stage(s.name))
    if added and source_done:
        queue_stages(ctx, episode_id, added, _priority(ctx, episode_id))
    return added


def _add_translation_stages(ctx: Context, episode_id: str, languages: Sequence[str]) -> list[str]:
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        episode = repo.get(episode_id)
        existing = {s.name for s in episode.stages}
        position = max((s.position for s in episode.stages), default=0)
        added = [translation_stage(lang) for lang in dict.fromkeys(languages)]
        added = [name for name in added if name not in existing]
        for offset, name in enumerate(added, start=1):
            repo.add_stage(episode_id, name, position + offset)
        if added:
            _refresh_episode_status(repo, episode_id)
    return added


def _priority(ctx: Context, episode_id: str) -> int:
    with ctx.db.session() as session:
        return EpisodeRepository(session).get(episode_id).priority
