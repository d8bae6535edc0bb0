"""Translate a track: sentences out, glossary terms protected, text placed back on the
source timing and re-segmented for the target language's profile."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..adapters.formats import get_format, read_subtitles
from ..adapters.glossary_files import read_glossary_file
from ..domain.cues import Cue, overlap_finder
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
from ..domain.translation_memory import Band, Leverage, Match, Query, queries_in_order
from ..ports import LineTranslator, Translator, Translators


@dataclass(frozen=True)
class Translation:
    cues: list[Cue]
    engine: dict
    sentences: int
    glossary_issues: list[tuple[int, TermIssue]] = field(default_factory=list)
    # Where each target cue's text came from: "tm:101", "tm:100", an engine's name, or
    # several joined by "+" when a cue holds words of sentences that came from different ones.
    origins: list[str] = field(default_factory=list)
    memory: dict | None = None  # leverage and units used (when a memory was asked)


Recall = Callable[[Sequence[Query]], list[list[Match]]]


@dataclass(frozen=True)
class MemoryUse:
    """A translation memory for this run: ``recall`` looks sentences up; matches of
    ``auto_apply`` (101: in-context only; 100: exact too; none) and up replace the engine."""

    recall: Recall
    auto_apply: str = "100"
    describe: dict = field(default_factory=dict)

    @property
    def lowest_applied(self) -> int:
        return {"101": 101, "100": 100}.get(self.auto_apply, 102)


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
    memory: MemoryUse | None = None,
) -> Translation:
    """The cues translated sentence by sentence and re-segmented for ``profile``. A
    ``memory``'s exact matches are taken as they are; the rest go to the engine. An engine
    that translates in context (an LLM) gets each sentence's speaker (by name where one
    was given), length budget and glossary rules, and the show's ``notes``."""
    sentences = join_sentences(speaker_fragments(cues))
    matches = (
        memory.recall(queries_in_order([s.text for s in sentences]))
        if memory
        else [[] for _ in sentences]
    )
    reused = [
        found[0] if memory and found and found[0].score >= memory.lowest_applied else None
        for found in matches
    ]
    protected = [
        protect(s.text, glossary) if glossary and unit is None else Protected(s.text, {})
        for s, unit in zip(sentences, reused, strict=True)
    ]
    to_engine = [index for index, unit in enumerate(reused) if unit is None]
    engine = translator.describe()
    outputs: list[str] = [unit.unit.target if unit else "" for unit in reused]
    origins = [f"tm:{unit.score}" if unit else translator.name for unit in reused]
    if to_engine and isinstance(translator, LineTranslator):
        lines = _source_lines([sentences[i] for i in to_engine], [protected[i] for i in to_engine],
                              profile, glossary, speaker_names or {})  # fmt: skip
        notes = notes or ShowNotes()
        request = LineRequest(lines, notes.synopsis, notes.tone)
        result = translator.translate_lines(request, on_progress)
        for index, line in zip(to_engine, result.lines, strict=True):
            outputs[index], origins[index] = line.text, line.origin
        engine = {**translator.describe(), **result.run}
    elif to_engine:
        answers = _in_batches(translator, [protected[i].text for i in to_engine], on_progress)
        for index, answer in zip(to_engine, answers, strict=True):
            outputs[index] = answer
    words: list[Word] = []
    for sentence, shielded, output in zip(sentences, protected, outputs, strict=True):
        words += place_on_source(restore(output, shielded).text, sentence, profile.language)
    source_end = max((c.end_ms for c in cues), default=None)
    dual = [(c.start_ms, c.end_ms) for c in cues if is_dual(c)]  # stay dual in the target
    target = segment_words(words, profile, frame_rate, end_limit_ms=source_end, dual_spans=dual)
    issues = track_term_issues(cues, target, glossary) if glossary else []
    used = _memory_record(memory, sentences, matches, reused) if memory else None
    return Translation(target, engine, len(sentences), issues,
                       cue_origins(target, sentences, origins), used)  # fmt: skip


def _memory_record(
    memory: MemoryUse,
    sentences: Sequence[Sentence],
    matches: Sequence[Sequence[Match]],
    reused: Sequence[Match | None],
) -> dict:
    """What the revision records of the memory: leverage by band and the units taken (the
    review page and XLIFF look fuzzy matches up again, against the memory as it is then)."""
    leverage = Leverage()
    for sentence, found in zip(sentences, matches, strict=True):
        leverage.add(found[0].band if found else Band.NONE, sentence.text)
    return {
        **memory.describe,
        "auto_apply": memory.auto_apply,
        "leverage": leverage.to_dict(),
        "units_used": [
            {
                "unit_id": u.unit.id,
                "score": u.score,
                "origin": u.unit.origin,
                "revision": u.unit.revision,
                "start_ms": s.start_ms,
            }
            for s, u in zip(sentences, reused, strict=True)
            if u
        ],  # fmt: skip
    }


def cue_origins(
    target: Sequence[Cue], sentences: Sequence[Sentence], origins: Sequence[str]
) -> list[str]:
    """Each target cue's origin: those of the sentences whose spans it overlaps."""
    under = overlap_finder(sentences)
    names = [[origins[n - 1] for n in under(cue.start_ms, cue.end_ms)] for cue in target]
    return ["+".join(dict.fromkeys(found)) or "none" for found in names]


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
    memory: MemoryUse | None = None,
    show_glossary: Glossary | None = None,
) -> TranslatedFile:
    """`locsvc translate`: a subtitle file in, a translated, re-fitted, checked one out;
    ``memory`` (a show's, a TMX file's) consulted first, ``show_glossary`` used unless a
    glossary file is given."""
    subtitle_format = get_format(out_format)  # an unknown output format fails before any work
    translator = translators.get(source_language, target_language, engine)
    rate = parse_frame_rate(frame_rate)
    source_cues = read_subtitles(data, filename=filename).cues
    if not join_sentences(source_cues):  # an empty track out would be no file at all
        raise InvalidRequest(f"{filename} has no text to translate: every cue is empty.")
    glossary = show_glossary
    if glossary_file is not None:
        entries = read_glossary_file(
            glossary_file[0], source_language, target_language, glossary_file[1]
        )
        glossary = Glossary(entries, source_language, target_language)
    profile = profile_for(target_language)
    translation = translate_cues(source_cues, translator, profile, rate, glossary, memory=memory)
    report = check(translation.cues, profile, rate, source_cues, translation.glossary_issues)
    body = subtitle_format.render(translation.cues, target_language, rate)
    return TranslatedFile(translation, body, report)
