"""The dub stage ("dub:<language>", on the tts queue): the requested revision of the
track as a script, each line synthesized (cached), fitted to its time, mixed over the
M&E stem or the ducked original, and kept as WAV, AAC, a dialogue stem and MP4."""

from __future__ import annotations

import json
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from ...adapters.db.repositories import TrackRepository
from ...domain.dubbing import FitStatus, fit_line, gaps_after, script_from_cues
from ...domain.errors import StageFailed
from ...domain.media import MediaInfo
from ...domain.pipeline import dub_language
from ...ports import Context
from ..tracks import load_cues
from .base import Progress, StageJob, StageResult


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
    info = job.media
    media = ctx.storage.path(job.media_sha256)
    me_stem = ctx.storage.path(job.me_stem_sha256) if job.me_stem_sha256 else None
    synthesizer = ctx.synthesizers.voice_for(language)
    lines = script_from_cues(
        load_cues(ctx, revision.cues_sha256), load_cues(ctx, source_sha256), synthesizer.voice
    )
    placed, fits, synthesized, spans = [], [], 0, []
    for number, (line, gap) in enumerate(zip(lines, gaps_after(lines, info.duration_ms),
                                             strict=True), start=1):  # fmt: skip
        spoken = ctx.synthesizers.speak(synthesizer, line.text)
        synthesized += spoken.synthesized_now
        fit = fit_line(spoken.duration_ms, line.end_ms - line.start_ms, gap,
                       request["max_speed"])  # fmt: skip
        fits.append((line, fit))
        placed.append((line.start_ms, ctx.mixer.stretched(spoken.wav, fit.speed)))
        spans.append((line.start_ms, line.start_ms + fit.played_ms))
        progress(0.8 * number / max(len(lines), 1))
    files = _render(ctx, media, me_stem, info, language, placed, spans)
    script = ctx.storage.put_bytes(
        json.dumps({"episode_id": job.episode_id, "language": language,
                    "revision": request["revision"], "lines": [
                        {**line.to_dict(), "fit": fit.status.value, "speed": fit.speed,
                         "played_ms": fit.played_ms, "overflow_ms": fit.overflow_ms}
                        for line, fit in fits]},
                   ensure_ascii=False, indent=2).encode()
    )  # fmt: skip
    report = _report(fits, synthesized, len(lines))
    return StageResult(
        files["wav"],
        {"request": request, "voice": synthesizer.describe(),
         "bed": "me_stem" if me_stem else "original, ducked", "files": {**files,
         "json": script.sha256}, "duration_ms": info.duration_ms, **report},
    )  # fmt: skip


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
    counts = Counter(fit.status.value for _, fit in fits)
    speeds = [fit.speed for _, fit in fits if fit.speed > 1.0]
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
        "flagged": [
            {
                "id": line.id,
                "rule": "dub_too_long",
                "overflow_ms": fit.overflow_ms,
                "start": line.start_ms / 1000,
                "text": line.text,
            }
            for line, fit in fits
            if fit.status is FitStatus.TOO_LONG
        ],  # fmt: skip
    }
