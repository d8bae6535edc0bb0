"""The dub stage ("dub:<language>", on the tts queue): the requested revision of the
track as a script of speaker turns, each in the voice cast for its speaker, synthesized
(cached), fitted to its time, mixed over the M&E stem or the ducked original, and kept as
WAV, AAC, a dialogue stem and MP4."""

from __future__ import annotations

import json
import statistics
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from ...adapters.db.repositories import TrackRepository
from ...domain.dubbing import FitStatus, cue_id, fit_line, gaps_after, script_from_cues
from ...domain.errors import StageFailed
from ...domain.media import MediaInfo
from ...domain.pipeline import dub_language
from ...ports import Context
from ..dubbing import AUTO, CastVoice, cast_voices, record_auto_voices
from ..tracks import load_cues
from .base import Progress, StageJob, StageResult

DEFAULT_SPEAKER = "S1"  # the speaker of cues that name none


@dataclass(frozen=True)
class AutoVoices:
    """The voices chosen by pitch for named speakers, kept on their show characters (the
    same character keeps its voice in the show's later episodes)."""

    show: str
    language: str
    cast: tuple[tuple[str, str, str], ...]  # (character name, engine, voice)

    def apply(self, session: Session, episode_id: str) -> dict:
        record_auto_voices(session, self.show, self.language, self.cast)
        return {}


def dub(ctx: Context, job: StageJob, progress: Progress) -> StageResult:
    """The dub stage: script, synthesis (cached per line), time fit, mix, files."""
    language = dub_language(job.stage)
    assert language is not None  # the registry routes only dub:<language> here
    request = job.record.get("request")
    if not request:
        raise StageFailed("This dub was never requested (POST .../dubs/{lang}).")
    with ctx.db.session() as session:
        tracks = TrackRepository(session)
        track = tracks.find(job.episode_id, language)
        revision = next(r for r in track.revisions if r.number == request["revision"])
        source = tracks.source_of(job.episode_id)
        source_sha256 = source.revisions[-1].cues_sha256 if source else revision.cues_sha256
    target_cues = load_cues(ctx, revision.cues_sha256)
    labels = list(dict.fromkeys(label for cue in target_cues for label in cue.speakers))
    with ctx.db.session() as session:
        cast = cast_voices(session, ctx.synthesizers, job.show, job.episode_id, language, labels)
    info = job.media
    media = ctx.storage.path(job.media_sha256)
    me_stem = ctx.storage.path(job.me_stem_sha256) if job.me_stem_sha256 else None
    default = ctx.synthesizers.voice_for(language)
    lines = script_from_cues(target_cues, load_cues(ctx, source_sha256), default.voice,
                             DEFAULT_SPEAKER, {c.label: c.synthesizer.voice for c in
                                               cast.values()})  # fmt: skip
    # a line's voice names its synthesizer: no two engines share a voice name
    by_voice = {default.voice: default, **{c.synthesizer.voice: c.synthesizer
                                           for c in cast.values()}}  # fmt: skip
    placed, fits, synthesized, spans = [], [], 0, []
    for number, (line, gap) in enumerate(zip(lines, gaps_after(lines, info.duration_ms),
                                             strict=True), start=1):  # fmt: skip
        synthesizer = by_voice[line.voice]
        spoken = ctx.synthesizers.speak(synthesizer, line.text)
        synthesized += spoken.synthesized_now
        fit = fit_line(spoken.duration_ms, line.end_ms - line.start_ms, gap,
                       request["max_speed"])  # fmt: skip
        fits.append((line, fit, synthesizer))
        placed.append((line.start_ms, ctx.mixer.stretched(spoken.wav, fit.speed)))
        spans.append((line.start_ms, line.start_ms + fit.played_ms))
        progress(0.8 * number / max(len(lines), 1))
    files = _render(ctx, media, me_stem, info, language, placed, spans)
    script = ctx.storage.put_bytes(
        json.dumps({"episode_id": job.episode_id, "language": language,
                    "revision": request["revision"], "lines": [
                        {**line.to_dict(), "engine": synthesizer.name, "fit": fit.status.value,
                         "speed": fit.speed, "played_ms": fit.played_ms,
                         "overflow_ms": fit.overflow_ms}
                        for line, fit, synthesizer in fits]},
                   ensure_ascii=False, indent=2).encode()
    )  # fmt: skip
    voices = _voices_used(fits, cast)
    report = _report(fits, synthesized, len(lines))
    auto = tuple((c.name, c.synthesizer.name, c.synthesizer.voice) for c in cast.values()
                 if c.name and c.cast_by == AUTO and c.cast_for is None)  # fmt: skip
    return StageResult(
        files["wav"],
        {"request": request,  # the voice of the most lines (all: "voices")
         "voice": (by_voice[voices[0]["voice"]] if voices else default).describe(),
         "voices": voices, "bed": "me_stem" if me_stem else "original, ducked",
         "files": {**files, "json": script.sha256}, "duration_ms": info.duration_ms, **report},
        (AutoVoices(job.show, language, auto),) if auto else (),
    )  # fmt: skip


def _voices_used(fits, cast: dict[str, CastVoice]) -> list[dict]:
    """Each voice the dub speaks with (most lines first): engine, voice, version or model,
    how many lines, and the speakers (characters) it was cast for."""
    counts = Counter(synthesizer.voice for _, _, synthesizer in fits)
    spoken = {synthesizer.voice: synthesizer for _, _, synthesizer in fits}
    speakers_of: dict[str, list[dict]] = {}
    for line, _, synthesizer in fits:
        voice_cast = cast.get(line.speaker)
        if voice_cast is not None and voice_cast.synthesizer is synthesizer:
            entry = voice_cast.to_dict()
        else:  # a cue naming no speaker: the language's default voice
            entry = {"label": line.speaker, "name": None, "cast_by": "default",
                     "cast_for": None}  # fmt: skip
        listed = speakers_of.setdefault(synthesizer.voice, [])
        if entry not in listed:
            listed.append(entry)
    return [
        {**spoken[voice].describe(), "lines": count, "speakers": speakers_of[voice]}
        for voice, count in counts.most_common()
    ]


def _render(
    ctx: Context, media: Path, me_stem: Path | None, info: MediaInfo, language: str, placed, spans
) -> dict:
    """The files of a dub: over the M&E stem when there is one, else over the original
    sound ducked under the lines."""
    with tempfile.TemporaryDirectory(dir=ctx.storage.temp_dir()) as scratch:
        work = Path(scratch)
        stem = work / "dub-stem.wav"
        ctx.mixer.write_stem(stem, placed, info.duration_ms)
        mixed = work / "dub.wav"
        ctx.mixer.mix(me_stem or media, stem, spans, info.duration_ms, mixed, duck=me_stem is None)
        aac = work / "dub.m4a"
        ctx.mixer.to_aac(mixed, aac)
        files = {
            "wav": ctx.storage.adopt(mixed).sha256,
            "m4a": ctx.storage.adopt(aac).sha256,
            "stem": ctx.storage.adopt(stem).sha256,  # the dub alone: a dialogue stem
        }
        if info.has_video:
            video = work / "dub.mp4"
            ctx.mixer.add_audio_track(media, ctx.storage.path(files["m4a"]), language, video)
            files["mp4"] = ctx.storage.adopt(video).sha256
    return files


def _report(fits, synthesized: int, total: int) -> dict:
    counts = Counter(fit.status.value for _, fit, _ in fits)
    speeds = [fit.speed for _, fit, _ in fits if fit.speed > 1.0]
    return {
        "lines": total,
        "synthesized": synthesized,
        "reused": total - synthesized,
        "fit": {status.value: counts.get(status.value, 0) for status in FitStatus},
        "speed_up": {
            "lines": len(speeds),
            "median": round(statistics.median(speeds), 3) if speeds else None,
            "max": max(speeds, default=None),
        },
        # each line's speaker and voice (the script, in files.json, has the rest)
        "script": [
            {
                "id": line.id,
                "speaker": line.speaker,
                "engine": synthesizer.name,
                "voice": line.voice,
                "fit": fit.status.value,
            }
            for line, fit, synthesizer in fits
        ],
        "flagged": [
            {
                "id": cue_id(line.id),  # the cue: the track's QC reports it there
                "line": line.id,
                "speaker": line.speaker,
                "rule": "dub_too_long",
                "overflow_ms": fit.overflow_ms,
                "start": line.start_ms / 1000,
                "text": line.text,
            }
            for line, fit, _ in fits
            if fit.status is FitStatus.TOO_LONG
        ],  # fmt: skip
    }
