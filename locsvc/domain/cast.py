"""A show's cast across episodes: recognising a named voice in a new episode, keeping the
voice print up to date, and choosing a distinct dub voice per speaker."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .diarization import VoiceProfile
from .errors import InvalidRequest

MAX_NAME = 200
HIGHER_REGISTER_HZ = 165.0  # median pitch above which a voice is in the higher register
LABEL = re.compile(r"[Ss][0-9]{1,4}")  # the diarization's labels: not names


@dataclass(frozen=True)
class Character:
    """A named speaker of a show, as far as voices go."""

    name: str
    voice_print: tuple[float, ...] | None
    print_episodes: int = 0


@dataclass(frozen=True)
class VoiceMatch:
    label: str
    name: str
    score: float
    # "matched": the voice print is a cast member's; "script": the producer's script names
    # the speaker of most of the label's words.
    source: str = "matched"


# A label takes a script's name for its words when that name speaks this share of them.
SCRIPT_NAME_SHARE = 0.6
SCRIPT_NAME_MIN_WORDS = 3


def names_from_script(
    labels: Sequence[str], script_names: Sequence[str | None], taken: set[str]
) -> list[VoiceMatch]:
    """The diarization's labels named after the script's speakers: each label takes the
    name most of its words have in the script (a dialogue list's ``DIANE`` as "Diane"),
    when clear enough, and each name goes to one label (the one with most of its words).
    Labels already named, and names in ``taken``, are left alone by the caller."""
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for label, name in zip(labels, script_names, strict=True):
        totals[label] = totals.get(label, 0) + 1
        if name:
            key = (label, _display_name(name))
            counts[key] = counts.get(key, 0) + 1
    found: list[VoiceMatch] = []
    named_labels: set[str] = set()
    used = set(taken)
    for (label, name), count in sorted(counts.items(), key=lambda item: -item[1]):
        share = count / totals[label]
        if label in named_labels or name in used or count < SCRIPT_NAME_MIN_WORDS:
            continue
        if share >= SCRIPT_NAME_SHARE:
            found.append(VoiceMatch(label, name, round(share, 3), "script"))
            named_labels.add(label)
            used.add(name)
    return found


def _display_name(name: str) -> str:
    """A dialogue list's capitals as a name is written: ``DR. WATSON`` -> "Dr. Watson"."""
    return name.title() if name.isupper() else name


def check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
        raise InvalidRequest(f"A speaker's name is 1 to {MAX_NAME} characters.", field="name")
    if any(ch in name for ch in "<>\n\r\t"):
        raise InvalidRequest("A speaker's name has no '<', '>' or line breaks.", field="name")
    if LABEL.fullmatch(name.strip()):
        raise InvalidRequest(
            f"{name.strip()!r} looks like a speaker label (S1, S2, ...); give a name.",
            field="name",
        )
    return name.strip()


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norms = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norms if norms else 0.0


def match_voices(
    speakers: Sequence[VoiceProfile], cast: Sequence[Character], threshold: float
) -> list[VoiceMatch]:
    """Each episode speaker whose voice is at least ``threshold`` close to a character's
    print takes that name; best scores first, one speaker per character."""
    candidates = sorted(
        (
            (cosine(speaker.centroid, voice_print), speaker.label, character.name)
            for speaker in speakers
            for character in cast
            if (voice_print := character.voice_print) and _comparable(voice_print, speaker.centroid)
        ),
        reverse=True,
    )
    matches, labels, names = [], set(), set()
    for score, label, name in candidates:
        if score >= threshold and label not in labels and name not in names:
            matches.append(VoiceMatch(label, name, round(score, 4)))
            labels.add(label)
            names.add(name)
    return matches


def _comparable(voice_print: Sequence[float] | None, centroid: Sequence[float]) -> bool:
    """Both exist and come from the same encoder (a print made by another encoder, after
    LOCSVC_SPEAKER_MODEL changed, has another length and matches nothing)."""
    return bool(voice_print) and any(centroid) and len(voice_print or ()) == len(centroid)


def updated_print(character: Character, centroid: Sequence[float]) -> tuple[tuple[float, ...], int]:
    """The character's print with one more episode's voice in it: a running mean of the
    episodes' centroids, renormalised (started afresh when the encoder changed)."""
    if not _comparable(character.voice_print, centroid) or not character.voice_print:
        return tuple(round(x, 5) for x in centroid), 1
    count = character.print_episodes
    mixed = [(old * count + new) / (count + 1) for old, new in
             zip(character.voice_print, centroid, strict=True)]  # fmt: skip
    norm = math.sqrt(sum(x * x for x in mixed)) or 1.0
    return tuple(round(x / norm, 5) for x in mixed), count + 1


@dataclass(frozen=True)
class VoiceChoice:
    engine: str
    voice: str


def auto_voices(
    speakers: Sequence[tuple[str, float | None]],
    higher: Sequence[VoiceChoice],
    lower: Sequence[VoiceChoice],
    taken: Sequence[VoiceChoice] = (),
) -> dict[str, VoiceChoice]:
    """A distinct voice per speaker (label, pitch): speakers whose voices are in the higher
    register (``HIGHER_REGISTER_HZ``, the usual divide between adult men's and women's
    speaking voices) take the higher voices in turn, the others the lower ones, skipping
    voices already cast; when the voices run out they are reused in the same order. (The
    divide is absolute, not the middle of the episode's pitches: two women in a scene
    keep two women's voices.) A lone
    speaker with nobody to be told from takes the first lower voice, the language's best
    (Piper for English): pitch alone misjudges one voice (JFK's raised oratory measures
    240 Hz, a "higher" voice)."""
    if len(speakers) == 1 and not taken and (lower or higher):
        return {speakers[0][0]: (lower or higher)[0]}
    chosen: dict[str, VoiceChoice] = {}
    used = set(taken)
    for label, pitch in speakers:
        pool = higher if pitch and pitch >= HIGHER_REGISTER_HZ else lower
        free = [v for v in pool if v not in used] or [v for v in (*pool, *higher, *lower)
                                                       if v not in used] or list(pool)  # fmt: skip
        chosen[label] = free[0]
        used.add(free[0])
    return chosen
