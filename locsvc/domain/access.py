"""Who may do what. Roles stay coarse until the review loop refines them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import Forbidden, InvalidRequest


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
