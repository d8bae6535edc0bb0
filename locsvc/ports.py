"""The interfaces (ports) services depend on and adapters implement, and the ``Context``
typed on them that every use case receives. Imports only the domain and the settings:
services and adapters both import this module downward; ``wiring`` alone knows which
concrete classes fill it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, Protocol, runtime_checkable

from .domain.cast import VoiceChoice
from .domain.diarization import Diarization, SpeakerHints
from .domain.line_translation import LineRequest, LineResult
from .domain.media import MediaInfo
from .domain.pipeline import StageName
from .domain.transcript import Transcript, Word

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .config import Settings


class SessionFactory(Protocol):
    """The database: ``session()`` opens a transaction that commits on leaving (rolls back
    on an error) and yields a SQLAlchemy Session for the repositories."""

    def session(self) -> AbstractContextManager[Session]: ...

    def dispose(self, close: bool = True) -> None:
        """Drop pooled connections (``close=False`` in a forked child: leave the parent's)."""
        ...


class StoredBlob(Protocol):
    @property
    def sha256(self) -> str: ...

    @property
    def size(self) -> int: ...


class UploadWriter(Protocol):
    """A write-only temp file that hashes what passes through it (an upload's body)."""

    @property
    def path(self) -> Path: ...

    @property
    def sha256(self) -> str: ...

    size: int

    def write(self, data: bytes) -> int: ...

    def close(self) -> None: ...


class Storage(Protocol):
    """Content-addressed blobs (by sha256) and the temp space to make them in."""

    def path(self, sha256: str) -> Path: ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def read_bytes(self, sha256: str) -> bytes: ...

    def put_bytes(self, data: bytes) -> StoredBlob: ...

    def temp_path(self, suffix: str = "") -> Path: ...

    def temp_dir(self) -> Path: ...

    def adopt(self, temp_path: Path) -> StoredBlob:
        """Hash a finished temp file and move it into place."""
        ...

    def writer(self, max_bytes: int | None = None) -> UploadWriter: ...

    def commit_writer(self, writer: UploadWriter) -> StoredBlob: ...

    def discard(self, path: Path) -> None: ...


@runtime_checkable
class RangedReads(Protocol):
    """Storage that serves a byte range of a blob without fetching all of it (an object
    store): the review page's player seeks in a long episode from the first byte."""

    def size(self, sha256: str) -> int: ...

    def open_range(self, sha256: str, start: int, end: int | None = None) -> Iterator[bytes]: ...


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


@runtime_checkable
class TextAligner(Protocol):
    """A transcriber that can also align a given text to a stretch of audio (Whisper's
    cross-attention): the script's words the recogniser dropped, found in the audio."""

    def align_text(
        self, audio_path: Path, start_ms: int, end_ms: int, text: str, language: str | None
    ) -> list[Word]: ...


class Diarizer(Protocol):
    """Who speaks when: every recognised word labelled with a speaker."""

    name: str

    def diarize(
        self, audio_path: Path, words: Sequence[Word], hints: SpeakerHints | None = None
    ) -> Diarization: ...

    def describe(self) -> dict: ...


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


@runtime_checkable
class LineTranslator(Translator, Protocol):
    """An engine that translates a whole track's lines in context (a large language
    model): speakers, length budgets, glossary rules and the show go with the lines, and
    each translated line says where it came from."""

    def translate_lines(
        self, request: LineRequest, on_progress: Callable[[float], None] | None = None
    ) -> LineResult: ...


class Translators(Protocol):
    """Engines by language pair, each loaded once per process."""

    def get(self, source: str, target: str, engine: str | None = None) -> Translator: ...

    def engine_for(self, source: str, target: str, engine: str | None = None) -> str:
        """The engine's name; UnsupportedLanguagePair when none has the pair. Loads nothing."""
        ...

    def reachable(self, target: str) -> bool:
        """Whether some engine translates into ``target``."""
        ...


class Synthesizer(Protocol):
    """One text-to-speech voice."""

    name: str
    voice: str

    def synthesize(self, text: str, target: Path) -> None:
        """Write ``text`` spoken as a WAV file at ``target``."""
        ...

    def describe(self) -> dict: ...


class SpokenLine(NamedTuple):
    wav: Path
    duration_ms: int
    synthesized_now: bool  # False when it came from the cache


class Synthesizers(Protocol):
    """Voices by language, and their lines cached by (engine, voice, text)."""

    def voice_for(self, language: str) -> Synthesizer: ...

    def voice(self, language: str, engine: str, voice: str) -> Synthesizer:
        """A cast voice speaking ``language`` (one instance per process); InvalidRequest
        when the engine has no such voice for it."""
        ...

    def register_voices(self, language: str) -> tuple[list[VoiceChoice], list[VoiceChoice]]:
        """(higher voices, lower voices) to cast speakers in ``language``, best first."""
        ...

    def check_voice(self, language: str | None, engine: object, voice: object) -> None:
        """Refuse (InvalidRequest, field "engine" or "voice", listing what there is) a
        voice that cannot speak ``language`` (None: any language)."""
        ...

    def speak(self, synthesizer: Synthesizer, text: str) -> SpokenLine: ...


class DubMixer(Protocol):
    """The dub's audio: each line time-stretched (pitch kept) and placed on a stem of the
    episode's length, mixed over a bed, encoded, added to the video as an audio track."""

    def stretched(self, wav: Path, speed: float) -> Any:
        """The line at ``speed``, as samples for ``write_stem`` (opaque here)."""
        ...

    def write_stem(self, target: Path, placed: Sequence[tuple[int, Any]], duration_ms: int) -> None:
        """A WAV exactly ``duration_ms`` long with each (start_ms, samples) line placed."""
        ...

    def mix(
        self,
        bed: Path,
        dub_stem: Path,
        spans_ms: Sequence[tuple[int, int]],
        duration_ms: int,
        target: Path,
        duck: bool = True,
    ) -> None: ...

    def to_aac(self, wav: Path, target: Path) -> None: ...

    def add_audio_track(self, media: Path, dub: Path, language: str, target: Path) -> None: ...


@dataclass
class Context:
    """What a use case works with; built once per process by ``wiring.build_context``."""

    settings: Settings
    db: SessionFactory
    storage: Storage
    media: MediaTool
    transcriber: Transcriber
    diarizer: Diarizer
    translators: Translators
    synthesizers: Synthesizers
    mixer: DubMixer
    dispatch: PipelineDispatcher
