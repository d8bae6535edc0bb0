"""Translation memory through the service, on SQLite and PostgreSQL: an approval teaches
the show's memory, the next episode's translate stage (real Apertium) takes exact matches
instead of the engine and says so per cue, fuzzy matches are offered beside each cue and in
XLIFF, leverage is reported, a differing translation is flagged, and TMX goes out and in
(all or nothing)."""

import io

import pytest
from sqlalchemy import func, select, update

from locsvc.adapters.db.models import MemoryUnitRow, StageRun
from locsvc.adapters.formats import read_subtitles
from locsvc.adapters.tmx import read_tmx
from locsvc.domain.access import Principal, Role
from locsvc.domain.cues import Cue
from locsvc.domain.pipeline import SOURCE_PIPELINE
from locsvc.services.editor import editor_view
from locsvc.services.pipeline import Outcome, run_stage

from ..helpers import upload_episode
from .review_fixtures import SOURCE, build_cast, store_track

CORRECTED = """1
00:00:00,000 --> 00:00:02,600
Y así, mis compatriotas,

2
00:00:02,700 --> 00:00:06,000
no preguntéis qué puede hacer
vuestro país por vosotros,

3
00:00:06,100 --> 00:00:09,500
preguntad qué podéis hacer
vosotros por vuestro país.
"""
APPROVED_SENTENCE = (
    "Y así, mis compatriotas, no preguntéis qué puede hacer vuestro país por vosotros, "
    "preguntad qué podéis hacer vosotros por vuestro país."
)
# Episode 2 repeats the line, then says something new, then the line with one word changed.
EPISODE_TWO = [
    *SOURCE,
    Cue(10500, 12500, ("Thank you all for coming tonight.",)),
    Cue(13000, 15500, ("And so my fellow citizens,",)),
    Cue(15600, 19000, ("ask not what your country", "can do for you,")),
    Cue(19100, 22000, ("ask what you can do", "for your country.")),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def settings_overrides(request, settings_overrides):
    if request.param == "sqlite":
        return settings_overrides
    return {**settings_overrides, "database_url": request.getfixturevalue("postgres_url")}


@pytest.fixture
def dispatched(app):
    calls = []
    app.extensions["locsvc"].dispatch = lambda episode_id, stages, priority=None: calls.append(
        (episode_id, list(stages))
    )
    return calls


@pytest.fixture
def approved(app, client, auth, data_dir, dispatched):
    """Episode 1 of show "demo": its Spanish draft corrected by ana and approved by bea."""
    cast = build_cast(app, client, auth, data_dir)
    items = client.get("/api/v1/reviews?language=es", headers=cast.auth("ana")).json["items"]
    base = f"/api/v1/reviews/{items[0]['id']}"
    assert client.post(f"{base}/claim", headers=cast.auth("ana")).status_code == 200
    stored = client.post(
        f"/api/v1/episodes/{cast.episode_id}/tracks/es/revisions", headers=cast.auth("ana"),
        data={"file": (io.BytesIO(CORRECTED.encode()), "fix.srt")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert stored.status_code == 201, stored.json
    assert client.post(f"{base}/submit", headers=cast.auth("ana")).status_code == 200
    assert client.post(f"{base}/approve", headers=cast.auth("bea")).status_code == 200
    return cast


def translate(app, episode_id: str) -> None:
    ctx = app.extensions["locsvc"]
    outcome = run_stage(ctx, episode_id, "translate:es", "test")
    with ctx.db.session() as session:
        stage = session.scalar(select(StageRun).where(StageRun.episode_id == episode_id,
                                                      StageRun.name == "translate:es"))  # fmt: skip
        assert outcome is Outcome.DONE, stage.error_message


def second_episode(app, client, auth, data_dir) -> str:
    response = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", show="demo",
                              source_language="en", targets="es")  # fmt: skip
    episode_id = response.json["id"]
    ctx = app.extensions["locsvc"]
    store_track(ctx, episode_id, "en", "source", EPISODE_TWO)
    with ctx.db.session() as session:
        session.execute(
            update(StageRun)
            .where(StageRun.episode_id == episode_id,
                   StageRun.name.in_([s.value for s in SOURCE_PIPELINE]))
            .values(status="done")
        )  # fmt: skip
    return episode_id


def test_an_approval_teaches_the_memory_and_the_next_episode_reuses_it(
    app, client, auth, data_dir, approved, apertium
):
    memory = client.get("/api/v1/shows/demo/memory", headers=auth).json
    (spanish,) = memory["memories"]
    assert (spanish["source_language"], spanish["target_language"]) == ("en", "es")
    assert spanish["units"] == 4  # the sentence, and each of its three cues
    audit = client.get("/api/v1/audit", headers=auth).json["items"]
    approval = next(a for a in audit if a["action"] == "review.approve")
    assert approval["after"]["memory"] == {"units": 4, "unchanged": 0}

    episode_id = second_episode(app, client, auth, data_dir)
    before = client.get(f"/api/v1/episodes/{episode_id}/leverage?languages=es", headers=auth)
    bands = {b["band"]: b for b in before.json["languages"][0]["now"]["bands"]}
    # The same sentence, but followed by another one here: exact, not in context.
    assert bands["100"]["segments"] == 1 and bands["100"]["words"] == 22
    assert bands["95-99"]["segments"] == 1  # 21 of its 22 words
    assert bands["no match"]["segments"] == 1

    translate(app, episode_id)
    track = client.get(f"/api/v1/episodes/{episode_id}/tracks/es?format=srt", headers=auth)
    assert " ".join(APPROVED_SENTENCE.split()) in " ".join(
        line for line in track.text.splitlines() if line and not line[0].isdigit()
    )
    record = client.get(f"/api/v1/episodes/{episode_id}/provenance", headers=auth).json
    (es,) = [t for t in record["tracks"] if t["language"] == "es"]
    made_with = es["revisions"][0]["made_with"]
    origins = made_with["cue_origins"]
    cues = read_subtitles(track.data, filename="es.srt").cues
    assert len(origins) == len(cues)
    assert {o for o, c in zip(origins, cues, strict=True) if c.end_ms <= 10_000} == {"tm:100"}
    assert {o for o, c in zip(origins, cues, strict=True) if c.start_ms > 10_000} == {"apertium"}
    (used,) = made_with["memory"]["units_used"]
    assert used["score"] == 100 and used["revision"] == f"{approved.episode_id}/es/r2"
    assert made_with["memory"]["scopes"] == ["demo", "_default"]

    matches = client.get(f"/api/v1/episodes/{episode_id}/tracks/es/memory-matches",
                         headers=auth).json  # fmt: skip
    fuzzy = [m for cue in matches["cues"] for m in cue["matches"] if m["score"] < 100]
    assert fuzzy and fuzzy[0]["band"] == "95-99" and fuzzy[0]["target"] == APPROVED_SENTENCE
    reviews = client.get("/api/v1/reviews?language=es", headers=auth).json["items"]
    (review,) = [r for r in reviews if r["episode_id"] == episode_id]
    page = editor_view(app.extensions["locsvc"], review["id"], Principal("admin", Role.ADMIN))
    offered = [(m["score"], m["target"]) for row in page["rows"] for m in row["matches"]]
    assert (95, APPROVED_SENTENCE) in offered and (100, APPROVED_SENTENCE) in offered
    xliff = client.get(f"/api/v1/episodes/{episode_id}/tracks/es?format=xliff", headers=auth)
    assert 'match-quality="100%"' in xliff.text and 'match-quality="95%"' in xliff.text


def test_the_same_sentence_translated_otherwise_is_flagged(
    app, client, auth, data_dir, approved, apertium
):
    ctx_settings = client.put("/api/v1/shows/demo/memory", headers=auth,
                              json={"auto_apply": "none"})  # fmt: skip
    assert ctx_settings.json == {"auto_apply": "none", "threshold": 75}
    episode_id = second_episode(app, client, auth, data_dir)
    translate(app, episode_id)
    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/es/qc", headers=auth).json
    (flag,) = [i for i in qc["issues"] if i["rule"] == "tm_consistency"]
    assert flag["severity"] == "warning" and flag["cue"] == 1
    assert APPROVED_SENTENCE in flag["limit"] and approved.episode_id in flag["limit"]


def test_tmx_round_trip_and_a_broken_file_imports_nothing(app, client, auth, approved):
    exported = client.get("/api/v1/shows/demo/memory/tmx", headers=auth)
    assert exported.status_code == 200 and exported.mimetype == "application/x-tmx+xml"
    first = read_tmx(exported.data, "demo.tmx").units

    def post(body: bytes, name: str, show: str = "other"):
        return client.post(f"/api/v1/shows/{show}/memory/tmx", headers=auth,
                           data={"file": (io.BytesIO(body), name)},
                           content_type="multipart/form-data")  # fmt: skip

    imported = post(exported.data, "demo.tmx")
    assert imported.status_code == 201, imported.json
    assert imported.json["pairs"] == [{"source_language": "en", "target_language": "es",
                                       "added": 4, "unchanged": 0}]  # fmt: skip
    assert post(exported.data, "demo.tmx").status_code == 200  # the same file: nothing new
    again = client.get("/api/v1/shows/other/memory/tmx", headers=auth)
    assert again.data == exported.data
    assert read_tmx(again.data, "other.tmx").units == first

    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        count = session.scalar(select(func.count()).select_from(MemoryUnitRow))
    broken = exported.data.replace(b"</tu>", b"</tuv>", 3)
    refused = post(broken, "broken.tmx", show="third")
    assert refused.status_code == 400 and refused.json["error"]["code"] == "tmx_unreadable"
    assert refused.json["error"]["details"]["line"] > 1
    hostile = b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx version="1.4"/>'
    assert post(hostile, "bomb.tmx", show="third").status_code == 400
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(MemoryUnitRow)) == count
    assert client.get("/api/v1/shows/third/memory/tmx", headers=auth).status_code == 404


def test_the_stored_index_finds_what_scoring_every_unit_would(app):
    """Prefix filtering over the postings loses no match the threshold admits."""
    import random

    from locsvc.adapters.db.repositories import MemoryRepository
    from locsvc.domain.translation_memory import MemoryUnit, Query, best_matches, lookup

    rng = random.Random(5)
    words = "the a cat dog sat on mat we you 7 12 run home night day old new".split()
    sources = {" ".join(rng.choices(words, k=rng.randint(1, 12))) + "." for _ in range(400)}
    units = [MemoryUnit(text, f"t{i}", "en", "es", show="demo")
             for i, text in enumerate(sorted(sources))]  # fmt: skip
    queries = [Query(" ".join(rng.choices(words, k=rng.randint(1, 12))) + ".") for _ in range(60)]
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        repository = MemoryRepository(session)
        memory = repository.get_or_create("demo", "en", "es")
        assert repository.add(memory, units) == (len(units), 0)
        stored = list(repository.units(memory))
        found = lookup(queries, repository.source([memory]), 60, limit=1000)
    for query, matches in zip(queries, found, strict=True):
        everything = best_matches(query, stored, 60, limit=1000)
        exact = [m for m in everything if m.score >= 100]
        assert sorted(m.unit.id for m in matches) == sorted(m.unit.id for m in exact or everything)


def test_a_later_approval_supersedes_and_history_is_kept(app, client, auth):
    from locsvc.adapters.db.repositories import MemoryRepository
    from locsvc.domain.translation_memory import MemoryUnit

    ctx = app.extensions["locsvc"]

    def approve(target: str, when: str):
        unit = MemoryUnit("Good night.", target, "en", "es", previous="Bye.", following=None,
                          created_by="bea", created_at=when)  # fmt: skip
        with ctx.db.session() as session:
            repository = MemoryRepository(session)
            return repository.add(repository.get_or_create("demo", "en", "es"), [unit])

    assert approve("Buenas noches.", "2026-01-01T00:00:00+00:00") == (1, 0)
    assert approve("Buenas noches.", "2026-01-02T00:00:00+00:00") == (0, 1)  # the same again
    assert approve("Que descanses.", "2026-02-01T00:00:00+00:00") == (1, 0)
    current = read_tmx(client.get("/api/v1/shows/demo/memory/tmx", headers=auth).data, "a").units
    assert [u.target for u in current] == ["Que descanses."]
    with ctx.db.session() as session:
        rows = session.scalars(select(MemoryUnitRow).order_by(MemoryUnitRow.id)).all()
        assert [(r.target_text, r.superseded_by) for r in rows] == [
            ("Buenas noches.", rows[1].id), ("Que descanses.", None),
        ]  # fmt: skip
    everything = client.get("/api/v1/shows/demo/memory/tmx?history=true", headers=auth).data
    assert [u.target for u in read_tmx(everything, "b").units] == ["Buenas noches.",
                                                                   "Que descanses."]  # fmt: skip
