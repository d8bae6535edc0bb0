"""What speech recognition hands to the rest of the pipeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Word:
    """One recognised word. ``text`` keeps the recogniser's leading space, if any,
    so that joining words restores spacing for spaced and unspaced scripts alike."""

    start_ms: int
    end_ms: int
    text: str
    probability: float = 1.0
    speaker: str | None = None  # the diarization's label ("S1"), once it has run


@dataclass(frozen=True)
class Transcript:
    language: str
    language_probability: float
    duration_ms: int
    words: tuple[Word, ...]
    model: str
    parameters: dict = field(default_factory=dict)
    model_sha256: str = ""  # the weights file's hash, for provenance

    @property
    def text(self) -> str:
        return "".join(w.text for w in self.words).strip()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Transcript:
        words = tuple(Word(**w) for w in data["words"])
        return cls(**{**data, "words": words})
