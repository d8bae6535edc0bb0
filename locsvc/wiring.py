"""The composition root: builds a process's ``Context`` (typed on the ports in
``locsvc.ports``) from its Settings. The one module that knows the concrete adapters;
services never import it. Nothing here runs at import."""

from __future__ import annotations

from collections.abc import Callable

from .adapters.asr_faster_whisper import FasterWhisperTranscriber
from .adapters.asr_openai_whisper import OpenAIWhisperTranscriber
from .adapters.asr_transformers import TransformersTranscriber
from .adapters.db.engine import Database
from .adapters.diarizer import EmbeddingDiarizer
from .adapters.dub_audio import FfmpegDubMixer
from .adapters.media_ffmpeg import FfmpegMediaTool
from .adapters.mt_registry import LlmServer, MtChoices, TranslatorPool
from .adapters.storage_fs import FsStorage
from .adapters.tts import SynthesizerPool
from .config import Settings, require_asr_engine
from .ports import Context, PipelineDispatcher, Storage, Transcriber

# LOCSVC_ASR_ENGINE -> the adapter (each imports its engine on first use only).
TRANSCRIBERS: dict[str, Callable[..., Transcriber]] = {
    "faster-whisper": FasterWhisperTranscriber,
    "openai-whisper": OpenAIWhisperTranscriber,
    "transformers": TransformersTranscriber,
}


def build_context(settings: Settings, dispatch: PipelineDispatcher) -> Context:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Context(
        settings=settings,
        db=Database(settings.effective_database_url),
        storage=storage_for(settings),
        media=FfmpegMediaTool(),
        transcriber=transcriber_for(settings),
        diarizer=EmbeddingDiarizer(settings.speaker_model),
        translators=translators_for(settings),
        synthesizers=SynthesizerPool(settings.data_dir / "tts-cache"),
        mixer=FfmpegDubMixer(),
        dispatch=dispatch,
    )


def storage_for(settings: Settings) -> Storage:
    """Local files by default; an object store for hosts that share no filesystem."""
    if not settings.storage_url:
        return FsStorage(settings.media_dir)
    from .adapters.storage_s3 import S3Storage  # boto3: the s3 extra

    return S3Storage(settings.storage_url, settings.storage_cache_dir,
                     settings.storage_cache_mb * 1024 * 1024)  # fmt: skip


def transcriber_for(settings: Settings) -> Transcriber:
    require_asr_engine(settings.asr_engine)  # settings from overrides skip from_env's check
    engine = TRANSCRIBERS[settings.asr_engine]
    return engine(settings.asr_model, settings.model_cache_dir,
                  threads=settings.asr_threads, beam_size=settings.asr_beam_size)  # fmt: skip


def translators_for(settings: Settings) -> TranslatorPool:
    llm = None
    if settings.llm_url:
        llm = LlmServer(settings.llm_url, settings.llm_model, settings.llm_api_key,
                        settings.llm_timeout_seconds, settings.data_dir / "llm-cache")  # fmt: skip
    return TranslatorPool(MtChoices(settings.mt_engine_table, settings.mt_transformers_table, llm))
