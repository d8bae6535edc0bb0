"""Scope checks that need the database: the show an episode, a rollout or a glossary
belongs to, checked with domain/access.py's rule. The API and the web pages both call
these, so one rule answers both."""

from __future__ import annotations

from ..adapters.db.repositories import EpisodeRepository, GlossaryRepository, RolloutRepository
from ..domain.access import Principal, Role, may_read_glossary_scope, require_show, require_shows
from ..domain.errors import Forbidden, InvalidRequest, NotFound
from ..domain.review import require_scope
from ..ports import Context


def require_scope_of_episode(
    ctx: Context, principal: Principal, episode_id: str, language: str | None = None
) -> None:
    """Anyone but an admin sees only episodes of their shows; a linguist only tracks of
    their languages (plus the source track their translations come from)."""
    if principal.role is Role.ADMIN:
        return
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)  # NotFound first
        show, source = episode.show, episode.source_language
    require_show(principal, show)
    if principal.role is Role.LINGUIST and language is not None and language != source:
        require_scope(principal, language, show)


def require_scope_of_rollout(ctx: Context, principal: Principal, rollout_id: str) -> None:
    """A rollout is its caller's when every show among its episodes is."""
    if principal.role is Role.ADMIN:
        return
    with ctx.db.session() as session:
        repository = RolloutRepository(session)
        rollout = repository.get(rollout_id)  # NotFound first
        shows = [*repository.shows_of(rollout), *([rollout.show] if rollout.show else [])]
    require_shows(principal, shows)


def require_scope_of_episodes(ctx: Context, principal: Principal, episode_ids: list[str]) -> None:
    if principal.role is Role.ADMIN:
        return
    with ctx.db.session() as session:
        episodes = EpisodeRepository(session)
        shows = [episodes.get(episode_id).show for episode_id in episode_ids]  # NotFound first
    require_shows(principal, shows)


def glossary_show(ctx: Context, glossary_id: int) -> str:
    with ctx.db.session() as session:
        return GlossaryRepository(session).get(glossary_id).show  # NotFound first


def require_glossary_readable(ctx: Context, principal: Principal, glossary_id: int) -> None:
    """A glossary of the caller's shows, or of the default scope (below every show)."""
    show = glossary_show(ctx, glossary_id)
    if not may_read_glossary_scope(principal, show):
        raise Forbidden(f"{principal.name} is not assigned to the show {show!r}.", show=show)


def require_glossary_reference(ctx: Context, principal: Principal, glossary: str | None) -> None:
    """An upload or rollout naming a glossary (an id, or another show's slug) reads it:
    the caller must be allowed to."""
    if glossary is None:
        return
    if glossary.isdigit():
        try:
            require_glossary_readable(ctx, principal, int(glossary))
        except NotFound as error:
            raise InvalidRequest(error.message, field="glossary") from error
    elif not may_read_glossary_scope(principal, glossary):
        require_show(principal, glossary)
