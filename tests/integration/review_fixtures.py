"""An episode with a source and a Spanish machine draft in review, and a cast of users,
built straight into the database (no worker needed): shared by the review tests."""

from __future__ import annotations

import json
from dataclasses import dataclass

from locsvc.domain.cues import Cue
from locsvc.services.auth import create_user
from locsvc.services.stages import add_pipeline_revision

from ..helpers import upload_episode

SOURCE = [
    Cue(0, 2600, ("And so my fellow Americans,",)),
    Cue(2700, 6000, ("ask not what your country", "can do for you,")),
    Cue(6100, 9500, ("ask what you can do", "for your country.")),
]
SPANISH = [
    Cue(0, 2600, ("Y así que mi amigo estadounidenses,",)),
    Cue(2700, 6000, ("pide no qué vuestra patria", "puede hacer para ti,")),
    Cue(6100, 9500, ("pedir qué puedes hacer", "para vuestra patria.")),
]
USERS = {
    "ana": ("linguist", "es", ""),
    "bea": ("linguist", "es", ""),
    "fred": ("linguist", "fr", ""),
    "olga": ("linguist", "es", "other-show"),
    "pat": ("producer", "", ""),
    "gone": ("linguist", "es", ""),
}


@dataclass
class Cast:
    episode_id: str
    tokens: dict[str, str]

    def auth(self, name: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def store_track(ctx, episode_id: str, language: str, kind: str, cues, qc=None) -> None:
    blob = ctx.storage.put_bytes(json.dumps([c.to_dict() for c in cues]).encode())
    info = {"engine": {"engine": "apertium"}, "glossaries": []} if kind == "translation" else None
    with ctx.db.session() as session:
        add_pipeline_revision(session, episode_id, language, kind, blob.sha256, len(cues), info,
                              qc or {"errors": 0, "warnings": 0, "glossary_issues": 0})  # fmt: skip


def build_cast(app, client, auth, data_dir) -> Cast:
    ctx = app.extensions["locsvc"]
    response = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", show="demo",
                              source_language="en")  # fmt: skip
    assert response.status_code == 202, response.json
    episode_id = response.json["id"]
    store_track(ctx, episode_id, "en", "source", SOURCE)
    store_track(ctx, episode_id, "es", "translation", SPANISH)
    tokens = {
        name: create_user(ctx.db, name, role, languages, shows)[1]
        for name, (role, languages, shows) in USERS.items()
    }
    from locsvc.services.auth import revoke_user

    revoke_user(ctx.db, "gone", "test")
    return Cast(episode_id, tokens)


def claim_spanish(client, cast: Cast) -> None:
    """ "ana" claims the cast's Spanish track, as a linguist would from the queue."""
    items = client.get("/api/v1/reviews?language=es", headers=cast.auth("ana")).json["items"]
    (review,) = [i for i in items if i["episode_id"] == cast.episode_id]
    claimed = client.post(f"/api/v1/reviews/{review['id']}/claim", headers=cast.auth("ana"))
    assert claimed.status_code == 200, claimed.json


def stored_objects(app) -> list:
    """Every object in the app's storage (content-addressed files)."""
    objects = app.extensions["locsvc"].storage.root / "objects"
    return sorted(p for p in objects.rglob("*") if p.is_file())
