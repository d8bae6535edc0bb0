"""Who may do what: roles, and the shows (and, for linguists, languages) a user is
assigned to. Show scope applies to every role but admin; a user with no shows may
touch every show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import Forbidden, InvalidRequest
from .glossary import DEFAULT_SCOPE


class Role(StrEnum):
    ADMIN = "admin"
    PRODUCER = "producer"
    LINGUIST = "linguist"

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value)
        except ValueError as error:
            choices = ", ".join(r.value for r in cls)
            raise InvalidRequest(f"Unknown role {value!r}; choose one of {choices}.") from error


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    languages: tuple[str, ...] = ()  # empty: every language
    shows: tuple[str, ...] = ()  # empty: every show


def require_role(principal: Principal, *allowed: Role) -> None:
    if principal.role is not Role.ADMIN and principal.role not in allowed:
        wanted = " or ".join(r.value for r in allowed)
        raise Forbidden(
            f"This needs the {wanted} role; {principal.name} is a {principal.role.value}.",
            role=principal.role.value,
        )


def may_touch_show(principal: Principal, show: str) -> bool:
    """Whether ``principal`` may read or change anything of ``show``. The default
    glossary scope counts as a show of its own: only admins and unscoped users (or one
    assigned ``_default`` by name) touch it."""
    return principal.role is Role.ADMIN or not principal.shows or show in principal.shows


def require_show(principal: Principal, show: str) -> None:
    if not may_touch_show(principal, show):
        raise Forbidden(
            f"{principal.name} is not assigned to the show {show!r} "
            f"(assigned: {', '.join(principal.shows)}).",
            show=show,
        )


def require_shows(principal: Principal, shows: Sequence[str]) -> None:
    """Every one of ``shows`` (a rollout's, say) must be the principal's."""
    for show in sorted(set(shows)):
        require_show(principal, show)


def may_read_glossary_scope(principal: Principal, show: str) -> bool:
    """The default scope lies below every show's glossary: everyone may read it."""
    return show == DEFAULT_SCOPE or may_touch_show(principal, show)


def shows_within(principal: Principal, asked: Sequence[str]) -> list[str] | None:
    """The show filter a listing runs with: what was asked, narrowed to the principal's
    shows (every asked show when unscoped, or all of theirs when nothing was asked);
    None when nothing is left to list."""
    if principal.role is Role.ADMIN or not principal.shows:
        return list(asked)
    if not asked:
        return list(principal.shows)
    kept = [show for show in asked if show in principal.shows]
    return kept or None
