"""The interfaces services depend on; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from ..domain.media import MediaInfo
from ..domain.pipeline import StageName
from ..domain.transcript import Transcript


class Transcriber(Protocol):
    name: str
    model_spec: str

    @property
    def model_dir(self) -> Path: ...

    def transcribe(
        self,
        audio_path: Path,
        language: str | None = None,
        on_progress: Callable[[float], None] | None = None,
    ) -> Transcript: ...


class MediaTool(Protocol):
    def probe(self, path: Path) -> MediaInfo: ...

    def extract_audio(self, source: Path, target: Path, expected_duration_ms: int) -> int: ...

    def detect_shot_changes(self, source: Path) -> list[int]: ...


class PipelineDispatcher(Protocol):
    """Puts an episode's stages on the queue: source stages as one chain, in order
    (ending with the fan-out of its pending translations), translations side by side."""

    def __call__(
        self, episode_id: str, stages: Sequence[StageName], priority: int | None = None
    ) -> None: ...


class Translator(Protocol):
    """A machine-translation engine for one language pair."""

    name: str
    batch_size: int  # sentences per translate_batch call that suit the engine

    def translate_batch(self, sentences: Sequence[str]) -> list[str]: ...

    def describe(self) -> dict: ...


class Translators(Protocol):
    """Engines by language pair, each loaded once per process."""

    def get(self, source: str, target: str, engine: str | None = None) -> Translator: ...

    def engine_for(self, source: str, target: str, engine: str | None = None) -> str:
        """The engine's name; UnsupportedLanguagePair when none has the pair. Loads nothing."""
        ...

    def reachable(self, target: str) -> bool:
        """Whether some engine translates into ``target``."""
        ...
