"""An episode's provenance: everything behind each track and deliverable, machine and
human, from the records the pipeline and the review loop keep anyway."""

from __future__ import annotations

from collections.abc import Sequence

from ..adapters.db.models import AuditEntry, Episode, Review, StageRun, Track
from ..adapters.db.repositories import AuditLog, EpisodeRepository, ReviewRepository
from ..ports import Context
from .episodes import source_text_view
from .timestamps import iso


def provenance(ctx: Context, episode_id: str) -> dict:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        reviews = ReviewRepository(session).for_episode(episode_id)
        actions = AuditLog(session).for_targets(
            [f"episode:{episode_id}", *(f"review:{r.id}" for r in reviews)]
        )
        return {
            "episode": _episode_view(episode),
            "source_media": _source_media_view(episode),
            "models": _models_view(episode),
            "stages": [_stage_view(s) for s in episode.stages],
            "tracks": [_track_view(track, reviews) for track in episode.tracks],
            "human_actions": [_action_view(a) for a in actions],
        }


def _episode_view(episode: Episode) -> dict:
    return {
        "id": episode.id,
        "title": episode.title,
        "show": episode.show,
        "created_by": episode.created_by,
        "created_at": iso(episode.created_at),
    }


def _source_media_view(episode: Episode) -> dict:
    return {
        "sha256": episode.media_sha256,
        "size": episode.media_size,
        "filename": episode.original_filename,
        "probe": episode.media_info,
    }


def _models_view(episode: Episode) -> list[dict]:
    """Where the source text came from (the ASR model, the producer's file or both), then
    the speaker model, the MT engine and the TTS voice behind each language."""
    return [*_asr_model(episode), *_source_text(episode), *_diarizer(episode),
            *_mt_engines(episode), *_tts_voices(episode)]  # fmt: skip


def _source_text(episode: Episode) -> list[dict]:
    """The producer's subtitles or script: the file (by hash) and who sent it."""
    view = source_text_view(episode.stages)
    if view is None:
        return []
    return [{"kind": "source_text", "origin": view["kind"], "filename": view["filename"],
             "sha256": view["sha256"], "uploaded_by": view["uploaded_by"],
             "uploaded_at": view["uploaded_at"]}]  # fmt: skip


def _diarizer(episode: Episode) -> list[dict]:
    """The speaker model, with what it found and the cast names it matched (and how well)."""
    stage = next((s for s in episode.stages if s.name == "diarize"), None)
    info = (stage.artifact_info or {}) if stage else {}
    if "engine" not in info:
        return []  # not run yet, or an episode made before diarization
    return [{"kind": "diarization", "name": info["engine"], "encoder": info.get("encoder"),
             "sha256": info.get("weights_sha256"), "speakers": info.get("speakers"),
             "hints": info.get("hints"), "matched": info.get("matched"),
             "threshold": info.get("threshold")}]  # fmt: skip


def _asr_model(episode: Episode) -> list[dict]:
    """The recogniser; none for an episode started from the producer's subtitles."""
    stages = {s.name: s for s in episode.stages}
    transcribe = stages.get("transcribe")
    if transcribe is None:
        return []
    asr = transcribe.artifact_info or {}
    return [{
        "kind": "asr",
        "name": asr.get("model"),
        "sha256": asr.get("model_sha256"),
        "parameters": asr.get("parameters"),
        "language": asr.get("language"),
    }]  # fmt: skip


def _mt_engines(episode: Episode) -> list[dict]:
    return [
        {
            "kind": "mt",
            "language": s.name.split(":", 1)[1],
            **((s.artifact_info or {}).get("engine") or {}),
        }
        for s in episode.stages
        if s.name.startswith("translate:") and s.artifact_info
    ]


def _tts_voices(episode: Episode) -> list[dict]:
    """Every voice each dub spoke with (engine, voice, version or model hash), and the
    speakers, by label and character, it was cast for."""
    voices = []
    for s in episode.stages:
        record = s.artifact_info or {}
        if not s.name.startswith("dub:") or not record.get("voice"):
            continue
        language = s.name.split(":", 1)[1]
        used = record.get("voices") or [record["voice"]]  # a dub made before per-speaker voices
        for voice in used:
            view = {k: v for k, v in voice.items() if k not in ("speakers", "lines")}
            voices.append({"kind": "tts", "language": language, **view,
                           "lines": voice.get("lines"),
                           "cast_for": voice.get("speakers", [])})  # fmt: skip
    return voices


def _stage_view(stage: StageRun) -> dict:
    return {
        "name": stage.name,
        "status": stage.status,
        "attempts": stage.attempts,
        "worker": stage.claimed_by,
        "started_at": iso(stage.started_at),
        "finished_at": iso(stage.finished_at),
        "artifact_sha256": stage.artifact_sha256,
        "info": stage.artifact_info,
    }


def _track_view(track: Track, reviews: Sequence[Review]) -> dict:
    """A track's revisions and its review rounds."""
    return {
        "language": track.language,
        "kind": track.kind,
        "revisions": [
            {
                "number": r.number,
                "author": r.author,
                "created_at": iso(r.created_at),
                "cues_sha256": r.cues_sha256,
                "made_with": r.info,
                "qc": r.qc,
            }
            for r in track.revisions
        ],
        "reviews": [_review_round_view(r) for r in reviews if r.track_id == track.id],
    }


def _review_round_view(review: Review) -> dict:
    return {
        "id": review.id,
        "round": review.round,
        "state": review.state,
        "approved_revision": review.approved_revision,
        "approved_by": review.approved_by,
        "approved_at": iso(review.approved_at),
        "waiver": review.waiver,
        "post_edit": review.post_edit,
    }


def _action_view(action: AuditEntry) -> dict:
    return {
        "at": iso(action.at),
        "actor": action.actor,
        "action": action.action,
        "target": action.target,
        "before": action.before,
        "after": action.after,
    }
