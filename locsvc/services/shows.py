"""Per-show timed-text overrides: the language's profile, adjusted for one show.

Stored as ``{"audience": "children", "max_chars_per_line": 37, ...,
"languages": {"ja": {...}}}``: top-level settings apply to every language, the
``languages`` entries to one (by primary subtag)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..adapters.db.repositories import AuditLog, ShowRepository
from ..domain.access import Principal, Role, require_role
from ..domain.errors import InvalidRequest
from ..domain.profiles import TimedTextProfile, profile_for
from ..wiring import Context


def profile_from_overrides(language: str, overrides: dict) -> TimedTextProfile:
    general = {key: value for key, value in overrides.items() if key != "languages"}
    primary = language.split("-")[0].lower()
    specific = dict(overrides.get("languages", {}).get(primary, {}))
    settings = {**general, **specific}
    audience = settings.pop("audience", "adult")
    return profile_for(language, audience, **settings)


def show_profile(session: Session, show: str, language: str) -> TimedTextProfile:
    return profile_from_overrides(language, ShowRepository(session).timed_text_overrides(show))


def get_overrides(ctx: Context, show: str) -> dict:
    with ctx.db.session() as session:
        return ShowRepository(session).timed_text_overrides(show)


def set_overrides(ctx: Context, show: str, overrides: object, principal: Principal) -> dict:
    require_role(principal, Role.PRODUCER)
    if not isinstance(overrides, dict) or not isinstance(overrides.get("languages", {}), dict):
        raise InvalidRequest("Send a JSON object of profile settings (and optional `languages`).")
    for language in ("en", *overrides.get("languages", {})):
        profile_from_overrides(language, overrides)  # InvalidRequest for unknown settings
    with ctx.db.session() as session:
        repository = ShowRepository(session)
        before = repository.timed_text_overrides(show)
        repository.set_timed_text_overrides(show, overrides, principal.name)
        AuditLog(session).record(
            principal.name, "show.timed_text", f"show:{show}", before, overrides
        )
    return overrides
