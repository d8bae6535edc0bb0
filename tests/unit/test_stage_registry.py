"""The stage registry: every stage an episode can have runs on its queue."""

from __future__ import annotations

import pytest

from locsvc.domain.pipeline import (
    ALL_QUEUES,
    QUEUE_ASR,
    QUEUE_MT,
    QUEUE_TTS,
    SourceText,
    Stage,
    dub_stage,
    source_chain,
    translation_stage,
)
from locsvc.services.stages import DUB, SOURCE_STAGES, TRANSLATION, queue_of, stage_for


def test_every_source_stage_is_registered_on_the_asr_queue():
    assert set(SOURCE_STAGES) == set(Stage)
    chains = [source_chain(kind) for kind in (None, *SourceText)]
    assert all(stage_for(name).name == name for chain in chains for name in chain)
    assert {queue_of(name) for chain in chains for name in chain} == {QUEUE_ASR}


@pytest.mark.parametrize("language", ["es", "pt-BR", "zh-Hant"])
def test_a_language_s_translation_and_dub_run_on_their_own_queues(language):
    assert stage_for(translation_stage(language)) is TRANSLATION
    assert stage_for(dub_stage(language)) is DUB
    assert queue_of(translation_stage(language)) == QUEUE_MT
    assert queue_of(dub_stage(language)) == QUEUE_TTS


def test_every_queue_has_a_stage_and_no_stage_another_queue():
    declared = {stage.queue for stage in [*SOURCE_STAGES.values(), TRANSLATION, DUB]}
    assert declared == set(ALL_QUEUES)


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError):
        stage_for("lipsync")
