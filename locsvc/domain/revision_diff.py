"""What changed between two revisions of a track, cue by cue.

Cues are aligned on their text (difflib's longest matching blocks), so inserting or
deleting one cue does not make every later cue look edited. Within a replaced block
of equal length, cues pair up one to one as text edits; otherwise the block counts
as removed and added cues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .cues import Cue


@dataclass
class RevisionDiff:
    text_edits: int = 0
    timing_edits: int = 0
    added: int = 0
    removed: int = 0
    changes: list[dict] = field(default_factory=list)

    @property
    def cues_changed(self) -> int:
        return len({c["cue"] for c in self.changes if c["cue"] is not None})

    def to_dict(self, max_changes: int = 200) -> dict:
        return {
            "cues_changed": self.cues_changed,
            "text_edits": self.text_edits,
            "timing_edits": self.timing_edits,
            "added": self.added,
            "removed": self.removed,
            "changes": self.changes[:max_changes],
            "truncated": len(self.changes) > max_changes,
        }


def diff_revisions(before: Sequence[Cue], after: Sequence[Cue]) -> RevisionDiff:
    diff = RevisionDiff()
    matcher = SequenceMatcher(a=[c.text for c in before], b=[c.text for c in after], autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and a1 - a0 == b1 - b0):
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                _compare(diff, i, before[i], j, after[j])
            continue
        for i in range(a0, a1):
            diff.removed += 1
            diff.changes.append({"cue": None, "was_cue": i + 1, "kind": "removed",
                                 "before": _cue(before[i])})  # fmt: skip
        for j in range(b0, b1):
            diff.added += 1
            diff.changes.append({"cue": j + 1, "kind": "added", "after": _cue(after[j])})
    return diff


def _compare(diff: RevisionDiff, i: int, old: Cue, j: int, new: Cue) -> None:
    if old.text != new.text:
        diff.text_edits += 1
        diff.changes.append({"cue": j + 1, "kind": "text", "before": old.text, "after": new.text})
    if (old.start_ms, old.end_ms) != (new.start_ms, new.end_ms):
        diff.timing_edits += 1
        diff.changes.append({
            "cue": j + 1, "kind": "timing",
            "before": [old.start_ms / 1000, old.end_ms / 1000],
            "after": [new.start_ms / 1000, new.end_ms / 1000],
        })  # fmt: skip


def _cue(cue: Cue) -> dict:
    return {"start": cue.start_ms / 1000, "end": cue.end_ms / 1000, "text": cue.text}


def merge_revisions(
    base: Sequence[Cue], theirs: Sequence[Cue], mine: Sequence[Cue]
) -> tuple[list[Cue] | None, list[int]]:
    """A three-way merge cue by cue: each side's edits where the other left the cue as it
    was; where both changed a cue, mine (its number listed, to look at again). None when
    cues were split, merged, added or removed, or when the edits of both sides together
    make cues overlap (each side retimed one of two neighbours): then the linguist
    chooses a side."""
    if not len(base) == len(theirs) == len(mine):
        return None, []
    merged, both = [], []
    for number, (old, their, my) in enumerate(zip(base, theirs, mine, strict=True), start=1):
        if my == old:
            merged.append(their)
        else:
            merged.append(my)
            if their != old and their != my:
                both.append(number)
    if _overlaps(merged) and not (_overlaps(theirs) or _overlaps(mine)):
        return None, []
    return merged, both


def _overlaps(cues: Sequence[Cue]) -> bool:
    return any(a.end_ms > b.start_ms for a, b in zip(cues, cues[1:], strict=False))
