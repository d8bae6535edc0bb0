"""Translate a track: sentences out, glossary terms protected, text placed back on the
source timing and re-segmented for the target language's profile."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..adapters.formats import get_format, read_subtitles
from ..adapters.glossary_files import read_glossary_file
from ..domain.cues import Cue
from ..domain.dialogue import is_dual
from ..domain.errors import InvalidRequest, StageFailed
from ..domain.glossary import Glossary, TermIssue
from ..domain.line_translation import LineRequest, SourceLine, line_budgets, term_rules
from ..domain.profiles import TimedTextProfile, profile_for
from ..domain.qc import QcReport, check
from ..domain.requests import parse_frame_rate
from ..domain.segmentation import segment_words
from ..domain.sentences import Sentence, join_sentences, place_on_source, speaker_fragments
from ..domain.term_protection import Protected, protect, restore
from ..domain.term_qc import track_term_issues
from ..domain.transcript import Word
from ..ports import LineTranslator, Translator, Translators


@dataclass(frozen=True)
class Translation:
    cues: list[Cue]
    engine: dict
    sentences: int
    glossary_issues: list[tuple[int, TermIssue]] = field(default_factory=list)


@dataclass(frozen=True)
class ShowNotes:
    """What a translator is told about the show (its translation settings)."""

    synopsis: str | None = None
    tone: str | None = None


def translate_cues(
    cues: Sequence[Cue],
    translator: Translator,
    profile: TimedTextProfile,
    frame_rate: float,
    glossary: Glossary | None = None,
    on_progress: Callable[[float], None] | None = None,
    notes: ShowNotes | None = None,
    speaker_names: Mapping[str, str] | None = None,
) -> Translation:
    """The cues translated sentence by sentence and re-segmented for ``profile``. An engine
    that translates in context (an LLM) gets each sentence's speaker (by name where one
    was given), length budget and glossary rules, and the show's ``notes``."""
    sentences = join_sentences(speaker_fragments(cues))
    protected = [
        protect(s.text, glossary) if glossary else Protected(s.text, {}) for s in sentences
    ]
    engine = translator.describe()
    if isinstance(translator, LineTranslator):
        lines = _source_lines(sentences, protected, profile, glossary, speaker_names or {})
        notes = notes or ShowNotes()
        request = LineRequest(lines, notes.synopsis, notes.tone)
        result = translator.translate_lines(request, on_progress)
        outputs = [line.text for line in result.lines]
        engine = {**translator.describe(), **result.run}
    else:
        outputs = _in_batches(translator, [p.text for p in protected], on_progress)
    words: list[Word] = []
    for sentence, shielded, output in zip(sentences, protected, outputs, strict=True):
        words += place_on_source(restore(output, shielded).text, sentence, profile.language)
    source_end = max((c.end_ms for c in cues), default=None)
    dual = [(c.start_ms, c.end_ms) for c in cues if is_dual(c)]  # stay dual in the target
    target = segment_words(words, profile, frame_rate, end_limit_ms=source_end, dual_spans=dual)
    issues = track_term_issues(cues, target, glossary) if glossary else []
    return Translation(target, engine, len(sentences), issues)


def _source_lines(
    sentences: Sequence[Sentence],
    protected: Sequence[Protected],
    profile: TimedTextProfile,
    glossary: Glossary | None,
    speaker_names: Mapping[str, str],
) -> tuple[SourceLine, ...]:
    budgets = line_budgets(sentences, profile)
    return tuple(
        SourceLine(number, shielded.text,
                   speaker_names.get(sentence.speaker or "", sentence.speaker),
                   budget, term_rules(sentence.text, glossary))
        for number, (sentence, shielded, budget)
        in enumerate(zip(sentences, protected, budgets, strict=True), start=1)
    )  # fmt: skip


def _in_batches(
    translator: Translator, texts: list[str], on_progress: Callable[[float], None] | None
) -> list[str]:
    outputs: list[str] = []
    for start in range(0, len(texts), translator.batch_size):
        batch = texts[start : start + translator.batch_size]
        answers = translator.translate_batch(batch)
        if len(answers) != len(batch):  # one answer per sentence, or none can be placed
            raise StageFailed(
                f"The {translator.name} engine answered {len(answers)} sentences for {len(batch)}.",
                engine=translator.name,
            )
        outputs += answers
        if on_progress:
            on_progress(len(outputs) / max(len(texts), 1))
    return outputs


@dataclass(frozen=True)
class TranslatedFile:
    translation: Translation
    body: str
    report: QcReport


def translate_file(
    translators: Translators,
    data: bytes,
    filename: str,
    source_language: str,
    target_language: str,
    out_format: str,
    frame_rate: str,
    glossary_file: tuple[bytes, str] | None = None,
    engine: str | None = None,
) -> TranslatedFile:
    """`locsvc translate`: a subtitle file in, a translated, re-fitted, checked one out."""
    subtitle_format = get_format(out_format)  # an unknown output format fails before any work
    translator = translators.get(source_language, target_language, engine)
    rate = parse_frame_rate(frame_rate)
    source_cues = read_subtitles(data, filename=filename).cues
    if not join_sentences(source_cues):  # an empty track out would be no file at all
        raise InvalidRequest(f"{filename} has no text to translate: every cue is empty.")
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
