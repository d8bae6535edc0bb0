"""The rules a request's fields follow, wherever they enter (uploads, rollouts, settings,
users, the review queue): show slugs, language tags, targets, priorities, idempotency
keys, due dates and frame rates. Pure: a bad value raises InvalidRequest (naming its field)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from .diarization import SpeakerHints
from .errors import InvalidRequest, UnsupportedLanguagePair
from .glossary import DEFAULT_SCOPE
from .media import frames_per_second

# One pattern wherever a show slug enters (uploads, settings, glossaries, users, rollouts);
# DEFAULT_SCOPE ("_default") is the one other name, for the default glossary scope.
SHOW_SLUG_PATTERN = "^[a-z0-9][a-z0-9_-]{0,62}$"
_SHOW_SLUG = re.compile(SHOW_SLUG_PATTERN)
MAX_IDEMPOTENCY_KEY = 200
PRIORITIES = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
# Stage names are "translate:<tag>" in a 40-character column.
MAX_LANGUAGE_TAG = 30


class TargetEngines(Protocol):
    """What a target check asks of the MT engines (the Translators port has it)."""

    def engine_for(self, source: str, target: str, engine: str | None = None) -> str: ...

    def reachable(self, target: str) -> bool: ...


def is_show_slug(text: str) -> bool:
    return text == DEFAULT_SCOPE or _SHOW_SLUG.fullmatch(text) is not None


def is_glossary_reference(text: str) -> bool:
    """A glossary id (an Integer column: at most 2**31 - 1) or a show slug."""
    if text.isascii() and text.isdigit():
        return len(text) <= 10 and 1 <= int(text) < 2**31
    return is_show_slug(text)


def looks_like_language_tag(tag: str) -> bool:
    parts = tag.split("-")
    return 2 <= len(parts[0]) <= 3 and parts[0].isalpha() and all(p.isalnum() for p in parts)


def parse_targets(raw: str | None) -> tuple[str, ...]:
    """A comma list of language tags, in order, without repeats."""
    return tuple(dict.fromkeys(t.strip() for t in (raw or "").split(",") if t.strip()))


def check_target(target: str, source: str | None, engines: TargetEngines) -> None:
    """A target language is refused on the request, not in a failed job later: with a
    known source language the pair must have an engine; with the language still to be
    detected, some engine must translate into the target."""
    if not looks_like_language_tag(target) or len(target) > MAX_LANGUAGE_TAG:
        raise InvalidRequest(f"Target {target!r} is not a BCP 47 language tag.", field="targets")
    if source is not None:
        if target == source:
            raise InvalidRequest(
                f"Target {target!r} is the source language; its track is the source track.",
                field="targets",
            )
        engines.engine_for(source, target)
    elif not engines.reachable(target):
        raise UnsupportedLanguagePair(
            f"No MT engine translates into {target!r}.", source=None, target=target
        )


def check_idempotency_key(key: str) -> None:
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidRequest(
            f"An Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} characters.",
            field="Idempotency-Key",
        )


def parse_moment(
    value: str, field: str, described: str = "an ISO 8601 date or time", whole_day: bool = False
) -> datetime:
    """An ISO 8601 date or time ("Z" allowed), UTC when it names no zone; with
    ``whole_day``, a bare date means the end of that day."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidRequest(f"`{field}` {value!r} is not {described}.", field=field) from error
    if whole_day and len(value) == 10:  # a date: the whole day counts
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Frame rates video has: from time-lapse to high-speed capture.
MIN_FRAME_RATE, MAX_FRAME_RATE = 1.0, 1000.0


def parse_frame_rate(rate: str) -> float:
    try:
        value = frames_per_second(rate)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise InvalidRequest(f"{rate!r} is not a frame rate (25, 23.976, 24000/1001).") from error
    if not MIN_FRAME_RATE <= value <= MAX_FRAME_RATE:  # also keeps frame arithmetic finite
        raise InvalidRequest(
            f"{rate!r} is not a frame rate: {MIN_FRAME_RATE:g} to {MAX_FRAME_RATE:g} fps."
        )
    return value


@dataclass(frozen=True)
class NewEpisode:
    title: str
    show: str
    original_filename: str
    source_language: str | None = None
    idempotency_key: str | None = None  # a repeat with the same key answers the first episode
    targets: tuple[str, ...] = ()  # languages to translate the source track into
    glossary: str | None = None  # a glossary id or a show slug; None: the episode's show
    priority: str = "normal"  # low, normal, high, urgent: the review queue's order
    due: str | None = None  # ISO 8601: when the reviewed tracks are due
    speaker_hints: SpeakerHints = SpeakerHints()  # what the producer knows of the speakers

    def validated(self, engines: TargetEngines | None = None) -> NewEpisode:
        """Self, checked; target languages are checked only when ``engines`` is given."""
        if not is_show_slug(self.show) or self.show == DEFAULT_SCOPE:
            raise InvalidRequest(
                "`show` must be a slug: lower-case letters, digits, '-' and '_'"
                f" ({DEFAULT_SCOPE!r} is reserved for the default glossary scope).",
                field="show",
            )
        if self.source_language and not looks_like_language_tag(self.source_language):
            raise InvalidRequest(
                f"`source_language` {self.source_language!r} is not a BCP 47 language tag.",
                field="source_language",
            )
        if self.idempotency_key is not None:
            check_idempotency_key(self.idempotency_key)
        if engines is not None:
            for target in self.targets:
                check_target(target, self.source_language, engines)
        if self.priority not in PRIORITIES:
            raise InvalidRequest(f"`priority` is one of {', '.join(PRIORITIES)}.", field="priority")
        self.due_at()  # InvalidRequest when not a date
        if self.glossary is not None and not is_glossary_reference(self.glossary):
            raise InvalidRequest(
                "`glossary` must be a glossary id or a show slug.", field="glossary"
            )
        return self

    def due_at(self) -> datetime | None:
        return parse_moment(self.due, "due") if self.due else None
