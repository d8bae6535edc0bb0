"""Speakers in subtitle files, shared by the writers and readers: display names for the
episode's labels, a cue's speaker runs, and the rule that turns what a file says of each
line into a cue's ``speakers``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import groupby

from ...domain.cues import Cue
from ...domain.errors import InvalidRequest

# A display name; a longer one in a file is refused (the files are untrusted).
MAX_SPEAKER_NAME = 200


def display_name(label: str, names: Mapping[str, str] | None) -> str:
    """The name written for ``label``: its display name, else the label itself, on one line
    with spaces collapsed (every format writes it inside a line)."""
    name = " ".join(((names or {}).get(label) or label).split())
    if len(name) > MAX_SPEAKER_NAME:
        # Refused here, so that what we write our own readers read back.
        raise InvalidRequest(
            f"The speaker name {name[:40]!r}... is longer than {MAX_SPEAKER_NAME} characters.",
            speaker=label,
        )
    return name


def speaker_runs(cue: Cue) -> list[tuple[str, range]]:
    """Consecutive lines of one speaker, as (speaker, line indexes); [] without speakers."""
    runs = []
    for speaker, group in groupby(range(len(cue.speakers)), key=cue.speakers.__getitem__):
        indexes = list(group)
        runs.append((speaker, range(indexes[0], indexes[-1] + 1)))
    return runs


def line_speakers(found: Sequence[str | None]) -> tuple[str, ...]:
    """A cue's ``speakers`` from the speaker a file gives each line (None: none given): a
    line without one is the previous line's; unknown for the whole cue when the first
    line has none, since a cue names the speaker of every line or of none."""
    speakers: list[str] = []
    for speaker in found:
        if speaker:
            speakers.append(speaker)
        elif speakers:
            speakers.append(speakers[-1])
        else:
            return ()
    return tuple(speakers)
