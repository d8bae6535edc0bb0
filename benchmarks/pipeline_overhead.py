"""Pipeline overhead against raw faster-whisper, on the LibriVox clips.

For each clip: the wall time from submitting the episode to its source track being
ready, through a real worker process and broker, against faster-whisper alone on
the same audio with the same model and parameters, in this same run. Both sides
are warmed up first (model loaded), so the figures compare steady-state work.

    python benchmarks/pipeline_overhead.py [--model base] [--repeat 1]

The embedded default is used unless LOCSVC_BROKER_URL / LOCSVC_DATABASE_URL are set.
Target (issue 2): pipeline overhead under 15% of ASR time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIPS = sorted((ROOT / "tests" / "data" / "librivox").glob("*.wav"))
WARM_UP = ROOT / "tests" / "data" / "goforward.wav"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base")
    parser.add_argument("--repeat", type=int, default=3, help="runs per clip; the best is kept")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="locsvc-bench-"))
    os.environ.update(
        LOCSVC_DATA_DIR=str(data_dir), LOCSVC_ASR_MODEL=args.model, LOCSVC_ADMIN_TOKEN="bench"
    )
    from locsvc.adapters.db.migrate import upgrade
    from locsvc.adapters.db.models import utcnow
    from locsvc.app import create_app
    from locsvc.services.episodes import NewEpisode, submit_file

    app = create_app()
    ctx = app.extensions["locsvc"]
    upgrade(ctx.settings.effective_database_url)
    transcriber = ctx.transcriber
    transcriber.transcribe(WARM_UP, "en")  # load the model: raw side warm

    worker = subprocess.Popen(
        [sys.executable, "-m", "locsvc.cli", "worker", "--loglevel", "WARNING", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for_worker(ctx)

        def pipeline_seconds(path: Path) -> float:
            started = utcnow()
            episode_id = submit_file(ctx, path, NewEpisode(path.stem, "bench", path.name, "en"))
            return (wait_ready(ctx, episode_id) - started).total_seconds()

        pipeline_seconds(WARM_UP)  # worker side warm
        rows = []
        for clip in [*CLIPS, join_clips(data_dir / "joined-0870-0930.wav")]:
            duration = ctx.media.probe(clip).duration_ms / 1000
            raw = min(
                timed(lambda c=clip: transcriber.transcribe(c, "en")) for _ in range(args.repeat)
            )
            piped = min(pipeline_seconds(clip) for _ in range(args.repeat))
            rows.append((clip.stem[-4:] if clip in CLIPS else "joined", duration, raw, piped))
    finally:
        worker.terminate()
        worker.wait(60)
    report(rows, args.model, "embedded" if ctx.settings.uses_embedded_queue else "redis")


def join_clips(target: Path, clips: list[Path] = CLIPS) -> Path:
    """The five clips as one 24.7 s recording: closer to an episode than 3-7 s clips."""
    inputs = [arg for clip in clips for arg in ("-i", str(clip))]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs,
         "-filter_complex", f"concat=n={len(clips)}:v=0:a=1", str(target)],
        check=True,
    )  # fmt: skip
    return target


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def wait_for_worker(ctx, timeout_s: float = 120) -> None:
    from locsvc.services.workers import live_worker_count

    deadline = time.monotonic() + timeout_s
    while not live_worker_count(ctx.db, ctx.settings):
        if time.monotonic() > deadline:
            raise SystemExit("the worker did not start")
        time.sleep(0.2)


def wait_ready(ctx, episode_id: str):
    """When the episode's last stage finished. Polled slowly on purpose: with two
    cores, a busy poller would slow the worker's two ASR threads it is timing."""
    from locsvc.adapters.db.repositories import EpisodeRepository

    while True:
        time.sleep(0.5)
        with ctx.db.session() as session:
            episode = EpisodeRepository(session).get(episode_id)
            if episode.status == "ready":
                return episode.stages[-1].finished_at
        if episode.status == "failed":
            raise SystemExit(f"episode {episode_id} failed: {episode.error_message}")


def report(rows, model: str, broker: str) -> None:
    print(f"model={model} broker={broker} cores={os.cpu_count()}")
    print(f"{'clip':>9} {'audio s':>8} {'asr s':>7} {'pipeline s':>11} {'overhead':>9} "
          f"{'asr RTF':>8} {'pipe RTF':>9}")  # fmt: skip
    clips, joined = rows[:-1], rows[-1]
    totals = ("5 clips", *(sum(row[i] for row in clips) for i in (1, 2, 3)))
    for name, audio, raw, piped in [*clips, totals, joined]:
        print(f"{name:>9} {audio:8.2f} {raw:7.2f} {piped:11.2f} {(piped - raw) / raw:9.1%} "
              f"{raw / audio:8.3f} {piped / audio:9.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
