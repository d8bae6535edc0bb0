"""An episode's provenance: everything behind each track and deliverable, machine and
human, from the records the pipeline and the review loop keep anyway."""

from __future__ import annotations

from ..adapters.db.repositories import AuditLog, EpisodeRepository, ReviewRepository
from ..ports import Context
from .timestamps import iso


def provenance(ctx: Context, episode_id: str) -> dict:
    with ctx.db.session() as session:
        episode = EpisodeRepository(session).get(episode_id)
        reviews = ReviewRepository(session).for_episode(episode_id)
        actions = AuditLog(session).for_targets(
            [f"episode:{episode_id}", *(f"review:{r.id}" for r in reviews)]
        )
        stages = {s.name: s for s in episode.stages}
        transcribe = stages.get("transcribe")
        asr = (transcribe.artifact_info or {}) if transcribe else {}
        return {
            "episode": {
                "id": episode.id,
                "title": episode.title,
                "show": episode.show,
                "created_by": episode.created_by,
                "created_at": iso(episode.created_at),
            },
            "source_media": {
                "sha256": episode.media_sha256,
                "size": episode.media_size,
                "filename": episode.original_filename,
                "probe": episode.media_info,
            },
            "models": [
                {
                    "kind": "asr",
                    "name": asr.get("model"),
                    "sha256": asr.get("model_sha256"),
                    "parameters": asr.get("parameters"),
                    "language": asr.get("language"),
                },
                *(
                    {
                        "kind": "mt",
                        "language": s.name.split(":", 1)[1],
                        **((s.artifact_info or {}).get("engine") or {}),
                    }
                    for s in episode.stages
                    if s.name.startswith("translate:") and s.artifact_info
                ),
                *(
                    {
                        "kind": "tts",
                        "language": s.name.split(":", 1)[1],
                        **((s.artifact_info or {}).get("voice") or {}),
                    }
                    for s in episode.stages
                    if s.name.startswith("dub:") and (s.artifact_info or {}).get("voice")
                ),
            ],  # fmt: skip
            "stages": [
                {
                    "name": s.name,
                    "status": s.status,
                    "attempts": s.attempts,
                    "worker": s.claimed_by,
                    "started_at": iso(s.started_at),
                    "finished_at": iso(s.finished_at),
                    "artifact_sha256": s.artifact_sha256,
                    "info": s.artifact_info,
                }
                for s in episode.stages
            ],
            "tracks": [
                {
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
                    "reviews": [
                        {
                            "id": r.id,
                            "round": r.round,
                            "state": r.state,
                            "approved_revision": r.approved_revision,
                            "approved_by": r.approved_by,
                            "approved_at": iso(r.approved_at),
                            "waiver": r.waiver,
                            "post_edit": r.post_edit,
                        }
                        for r in reviews
                        if r.track_id == track.id
                    ],
                }
                for track in episode.tracks
            ],
            "human_actions": [
                {
                    "at": iso(a.at),
                    "actor": a.actor,
                    "action": a.action,
                    "target": a.target,
                    "before": a.before,
                    "after": a.after,
                }
                for a in actions
            ],
        }
