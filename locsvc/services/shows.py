"""Per-show timed-text overrides: the language's profile, adjusted for one show.

Stored as ``{"audience": "children", "max_chars_per_line": 37, ...,
"languages": {"ja": {...}}}``: top-level settings apply to every language, the
``languages`` entries to one (by primary subtag). The same document keeps the show's
review settings under the reserved key ``review`` (``{"four_eyes": true}``) and what a
translator is told about the show under ``translation`` (``{"synopsis", "tone"}``), so
they need no table of their own; the timed-text functions never see those keys."""

from __future__ import annotations

import math
from typing import NoReturn

from sqlalchemy.orm import Session

from ..adapters.db.repositories import AuditLog, ShowRepository
from ..domain.access import Principal, Role, require_role, require_show
from ..domain.errors import Conflict, InvalidRequest
from ..domain.profiles import TimedTextProfile, profile_for
from ..domain.requests import is_show_slug
from ..ports import Context

REVIEW_KEY = "review"
DEFAULT_REVIEW_SETTINGS = {"four_eyes": True}  # the approver is not the last editor
TRANSLATION_KEY = "translation"
TRANSLATION_SETTINGS = ("synopsis", "tone")
MAX_NOTE = 2000  # characters of a synopsis or a tone: a paragraph, not a script
MEMORY_KEY = "memory"  # services/memory.py: which memory matches replace the engine
RESERVED_KEYS = (REVIEW_KEY, TRANSLATION_KEY, MEMORY_KEY)


def profile_from_overrides(
    language: str, overrides: dict, show: str | None = None
) -> TimedTextProfile:
    """The language's profile with the show's overrides. Settings stored before they
    were validated (a number as text, a zero limit) are a Conflict naming the setting
    when ``show`` is given (read from the database), an InvalidRequest otherwise."""
    languages = overrides.get("languages", {})
    primary = language.split("-")[0].lower()
    specific = languages.get(primary, {}) if isinstance(languages, dict) else None
    if not isinstance(specific, dict):
        _refuse("languages", languages, show)
    general = {key: value for key, value in overrides.items() if key != "languages"}
    settings = {**general, **specific}
    for name, value in settings.items():
        if not _valid_setting(name, value):
            _refuse(name, value, show)
    if settings.get("min_duration_ms", 0) > settings.get("max_duration_ms", float("inf")):
        _refuse("min_duration_ms", settings["min_duration_ms"], show)
    audience = settings.pop("audience", "adult")
    return profile_for(language, audience, **settings)


# What each numeric setting must be above (min_gap_frames may be 0: no minimum gap).
_POSITIVE = {"max_chars_per_line", "max_lines", "reading_speed_cps", "min_duration_ms",
             "max_duration_ms"}  # fmt: skip
_WHOLE = {"max_lines", "min_duration_ms", "max_duration_ms", "min_gap_frames"}


def _valid_setting(name: str, value: object) -> bool:
    if name == "audience":
        return value in ("adult", "children")
    if name == "half_width_counts_half":
        return isinstance(value, bool)
    if name not in _POSITIVE | {"min_gap_frames"}:
        return True  # profile_for refuses unknown settings by name
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return False
    if name in _WHOLE and value != int(value):
        return False
    return value > 0 if name in _POSITIVE else value >= 0


def _refuse(name: str, value: object, show: str | None) -> NoReturn:
    shown = repr(value)[:60]
    if show is None:
        raise InvalidRequest(f"The timed-text setting `{name}` cannot be {shown}.", field=name)
    raise Conflict(
        f"The show {show!r} has an invalid timed-text setting `{name}` ({shown}); "
        f"set it again with PUT /api/v1/shows/{show}/timed-text.",
        show=show, setting=name,
    )  # fmt: skip


def _timed_text(document: dict) -> dict:
    return {key: value for key, value in document.items() if key not in RESERVED_KEYS}


def show_profile(session: Session, show: str, language: str) -> TimedTextProfile:
    document = ShowRepository(session).timed_text_overrides(show)
    return profile_from_overrides(language, _timed_text(document), show)


def get_overrides(ctx: Context, show: str, principal: Principal) -> dict:
    require_show(principal, show)
    with ctx.db.session() as session:
        return _timed_text(ShowRepository(session).timed_text_overrides(show))


def set_overrides(ctx: Context, show: str, overrides: object, principal: Principal) -> dict:
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    for key in RESERVED_KEYS:
        if isinstance(overrides, dict) and key in overrides:
            raise InvalidRequest(f"`{key}` is set with PUT /shows/{show}/{key}.", field=key)
    if not isinstance(overrides, dict) or not isinstance(overrides.get("languages", {}), dict):
        raise InvalidRequest("Send a JSON object of profile settings (and optional `languages`).")
    for language in ("en", *overrides.get("languages", {})):
        profile_from_overrides(language, overrides)  # InvalidRequest for unknown settings
    with ctx.db.session() as session:
        repository = ShowRepository(session)
        document = repository.timed_text_overrides(show, for_update=True)
        kept = {key: document[key] for key in RESERVED_KEYS if key in document}
        repository.set_timed_text_overrides(show, {**overrides, **kept}, principal.name)
        AuditLog(session).record(
            principal.name, "show.timed_text", f"show:{show}", _timed_text(document), overrides
        )
    return overrides


def review_settings(session: Session, show: str) -> dict:
    """The show's review settings over the defaults (four eyes on)."""
    stored = ShowRepository(session).timed_text_overrides(show).get(REVIEW_KEY) or {}
    return {**DEFAULT_REVIEW_SETTINGS, **stored}


def get_review_settings(ctx: Context, show: str, principal: Principal) -> dict:
    require_show(principal, show)
    with ctx.db.session() as session:
        return review_settings(session, show)


def set_review_settings(ctx: Context, show: str, body: object, principal: Principal) -> dict:
    """Switch the show's review rules (producers and admins of the show)."""
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    if not is_show_slug(show):
        raise InvalidRequest("The show must be a slug: lower-case letters, digits, '-', '_'.")
    if not isinstance(body, dict) or set(body) - set(DEFAULT_REVIEW_SETTINGS):
        raise InvalidRequest('Send {"four_eyes": true|false}.')
    if not all(isinstance(value, bool) for value in body.values()):
        raise InvalidRequest("`four_eyes` is true or false.", field="four_eyes")
    with ctx.db.session() as session:
        repository = ShowRepository(session)
        document = repository.timed_text_overrides(show, for_update=True)
        before = {**DEFAULT_REVIEW_SETTINGS, **(document.get(REVIEW_KEY) or {})}
        after = {**before, **body}
        repository.set_timed_text_overrides(show, {**document, REVIEW_KEY: after}, principal.name)
        AuditLog(session).record(principal.name, "show.review", f"show:{show}", before, after)
    return after


def translation_notes(session: Session, show: str) -> dict:
    """What translators are told about the show: {synopsis, tone}, each text or null."""
    stored = ShowRepository(session).timed_text_overrides(show).get(TRANSLATION_KEY) or {}
    return {key: stored.get(key) for key in TRANSLATION_SETTINGS}


def get_translation_settings(ctx: Context, show: str, principal: Principal) -> dict:
    require_show(principal, show)
    with ctx.db.session() as session:
        return translation_notes(session, show)


def set_translation_settings(ctx: Context, show: str, body: object, principal: Principal) -> dict:
    """Set what a translating model is told about the show (producers and admins)."""
    require_role(principal, Role.PRODUCER)
    require_show(principal, show)
    if not is_show_slug(show):
        raise InvalidRequest("The show must be a slug: lower-case letters, digits, '-', '_'.")
    if not isinstance(body, dict) or set(body) - set(TRANSLATION_SETTINGS):
        raise InvalidRequest('Send {"synopsis": "...", "tone": "..."} (either may be null).')
    for key, value in body.items():
        if value is not None and (not isinstance(value, str) or len(value) > MAX_NOTE):
            raise InvalidRequest(f"`{key}` is text of at most {MAX_NOTE} characters, or null.",
                                 field=key)  # fmt: skip
    with ctx.db.session() as session:
        repository = ShowRepository(session)
        document = repository.timed_text_overrides(show, for_update=True)
        before = {key: (document.get(TRANSLATION_KEY) or {}).get(key)
                  for key in TRANSLATION_SETTINGS}  # fmt: skip
        after = {**before, **{key: (value or "").strip() or None for key, value in body.items()}}
        repository.set_timed_text_overrides(show, {**document, TRANSLATION_KEY: after},
                                            principal.name)  # fmt: skip
        AuditLog(session).record(principal.name, "show.translation", f"show:{show}", before, after)
    return after
