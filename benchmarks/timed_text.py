"""Timed-text figures (issue 3): QC of generated English tracks over all real speech,
characters-per-line and reading-speed distributions, a mutation test of QC, and
segmentation speed on long synthetic word streams.

    python benchmarks/timed_text.py [--model base]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber
from locsvc.domain.cues import Cue
from locsvc.domain.profiles import profile_for
from locsvc.domain.qc import Rule, check
from locsvc.domain.segmentation import segment_words
from locsvc.domain.text import line_width, reading_characters
from locsvc.domain.transcript import Word

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
CLIPS = [
    DATA / "jfk" / "jfk.mp3",
    *sorted((DATA / "librivox").glob("*.wav")),
    DATA / "goforward.wav",
    DATA / "short" / "forever_input_2_16k.wav",
    *sorted((DATA / "short" / "cards").glob("*.wav")),
]
AUDIO_ONLY_FPS = 25.0
PROFILE = profile_for("en")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base")
    args = parser.parse_args()
    tracks = generate_tracks(args.model)
    report_qc(tracks)
    report_distributions(tracks)
    report_mutations(tracks)
    report_speed()


def generate_tracks(model: str) -> dict[str, tuple[list[Word], list[Cue]]]:
    transcriber = FasterWhisperTranscriber(model, Path(tempfile.mkdtemp(prefix="locsvc-models-")))
    tracks = {}
    for clip in CLIPS:
        words = list(transcriber.transcribe(clip, "en").words)
        tracks[clip.name] = (words, segment_words(words, PROFILE, AUDIO_ONLY_FPS))
    return tracks


def report_qc(tracks) -> None:
    print(f"== QC of generated English tracks ({len(tracks)} clips, model output, 25 fps)")
    total_cues = total_errors = 0
    for name, (words, cues) in tracks.items():
        report = check(cues, PROFILE, AUDIO_ONLY_FPS)
        total_cues += len(cues)
        total_errors += report.errors
        print(f"{name:>50}: {len(cues):3d} cues, {report.errors} errors, "
              f"{len(report.issues) - report.errors} warnings")  # fmt: skip
        for issue in report.issues:
            cue = cues[issue.cue - 1]
            speech = [w for w in words if cue.start_ms <= w.start_ms < cue.end_ms]
            spoken_ms = (speech[-1].end_ms - speech[0].start_ms) if speech else 0
            print(f"{'':>52}cue {issue.cue} {issue.severity.value} {issue.rule.value}: "
                  f"{issue.message} (limit {issue.limit}); speech in it lasts {spoken_ms} ms, "
                  f"gap to next speech {gap_after(words, cue)} ms")  # fmt: skip
    print(f"{'total':>50}: {total_cues:3d} cues, {total_errors} errors")


def gap_after(words: list[Word], cue: Cue) -> int | str:
    later = [w.start_ms for w in words if w.start_ms >= cue.end_ms]
    return later[0] - cue.end_ms if later else "end"


def report_distributions(tracks) -> None:
    widths = [line_width(line) for _, cues in tracks.values() for c in cues for line in c.lines]
    speeds = [
        reading_characters(c.lines) / ((c.end_ms - c.start_ms) / 1000)
        for _, cues in tracks.values()
        for c in cues
    ]
    for label, values, limit in (
        ("characters per line", widths, PROFILE.max_chars_per_line),
        ("reading speed (chars/s)", speeds, PROFILE.reading_speed_cps),
    ):
        quartiles = statistics.quantiles(values, n=4)
        over = sum(v > limit for v in values)
        print(f"== {label}: n={len(values)} min={min(values):.1f} "
              f"q1={quartiles[0]:.1f} median={quartiles[1]:.1f} q3={quartiles[2]:.1f} "
              f"max={max(values):.1f} limit={limit:g} over={over}")  # fmt: skip


def mutations(cues: list[Cue]) -> dict[Rule, list[Cue]]:
    """Each kind of violation injected into the second cue of a valid track."""
    first, second, *rest = cues
    start, end = second.start_ms, second.end_ms
    return {
        Rule.EMPTY: [first, replace(second, lines=()), *rest],
        Rule.ORDER: [second, first, *rest],  # swapped
        Rule.OVERLAP: [first, replace(second, start_ms=first.end_ms - 1), *rest],
        Rule.MIN_GAP: [first, replace(second, start_ms=first.end_ms + 1), *rest],
        Rule.MIN_DURATION: [first, replace(second, end_ms=start + 100), *rest],
        Rule.MAX_DURATION: [first, replace(second, end_ms=start + 7001), *rest],
        Rule.MAX_LINES: [first, replace(second, lines=("a", "b", "c")), *rest],
        Rule.CHARS_PER_LINE: [first, replace(second, lines=("x" * 43,)), *rest],
        Rule.READING_SPEED: [
            first,
            replace(second, lines=("y" * int((end - start) / 1000 * 30),)),
            *rest,
        ],
        Rule.UNBALANCED_TAGS: [first, replace(second, lines=("<i>" + second.text,)), *rest],
        Rule.INVALID_CHARACTERS: [first, replace(second, lines=("\ufffd",)), *rest],
    }


def report_mutations(tracks) -> None:
    injected = caught = 0
    missed = []
    for name, (_, cues) in tracks.items():
        if len(cues) < 2:
            continue
        for rule, mutated in mutations(cues).items():
            injected += 1
            found = {(i.cue, i.rule) for i in check(mutated, PROFILE, AUDIO_ONLY_FPS).issues}
            if (2, rule) in found:
                caught += 1
            else:
                missed.append((name, rule.value))
    print(f"== mutation test: {caught}/{injected} injected violations caught "
          f"({caught / injected:.0%}); missed: {missed or 'none'}")  # fmt: skip


def synthetic_words(minutes: int, seed: int = 7) -> list[Word]:
    """A plausible word stream: 2-12 letter words at 130-200 ms per letter pace,
    sentence ends, commas and pauses."""
    rng = random.Random(seed)
    words, clock = [], 0
    while clock < minutes * 60_000:
        length = rng.randint(2, 12)
        duration = 80 + length * rng.randint(25, 45)
        text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(length))
        mark = rng.choices(["", ",", "."], weights=[85, 8, 7])[0]
        words.append(Word(clock, clock + duration, " " + text + mark))
        clock += duration + (rng.choice([40, 80, 120, 900]) if mark else rng.randint(0, 60))
    return words


def report_speed() -> None:
    print("== segmentation speed (synthetic speech, en profile, 24000/1001 fps)")
    rows = []
    for minutes in (30, 60, 120):
        words = synthetic_words(minutes)
        started = time.perf_counter()
        cues = segment_words(words, PROFILE, 24000 / 1001)
        seconds = time.perf_counter() - started
        rows.append((minutes, len(words), len(cues), seconds))
        print(f"{minutes:4d} min: {len(words):6d} words -> {len(cues):5d} events "
              f"in {seconds:6.2f} s ({len(cues) / seconds:,.0f} events/s, "
              f"{seconds / len(words) * 1e6:.1f} µs/word)")  # fmt: skip
    base = rows[0][3] / rows[0][1]
    print("   cost per word relative to 30 min: "
          + ", ".join(f"{m} min {s / w / base:.2f}x" for m, w, _, s in rows))  # fmt: skip


if __name__ == "__main__":
    main()
