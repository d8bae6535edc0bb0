"""Translation memory use cases: units harvested from approved translations, TMX in and
out, and the memory a translation run consults (services/memory_reports.py reads it for
leverage, the matches beside each cue and the consistency check).

A show's memory is its own scope; below it lie a franchise's (the upload's `glossary`
when it names another show) and the default scope's, as with glossaries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..adapters.db.models import Track, TrackRevision
from ..adapters.db.repositories import (
    AuditLog,
    MemoryRepository,
    ShowRepository,
    TrackRepository,
)
from ..adapters.tmx import read_tmx, render_tmx
from ..adapters.token_similarity import token_similarity
from ..domain.access import Principal, Role, may_read_glossary_scope, require_role, require_show
from ..domain.cues import Cue
from ..domain.errors import InvalidRequest, NotFound
from ..domain.glossary import DEFAULT_SCOPE, Glossary
from ..domain.memory_alignment import aligned_pairs
from ..domain.requests import is_show_slug
from ..domain.translation_memory import (
    DEFAULT_THRESHOLD,
    Match,
    MemoryIndex,
    MemoryUnit,
    Query,
    lookup,
)
from ..ports import Context
from .glossaries import resolve_glossary
from .shows import MEMORY_KEY
from .timestamps import iso
from .tracks import load_cues, machine_info
from .translate import MemoryUse, Recall

AUTO_APPLY = ("101", "100", "none")
DEFAULT_MEMORY_SETTINGS: dict[str, Any] = {"auto_apply": "100", "threshold": DEFAULT_THRESHOLD}
MIN_THRESHOLD = 50


# --- settings ----------------------------------------------------------------------------


def memory_settings(session: Session, show: str) -> dict:
    """{auto_apply: "101" | "100" | "none", threshold: 50..99}: which matches replace the
    engine, and the lowest fuzzy score offered."""
    stored = ShowRepository(session).timed_text_overrides(show).get(MEMORY_KEY) or {}
    return {**DEFAULT_MEMORY_SETTINGS, **stored}


def check_memory_settings(body: object) -> dict:
    if not isinstance(body, dict) or not body or set(body) - set(DEFAULT_MEMORY_SETTINGS):
        raise InvalidRequest('Send {"auto_apply": "101" | "100" | "none", "threshold": 75}.')
    if "auto_apply" in body and body["auto_apply"] not in AUTO_APPLY:
        raise InvalidRequest(f"`auto_apply` is one of {', '.join(AUTO_APPLY)}.",
                             field="auto_apply")  # fmt: skip
    threshold = body.get("threshold", DEFAULT_THRESHOLD)
    if type(threshold) is not int or not MIN_THRESHOLD <= threshold <= 99:
        raise InvalidRequest(f"`threshold` is a whole number from {MIN_THRESHOLD} to 99.",
                             field="threshold")  # fmt: skip
    return body


def get_memory(ctx: Context, show: str, principal: Principal) -> dict:
    """The show's memory settings and its memories (pairs, unit counts)."""
    require_show(principal, show)
    with ctx.db.session() as session:
        repository = MemoryRepository(session)
        memories = [
            {"source_language": m.source_language, "target_language": m.target_language,
             "units": repository.count(m)}
            for m in repository.memories(show)
        ]  # fmt: skip
        return {"show": show, "settings": memory_settings(session, show), "memories": memories}


def set_memory_settings(ctx: Context, show: str, body: object, principal: Principal) -> dict:
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    _require_scope_slug(show)
    changes = check_memory_settings(body)
    with ctx.db.session() as session:
        repository = ShowRepository(session)
        document = repository.timed_text_overrides(show, for_update=True)
        before = {**DEFAULT_MEMORY_SETTINGS, **(document.get(MEMORY_KEY) or {})}
        after = {**before, **changes}
        repository.set_timed_text_overrides(show, {**document, MEMORY_KEY: after}, principal.name)
        AuditLog(session).record(principal.name, "show.memory", f"show:{show}", before, after)
    return after


def _require_scope_slug(show: str) -> None:
    if not is_show_slug(show):
        raise InvalidRequest(
            f"`show` must be a slug: lower-case letters, digits, '-' and '_' "
            f"({DEFAULT_SCOPE!r}: the default scope, below every show).",
            field="show",
        )


# --- the memory a translation consults ---------------------------------------------------


def memory_scopes(show: str, requested: str | None = None) -> list[str]:
    """Where a show's translations look: its own memory, a franchise's (``requested``, a
    show slug given as the episode's glossary), then the default scope."""
    scopes = [show]
    if requested and not requested.isdigit() and requested not in scopes:
        scopes.append(requested)
    if DEFAULT_SCOPE not in scopes:
        scopes.append(DEFAULT_SCOPE)
    return scopes


def stored_recall(
    ctx: Context, scopes: Sequence[str], source: str, target: str, threshold: int
) -> Recall:
    """Looks queries up in the stored memories of ``scopes`` for the pair."""

    def recall(queries: Sequence[Query]) -> list[list[Match]]:
        with ctx.db.session() as session:
            repository = MemoryRepository(session)
            memories = [m for s in scopes if (m := repository.find(s, source, target))]
            if not memories:
                return [[] for _ in queries]
            return lookup(queries, repository.source(memories), threshold, scopes=scopes,
                          similarity=token_similarity)  # fmt: skip

    return recall


def memory_for_translation(
    ctx: Context, session: Session, show: str, requested: str | None, source: str, target: str
) -> MemoryUse:
    """What the translate stage consults: the show's scopes and settings."""
    settings = memory_settings(session, show)
    scopes = memory_scopes(show, requested)
    recall = stored_recall(ctx, scopes, source, target, settings["threshold"])
    return MemoryUse(recall, settings["auto_apply"],
                     {"scopes": scopes, "threshold": settings["threshold"]})  # fmt: skip


def file_recall(data: bytes, filename: str, source: str, target: str, threshold: int) -> Recall:
    """Looks queries up in one TMX file's units for the pair (held in memory for the run)."""
    tmx = read_tmx(data, filename, source, [target])
    _require_source(tmx.source_language, source, filename)
    index = MemoryIndex(tmx.units)

    def recall(queries: Sequence[Query]) -> list[list[Match]]:
        return lookup(queries, index, threshold, similarity=token_similarity)

    return recall


def _require_source(found: str, wanted: str, filename: str) -> None:
    if found.casefold() != wanted.casefold():
        raise InvalidRequest(
            f"{filename} holds a memory from {found}, not from {wanted}.", field="source_language"
        )


def combined_recall(recalls: Sequence[Recall], limit: int = 3) -> Recall:
    """Several memories asked as one: each query's best matches among all of them."""

    def recall(queries: Sequence[Query]) -> list[list[Match]]:
        answers = [each(queries) for each in recalls]
        return [
            sorted((m for answer in answers for m in answer[i]), key=lambda m: -m.score)[:limit]
            for i in range(len(queries))
        ]

    return recall


def memory_for_file(
    ctx: Context | None,
    show: str | None,
    tmx: tuple[bytes, str] | None,
    source: str,
    target: str,
) -> tuple[MemoryUse | None, Glossary | None]:
    """`locsvc translate --show SLUG --tm FILE.tmx`: the show's memory (and glossary) and a
    file's, consulted together under the show's settings (the defaults without a show)."""
    recalls: list[Recall] = []
    settings = dict(DEFAULT_MEMORY_SETTINGS)
    glossary = None
    describe: dict = {}
    if show is not None and ctx is not None:
        with ctx.db.session() as session:
            settings = memory_settings(session, show)
            glossary, _ = resolve_glossary(session, None, show, source, target)
        scopes = memory_scopes(show)
        recalls.append(stored_recall(ctx, scopes, source, target, settings["threshold"]))
        describe["scopes"] = scopes
    if tmx is not None:
        recalls.append(file_recall(tmx[0], tmx[1], source, target, settings["threshold"]))
        describe["file"] = tmx[1]
    if not recalls:
        return None, glossary
    recall = recalls[0] if len(recalls) == 1 else combined_recall(recalls)
    describe["threshold"] = settings["threshold"]
    return MemoryUse(recall, settings["auto_apply"], describe), glossary


# --- harvesting approvals -----------------------------------------------------------------


def harvest_approval(
    ctx: Context, session: Session, track: Track, approved: TrackRevision, by: str, now: datetime
) -> dict:
    """The approved translation's sentence and cue pairs into the show's memory (a
    source-language track teaches it nothing). {units, unchanged}"""
    episode = track.episode
    if track.kind != "translation" or not episode.source_language:
        return {"units": 0, "unchanged": 0}
    source_cues = _source_cues_of(ctx, session, track, approved)
    if source_cues is None:
        return {"units": 0, "unchanged": 0}
    pairs = aligned_pairs(source_cues, load_cues(ctx, approved.cues_sha256))
    revision = f"{episode.id}/{track.language}/r{approved.number}"
    units = [
        MemoryUnit(pair.source, pair.target, episode.source_language, track.language,
                   pair.kind, pair.previous, pair.following, episode.show, episode.id,
                   revision, by, iso(now), by, iso(now), "approval")
        for pair in pairs
    ]  # fmt: skip
    repository = MemoryRepository(session)
    memory = repository.get_or_create(episode.show, episode.source_language, track.language)
    added, unchanged = repository.add(memory, units)
    return {"units": added, "unchanged": unchanged}


def _source_cues_of(
    ctx: Context, session: Session, track: Track, approved: TrackRevision
) -> list[Cue] | None:
    """The source revision the approved translation stands on: the one its newest machine
    draft was made from (times match it), else the source track's latest."""
    source = TrackRepository(session).source_of(track.episode_id)
    if source is None or not source.revisions:
        return None
    wanted = machine_info(track.revisions, approved.number).get("source_revision")
    by_number = {r.number: r for r in source.revisions}
    revision = by_number.get(wanted, source.revisions[-1]) if wanted else source.revisions[-1]
    return load_cues(ctx, revision.cues_sha256)


# --- TMX in and out ----------------------------------------------------------------------

MAX_TMX_BYTES = 200 * 1024 * 1024


def import_tmx(
    ctx: Context,
    data: bytes,
    filename: str,
    show: str,
    principal: Principal,
    source_language: str | None = None,
    target_languages: Collection[str] | None = None,
) -> dict:
    """A TMX file's units into the scope's memories (one per target language it holds),
    all of them or none: a file that cannot be read is refused with its line."""
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    _require_scope_slug(show)
    tmx = read_tmx(data, filename, source_language, target_languages)
    if source_language:
        _require_source(tmx.source_language, source_language, filename)
    by_target: dict[str, list[MemoryUnit]] = {}
    for unit in tmx.units:
        by_target.setdefault(unit.target_language, []).append(unit)
    if not by_target:
        raise InvalidRequest(f"{filename} has no translation units to import"
                             f" ({tmx.skipped} skipped: no source or no target text).")  # fmt: skip
    result = []
    with ctx.db.session() as session:
        repository = MemoryRepository(session)
        for target, units in sorted(by_target.items()):
            memory = repository.get_or_create(show, tmx.source_language, target)
            added, unchanged = repository.add(memory, units)
            result.append({"source_language": tmx.source_language, "target_language": target,
                           "added": added, "unchanged": unchanged})  # fmt: skip
        AuditLog(session).record(
            principal.name, "memory.import", f"show:{show}", None,
            {"file": filename, "pairs": result, "skipped": tmx.skipped},
        )  # fmt: skip
    return {"show": show, "file": filename, "pairs": result, "skipped": tmx.skipped}


def export_tmx(
    ctx: Context,
    show: str,
    principal: Principal,
    source_language: str | None = None,
    target_language: str | None = None,
    with_history: bool = False,
) -> tuple[bytes, str]:
    """(TMX document, file name) of the scope's current units (and the ones later approvals
    superseded, ``with_history``): one source language (asked for, or the only one there
    is), every target language unless one is asked for."""
    if not may_read_glossary_scope(principal, show):
        require_show(principal, show)
    with ctx.db.session() as session:
        repository = MemoryRepository(session)
        memories = [
            m for m in repository.memories(show)
            if (source_language in (None, m.source_language))
            and (target_language in (None, m.target_language))
        ]  # fmt: skip
        sources = sorted({m.source_language for m in memories})
        if not memories:
            raise NotFound(f"The show {show!r} has no translation memory"
                           + (" for that language pair." if source_language or target_language
                              else "."), show=show)  # fmt: skip
        if len(sources) > 1:
            raise InvalidRequest(
                f"The show's memory has several source languages ({', '.join(sources)}); "
                "a TMX file holds one: ask for `source_language`.", field="source_language",
            )  # fmt: skip
        # The scope is the show exported, not a property of a unit: a file imported into
        # another show exports from it the same.
        units = [
            replace(unit, show=None)
            for memory in memories
            for unit in repository.units(memory, with_history)
        ]
    name = f"{show}.{sources[0]}" + (f"-{target_language}" if target_language else "") + ".tmx"
    return render_tmx(units, sources[0]), name
