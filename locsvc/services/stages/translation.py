"""A translation stage ("translate:<language>"): the source track's latest revision into
the language, a draft track that records its engine, glossary versions and source."""

from __future__ import annotations

import json

from ...adapters.db.repositories import TrackRepository
from ...domain.errors import StageFailed
from ...domain.media import frames_per_second
from ...domain.pipeline import translation_language
from ...domain.qc import check
from ...ports import Context
from ..glossaries import resolve_glossary
from ..memory import memory_for_translation
from ..shows import show_profile, translation_notes
from ..speakers import speaker_names
from ..tracks import load_cues
from ..translate import ShowNotes, translate_cues
from .base import NewRevision, Progress, StageJob, StageResult


def translate(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    language = translation_language(job.stage)
    assert language is not None  # the registry routes only translate:<language> here
    with ctx.db.session() as session:
        source = TrackRepository(session).source_of(job.episode_id)
        if source is None or not source.revisions:
            raise StageFailed("The source track is missing; run the source pipeline first.")
        source_language, source_revision = source.language, source.revisions[-1]
        profile = show_profile(session, job.show, language)
        glossary, glossaries_used = resolve_glossary(
            session, job.glossary, job.show, source_language, language
        )
        notes = ShowNotes(**translation_notes(session, job.show))
        memory = memory_for_translation(ctx, session, job.show, job.glossary, source_language,
                                        language)  # fmt: skip
    translator = ctx.translators.get(source_language, language)
    source_cues = load_cues(ctx, source_revision.cues_sha256)
    fps = frames_per_second(job.frame_rate)
    translation = translate_cues(source_cues, translator, profile, fps, glossary, progress,
                                 notes, speaker_names(ctx, job.episode_id), memory)  # fmt: skip
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in translation.cues]).encode())
    qc = check(translation.cues, profile, fps, source_cues, translation.glossary_issues).brief()
    info = {
        "language": language,
        "source_language": source_language,
        "source_revision": source_revision.number,
        "engine": translation.engine,
        "glossaries": glossaries_used,
        "sentences": translation.sentences,
        "cues": len(translation.cues),
        "glossary_issues": len(translation.glossary_issues),
        "cue_origins": translation.origins,
        "memory": translation.memory,
    }
    return StageResult(
        blob.sha256,
        {**info, "qc": qc},
        (NewRevision(language, "translation", blob.sha256, len(translation.cues), info, qc),),
    )
