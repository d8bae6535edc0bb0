"""Dubbing figures (issue 7) on real episodes: the five LibriVox clips and the JFK
recording as audio episodes, a video made from the JFK recording, and two with several
speakers (the three-voice dialogue of tests/speech_dialogue.py and the two-woman telephone
call of tests/data/conversation), each transcribed, diarized,
translated into Spanish and dubbed (espeak-ng), and re-voiced in English (Piper), through
a real worker process on the embedded default.

    python benchmarks/dubbing.py

Prints: how lines fit (as synthesized, sped up, borrowing the gap, flagged), the
speed-up distribution, whether every dub lasts exactly its episode and no two lines
overlap, the English re-voicing's WER when the project's ASR transcribes the dub stem
back against the dub script (target <= 0.15), and TTS throughput per engine (seconds of
audio per second of compute, every line synthesized afresh).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
DATA = ROOT / "tests" / "data"


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="locsvc-bench-dub-"))
    os.environ.update(LOCSVC_DATA_DIR=str(data_dir), LOCSVC_ASR_MODEL="base")
    from pipeline_overhead import wait_for_worker, wait_ready

    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app
    from locsvc.services.episodes import LOCAL_PRINCIPAL, NewEpisode, submit_file

    ctx = create_app().extensions["locsvc"]
    upgrade(ctx.settings.effective_database_url)
    from tests.speech_dialogue import build_dialogue

    dialogue = data_dir / "dialogue.wav"
    build_dialogue(dialogue)
    media = [*sorted((DATA / "librivox").glob("*.wav")), DATA / "jfk" / "jfk.mp3",
             make_video(data_dir), dialogue, DATA / "conversation" / "sample.wav"]  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "locsvc.cli", "worker", "--loglevel", "WARNING", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    results = []
    try:
        wait_for_worker(ctx)
        for path in media:
            meta = NewEpisode(path.stem, "bench", path.name, "en", targets=("es",))
            episode_id = submit_file(ctx, path, meta)
            wait_ready(ctx, episode_id)
            for language in ("es", "en"):
                results.append(dub_and_wait(ctx, episode_id, language, LOCAL_PRINCIPAL))
    finally:
        worker.terminate()
        worker.wait(60)
    report(ctx, results)
    voices(results)
    throughput(ctx, results)


def make_video(directory: Path) -> Path:
    """The JFK recording over a test picture, 24000/1001 fps H.264 + AAC."""
    target = directory / "jfk-video.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         "testsrc2=size=640x360:rate=24000/1001", "-i", str(DATA / "jfk" / "jfk.mp3"),
         "-shortest", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(target)],
        check=True,
    )  # fmt: skip
    return target


def dub_and_wait(ctx, episode_id: str, language: str, principal) -> dict:
    from locsvc.services.dubbing import dub_file, dub_report, request_dub

    request_dub(ctx, episode_id, language, principal, draft=True)
    while (record := dub_report(ctx, episode_id, language))["status"] not in ("done", "failed"):
        time.sleep(0.3)
    if record["status"] != "done":
        raise SystemExit(f"dub {episode_id} {language} failed: {record['error']}")
    script = json.loads(dub_file(ctx, episode_id, language, "json")[0].read_bytes())
    with wave.open(str(dub_file(ctx, episode_id, language, "wav")[0])) as mixed:
        length_ms = round(mixed.getnframes() * 1000 / mixed.getframerate())
    stem = dub_file(ctx, episode_id, language, "stem")[0]
    return {"episode": episode_id, "language": language, "record": record, "script": script,
            "length_ms": length_ms, "stem": stem}  # fmt: skip


def report(ctx, results: list[dict]) -> None:
    from locsvc.domain.dubbing import FitStatus

    print(f"{len(results) // 2} episodes (5 LibriVox clips, JFK audio, JFK video, a dialogue, "
          "a telephone call) x es, en")  # fmt: skip
    for language in ("es", "en"):
        mine = [r for r in results if r["language"] == language]
        lines = [line for r in mine for line in r["script"]["lines"]]
        fits = Counter(line["fit"] for line in lines)
        speeds = sorted(line["speed"] for line in lines if line["speed"] > 1.0)
        engine = mine[0]["record"]["voice"]["engine"]
        print(f"\n{language} ({engine}): {len(lines)} lines")
        for status in FitStatus:
            print(f"  {status.value:<10} {fits.get(status.value, 0):>4}  "
                  f"({fits.get(status.value, 0) / len(lines):.0%})")  # fmt: skip
        if len(speeds) >= 5:
            quartiles = statistics.quantiles(speeds, n=4)
            shown = ", ".join(f"{q:.2f}" for q in quartiles)
            print(f"  speed-up over {len(speeds)} lines: min {speeds[0]:.2f}, "
                  f"quartiles {shown}, max {speeds[-1]:.2f}")  # fmt: skip
        elif speeds:
            print(f"  speed-ups: {', '.join(f'{s:.2f}x' for s in speeds)}")
        exact = all(r["length_ms"] == r["record"]["duration_ms"] for r in mine)
        overlaps = sum(
            a["start_ms"] + a["played_ms"] > b["start_ms"]
            for r in mine for a, b in zip(r["script"]["lines"], r["script"]["lines"][1:],
                                          strict=False)
        )  # fmt: skip
        print(f"  dub length == episode length to the ms: {exact}; overlapping lines: {overlaps}")
    print("\nEnglish re-voicing, the dub stem transcribed back (Whisper base):")
    from tests.helpers import wer

    references, heard_all = [], []
    for r in (r for r in results if r["language"] == "en"):
        reference = " ".join(line["text"] for line in r["script"]["lines"])
        heard = ctx.transcriber.transcribe(r["stem"], "en").text
        references.append(reference)
        heard_all.append(heard)
        print(f"  {r['episode'][:8]}: WER {wer(reference, heard):.3f}")
        if wer(reference, heard) > 0.15:
            print(f"    script: {reference}\n    heard:  {heard}")
    words = sum(len(text.split()) for text in references)
    pooled = wer(" ".join(references), " ".join(heard_all))
    print(f"  WER over all {words} words: {pooled:.3f} (target <= 0.15)")


def voices(results: list[dict]) -> None:
    """Per episode and language: each speaker's voice, whether no two speakers share one,
    and whether the dub lasts exactly the episode."""
    print("\nVoices per speaker (episodes with more than one speaker):")
    for r in results:
        cast: dict[str, set[str]] = {}
        for line in r["script"]["lines"]:
            cast.setdefault(line["speaker"], set()).add(f"{line['engine']}:{line['voice']}")
        if len(cast) < 2:
            continue
        given = [next(iter(v)) for v in cast.values() if len(v) == 1]
        distinct = len(given) == len(cast) and len(set(given)) == len(given)
        shown = ", ".join(f"{speaker} {'/'.join(sorted(v))}" for speaker, v in cast.items())
        exact = r["length_ms"] == r["record"]["duration_ms"]
        print(
            f"  {r['episode'][:8]} {r['language']}: {len(cast)} speakers, {shown}; one distinct "
            f"voice each: {distinct}; length {r['length_ms']} ms == episode: {exact}"
        )


def throughput(ctx, results: list[dict]) -> None:
    """Each engine synthesizes every line of its dubs again, uncached."""
    from locsvc.adapters.tts import synthesizer_for, wav_duration_ms

    print("\nTTS throughput (every line synthesized afresh):")
    for language in ("en", "es"):
        synthesizer = synthesizer_for(language)
        texts = [line["text"] for r in results if r["language"] == language
                 for line in r["script"]["lines"]]  # fmt: skip
        synthesizer.synthesize("Warm up.", Path(tempfile.mktemp(suffix=".wav")))
        audio_ms, started = 0, time.perf_counter()
        for text in texts:
            target = Path(tempfile.mktemp(suffix=".wav"))
            synthesizer.synthesize(text, target)
            audio_ms += wav_duration_ms(target)
            target.unlink()
        seconds = time.perf_counter() - started
        print(
            f"  {synthesizer.name:<10} {len(texts)} lines, {audio_ms / 1000:.1f} s of audio in "
            f"{seconds:.2f} s: {audio_ms / 1000 / seconds:.1f} s of audio per second"
        )


if __name__ == "__main__":
    main()
