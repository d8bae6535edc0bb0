"""Rollout orchestration (issue 6): N real speech clips as episodes x M languages on two
worker processes, against the same work measured alone in this run.

    python benchmarks/rollout_overhead.py [--model base] [--languages es,fr,it,pt-BR]

Alone: each clip transcribed (faster-whisper, 1 thread) and each track translated
(translate_cues, warm engines) one after another in this process; the ideal rollout
wall time is that sum over the two workers. Rollout: the episodes uploaded, one
POST-equivalent create_rollout, two `locsvc worker` processes (1 ASR thread each, so
two workers share the two cores without oversubscribing them), until every cell is
done. Also counted: ASR runs (transcribe attempts, exactly N when nothing is redone)
and each worker's peak resident memory (VmHWM of its processes).

Embedded queue and SQLite unless LOCSVC_BROKER_URL / LOCSVC_DATABASE_URL are set.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
CLIPS = sorted((ROOT / "tests" / "data" / "librivox").glob("*.wav"))
WORKERS = 2  # --workers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base")
    parser.add_argument("--languages", default="es,fr,it,pt-BR")
    parser.add_argument(
        "--joined", type=int, default=0,
        help="N episodes of all five clips joined (24.7 s each, in rotated order) "
        "instead of the five 3-7 s clips",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=WORKERS, help="worker processes")
    args = parser.parse_args()
    globals()["WORKERS"] = args.workers
    languages = args.languages.split(",")
    data_dir = Path(tempfile.mkdtemp(prefix="locsvc-bench-rollout-"))
    if args.joined:
        CLIPS[:] = [join_rotated(data_dir, n) for n in range(args.joined)]
    os.environ.update(LOCSVC_DATA_DIR=str(data_dir), LOCSVC_ASR_MODEL=args.model,
                      LOCSVC_ASR_THREADS="1")  # fmt: skip
    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app

    ctx = create_app().extensions["locsvc"]
    upgrade(ctx.settings.effective_database_url)
    alone_source, alone_mt = measure_alone(ctx, languages)
    workers = start_workers(ctx)
    try:
        run_rollout(ctx, languages, "warm-up", workers)  # each worker loads its models, untimed
        wall, asr_runs, peaks, stage_sum = run_rollout(ctx, languages, "season", workers)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(60)
    alone = alone_source + alone_mt
    ideal = alone / WORKERS
    queue = "embedded" if ctx.settings.uses_embedded_queue else "redis"
    print(
        f"{len(CLIPS)} episodes x {len(languages)} languages = {len(CLIPS) * len(languages)} "
        f"cells; model {args.model}; {WORKERS} workers, 1 ASR thread each; queue {queue}"
    )
    print(
        f"work alone: source (probe, audio, ASR) {alone_source:.2f} s + MT {alone_mt:.2f} s "
        f"= {alone:.2f} s; ideal on {WORKERS} workers {ideal:.2f} s"
    )
    print(
        f"rollout wall time {wall:.2f} s: {(wall / ideal - 1) * 100:+.1f}% over ideal; "
        f"sum of the pipeline's own stage times {stage_sum:.2f} s "
        f"({(stage_sum / alone - 1) * 100:+.1f}% over alone)"
    )
    print(f"ASR runs: {asr_runs} (episodes: {len(CLIPS)}); worker logs in {data_dir}/logs")
    for name, peak_mb in peaks.items():
        print(f"peak memory {name}: {peak_mb:.0f} MB")  # fmt: skip


def join_rotated(directory: Path, rotation: int) -> Path:
    """All five clips as one episode, starting from a different clip each time."""
    from pipeline_overhead import join_clips

    clips = sorted((ROOT / "tests" / "data" / "librivox").glob("*.wav"))
    order = clips[rotation % len(clips) :] + clips[: rotation % len(clips)]
    return join_clips(directory / f"episode-{rotation + 1}.wav", order)


def measure_alone(ctx, languages: list[str]) -> tuple[float, float]:
    from locsvc.domain.profiles import profile_for
    from locsvc.domain.segmentation import segment_words
    from locsvc.services.translate import translate_cues

    audio_dir = Path(tempfile.mkdtemp())
    ctx.transcriber.transcribe(CLIPS[0], "en")  # load the model
    asr_seconds, tracks = 0.0, []
    for clip in CLIPS:
        audio = audio_dir / f"{clip.stem}.wav"
        started = time.perf_counter()  # probe, 16 kHz audio, ASR: the source work
        ctx.media.extract_audio(clip, audio, ctx.media.probe(clip).duration_ms)
        transcript = ctx.transcriber.transcribe(audio, "en")
        asr_seconds += time.perf_counter() - started
        tracks.append(segment_words(transcript.words, profile_for("en"), 25.0))
    translators = {lang: ctx.translators.get("en", lang) for lang in languages}
    for translator in translators.values():
        translator.translate_batch(["Warm up."])
    started = time.perf_counter()
    for cues in tracks:
        for lang, translator in translators.items():
            translate_cues(cues, translator, profile_for(lang), 25.0)
    return asr_seconds, time.perf_counter() - started


def start_workers(ctx) -> list[subprocess.Popen]:
    from pipeline_overhead import wait_for_worker

    logs = ctx.settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "locsvc.cli", "worker", "--loglevel", "INFO"],
            stdout=open(logs / f"worker-{n + 1}.log", "wb"),  # noqa: SIM115 - the child's
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        for n in range(WORKERS)
    ]  # fmt: skip
    wait_for_worker(ctx)
    time.sleep(2)  # both workers up (the first answer only proves one)
    return workers


def run_rollout(
    ctx, languages: list[str], show: str, workers: list[subprocess.Popen]
) -> tuple[float, int, dict[str, float], float]:
    """Upload the clips as a show's episodes and roll them out; (wall s, ASR runs,
    peak MB per worker, sum of the transcribe, extract and translate stage times)."""
    from locsvc.adapters.db.repositories import EpisodeRepository
    from locsvc.services.episodes import LOCAL_PRINCIPAL, NewEpisode, submit_file
    from locsvc.services.rollouts import NewRollout, create_rollout, rollout_view

    started = time.perf_counter()
    episode_ids = [
        submit_file(ctx, clip, NewEpisode(clip.stem, show, clip.name, "en")) for clip in CLIPS
    ]
    request = NewRollout.from_json({"episodes": episode_ids, "languages": languages}, None)
    rollout_id, _ = create_rollout(ctx, request, LOCAL_PRINCIPAL)
    while (view := rollout_view(ctx, rollout_id))["state"] == "running":
        time.sleep(0.5)
    wall = time.perf_counter() - started
    if view["state"] != "done":
        raise SystemExit(f"rollout ended {view['state']}: {json.dumps(view['totals'])}")
    peaks = {f"worker {n + 1}": peak_rss_mb(w.pid) for n, w in enumerate(workers)}
    with ctx.db.session() as session:
        repo = EpisodeRepository(session)
        stages = [s for e in episode_ids for s in repo.get(e).stages]
        asr_runs = sum(s.attempts for s in stages if s.name == "transcribe")
        stage_sum = sum(
            (s.finished_at - s.started_at).total_seconds()
            for s in stages
            if s.name in ("probe", "extract_audio", "transcribe") or s.name.startswith("translate:")
        )
    return wall, asr_runs, peaks, stage_sum


def peak_rss_mb(pid: int) -> float:
    """The largest peak resident set (VmHWM) among a worker's processes: its main
    process and its pool child, where the models live."""
    group = [pid] + [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == pid
    ]
    peaks = []
    for member in group:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        peaks += [int(line.split()[1]) / 1024 for line in status.splitlines()
                  if line.startswith("VmHWM:")]  # fmt: skip
    return max(peaks, default=0.0)


def _ppid(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


if __name__ == "__main__":
    main()
