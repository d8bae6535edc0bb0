"""One long episode, many workers (issue 18), in one run:

The same long recording (the real speech clips in tests/data that have a reference
transcript, joined: a reading, a two-speaker telephone call, a speech, short commands;
the whole repeated to about 10 minutes) goes through the source pipeline with real
`locsvc worker` processes on the embedded default:
  a. unsplit, one worker with 2 ASR threads (what a 2-core host does today);
  b. unsplit, one worker with 1 thread;
  c. in chunks (LOCSVC_ASR_CHUNK_SECONDS=120), one worker with 1 thread;
  d. in chunks, two workers with 1 thread each (two hosts' worth of workers on 2 cores).
Printed per run: wall time from upload to the source track, the transcribe stage's
time, chunks and the worker that ran each; WER of the transcript against the reference
transcripts and against run a's (the unsplit one), and the source track's QC.

    python benchmarks/chunked_asr.py [--minutes 10] [--chunk-seconds 120]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jiwer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from locsvc.adapters.db.migrate import upgrade  # noqa: E402
from locsvc.adapters.db.repositories import EpisodeRepository  # noqa: E402
from locsvc.adapters.wav_audio import duration_ms  # noqa: E402
from locsvc.app import create_app  # noqa: E402
from locsvc.domain.transcript import Transcript  # noqa: E402

DATA = ROOT / "tests" / "data"
ADMIN = "bench-admin-token"
STM = DATA / "conversation" / "sample.stm"
# (recording, its reference text)
CLIPS = [
    *((clip, clip.with_suffix(".txt").read_text())
      for clip in sorted((DATA / "librivox").glob("*.wav"))),
    (DATA / "conversation" / "sample.wav",
     " ".join(line.split(maxsplit=5)[5] for line in STM.read_text().splitlines())),
    (DATA / "jfk" / "jfk.mp3", (DATA / "jfk" / "jfk.reference.txt").read_text()),
    (DATA / "short" / "forever_input_2_16k.wav", "feels like these days go on forever"),
    (DATA / "goforward.wav", "go forward ten meters"),
]  # fmt: skip


def normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def long_recording(work: Path, minutes: float) -> tuple[Path, str]:
    """The clips joined (16 kHz mono), the whole repeated (whole times) to about
    ``minutes``; and its reference text."""
    once = work / "once.wav"
    inputs = [arg for clip, _ in CLIPS for arg in ("-i", str(clip))]
    streams = "".join(f"[{n}:a]aresample=16000,aformat=channel_layouts=mono[a{n}];"
                      for n in range(len(CLIPS)))  # fmt: skip
    joined = "".join(f"[a{n}]" for n in range(len(CLIPS)))
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex",
                    f"{streams}{joined}concat=n={len(CLIPS)}:v=0:a=1", str(once)],
                   check=True)  # fmt: skip
    times = max(1, round(minutes * 60 / (duration_ms(once) / 1000)))
    out = work / "episode.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-stream_loop", str(times - 1),
                    "-i", str(once), "-c:a", "pcm_s16le", str(out)], check=True)  # fmt: skip
    return out, " ".join([" ".join(text for _, text in CLIPS)] * times)


def run(work: Path, audio: Path, label: str, workers: int, threads: int, chunk_s: float):
    data_dir = work / label
    settings = {"data_dir": str(data_dir), "admin_token": ADMIN, "asr_model": "base",
                "asr_threads": threads, "asr_chunk_seconds": chunk_s,
                "stage_stale_seconds": 60}  # fmt: skip
    app = create_app(settings)
    ctx = app.extensions["locsvc"]
    upgrade(ctx.settings.effective_database_url)
    client = app.test_client()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOCSVC_")}
    env.update({f"LOCSVC_{k.upper()}": str(v) for k, v in settings.items()})
    processes = [
        subprocess.Popen([sys.executable, "-m", "locsvc.cli", "worker", "--queues", "asr",
                          "--hostname", f"bench-{n}@{label}"], env=env,
                         stdout=open(data_dir.parent / f"{label}-worker-{n}.log", "wb"),  # noqa: SIM115
                         stderr=subprocess.STDOUT, start_new_session=True)
        for n in range(workers)
    ]  # fmt: skip
    try:
        auth = {"Authorization": f"Bearer {ADMIN}"}
        while client.get("/api/v1/health", headers=auth).json["workers"] < workers:
            time.sleep(0.2)  # every worker up before the clock starts
        started = time.perf_counter()
        reply = client.post("/api/v1/episodes", headers={"Authorization": f"Bearer {ADMIN}"},
                            data={"file": (io.BytesIO(audio.read_bytes()), audio.name),
                                  "show": "bench", "source_language": "en"})  # fmt: skip
        assert reply.status_code == 202, reply.json
        episode_id = reply.json["id"]
        while True:
            view = client.get(f"/api/v1/episodes/{episode_id}",
                              headers={"Authorization": f"Bearer {ADMIN}"}).json  # fmt: skip
            if view["status"] in ("ready", "failed"):
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
        assert view["status"] == "ready", view
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    with ctx.db.session() as session:
        stages = {s.name: s for s in EpisodeRepository(session).get(episode_id).stages}
        transcript_sha = stages["transcribe"].artifact_sha256
        seconds = {name: (s.finished_at - s.started_at).total_seconds()
                   for name, s in stages.items() if s.started_at and s.finished_at}  # fmt: skip
        by_worker = {name: s.claimed_by for name, s in stages.items()
                     if name.startswith("asr_chunk:")}  # fmt: skip
    transcript = Transcript.from_dict(json.loads(ctx.storage.read_bytes(transcript_sha)))
    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc",
                    headers={"Authorization": f"Bearer {ADMIN}"}).json["summary"]  # fmt: skip
    chunk_time = sum(v for k, v in seconds.items() if k.startswith("asr_chunk:"))
    print(f"   {label}: {workers} worker(s) x {threads} thread(s), chunks of {chunk_s:g} s: "
          f"wall {wall:.1f} s; transcribe {seconds.get('transcribe', 0):.1f} s"
          + (f", {len(by_worker)} chunks ({chunk_time:.1f} s of chunk work, by "
             f"{sorted(set(by_worker.values()))})" if by_worker else "")
          + f"; QC {qc['errors']} errors, {qc['warnings']} warnings {qc['by_rule']}")  # fmt: skip
    return transcript, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--chunk-seconds", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        audio, reference = long_recording(work, args.minutes)
        print(f"One long episode: {duration_ms(audio) / 60000:.1f} min of real speech "
              f"({len(CLIPS)} clips joined and repeated), Whisper base on faster-whisper, "
              f"embedded default")  # fmt: skip
        plan = [("a", 1, 2, 0.0), ("b", 1, 1, 0.0), ("c", 1, 1, args.chunk_seconds),
                ("d", 2, 1, args.chunk_seconds)]  # fmt: skip
        results = {label: run(work, audio, label, *rest) for label, *rest in plan}
        base_text = normalised(results["a"][0].text)
        for label, (transcript, wall) in results.items():
            text = normalised(transcript.text)
            truth = jiwer.wer(normalised(reference), text)
            print(f"   {label}: WER against the reference {truth:.3f}, against the unsplit "
                  f"transcript (a) {jiwer.wer(base_text, text):.3f}; "
                  f"wall {wall / results['a'][1]:.2f}x run a's")  # fmt: skip


if __name__ == "__main__":
    main()
