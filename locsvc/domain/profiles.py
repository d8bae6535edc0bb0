"""Timed-text profiles per language (docs/timed-text.md): the numbers QC and segmentation use.

A show may override any number (a children's show uses children's reading speeds);
the profile used is recorded with what it produced."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from enum import StrEnum

from .errors import InvalidRequest


class Audience(StrEnum):
    ADULT = "adult"
    CHILDREN = "children"


@dataclass(frozen=True)
class TimedTextProfile:
    language: str
    audience: Audience = Audience.ADULT
    max_chars_per_line: float = 42
    max_lines: int = 2
    reading_speed_cps: float = 17
    min_duration_ms: int = 833  # 5/6 s: 20 frames at 24 fps
    max_duration_ms: int = 7000
    min_gap_frames: int = 2
    # Japanese counts half-width characters as half a column; other languages count 1.
    half_width_counts_half: bool = False
    # Dual-speaker events: each speaker's line starts with this mark (space included where
    # the language puts one), on both lines or on the second only.
    dialogue_dash: str = "-"
    dash_first_line: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


# language -> (chars per line, adult cps, children cps, half-width counts half)
_LANGUAGE_NUMBERS: dict[str, tuple[float, float, float, bool]] = {
    "en": (42, 20, 17, False),
    "hi": (42, 22, 18, False),
    "ar": (42, 20, 17, False),
    "ko": (16, 12, 9, False),
    "zh": (16, 9, 7, False),
    "ja": (13, 4, 4, True),
    "th": (35, 17, 13, False),
}
_DEFAULT_NUMBERS = (42, 17, 13, False)

# language -> (dialogue dash, on the first line too), after the Netflix Timed Text Style
# Guide's per-language pages; a hyphen without a space on both lines (en, es, de, tr, ...)
# unless listed. Read in the guides: fr, ro, ko, th ("- "), he (second line only); taken
# from Subtitle Edit's Netflix checker where the guide's text was not at hand: pt-BR, it,
# pl, ru, ar ("- "), nl, fi (second line only). docs/timed-text.md has the table.
_DIALOGUE_DASHES: dict[str, tuple[str, bool]] = {
    **{tag: ("- ", True) for tag in ("fr", "ro", "ko", "th", "pt-br", "it", "pl", "ru", "ar")},
    **{tag: ("-", False) for tag in ("he", "nl", "fi")},
}


def profile_for(
    language: str, audience: Audience | str = Audience.ADULT, **overrides: object
) -> TimedTextProfile:
    """The default profile of a BCP 47 language (by its primary subtag), then overrides."""
    try:
        audience = Audience(audience)
    except ValueError as error:
        raise InvalidRequest(f"Unknown audience {audience!r}: adult or children.") from error
    primary = language.split("-")[0].lower()
    chars, adult_cps, children_cps, half_width = _LANGUAGE_NUMBERS.get(primary, _DEFAULT_NUMBERS)
    dash, dash_first = _dialogue_dash(language)
    profile = TimedTextProfile(
        language=language,
        audience=audience,
        max_chars_per_line=chars,
        reading_speed_cps=adult_cps if audience is Audience.ADULT else children_cps,
        half_width_counts_half=half_width,
        dialogue_dash=dash,
        dash_first_line=dash_first,
    )
    try:
        return replace(profile, **overrides)  # type: ignore[arg-type]
    except TypeError as error:
        raise InvalidRequest(f"Unknown profile setting in {sorted(overrides)}.") from error


def _dialogue_dash(language: str) -> tuple[str, bool]:
    """The most specific entry: "fr-CA" before "fr"."""
    tag = language.lower()
    while tag:
        if tag in _DIALOGUE_DASHES:
            return _DIALOGUE_DASHES[tag]
        tag = tag.rpartition("-")[0]
    return "-", True
