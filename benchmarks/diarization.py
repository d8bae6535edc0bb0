"""Diarization figures: speaker confusion and speakers found on real recordings with
reference turns, its cost against the ASR's, and what speaker-aware segmentation does to
the source track's hard QC errors.

Recordings: the three-voice dialogue assembled from tests/data (tests/speech_dialogue.py),
the pyannote telephone call (two women) and three AMI-style meeting excerpts. Each is
transcribed once with the packaged Whisper base model; the diarizer then runs on the ASR's
words, without hints and with the exact speaker count.

    python benchmarks/diarization.py                # each recording alone
    python benchmarks/diarization.py --long 24      # ... and a 24-minute episode of them

The long episode joins the recordings over and over (1 s apart) into one file with its
reference turns: the cost of diarization against ASR on an episode's length, and the
source track's hard QC errors with and without speakers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber  # noqa: E402
from locsvc.adapters.diarizer import EmbeddingDiarizer  # noqa: E402
from locsvc.adapters.media_ffmpeg import FfmpegMediaTool  # noqa: E402
from locsvc.domain.diarization import SpeakerHints, SpeakerTurn, speaker_confusion  # noqa: E402
from locsvc.domain.profiles import profile_for  # noqa: E402
from locsvc.domain.qc import SpokenWord, check  # noqa: E402
from locsvc.domain.segmentation import segment_words  # noqa: E402
from tests.speech_dialogue import build_dialogue  # noqa: E402

DATA = ROOT / "tests" / "data" / "conversation"
FPS = 24000 / 1001


def rttm_turns(path: Path, recording: str) -> list[SpeakerTurn]:
    turns = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) > 7 and parts[1] == recording:
            start = float(parts[3])
            turns.append(SpeakerTurn(round(start * 1000), round((start + float(parts[4])) * 1000),
                                     parts[7]))  # fmt: skip
    return turns


def recordings(work: Path) -> list[tuple[str, Path, list[SpeakerTurn]]]:
    dialogue = work / "dialogue.wav"
    reference = [SpeakerTurn(t.start_ms, t.end_ms, t.speaker) for t in build_dialogue(dialogue)]
    found = [("dialogue of 3 distinct voices (tests/data)", dialogue, reference)]
    found.append(("telephone call, 2 women (pyannote sample)", DATA / "sample.wav",
                  rttm_turns(DATA / "sample.rttm", "sample")))  # fmt: skip
    for name in ("dev00", "dev01", "tst00"):
        found.append((f"meeting {name}", DATA / "ami" / f"{name}.wav",
                      rttm_turns(DATA / "ami" / "reference.rttm", name)))  # fmt: skip
    return found


def spoken_of(words, labels) -> list[SpokenWord]:
    return [SpokenWord(w.start_ms, w.end_ms, s) for w, s in zip(words, labels, strict=True)]


def long_episode(work: Path, minutes: float) -> tuple[Path, list[SpeakerTurn]]:
    """The recordings joined in turn until ``minutes`` long, 1 s apart."""
    media = FfmpegMediaTool()
    parts = []
    for name, path, reference in recordings(work):
        audio = work / f"{path.stem}.part.wav"
        media.extract_audio(path, audio, 0)
        with wave.open(str(audio), "rb") as clip:
            parts.append((clip.readframes(clip.getnframes()), reference, name))
    pause = b"\0\0" * 16000
    target, turns, clock, index = work / "long.wav", [], 0, 0
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        while clock < minutes * 60_000:
            frames, reference, name = parts[index % len(parts)]
            out.writeframes(frames + pause)
            # Speaker ids are people, not recordings: AMI's MEE009 speaks in dev00 and dev01.
            turns += [SpeakerTurn(t.start_ms + clock, t.end_ms + clock, t.speaker)
                      for t in reference]  # fmt: skip
            clock += len(frames) // 32 + 1000
            index += 1
    return target, turns


def measure_long(minutes: float) -> None:
    asr = FasterWhisperTranscriber("base", ROOT / "var" / "models", threads=2, beam_size=5)
    profile = profile_for("en")
    with tempfile.TemporaryDirectory() as temp:
        audio, reference = long_episode(Path(temp), minutes)
        started = time.perf_counter()
        transcript = asr.transcribe(audio, "en")
        asr_s = time.perf_counter() - started
        started = time.perf_counter()
        diarization = EmbeddingDiarizer().diarize(audio, transcript.words)
        diarize_s = time.perf_counter() - started
    before = segment_words(transcript.words, profile, FPS)
    after = segment_words(diarization.label(transcript.words), profile, FPS)
    spoken = spoken_of(transcript.words, diarization.word_speakers)
    # Both checked against who spoke: speaker_change counts the speaker-blind events that
    # join two speakers' words as one speaker's text.
    qc_before = check(before, profile, FPS, spoken=spoken)
    qc_after = check(after, profile, FPS, spoken=spoken)
    audio_s = transcript.duration_ms / 1000
    print(
        f"\nlong episode: {audio_s / 60:.1f} min, {len(transcript.words)} words, "
        f"{len({t.speaker for t in reference})} reference speakers"
    )
    print(
        f"  ASR {asr_s:.1f} s, diarization {diarize_s:.1f} s "
        f"({diarize_s * 3600 / audio_s:.0f} s per hour of audio; "
        f"{diarize_s / (asr_s + diarize_s):.1%} of ASR + diarization)"
    )
    print(
        f"  speakers found {len(diarization.speakers)}, confusion "
        f"{speaker_confusion(reference, list(diarization.turns)):.3f}"
    )
    for name, report, cues in (("without speakers", qc_before, before),
                               ("with speakers", qc_after, after)):  # fmt: skip
        rules = {}
        for issue in report.issues:
            if issue.severity == "error":
                rules[issue.rule.value] = rules.get(issue.rule.value, 0) + 1
        dual = sum(1 for c in cues if len(c.speaker_set) == 2)
        print(
            f"  source track {name}: {len(cues)} events, {report.errors} hard QC errors "
            f"{rules}, {dual} dual-speaker events, "
            f"{sum(1 for i in report.issues if i.rule.value == 'speaker_change')} speaker_change"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", type=float, default=0, help="also a LONG-minute episode")
    args = parser.parse_args()
    measure_each()
    if args.long:
        measure_long(args.long)


def measure_each() -> None:
    asr = FasterWhisperTranscriber("base", ROOT / "var" / "models", threads=2, beam_size=5)
    diarizer = EmbeddingDiarizer()
    media = FfmpegMediaTool()
    profile = profile_for("en")
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        rows = []
        totals = {"asr": 0.0, "diarize": 0.0, "audio": 0.0}
        for name, path, reference in recordings(work):
            audio = work / f"{path.stem}.16k.wav"
            audio_ms = media.extract_audio(path, audio, 0)
            started = time.perf_counter()
            transcript = asr.transcribe(audio, "en")
            asr_s = time.perf_counter() - started
            speakers = len({t.speaker for t in reference})
            results = {}
            for hints in (SpeakerHints(), SpeakerHints(speakers=speakers)):
                started = time.perf_counter()
                diarization = diarizer.diarize(audio, transcript.words, hints)
                elapsed = time.perf_counter() - started
                results[bool(hints.speakers)] = (diarization, elapsed)
            free, free_s = results[False]
            totals["asr"] += asr_s
            totals["diarize"] += free_s
            totals["audio"] += audio_ms / 1000
            before = segment_words(transcript.words, profile, FPS)
            after = segment_words(free.label(transcript.words), profile, FPS)
            spoken = spoken_of(transcript.words, free.word_speakers)
            qc_after = check(after, profile, FPS, spoken=spoken).errors
            rows.append((
                name, speakers, len(free.speakers), speaker_confusion(reference, list(free.turns)),
                len(results[True][0].speakers),
                speaker_confusion(reference, list(results[True][0].turns)),
                check(before, profile, FPS).errors, qc_after,
                sum(1 for c in after if len(c.speaker_set) == 2), len(after),
            ))  # fmt: skip
    print(f"{'recording':44} ref found confusion | hinted: found confusion | "
          "hard QC before after | dual/cues")  # fmt: skip
    for name, ref, found, conf, hinted_found, hinted_conf, qc_before, qc_after, dual, cues in rows:
        print(f"{name:44} {ref:3} {found:5} {conf:9.3f} | {hinted_found:14} {hinted_conf:9.3f} | "
              f"{qc_before:14} {qc_after:5} | {dual}/{cues}")  # fmt: skip
    hour = 3600 / totals["audio"]
    print(
        f"\naudio {totals['audio']:.1f} s; ASR {totals['asr']:.1f} s, diarization "
        f"{totals['diarize']:.1f} s ({totals['diarize'] * hour:.0f} s per hour of audio, "
        f"{totals['diarize'] / (totals['asr'] + totals['diarize']):.1%} of ASR + diarization)"
    )


if __name__ == "__main__":
    main()
