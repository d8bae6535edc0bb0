"""Dubbing an episode's track: request it (from the approved revision, or a draft), run
the dub stage on the tts queue, hand out the script, the report and the audio."""

from __future__ import annotations

import json
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy.orm import Session

from ..adapters import dub_audio
from ..adapters.db.repositories import (
    AuditLog,
    EpisodeRepository,
    ReviewRepository,
    TrackRepository,
)
from ..adapters.tts import SpeechCache, synthesizer_for, wav_duration_ms
from ..domain.access import Principal, Role, require_role
from ..domain.dubbing import (
    DEFAULT_MAX_SPEED,
    HIGHEST_MAX_SPEED,
    FitStatus,
    fit_line,
    gaps_after,
    script_from_cues,
)
from ..domain.errors import Conflict, InvalidRequest, NotFound, StageFailed
from ..domain.media import MediaInfo
from ..domain.pipeline import StageStatus, dub_stage, source_status
from ..wiring import Context
from .episodes import load_cues
from .queueing import queue_stages
from .stages import StageResult

FORMATS = {"wav": "audio/wav", "m4a": "audio/mp4", "mp4": "video/mp4",
           "stem": "audio/wav", "json": "application/json"}  # fmt: skip


def request_dub(
    ctx: Context,
    episode_id: str,
    language: str,
    principal: Principal,
    draft: bool = False,
    max_speed: float = DEFAULT_MAX_SPEED,
    voice: str | None = None,
) -> dict:
    """Queue a dub of the track's approved revision (or, with ``draft``, its latest)."""
    require_role(principal, Role.PRODUCER)
    if voice is not None:
        raise InvalidRequest(
            "Voice cloning of a performer needs a recorded consent (who, scope, date), and "
            "no cloning engine is installed; each language has one synthetic voice.",
            field="voice",
        )
    if not 1.0 <= max_speed <= HIGHEST_MAX_SPEED:
        raise InvalidRequest(f"`max_speed` is 1.0 to {HIGHEST_MAX_SPEED}.", field="max_speed")
    with ctx.db.session() as session:
        episodes = EpisodeRepository(session)
        episode = episodes.get(episode_id)
        track = TrackRepository(session).find(episode_id, language)
        revision = _revision_to_dub(session, track, draft)
        name = dub_stage(language)
        stages = {s.name: s for s in episode.stages}
        request = {"revision": revision, "draft": draft, "max_speed": max_speed,
                   "requested_by": principal.name}  # fmt: skip
        if name not in stages:
            episodes.add_stage(episode_id, name, max(s.position for s in episode.stages) + 1)
        elif stages[name].status == StageStatus.RUNNING:
            raise Conflict(f"The {language} dub is being made; wait for it to finish.")
        else:
            episodes.reset_stage(episode_id, name)
        session.expire_all()  # the rows changed under the loaded episode
        episodes.stage(episode_id, name).artifact_info = {"request": request}
        source_done = source_status(episodes.stage_states(episode_id)) is StageStatus.DONE
        AuditLog(session).record(principal.name, "dub.request", f"episode:{episode_id}", None,
                                 {"language": language, **request})  # fmt: skip
    if source_done:
        queue_stages(ctx, episode_id, [name])
    return {"episode_id": episode_id, "language": language, **request}


# An M&E stem must run the episode's length, give or take this.
ME_STEM_TOLERANCE_MS = 500


def attach_me_stem(ctx: Context, episode_id: str, upload, principal: Principal) -> dict:
    """Keep a music-and-effects stem for the episode's dubs (mixed under them, not ducked).
    Refused, and nothing kept, unless it is audio of the episode's length."""
    try:
        require_role(principal, Role.PRODUCER)
        upload.close()
        info = ctx.media.probe(upload.path)
        with ctx.db.session() as session:
            episode_ms = MediaInfo.from_dict(
                EpisodeRepository(session).get(episode_id).media_info
            ).duration_ms
        if not info.has_audio or abs(info.duration_ms - episode_ms) > ME_STEM_TOLERANCE_MS:
            raise InvalidRequest(
                f"An M&E stem is audio as long as the episode ({episode_ms} ms); this is "
                f"{info.duration_ms} ms{'' if info.has_audio else ' without audio'}.",
                field="file",
            )
        blob = ctx.storage.commit_writer(upload)
    finally:
        ctx.storage.discard(upload.path)  # a no-op once committed
    with ctx.db.session() as session:
        EpisodeRepository(session).get(episode_id).me_stem_sha256 = blob.sha256
        stored = {"sha256": blob.sha256, "duration_ms": info.duration_ms}
        AuditLog(session).record(
            principal.name, "episode.me_stem", f"episode:{episode_id}", None, stored
        )
    return {"episode_id": episode_id, "me_stem_sha256": blob.sha256,
            "duration": info.duration_ms / 1000}  # fmt: skip


def _revision_to_dub(session: Session, track, draft: bool) -> int:
    if draft:
        return track.revisions[-1].number
    approved = [
        r.approved_revision
        for r in ReviewRepository(session).for_episode(track.episode_id)
        if r.track_id == track.id and r.state == "approved" and r.approved_revision
    ]
    if not approved:
        raise Conflict(
            f"The {track.language} track has no approved revision; approve it first, or "
            "dub the draft with ?draft=1."
        )
    return approved[-1]


def dub(ctx: Context, episode_id: str, language: str, progress) -> StageResult:
    """The dub stage: script, synthesis (cached per line), time fit, mix, files."""
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        stage = next(s for s in episode.stages if s.name == dub_stage(language))
        request = (stage.artifact_info or {}).get("request")
        if not request:
            raise StageFailed("This dub was never requested (POST .../dubs/{lang}).")
        tracks = TrackRepository(session)
        track = tracks.find(episode_id, language)
        revision = next(r for r in track.revisions if r.number == request["revision"])
        source = tracks.source_of(episode_id)
        source_sha256 = source.revisions[-1].cues_sha256 if source else revision.cues_sha256
        info = MediaInfo.from_dict(episode.media_info)
        media = ctx.storage.path(episode.media_sha256)
        me_stem = ctx.storage.path(episode.me_stem_sha256) if episode.me_stem_sha256 else None
    synthesizer = synthesizer_for(language)
    lines = script_from_cues(
        load_cues(ctx, revision.cues_sha256), load_cues(ctx, source_sha256), synthesizer.voice
    )
    cache = SpeechCache(ctx.settings.data_dir / "tts-cache")
    placed, fits, synthesized, spans = [], [], 0, []
    for number, (line, gap) in enumerate(zip(lines, gaps_after(lines, info.duration_ms),
                                             strict=True), start=1):  # fmt: skip
        wav, made_now = cache.path_for(synthesizer, line.text)
        synthesized += made_now
        fit = fit_line(wav_duration_ms(wav), line.end_ms - line.start_ms, gap,
                       request["max_speed"])  # fmt: skip
        fits.append((line, fit))
        placed.append((line.start_ms, dub_audio.stretched_samples(wav, fit.speed)))
        spans.append((line.start_ms, line.start_ms + fit.played_ms))
        progress(0.8 * number / max(len(lines), 1))
    files = _render(ctx, media, me_stem, info, language, placed, spans)
    script = ctx.storage.put_bytes(
        json.dumps({"episode_id": episode_id, "language": language,
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
        dub_audio.write_wav(stem, dub_audio.place_lines(placed, info.duration_ms))
        mixed = work / "dub.wav"
        dub_audio.mix(me_stem or media, stem, spans, info.duration_ms, mixed, duck=me_stem is None)
        aac = work / "dub.m4a"
        dub_audio.to_aac(mixed, aac)
        files = {
            "wav": ctx.storage.adopt(mixed).sha256,
            "m4a": ctx.storage.adopt(aac).sha256,
            "stem": ctx.storage.adopt(stem).sha256,  # the dub alone: a dialogue stem
        }
        if info.has_video:
            video = work / "dub.mp4"
            dub_audio.add_audio_track(media, ctx.storage.path(files["m4a"]), language, video)
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


def dub_file(ctx: Context, episode_id: str, language: str, fmt: str) -> tuple[Path, str, dict]:
    """(path, media type, the dub's record) of a finished dub in ``fmt``."""
    if fmt not in FORMATS:
        raise InvalidRequest(f"`format` is one of {', '.join(FORMATS)}.", field="format")
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        stage = next((s for s in episode.stages if s.name == dub_stage(language)), None)
        if stage is None or stage.status != StageStatus.DONE:
            state = stage.status if stage else "not requested"
            raise NotFound(f"The {language} dub is {state}.", state=state)
        record = dict(stage.artifact_info or {})
    sha256 = record.get("files", {}).get(fmt)
    if sha256 is None:
        raise InvalidRequest("An audio-only episode has no MP4 dub; ask for wav or m4a.")
    return ctx.storage.path(sha256), FORMATS[fmt], record


def dub_report(ctx: Context, episode_id: str, language: str) -> dict:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        stage = next((s for s in episode.stages if s.name == dub_stage(language)), None)
        if stage is None:
            raise NotFound(f"No {language} dub was requested for episode {episode_id}.")
        return {
            "episode_id": episode_id,
            "language": language,
            "status": stage.status,
            "progress": round(stage.progress, 3),
            "error": {"code": stage.error_code, "message": stage.error_message}
            if stage.error_code else None,
            **(stage.artifact_info or {}),
        }  # fmt: skip
