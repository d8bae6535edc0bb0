"""Scope checks that need the database: which show an episode belongs to."""

from __future__ import annotations

from ..adapters.db.repositories import EpisodeRepository
from ..domain.access import Principal, Role
from ..domain.errors import Forbidden
from ..domain.review import require_scope
from ..wiring import Context


def require_scope_of_episode(
    ctx: Context, principal: Principal, episode_id: str, language: str | None = None
) -> None:
    """A linguist sees only episodes of their shows, and only tracks of their languages
    (plus the source track their translations come from)."""
    if principal.role is not Role.LINGUIST:
        return
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        show, source = episode.show, episode.source_language
    if principal.shows and show not in principal.shows:
        raise Forbidden(f"{principal.name} is not assigned to the show {show}.", show=show)
    if language is not None and language != source:
        require_scope(principal, language, show)
