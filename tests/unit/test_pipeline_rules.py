from datetime import UTC, datetime, timedelta

from locsvc.domain.pipeline import (
    SOURCE_PIPELINE,
    EpisodeStatus,
    SourceText,
    Stage,
    StageState,
    StageStatus,
    asr_chunks,
    chain_of,
    episode_stages,
    episode_status,
    first_unfinished,
    may_claim,
    prerequisites,
    source_chain,
    stages_to_dispatch,
    translation_language,
    translation_stage,
)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
STALE = timedelta(seconds=60)


def states(*statuses: StageStatus, heartbeat=NOW) -> list[StageState]:
    """One status per source stage: probe, extract, shots, transcribe, diarize, segment, write."""
    return [
        StageState(name, status, heartbeat)
        for name, status in zip(SOURCE_PIPELINE, statuses, strict=True)
    ]


D, P, R, F = StageStatus.DONE, StageStatus.PENDING, StageStatus.RUNNING, StageStatus.FAILED


def test_episode_status_follows_stages():
    assert episode_status(states(D, P, P, P, P, P, P)) == EpisodeStatus.QUEUED
    assert episode_status(states(D, R, P, P, P, P, P)) == EpisodeStatus.PROCESSING
    assert episode_status(states(D, D, P, P, P, P, P)) == EpisodeStatus.PROCESSING
    assert episode_status(states(D, D, D, F, P, P, P)) == EpisodeStatus.FAILED
    assert episode_status(states(D, D, D, D, D, D, D)) == EpisodeStatus.READY


def test_stage_waits_for_earlier_stages():
    assert may_claim(states(D, P, P, P, P, P, P), Stage.EXTRACT_AUDIO, NOW, STALE)
    assert not may_claim(states(D, P, P, P, P, P, P), Stage.TRANSCRIBE, NOW, STALE)
    assert not may_claim(states(D, R, P, P, P, P, P), Stage.TRANSCRIBE, NOW, STALE)


def test_fresh_claim_is_respected_and_stale_claim_taken_over():
    fresh = states(D, D, D, R, P, P, P, heartbeat=NOW - timedelta(seconds=10))
    stale = states(D, D, D, R, P, P, P, heartbeat=NOW - timedelta(seconds=61))
    assert not may_claim(fresh, Stage.TRANSCRIBE, NOW, STALE)
    assert may_claim(stale, Stage.TRANSCRIBE, NOW, STALE)


def test_done_and_failed_stages_are_not_claimed_again():
    assert not may_claim(states(D, D, D, D, P, P, P), Stage.TRANSCRIBE, NOW, STALE)
    assert not may_claim(states(D, D, D, F, P, P, P), Stage.TRANSCRIBE, NOW, STALE)


def test_first_unfinished():
    assert first_unfinished(states(D, D, D, R, P, P, P)) == Stage.TRANSCRIBE
    assert first_unfinished(states(D, D, D, D, D, D, D)) is None


def with_translations(source: list[StageState], *statuses: StageStatus) -> list[StageState]:
    languages = ("es", "pt-BR", "fr")
    return source + [
        StageState(translation_stage(lang), status, NOW)
        for lang, status in zip(languages, statuses, strict=False)
    ]


def test_translation_stage_names_round_trip():
    assert translation_stage("pt-BR") == "translate:pt-BR"
    assert translation_language("translate:pt-BR") == "pt-BR"
    assert translation_language(Stage.TRANSCRIBE) is None


def test_translation_waits_for_the_whole_source_track():
    waiting = with_translations(states(D, D, D, D, D, D, R), P)
    assert not may_claim(waiting, "translate:es", NOW, STALE)
    assert may_claim(with_translations(states(D, D, D, D, D, D, D), P), "translate:es", NOW, STALE)


def test_translations_do_not_wait_for_each_other():
    running = with_translations(states(D, D, D, D, D, D, D), R, P)
    assert may_claim(running, "translate:pt-BR", NOW, STALE)
    assert not may_claim(running, "translate:es", NOW, STALE)  # held, fresh


def test_episode_is_ready_only_when_its_translations_are():
    assert episode_status(with_translations(states(*[D] * 7), D, R)) == EpisodeStatus.PROCESSING
    assert episode_status(with_translations(states(*[D] * 7), D, D)) == EpisodeStatus.READY
    assert episode_status(with_translations(states(*[D] * 7), D, F)) == EpisodeStatus.FAILED


def test_dispatch_from_a_source_stage_carries_on_the_chain():
    chain = list(SOURCE_PIPELINE)
    assert stages_to_dispatch(Stage.SEGMENT, chain) == [Stage.SEGMENT, Stage.WRITE_TRACK]
    assert stages_to_dispatch("translate:es", chain) == ["translate:es"]


def chain_states(chain, *statuses: StageStatus) -> list[StageState]:
    return [StageState(name, status, NOW) for name, status in zip(chain, statuses, strict=True)]


def test_an_episode_from_subtitles_runs_no_recognition():
    assert source_chain(SourceText.SUBTITLES) == (
        Stage.PROBE, Stage.EXTRACT_AUDIO, Stage.DETECT_SHOTS, Stage.IMPORT_SUBTITLES,
        Stage.WRITE_TRACK,
    )  # fmt: skip
    chain = source_chain(SourceText.SUBTITLES)
    assert stages_to_dispatch(Stage.EXTRACT_AUDIO, chain) == list(chain[1:])
    ready = chain_states(chain, D, D, D, P, P)
    assert may_claim(ready, Stage.IMPORT_SUBTITLES, NOW, STALE)
    assert not may_claim(ready, Stage.WRITE_TRACK, NOW, STALE)
    done = chain_states(chain, D, D, D, D, D) + [StageState("translate:es", P, NOW)]
    assert may_claim(done, "translate:es", NOW, STALE)
    assert episode_status(chain_states(chain, D, D, D, D, D)) == EpisodeStatus.READY


def test_an_episode_from_a_script_aligns_it_after_recognition():
    chain = source_chain(SourceText.SCRIPT)
    assert chain.index(Stage.TRANSCRIBE) + 1 == chain.index(Stage.ALIGN_SCRIPT)
    assert chain.index(Stage.ALIGN_SCRIPT) < chain.index(Stage.DIARIZE)
    transcribed = chain_states(chain, D, D, D, D, P, P, P, P)
    assert may_claim(transcribed, Stage.ALIGN_SCRIPT, NOW, STALE)
    assert not may_claim(transcribed, Stage.DIARIZE, NOW, STALE)
    assert source_chain(None) == SOURCE_PIPELINE


LONG = episode_stages(SOURCE_PIPELINE, 3, ["es"])  # a long recording, three chunks
CHUNKS = ["asr_chunk:1", "asr_chunk:2", "asr_chunk:3"]


def test_a_long_recording_is_recognised_in_chunks_of_about_the_configured_length():
    minute = 60_000
    assert asr_chunks(9 * minute, 5 * minute) == 0  # under two chunks: one task
    assert asr_chunks(10 * minute, 5 * minute) == 2
    assert asr_chunks(24 * minute, 5 * minute) == 5
    assert asr_chunks(60 * minute, 0) == 0  # chunking off
    assert LONG[3:7] == [*CHUNKS, Stage.TRANSCRIBE]
    assert episode_stages(source_chain(SourceText.SUBTITLES), 3, []) == list(
        source_chain(SourceText.SUBTITLES)
    )  # nothing to recognise


def test_chunks_run_side_by_side_and_transcribe_stitches_them_all():
    assert prerequisites("asr_chunk:2", LONG) == [
        Stage.PROBE, Stage.EXTRACT_AUDIO, Stage.DETECT_SHOTS,
    ]  # fmt: skip
    assert prerequisites(Stage.TRANSCRIBE, LONG)[-3:] == CHUNKS
    assert set(CHUNKS) <= set(prerequisites(Stage.SEGMENT, LONG))
    assert set(CHUNKS) <= set(prerequisites("translate:es", LONG))
    assert prerequisites(Stage.DETECT_SHOTS, LONG) == [Stage.PROBE, Stage.EXTRACT_AUDIO]
    running = chain_states(LONG, D, D, D, R, P, P, P, P, P, P, P)
    assert may_claim(running, "asr_chunk:2", NOW, STALE)  # beside chunk 1
    assert not may_claim(running, Stage.TRANSCRIBE, NOW, STALE)
    stitched = chain_states(LONG, D, D, D, D, D, D, P, P, P, P, P)
    assert may_claim(stitched, Stage.TRANSCRIBE, NOW, STALE)


def test_dispatch_stops_at_the_chunks_and_goes_on_after_them():
    assert stages_to_dispatch(Stage.EXTRACT_AUDIO, LONG) == [
        Stage.EXTRACT_AUDIO, Stage.DETECT_SHOTS,
    ]  # fmt: skip
    assert stages_to_dispatch("asr_chunk:2", LONG) == ["asr_chunk:2"]
    assert stages_to_dispatch(Stage.TRANSCRIBE, LONG) == [
        Stage.TRANSCRIBE, Stage.DIARIZE, Stage.SEGMENT, Stage.WRITE_TRACK,
    ]  # fmt: skip
    assert chain_of(LONG) == list(SOURCE_PIPELINE)
