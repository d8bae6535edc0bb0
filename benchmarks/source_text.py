"""Source text from the producer (issue 17), in one run, on real speech:

1. An episode started from subtitles: the two-speaker telephone call (pyannote's sample,
   30 s) with its reference transcript as a post house's WebVTT (a voice span per
   speaker). The source chain runs in process (stage by stage, as a worker would), and
   then, for comparison, the same audio through the recognition chain. Printed: the
   stages run, whether the track's text is the file's, the cues re-timed and why, QC.
2. Episodes started from a script: the call's dialogue list (plus one line that was never
   recorded), the five LibriVox clips joined (24.7 s, the chapter's text as the script)
   and the JFK clip. Each is transcribed (faster-whisper, the default engine and model)
   and its script aligned (sequence alignment, then Whisper's own alignment for the
   stretches the recogniser dropped), as the align_script stage does. Printed per clip:
   coverage, what was reported, the WER of the timed words against the script, and the
   timing error of the aligned words
   - against the recogniser's own word times in an independent run (Whisper tiny.en:
     another model, so the error is not zero by construction), per script word both runs
     recognised exactly; median and 95th percentile of |start|;
   - for the call, against the human reference's turn boundaries (its STM): each script
     line's first word start and last word end.

    python benchmarks/source_text.py
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from locsvc.adapters.asr_faster_whisper import FasterWhisperTranscriber  # noqa: E402
from locsvc.adapters.db.migrate import upgrade  # noqa: E402
from locsvc.adapters.formats import read_subtitles  # noqa: E402
from locsvc.app import create_app  # noqa: E402
from locsvc.domain.forced_alignment import (  # noqa: E402
    ScriptAlignment,
    align_script,
    recover_unheard,
)
from locsvc.domain.script import parse_script, script_words  # noqa: E402
from locsvc.domain.transcript import Word  # noqa: E402
from locsvc.services.episodes import episode_view  # noqa: E402
from locsvc.services.pipeline import run_stage  # noqa: E402

DATA = ROOT / "tests" / "data"
CALL = DATA / "conversation" / "sample.wav"
ADMIN = "bench-admin-token"
NEVER_RECORDED = "And this line was cut from the call before it aired."


def stm_turns() -> list[tuple[str, int, int, str]]:
    turns = []
    for line in (DATA / "conversation" / "sample.stm").read_text().splitlines():
        _, _, speaker, start, end, text = line.split(maxsplit=5)
        turns.append((speaker, round(float(start) * 1000), round(float(end) * 1000), text))
    return turns


def vtt_of(turns) -> str:
    def stamp(ms: int) -> str:
        return f"00:{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    cues = [f"{stamp(s)} --> {stamp(e)}\n<v {who}>{text}" for who, s, e, text in turns]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


class Pipeline:
    """The embedded default in a temp dir; stages run here, in order, as a worker would."""

    def __init__(self, work: Path) -> None:
        self.app = create_app({"data_dir": str(work / "var"), "admin_token": ADMIN,
                               "asr_model": "base"})  # fmt: skip
        self.ctx = self.app.extensions["locsvc"]
        upgrade(self.ctx.settings.effective_database_url)
        self.ctx.dispatch = lambda *args, **kwargs: None
        self.client = self.app.test_client()
        self.admin = {"Authorization": f"Bearer {ADMIN}"}

    def run(self, media: Path, **fields: tuple[str, str]) -> tuple[str, dict[str, float]]:
        """Upload ``media`` with (body, file name) fields (a plain field: no file name)."""
        form = {name: (io.BytesIO(body.encode()), filename) if filename else body
                for name, (body, filename) in fields.items()}  # fmt: skip
        reply = self.client.post("/api/v1/episodes", headers=self.admin, data={
            "file": (io.BytesIO(media.read_bytes()), media.name), "show": "bench",
            "source_language": "en", **form,
        })  # fmt: skip
        assert reply.status_code == 202, reply.json
        episode_id = reply.json["id"]
        seconds = {}
        for stage in episode_view(self.ctx, episode_id)["stages"][1:]:
            started = time.perf_counter()
            outcome = run_stage(self.ctx, episode_id, stage["name"], "bench")
            seconds[stage["name"]] = time.perf_counter() - started
            assert outcome.value == "done", (stage, episode_view(self.ctx, episode_id))
        return episode_id, seconds

    def track(self, episode_id: str):
        body = self.client.get(f"/api/v1/episodes/{episode_id}/tracks/en?format=vtt",
                               headers=self.admin).data  # fmt: skip
        return read_subtitles(body, "vtt").cues

    def qc(self, episode_id: str) -> dict:
        return self.client.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc",
                               headers=self.admin).json["summary"]  # fmt: skip


def from_subtitles(pipeline: Pipeline) -> None:
    print("1. An episode from subtitles: the two-speaker call, its reference as WebVTT")
    turns = stm_turns()
    vtt = vtt_of(turns)
    episode_id, seconds = pipeline.run(CALL, source_subtitles=(vtt, "call.en.vtt"))
    view = episode_view(pipeline.ctx, episode_id)
    print(f"   stages: {', '.join(s['name'] for s in view['stages'])}")
    print(f"   transcribe ran: {'transcribe' in seconds}; source chain "
          f"{sum(seconds.values()):.2f} s")  # fmt: skip
    cues = pipeline.track(episode_id)
    file_words = " ".join(c.text for c in read_subtitles(vtt.encode(), "vtt").cues).split()
    track_words = " ".join(c.text for c in cues).split()
    print(f"   cues in file {len(turns)}, in track {len(cues)}; track text identical to the "
          f"file's: {track_words == file_words}")  # fmt: skip
    moves = view["source_text"]["retimed"]
    reasons: dict[str, int] = {}
    for move in moves:
        reasons[move["reason"]] = reasons.get(move["reason"], 0) + 1
    shifts = [move["after_ms"][1] - move["before_ms"][1] for move in moves]
    print(
        f"   re-timed: {len(moves)} out-times ({reasons}), by "
        f"{min(shifts, default=0)}..{max(shifts, default=0)} ms; in-times moved: 0"
    )
    summary = pipeline.qc(episode_id)
    print(f"   QC: {summary['errors']} errors, {summary['warnings']} warnings, "
          f"by rule {summary['by_rule']}")  # fmt: skip
    resegmented, _ = pipeline.run(CALL, source_subtitles=(vtt, "call.en.vtt"),
                                  resegment=("true", ""))  # fmt: skip
    summary = pipeline.qc(resegmented)
    words = " ".join(c.text for c in pipeline.track(resegmented)).split()
    print(f"   re-segmented for the profile (resegment=true): {len(pipeline.track(resegmented))} "
          f"cues, same words: {[w.lstrip('-') for w in words] == file_words}; QC "
          f"{summary['errors']} errors, {summary['warnings']} warnings, by rule "
          f"{summary['by_rule']}")  # fmt: skip
    asr_id, asr_seconds = pipeline.run(CALL)
    print(
        f"   the same audio through recognition: {sum(asr_seconds.values()):.2f} s "
        f"(transcribe {asr_seconds['transcribe']:.2f} s, diarize "
        f"{asr_seconds['diarize']:.2f} s); QC {pipeline.qc(asr_id)['errors']} errors"
    )


def librivox() -> tuple[Path, str]:
    clips = sorted((DATA / "librivox").glob("*.wav"))
    out = Path(tempfile.mkdtemp()) / "sense-and-sensibility.wav"
    inputs = [arg for clip in clips for arg in ("-i", str(clip))]
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex",
                    f"concat=n={len(clips)}:v=0:a=1", str(out)], check=True)  # fmt: skip
    return out, "\n".join(c.with_suffix(".txt").read_text().strip() for c in clips)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def from_script(work: Path) -> None:
    print(
        "2. Episodes from a script: words timed by the recogniser (faster-whisper base), "
        "checked against tiny.en's own word times and the call's human turn times"
    )
    base = FasterWhisperTranscriber("base", work / "models", threads=2)
    tiny = FasterWhisperTranscriber("tiny.en", work / "models", threads=2)
    book, book_text = librivox()
    turns = stm_turns()
    dialogue = "\n".join(f"{who.upper()}: {text}" for who, _, _, text in turns)
    clips = [
        ("call (2 speakers, 30 s)", CALL, f"{dialogue}\nDIANE: {NEVER_RECORDED}"),
        ("LibriVox (1 reader, 24.7 s)", book, book_text),
        ("JFK (11 s)", DATA / "jfk" / "jfk.mp3", (DATA / "jfk" / "jfk.reference.txt").read_text()),
    ]
    all_errors: list[int] = []
    for name, original, text in clips:
        lines = parse_script(text.splitlines())
        audio = work / f"{original.stem}.16k.wav"  # as the extract_audio stage makes it
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(original), "-ar",
                        "16000", "-ac", "1", str(audio)], check=True)  # fmt: skip
        started = time.perf_counter()
        transcript = base.transcribe(audio, "en")
        asr_s = time.perf_counter() - started
        started = time.perf_counter()
        aligned = align_script(lines, transcript.words)
        align_ms = (time.perf_counter() - started) * 1000
        first_pass_unheard = sum(s.words for s in aligned.unheard)
        started = time.perf_counter()
        aligned = recover_unheard(
            aligned, lines, partial(base.align_text, audio, language="en"),
            transcript.duration_ms,
        )  # fmt: skip
        realign_ms = (time.perf_counter() - started) * 1000
        reference = align_script(lines, tiny.transcribe(audio, "en").words)
        ours, theirs = _word_starts(aligned), _word_starts(reference)
        errors = [abs(ours[k] - theirs[k]) for k in ours.keys() & theirs.keys()]
        all_errors += errors
        script_words = sum(len(line.text.split()) for line in lines)
        unheard = sum(s.words for s in aligned.unheard)
        print(f"   {name}: {script_words} script words, {aligned.timed} timed "
              f"({aligned.matched} matched, {aligned.substituted} misheard, {aligned.filled} "
              f"filled, {aligned.realigned} found by Whisper's own alignment of the "
              f"{first_pass_unheard} the recogniser dropped), {unheard} reported unheard in "
              f"{len(aligned.unheard)} stretches, {len(aligned.unscripted)} unscripted "
              f"stretches; ASR {asr_s:.1f} s, sequence alignment {align_ms:.1f} ms, "
              f"re-alignment {realign_ms:.0f} ms")  # fmt: skip
        for stretch in aligned.unheard:
            print(f"      unheard, lines {stretch.first_line}-{stretch.last_line}: "
                  f"{stretch.text!r}")  # fmt: skip
        for stretch in aligned.unscripted:
            print(f"      unscripted {stretch.start_ms}-{stretch.end_ms} ms: {stretch.text!r}")
        spoken = script_words - (len(NEVER_RECORDED.split()) if original == CALL else 0)
        print(f"      WER of the timed words against the script: {unheard / script_words:.3f}; "
              f"against its recorded part: {(unheard + spoken - script_words) / spoken:.3f} "
              f"(deletions only: every timed word is the script's)")  # fmt: skip
        print(
            f"      |start| against tiny.en's own times, {len(errors)} words: median "
            f"{statistics.median(errors):.0f} ms, p95 {percentile(errors, 0.95):.0f} ms"
        )
        if original == CALL:
            _turn_errors(aligned, lines, turns)
    print(f"   all clips, {len(all_errors)} words: median {statistics.median(all_errors):.0f} "
          f"ms, p95 {percentile(all_errors, 0.95):.0f} ms")  # fmt: skip


def _word_starts(alignment: ScriptAlignment) -> dict[int, int]:
    """Script word position -> start, for the words the recogniser heard as written
    (matched: their probability is the recogniser's, above 0)."""
    return {position: word.start_ms
            for position, word in zip(alignment.positions, alignment.words, strict=True)
            if word.probability > 0}  # fmt: skip


def _turn_errors(aligned: ScriptAlignment, lines, turns) -> None:
    """Each call turn's first word start and last word end against the human reference
    (the dialogue list has one line per turn, in order)."""
    line_of = [w.line for w in script_words(lines)]
    by_line: dict[int, list[Word]] = {}
    for position, word in zip(aligned.positions, aligned.words, strict=True):
        by_line.setdefault(line_of[position], []).append(word)
    starts, ends = [], []
    for index, (_, start, end, _) in enumerate(turns):
        if mine := by_line.get(index):
            starts.append(abs(mine[0].start_ms - start))
            ends.append(abs(mine[-1].end_ms - end))
    print(
        f"      against the human turn times ({len(starts)} of {len(turns)} turns): start "
        f"median {statistics.median(starts):.0f} ms, p95 {percentile(starts, 0.95):.0f} ms; "
        f"end median {statistics.median(ends):.0f} ms, p95 {percentile(ends, 0.95):.0f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        from_subtitles(Pipeline(work))
        from_script(work)


if __name__ == "__main__":
    main()
