"""The three ASR engines (LOCSVC_ASR_ENGINE) on the same real speech: speed and WER.

Same weights (the packaged Whisper base; openai-whisper and transformers run it converted),
same decoding (beam 5, word timestamps, temperature fallback from 0, no conditioning on
the previous text, language given), same threads. Speech: the five LibriVox clips
(24.7 s), the JFK sample (11.0 s), and both joined into one 35.7 s recording (two 30 s
windows: the long-form path). shared/data holds no longer real speech.

Each engine runs in its own process (so its peak memory is its own): the model is made
ready (assembled or converted, once, timed apart), loaded (timed apart), warmed up on a
short clip, then every recording is transcribed --repeat times and the best wall time
kept. RTF = wall time / audio duration. WER after lower-casing and stripping punctuation
(tests/helpers.py, jiwer), pooled over each group's words.

    python benchmarks/asr_engines.py [--model base] [--threads 2] [--repeat 1]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"
LIBRIVOX = sorted((DATA / "librivox").glob("*.wav"))
JFK = DATA / "jfk" / "jfk.mp3"
WARM_UP = DATA / "goforward.wav"
ENGINES = ("faster-whisper", "openai-whisper", "transformers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="runs per recording; best kept")
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)  # one child
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        print(json.dumps(measure(args.engine, args)))
        return

    work = Path(tempfile.mkdtemp(prefix="locsvc-bench-asr-"))
    joined = join(work / "joined.wav", [*LIBRIVOX, JFK])
    results = {}
    for engine in ENGINES:
        child = subprocess.run(
            [sys.executable, __file__, "--engine", engine, "--work", str(work),
             "--model", args.model, "--threads", str(args.threads), "--repeat", str(args.repeat)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        results[engine] = json.loads(child.stdout.strip().splitlines()[-1])
    report(results, args, joined)


def recordings(work: Path) -> dict[str, list[tuple[Path, str]]]:
    jfk = (JFK, (DATA / "jfk" / "jfk.reference.txt").read_text().strip())
    librivox = [(clip, clip.with_suffix(".txt").read_text().strip()) for clip in LIBRIVOX]
    joined = " ".join(text for _, text in [*librivox, jfk])
    return {"librivox x5": librivox, "jfk": [jfk], "joined": [(work / "joined.wav", joined)]}


def measure(engine: str, args: argparse.Namespace) -> dict:
    """In the child process: prepare, load, warm up, then time every recording."""
    from locsvc.adapters.asr_engines import load_audio
    from locsvc.config import Settings
    from locsvc.wiring import transcriber_for
    from tests.helpers import wer

    settings = Settings(data_dir=args.work / "var", asr_engine=engine, asr_model=args.model,
                        asr_threads=args.threads)  # fmt: skip
    transcriber = transcriber_for(settings)
    prepare_s = timed(lambda: transcriber.model_dir)  # assemble / convert: once per cache
    load_s = timed(lambda: load(transcriber))
    transcriber.transcribe(WARM_UP, "en")
    groups = {}
    for group, items in recordings(args.work).items():
        audio_s = wall_s = 0.0
        references, hypotheses = [], []
        for path, reference in items:
            best, text = float("inf"), ""
            for _ in range(args.repeat):
                started = time.perf_counter()
                text = transcriber.transcribe(path, "en").text
                best = min(best, time.perf_counter() - started)
            audio_s += len(load_audio(path)) / 16_000
            wall_s += best
            references.append(reference)
            hypotheses.append(text)
        groups[group] = {"audio_s": audio_s, "wall_s": wall_s,
                         "wer": wer(" ".join(references), " ".join(hypotheses))}  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"prepare_s": prepare_s, "load_s": load_s, "peak_mb": peak_mb, "groups": groups}


def load(transcriber) -> None:
    if transcriber.name == "faster-whisper":
        from locsvc.adapters.asr_faster_whisper import _load

        _load(str(transcriber.model_dir), transcriber.threads)
    else:
        transcriber.load()


def join(target: Path, clips: list[Path]) -> Path:
    inputs = [arg for clip in clips for arg in ("-i", str(clip))]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex",
         f"concat=n={len(clips)}:v=0:a=1", "-ar", "16000", "-ac", "1", str(target)],
        check=True,
    )  # fmt: skip
    return target


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def report(results: dict, args: argparse.Namespace, joined: Path) -> None:
    print(f"model={args.model} threads={args.threads} beam=5 repeat={args.repeat} "
          f"cores={os.cpu_count()}")  # fmt: skip
    print(f"{'engine':<15} {'speech':<12} {'audio s':>8} {'wall s':>7} {'RTF':>6} {'WER':>6}")
    for engine, result in results.items():
        for group, g in result["groups"].items():
            print(f"{engine:<15} {group:<12} {g['audio_s']:8.1f} {g['wall_s']:7.2f} "
                  f"{g['wall_s'] / g['audio_s']:6.3f} {g['wer']:6.3f}")  # fmt: skip
    print()
    print(f"{'engine':<15} {'prepare s':>9} {'load s':>7} {'peak MB':>8}   (prepare: assemble "
          "or convert, once per model cache)")  # fmt: skip
    for engine, result in results.items():
        print(f"{engine:<15} {result['prepare_s']:9.2f} {result['load_s']:7.2f} "
              f"{result['peak_mb']:8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
