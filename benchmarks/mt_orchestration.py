"""Translation orchestration overhead (issue 4): the translate stage run by a real worker
process against the raw engine calls on the same sentences, in this same run.

For each engine (Apertium en->es, Bergamot en->pt-BR), an episode's source track is
replaced by the first N verses of the Gospel of John (World English Bible, Debian's
sword-text-web, read with diatheke) cut into cues on a synthetic 15 characters/s speech
timing. Then, best of --repeat:
  raw         engine.translate_batch on the track's sentences, in this process, warm:
              as they are, and with the glossary terms already replaced by placeholders
              (the very calls the stage makes; placeholders cost the engine time too);
  in-process  services.translate.translate_cues with the show glossary: join into
              sentences, protect terms, translate, restore, place on the source timing,
              re-segment, check terms;
  worker      the translate stage through the queue and a real worker (warm): the stage's
              own start -> finish as recorded in the database, and from the request
              (add_translations) to the track being there.

    apt-get install diatheke sword-text-web; python benchmarks/mt_orchestration.py [--verses 400]

Embedded queue and SQLite unless LOCSVC_BROKER_URL / LOCSVC_DATABASE_URL are set.
Target: orchestration under 10% over the raw engine calls (the stage's own calls).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from mt_glossary import GLOSSARY_FILE, verses  # noqa: E402
from pipeline_overhead import timed, wait_for_worker, wait_ready  # noqa: E402

CLIP = ROOT / "tests" / "data" / "goforward.wav"  # each bench episode's media: 2.8 s
ENGINES = (("apertium", "es"), ("bergamot", "pt-BR"))
SPEECH_CPS = 15  # synthetic speech rate for the verses' timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verses", type=int, default=400, help="about one episode's sentences")
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine; the best is kept")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="locsvc-bench-mt-"))
    os.environ.update(LOCSVC_DATA_DIR=str(data_dir), LOCSVC_ASR_MODEL="tiny.en")
    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app
    from locsvc.domain.profiles import profile_for
    from locsvc.services.episodes import LOCAL_PRINCIPAL
    from locsvc.services.glossaries import import_glossary

    ctx = create_app().extensions["locsvc"]
    upgrade(ctx.settings.effective_database_url)
    cues = verse_cues(list(verses("engWEB2015eb", "John").values())[: args.verses])
    for _, target in ENGINES:
        import_glossary(
            ctx, GLOSSARY_FILE.read_bytes(), GLOSSARY_FILE.name, "bench", "en", target,
            LOCAL_PRINCIPAL,
        )  # fmt: skip

    worker = subprocess.Popen(
        [sys.executable, "-m", "locsvc.cli", "worker", "--loglevel", "WARNING", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    rows = []
    try:
        wait_for_worker(ctx)
        for engine_name, target in ENGINES:
            translator = ctx.translators.get("en", target, engine_name)
            sentences = sentence_texts(cues)
            translator.translate_batch(sentences[:5])  # warm: model loaded
            profile = profile_for(target)
            raw = best(args.repeat, translator.translate_batch, sentences)
            protected = protected_texts(ctx, sentences, target)
            raw_protected = best(args.repeat, translator.translate_batch, protected)
            in_process = best(args.repeat, translate_in_process, ctx, cues, translator, profile)
            worker_translation(ctx, cues[:20], target)  # warm: the worker's engine loaded
            stage, request = min(worker_translation(ctx, cues, target) for _ in range(args.repeat))
            rows.append(
                (
                    engine_name,
                    target,
                    len(sentences),
                    raw,
                    raw_protected,
                    in_process,
                    stage,
                    request,
                )
            )
    finally:
        worker.terminate()
        worker.wait(60)
    report(rows, len(cues), "embedded" if ctx.settings.uses_embedded_queue else "redis")


def best(repeat: int, action, *args) -> float:
    return min(timed(lambda: action(*args)) for _ in range(repeat))


def verse_cues(texts: list[str]):
    """The verses as a source track: words timed at SPEECH_CPS, segmented as English."""
    from locsvc.domain.profiles import profile_for
    from locsvc.domain.segmentation import segment_words, words_on_span

    words, clock = [], 0
    for text in texts:
        span = int(len(text) / SPEECH_CPS * 1000)
        words += words_on_span(text, clock, clock + span, "en")
        clock += span + 600  # a breath between verses
    return segment_words(words, profile_for("en"), 25.0)


def sentence_texts(cues) -> list[str]:
    from locsvc.domain.sentences import join_sentences

    return [s.text for s in join_sentences(cues)]


def show_glossary(ctx, target: str):
    from locsvc.services.glossaries import resolve_glossary

    with ctx.db.session() as session:
        return resolve_glossary(session, None, "bench", "en", target)[0]


def protected_texts(ctx, sentences: list[str], target: str) -> list[str]:
    from locsvc.domain.term_protection import protect

    glossary = show_glossary(ctx, target)
    return [protect(text, glossary).text for text in sentences]


def translate_in_process(ctx, cues, translator, profile) -> None:
    from locsvc.services.translate import translate_cues

    translate_cues(cues, translator, profile, 25.0, show_glossary(ctx, profile.language))


def worker_translation(ctx, cues, target: str) -> tuple[float, float]:
    """(stage start -> finish, request -> finish) in seconds, for one new episode."""
    from locsvc.adapters.db.models import utcnow
    from locsvc.adapters.db.repositories import EpisodeRepository, TrackRepository
    from locsvc.services.episodes import NewEpisode, submit_file
    from locsvc.services.pipeline import add_translations

    episode_id = submit_file(ctx, CLIP, NewEpisode("bench", "bench", CLIP.name, "en"))
    wait_ready(ctx, episode_id)
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    with ctx.db.session() as session:
        tracks = TrackRepository(session)
        tracks.add_revision(tracks.get_or_create(episode_id, "en", "source"), blob.sha256,
                            len(cues), "bench")  # fmt: skip
    requested = utcnow()
    add_translations(ctx, episode_id, [target])
    finished = wait_ready(ctx, episode_id)
    with ctx.db.session() as session:
        stage = EpisodeRepository(session).stage(episode_id, f"translate:{target}")
        return (
            (stage.finished_at - stage.started_at).total_seconds(),
            (finished - requested).total_seconds(),
        )


def report(rows, cue_count: int, queue: str) -> None:
    print(f"{cue_count} source cues; queue {queue}; best of runs; 2 cores; seconds")
    print(f"{'engine':<15}{'sentences':>9}{'raw':>7}{'sent/s':>8}{'raw+ph':>8}{'in-proc':>8}"
          f"{'stage':>7}{'request':>8}{'stage vs raw+ph':>17}{'request vs raw+ph':>19}"
          f"{'placeholders':>14}")  # fmt: skip
    for engine, target, sentences, raw, raw_ph, in_process, stage, request in rows:
        print(f"{engine + ' ' + target:<15}{sentences:>9}{raw:>7.2f}{sentences / raw:>8.1f}"
              f"{raw_ph:>8.2f}{in_process:>8.2f}{stage:>7.2f}{request:>8.2f}"
              f"{(stage / raw_ph - 1) * 100:>16.1f}%{(request / raw_ph - 1) * 100:>18.1f}%"
              f"{(raw_ph / raw - 1) * 100:>13.1f}%")  # fmt: skip


if __name__ == "__main__":
    main()
