"""Diarization figures: speaker confusion and speakers found on real recordings with
reference turns, its cost against the ASR's, and what speaker-aware segmentation does to
the source track's hard QC errors.

Recordings: the three-voice dialogue assembled from tests/data (tests/speech_dialogue.py),
the pyannote telephone call (two women) and three AMI-style meeting excerpts. Each is
transcribed once with the packaged Whisper base model; the diarizer then runs on the ASR's
words, without hints and with the exact speaker count.

    python benchmarks/diarization.py
"""

from __future__ import annotations

import sys
import tempfile
import time
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


def main() -> None:
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
            spoken = [SpokenWord(w.start_ms, w.end_ms, s)
                      for w, s in zip(transcript.words, free.word_speakers, strict=True)]  # fmt: skip
            rows.append((
                name, speakers, len(free.speakers), speaker_confusion(reference, list(free.turns)),
                len(results[True][0].speakers),
                speaker_confusion(reference, list(results[True][0].turns)),
                check(before, profile, FPS).errors, check(after, profile, FPS, spoken=spoken).errors,
                sum(1 for c in after if len(c.speaker_set) == 2), len(after),
            ))  # fmt: skip
    print(f"{'recording':44} ref found confusion | hinted: found confusion | "
          "hard QC before after | dual/cues")  # fmt: skip
    for name, ref, found, conf, hinted_found, hinted_conf, qc_before, qc_after, dual, cues in rows:
        print(f"{name:44} {ref:3} {found:5} {conf:9.3f} | {hinted_found:14} {hinted_conf:9.3f} | "
              f"{qc_before:14} {qc_after:5} | {dual}/{cues}")  # fmt: skip
    hour = 3600 / totals["audio"]
    print(f"\naudio {totals['audio']:.1f} s; ASR {totals['asr']:.1f} s, diarization "
          f"{totals['diarize']:.1f} s ({totals['diarize'] * hour:.0f} s per hour of audio, "
          f"{totals['diarize'] / (totals['asr'] + totals['diarize']):.1%} of ASR + diarization)")


if __name__ == "__main__":
    main()
