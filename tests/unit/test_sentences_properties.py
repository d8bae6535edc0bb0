"""Properties of translating sentences, not cues: joining cues into sentences, placing
a translation back on the source timing, and the whole of translate_cues with an
engine that returns anything at all (empty, longer, shorter, placeholders lost,
duplicated or re-cased)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locsvc.domain.cues import Cue
from locsvc.domain.errors import StageFailed
from locsvc.domain.frames import Frames
from locsvc.domain.profiles import profile_for
from locsvc.domain.sentences import join_sentences, place_on_source, plain_text
from locsvc.domain.term_protection import protect, restore
from locsvc.services.translate import translate_cues

from .domain_strategies import (
    GLOSSARY,
    PLACEHOLDER,
    cue_lists,
    engine_outputs,
    frame_rates,
    non_space,
    on_frame,
    profiles,
    sentence_text,
    term_text,
)


class ScriptedEngine:
    """An MT engine whose every answer the test draws."""

    name = "scripted"

    def __init__(self, data: st.DataObject, batch_size: int) -> None:
        self.data, self.batch_size = data, batch_size
        self.answers: list[str] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        answers = [self.data.draw(engine_outputs(s)) for s in sentences]
        self.answers += answers
        return answers

    def describe(self) -> dict:
        return {"engine": self.name}


@given(cue_lists())
def test_every_cue_with_text_is_in_one_sentence_in_order(cues):
    sentences = join_sentences(cues)
    assert [c for s in sentences for c in s.cues] == [c for c in cues if plain_text(c)]
    assert all(s.cues and s.text for s in sentences)
    assert non_space("".join(s.text for s in sentences)) == non_space(
        "".join(plain_text(c) for c in cues)
    )


@given(cue_lists(), sentence_text, profiles)
def test_a_translation_is_placed_whole_on_its_sentences_cues(cues, translation, profile):
    for sentence in join_sentences(cues):
        words = place_on_source(translation, sentence, profile.language)
        assert non_space("".join(w.text for w in words)) == non_space(translation)
        spans = [(c.start_ms, c.end_ms) for c in sentence.cues]
        assert all(any(a <= w.start_ms <= w.end_ms <= b for a, b in spans) for w in words)


@given(st.data(), cue_lists(), frame_rates, profiles, st.booleans(), st.integers(1, 4))
def test_translated_cues_keep_to_the_source_timing_and_every_word(
    data, cues, rate, profile, with_glossary, batch_size
):
    if with_glossary:
        cues = [c.__class__(c.start_ms, c.end_ms, (data.draw(term_text),)) for c in cues]
    engine = ScriptedEngine(data, batch_size)
    translation = translate_cues(cues, engine, profile, rate, GLOSSARY if with_glossary else None)
    target = translation.cues
    assert translation.sentences == len(engine.answers)
    for before, after in zip(target, target[1:], strict=False):
        assert after.start_ms >= before.end_ms
    frames = Frames(rate)
    spoken = [c for c in cues if plain_text(c)]
    for cue in target:
        assert on_frame(cue.start_ms, rate) and on_frame(cue.end_ms, rate)
        assert cue.start_ms >= frames.ms(frames.floor(min(c.start_ms for c in spoken)))
        if cue.end_ms > frames.ms(frames.ceil(max(c.end_ms for c in cues))):  # track's end
            # only where the source gave too little time (a zero-length cue, or events
            # squeezed by those before): one frame, the least a cue lasts; QC reports it
            assert frames.between(cue.start_ms, cue.end_ms) == 1
    if not with_glossary:
        assert non_space("".join(c.text for c in target)) == non_space("".join(engine.answers))
    else:  # protected terms come back, or the track's glossary check reports them
        assert not PLACEHOLDER.search(" ".join(c.text for c in target))
        sentences = join_sentences(cues)
        for sentence, answer in zip(sentences, engine.answers, strict=True):
            if restore(answer, protect(sentence.text, GLOSSARY)).lost:
                assert translation.glossary_issues, (sentence.text, answer)


class MiscountingEngine(ScriptedEngine):
    """An engine that answers a batch with one sentence too few or too many."""

    def __init__(self, extra: int) -> None:
        self.batch_size, self.extra = 8, extra

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return ["una frase."] * (len(sentences) + self.extra)


@pytest.mark.parametrize("extra", [-1, 1])
def test_an_engine_that_miscounts_its_answers_fails_the_stage_with_a_message(extra):
    cues = [Cue(0, 1000, ("One.",)), Cue(2000, 3000, ("Two.",))]
    with pytest.raises(StageFailed, match="answered (1|3) sentences for 2"):
        translate_cues(cues, MiscountingEngine(extra), profile_for("es"), 25.0)
