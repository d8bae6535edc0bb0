"""Translate a track: sentences out, glossary terms protected, text placed back on the
source timing and re-segmented for the target language's profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..adapters.formats import get_format, read_subtitles
from ..adapters.glossary_files import read_glossary_file
from ..adapters.mt_registry import translator_for
from ..domain.cues import Cue
from ..domain.glossary import Glossary, TermIssue
from ..domain.profiles import TimedTextProfile, profile_for
from ..domain.qc import QcReport, check
from ..domain.segmentation import segment_words
from ..domain.sentences import Sentence, join_sentences, place_on_source
from ..domain.term_protection import Protected, protect, restore
from ..domain.transcript import Word
from .ports import Translator
from .qc import parse_frame_rate


@dataclass(frozen=True)
class Translation:
    cues: list[Cue]
    engine: dict
    sentences: int
    glossary_issues: list[tuple[int, TermIssue]] = field(default_factory=list)


def translate_cues(
    cues: Sequence[Cue],
    translator: Translator,
    profile: TimedTextProfile,
    frame_rate: float,
    glossary: Glossary | None = None,
) -> Translation:
    sentences = join_sentences(cues)
    protected = [
        protect(s.text, glossary) if glossary else Protected(s.text, {}) for s in sentences
    ]
    outputs = translator.translate_batch([p.text for p in protected])
    words: list[Word] = []
    checked: list[tuple[Sentence, list[TermIssue]]] = []
    for sentence, shielded, output in zip(sentences, protected, outputs, strict=True):
        restored = restore(output, shielded)
        words += place_on_source(restored.text, sentence, profile.language)
        if glossary is not None:
            checked.append((sentence, glossary.check(sentence.text, restored.text)))
    target = segment_words(words, profile, frame_rate)
    issues = [
        (_cue_at(target, sentence.start_ms), issue)
        for sentence, sentence_issues in checked
        for issue in sentence_issues
    ]
    return Translation(target, translator.describe(), len(sentences), issues)


def _cue_at(cues: Sequence[Cue], time_ms: int) -> int:
    """The number of the first target cue that ends after ``time_ms``."""
    for number, cue in enumerate(cues, start=1):
        if cue.end_ms > time_ms:
            return number
    return len(cues)


@dataclass(frozen=True)
class TranslatedFile:
    translation: Translation
    body: str
    report: QcReport


def translate_file(
    data: bytes,
    filename: str,
    source_language: str,
    target_language: str,
    out_format: str,
    frame_rate: str,
    glossary_file: tuple[bytes, str] | None = None,
    engine: str | None = None,
    configured_engines: dict[tuple[str, str], str] | None = None,
) -> TranslatedFile:
    """`locsvc translate`: a subtitle file in, a translated, re-fitted, checked one out."""
    subtitle_format = get_format(out_format)  # an unknown output format fails before any work
    translator = translator_for(source_language, target_language, engine, configured_engines)
    rate = parse_frame_rate(frame_rate)
    source_cues = read_subtitles(data, filename=filename).cues
    glossary = None
    if glossary_file is not None:
        entries = read_glossary_file(
            glossary_file[0], source_language, target_language, glossary_file[1]
        )
        glossary = Glossary(entries, source_language, target_language)
    profile = profile_for(target_language)
    translation = translate_cues(source_cues, translator, profile, rate, glossary)
    report = check(translation.cues, profile, rate, source_cues, translation.glossary_issues)
    body = subtitle_format.render(translation.cues, target_language, rate)
    return TranslatedFile(translation, body, report)
