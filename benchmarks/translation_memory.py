"""Translation memory figures (issue 16), in one run:

1. A season built from real parallel text (the World English Bible and the Reina-Valera
   1909, Debian's sword texts): episode 1 is Mark 1; episode 2 opens with a recap (Mark
   1:1-15 again), goes on with Matthew's parallel telling of the baptism and temptation
   (Matthew 3:13-4:11: the same events in other words) and ends with new material (Mark
   2:1-20). Each verse is subtitled at a reading pace. Episode 1 is machine-translated
   (Apertium en->es), corrected to the RV1909 text and approved through the review API;
   episode 2 is then translated with the memory (exact matches taken) and without it.
   Printed: episode 2's leverage by band, and its post-editing effort (word and character
   edit rate of the draft against the reference) with and without the memory.
2. A TMX round trip: the season's memory exported, imported into an empty show, exported
   again: identical units and bytes.
3. Lookup latency (p50/p95 of single-sentence lookups: exact, fuzzy and unmatched) with
   10k, 100k and 1M units in a PostgreSQL memory, units made of real clauses of the whole
   WEB Bible recombined; and the time a 400-cue episode's translation spends in the memory
   (one batch of lookups), against the stage as a whole.

    apt-get install diatheke sword-text-web sword-text-sparv apertium-en-es
    python benchmarks/translation_memory.py [--sizes 10000,100000,1000000]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text as sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from locsvc.adapters.db.migrate import upgrade  # noqa: E402
from locsvc.adapters.db.models import StageRun  # noqa: E402
from locsvc.adapters.db.repositories import MemoryRepository  # noqa: E402
from locsvc.adapters.edit_rates import char_edit_rate, word_edit_rate  # noqa: E402
from locsvc.adapters.formats import read_subtitles  # noqa: E402
from locsvc.adapters.tmx import read_tmx  # noqa: E402
from locsvc.app import create_app  # noqa: E402
from locsvc.domain.cues import Cue  # noqa: E402
from locsvc.domain.memory_alignment import source_sentences  # noqa: E402
from locsvc.domain.pipeline import SOURCE_PIPELINE  # noqa: E402
from locsvc.domain.translation_memory import MemoryUnit, Query, queries_in_order  # noqa: E402
from locsvc.services.auth import create_user  # noqa: E402
from locsvc.services.memory import stored_recall  # noqa: E402
from locsvc.services.pipeline import run_stage  # noqa: E402
from locsvc.services.stages import add_pipeline_revision  # noqa: E402

VERSE = re.compile(r"^(.+? \d+:\d+): (.*)$")
ENGLISH, SPANISH = "engWEB2015eb", "spaRV1909eb"
MEDIA = ROOT / "samples" / "jfk.mp3"
PACE_CPS = 15
LINE = 40
ADMIN = "bench-admin-token"
SHOW = "gospel"


def verses(module: str, passage: str) -> list[tuple[str, str]]:
    output = subprocess.run(["diatheke", "-b", module, "-f", "plain", "-k", passage],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    found = []
    for line in output.splitlines():
        if match := VERSE.match(line):
            text = re.sub(r"<[GH]\d+>", "", match.group(2))  # Strong's numbers in RV1909
            found.append((match.group(1), " ".join(text.split())))
    return found


def passage_pairs(passage: str) -> list[tuple[str, str]]:
    spanish = dict(verses(SPANISH, passage))
    return [(text, spanish[ref]) for ref, text in verses(ENGLISH, passage) if ref in spanish]


# --- subtitles from verses ------------------------------------------------------------------


def _chunks(words: list[str], size: int) -> list[list[str]]:
    """Words in chunks of about ``size`` characters; a chunk never ends a sentence unless it
    ends the verse (the translate stage ends sentences only at cue ends)."""
    chunks, current = [], []
    for word in words:
        if current and len(" ".join([*current, word])) > size:
            chunks.append(current)
            current = []
        current.append(word)
    if current:
        chunks.append(current)
    merged: list[list[str]] = []
    for chunk in chunks:
        if merged and merged[-1][-1].endswith((".", "?", "!", "”", '"', "’")):
            merged[-1] += chunk
        else:
            merged.append(chunk)
    return merged


def season_cues(pairs: list[tuple[str, str]]) -> tuple[list[Cue], list[Cue]]:
    """(English cues, the Spanish reference on the same times): each verse in cues of up to
    two lines, timed at the reading pace, verses 2.1 s apart (a sentence ends there)."""
    english, spanish, clock = [], [], 0
    for source, target in pairs:
        chunks = _chunks(source.split(), 2 * LINE)
        words = target.split()
        shares = [len(" ".join(c)) for c in chunks]
        cut, taken = [], 0
        for share in shares[:-1]:
            taken += round(len(words) * share / sum(shares))
            cut.append(min(taken, len(words)))
        bounds = list(zip([0, *cut], [*cut, len(words)], strict=True))
        for chunk, (begin, end) in zip(chunks, bounds, strict=True):
            text = " ".join(chunk)
            duration = max(1200, round(len(text) / PACE_CPS * 1000))
            english.append(Cue(clock, clock + duration, _lines(text)))
            spanish.append(Cue(clock, clock + duration, _lines(" ".join(words[begin:end]) or "…")))
            clock += duration + 80
        clock += 2100
    return english, spanish


def _lines(text: str) -> tuple[str, ...]:
    if len(text) <= LINE:
        return (text,)
    middle = text.rfind(" ", 0, len(text) // 2 + 8)
    middle = middle if middle > 0 else text.find(" ")
    return (text[:middle], text[middle + 1 :]) if middle > 0 else (text,)


def srt(cues: list[Cue]) -> str:
    def stamp(ms: int) -> str:
        return f"{ms // 3600000:02}:{ms // 60000 % 60:02}:{ms // 1000 % 60:02},{ms % 1000:03}"

    return "\n".join(f"{n}\n{stamp(c.start_ms)} --> {stamp(c.end_ms)}\n{c.text}\n"
                     for n, c in enumerate(cues, start=1))  # fmt: skip


# --- the service, in process ---------------------------------------------------------------


class Service:
    def __init__(self, work: Path, database_url: str | None = None) -> None:
        overrides = {"data_dir": str(work / "var"), "admin_token": ADMIN}
        if database_url:
            overrides["database_url"] = database_url
        self.app = create_app(overrides)
        self.ctx = self.app.extensions["locsvc"]
        upgrade(self.ctx.settings.effective_database_url)
        self.ctx.dispatch = lambda *args, **kwargs: None  # stages run here, in process
        self.client = self.app.test_client()
        self.admin = {"Authorization": f"Bearer {ADMIN}"}
        self.tokens = {name: create_user(self.ctx.db, name, "linguist", "es", "")[1]
                       for name in ("ana", "bea")}  # fmt: skip

    def auth(self, name: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def episode(self, title: str, english: list[Cue]) -> str:
        """An episode whose source track is ``english``, its translation into es run."""
        reply = self.client.post("/api/v1/episodes", headers=self.admin, data={
            "file": (io.BytesIO(MEDIA.read_bytes()), "episode.mp3"), "title": title,
            "show": SHOW, "source_language": "en", "targets": "es",
        })  # fmt: skip
        assert reply.status_code == 202, reply.json
        episode_id = reply.json["id"]
        blob = self.ctx.storage.put_bytes(json.dumps([c.to_dict() for c in english]).encode())
        with self.ctx.db.session() as session:
            add_pipeline_revision(session, episode_id, "en", "source", blob.sha256,
                                  len(english), None, {"errors": 0, "warnings": 0})  # fmt: skip
            session.query(StageRun).filter(
                StageRun.episode_id == episode_id,
                StageRun.name.in_([s.value for s in SOURCE_PIPELINE]),
            ).update({"status": "done"})
        started = time.perf_counter()
        outcome = run_stage(self.ctx, episode_id, "translate:es", "bench")
        self.stage_seconds = time.perf_counter() - started
        assert outcome.value == "done", outcome
        return episode_id

    def draft(self, episode_id: str) -> list[Cue]:
        body = self.client.get(f"/api/v1/episodes/{episode_id}/tracks/es?format=srt",
                               headers=self.admin).data  # fmt: skip
        return read_subtitles(body, filename="es.srt").cues

    def approve(self, episode_id: str, corrected: list[Cue]) -> None:
        reviews = self.client.get("/api/v1/reviews?language=es", headers=self.admin).json
        (review,) = [r for r in reviews["items"] if r["episode_id"] == episode_id]
        base = f"/api/v1/reviews/{review['id']}"
        assert self.client.post(f"{base}/claim", headers=self.auth("ana")).status_code == 200
        stored = self.client.post(
            f"/api/v1/episodes/{episode_id}/tracks/es/revisions", headers=self.auth("ana"),
            data={"file": (io.BytesIO(srt(corrected).encode()), "fixed.srt")},
            content_type="multipart/form-data",
        )  # fmt: skip
        assert stored.status_code == 201, stored.json
        assert self.client.post(f"{base}/submit", headers=self.auth("ana")).status_code == 200
        approved = self.client.post(f"{base}/approve", headers=self.auth("bea"),
                                    json={"waiver": "benchmark: reference text"})  # fmt: skip
        assert approved.status_code == 200, approved.json


def text_of(cues: list[Cue]) -> str:
    return " ".join(" ".join(line for line in cue.lines) for cue in cues)


def leverage_table(leverage: dict) -> str:
    rows = [f"    {'band':<9} {'segments':>8} {'words':>6} {'share':>7}"]
    rows += [f"    {b['band']:<9} {b['segments']:>8} {b['words']:>6} {b['share']:>7.1%}"
             for b in leverage["bands"]]  # fmt: skip
    return "\n".join(rows)


def season(work: Path) -> Service:
    print("1. A season from parallel text (WEB -> RV1909), Apertium en->es")
    episode_one = passage_pairs("Mark 1")
    recap = episode_one[:15]
    parallel = passage_pairs("Matthew 3:13-4:11")
    new = passage_pairs("Mark 2:1-20")
    episode_two = recap + parallel + new
    one_en, one_es = season_cues(episode_one)
    two_en, two_es = season_cues(episode_two)
    print(f"   episode 1: Mark 1, {len(episode_one)} verses, {len(one_en)} cues; episode 2: "
          f"recap {len(recap)} + Matthew's parallel {len(parallel)} + new {len(new)} verses, "
          f"{len(two_en)} cues")  # fmt: skip
    service = Service(work)
    first = service.episode("Episode 1", one_en)
    draft_one = service.draft(first)
    service.approve(first, one_es)
    print(f"   episode 1 approved: draft word edit rate to the reference "
          f"{word_edit_rate(text_of(one_es), text_of(draft_one)):.3f}")  # fmt: skip
    memory = service.client.get(f"/api/v1/shows/{SHOW}/memory", headers=service.admin).json
    print(f"   the memory learned {memory['memories'][0]['units']} units (sentences and cues)")

    with_memory = service.episode("Episode 2", two_en)
    leverage = service.client.get(f"/api/v1/episodes/{with_memory}/leverage?languages=es",
                                  headers=service.admin).json["languages"][0]  # fmt: skip
    at_translation = leverage["at_translation"]
    exact = sum(b["words"] for b in at_translation["bands"] if b["band"] in ("101", "100"))
    print(f"   episode 2 leverage at translation ({at_translation['words']} source words):")
    print(leverage_table(at_translation))
    print(f"   words covered by 100/101% matches: {exact / at_translation['words']:.1%}")
    service.client.put(f"/api/v1/shows/{SHOW}/memory", headers=service.admin,
                       json={"auto_apply": "none"})  # fmt: skip
    without = service.episode("Episode 2 (no memory)", two_en)
    reference = text_of(two_es)
    for label, episode_id in (("with the memory", with_memory), ("without it", without)):
        draft = text_of(service.draft(episode_id))
        print(f"   episode 2 post-editing effort {label:<16}: word edit rate "
              f"{word_edit_rate(reference, draft):.3f}, character edit rate "
              f"{char_edit_rate(reference, draft):.3f}")  # fmt: skip
    service.client.put(f"/api/v1/shows/{SHOW}/memory", headers=service.admin,
                       json={"auto_apply": "100"})  # fmt: skip
    return service


def round_trip(service: Service) -> None:
    print("\n2. TMX round trip")
    client, admin = service.client, service.admin
    first = client.get(f"/api/v1/shows/{SHOW}/memory/tmx", headers=admin).data
    imported = client.post("/api/v1/shows/empty-show/memory/tmx", headers=admin,
                           data={"file": (io.BytesIO(first), "season.tmx")},
                           content_type="multipart/form-data")  # fmt: skip
    second = client.get("/api/v1/shows/empty-show/memory/tmx", headers=admin).data
    units_one, units_two = read_tmx(first, "a.tmx").units, read_tmx(second, "b.tmx").units
    print(f"   exported {len(units_one)} units ({len(first)} bytes), imported "
          f"{imported.json['pairs'][0]['added']}, exported again: units identical "
          f"{units_one == units_two}, bytes identical {first == second}")  # fmt: skip


# --- latency on a large memory -----------------------------------------------------------


def clauses() -> list[str]:
    """Clauses of the whole WEB Bible (split at , ; : and sentence ends), 3-14 words."""
    found = set()
    for _, text in verses(ENGLISH, "Genesis 1:1-Revelation 22:21"):
        for part in re.split(r"(?<=[,;:.?!])\s+", text):
            words = part.strip('“”‘’"').split()
            if 3 <= len(words) <= 14:
                found.add(" ".join(words))
    return sorted(found)


def synthetic_units(parts: list[str], count: int, seed: int) -> list[MemoryUnit]:
    """``count`` distinct sentences, each two real clauses joined (subtitle-sized)."""
    rng = random.Random(seed)
    seen: set[str] = set()
    units = []
    while len(units) < count:
        text = f"{rng.choice(parts)} {rng.choice(parts)}"
        if text in seen:
            continue
        seen.add(text)
        units.append(MemoryUnit(text, f"[es] {text}", "en", "es", origin="bench"))
    return units


def latency(work: Path, postgres: str, sizes: list[int]) -> None:
    print(f"\n3. Lookup latency on PostgreSQL ({postgres.rsplit('@', 1)[-1]})")
    import psycopg

    name = f"locsvc_bench_tm_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = postgres.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
    try:
        service = Service(work / "pg", url)
        ctx = service.ctx
        parts = clauses()
        print(f"   {len(parts)} distinct clauses of the WEB Bible, two per unit")
        rng = random.Random(7)
        loaded = 0
        pool = synthetic_units(parts, max(sizes), seed=1)
        for size in sizes:
            started = time.perf_counter()
            for begin in range(loaded, size, 5000):
                with ctx.db.session() as session:
                    repository = MemoryRepository(session)
                    memory = repository.get_or_create(SHOW, "en", "es")
                    repository.add(memory, pool[begin : min(begin + 5000, size)])
            load_s = time.perf_counter() - started
            with ctx.db.session() as session:
                session.execute(sql("ANALYZE"))
            added = size - loaded
            loaded = size
            queries = _queries(pool[:size], parts, rng)
            recall = stored_recall(ctx, [SHOW], "en", "es", 75)
            times: dict[str, list[float]] = {"exact": [], "fuzzy": [], "new": []}
            found: dict[str, int] = {"exact": 0, "fuzzy": 0, "new": 0}
            for kind, query in queries:
                started = time.perf_counter()
                (matches,) = recall([query])
                times[kind].append(time.perf_counter() - started)
                found[kind] += bool(matches)
            every = sorted(t for kind in times.values() for t in kind)
            print(f"   {size:>8} units (loaded {added} in {load_s:.0f} s, "
                  f"{added / max(load_s, 1e-9):.0f} units/s): lookup p50 "
                  f"{_pct(every, 50) * 1000:.1f} ms, p95 {_pct(every, 95) * 1000:.1f} ms "
                  f"over {len(every)} lookups; " + ", ".join(
                      f"{kind} p50 {_pct(sorted(t), 50) * 1000:.1f} / p95 "
                      f"{_pct(sorted(t), 95) * 1000:.1f} ms ({found[kind]}/{len(t)} matched)"
                      for kind, t in times.items()))  # fmt: skip
            if size == sizes[min(1, len(sizes) - 1)]:
                episode_in_memory(service, parts, pool[:size], size)
        service.ctx.db.dispose()
    finally:
        with psycopg.connect(postgres, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _queries(units: list[MemoryUnit], parts: list[str], rng: random.Random):
    """100 sentences the memory holds, 100 with one word changed, 100 it has never seen."""
    queries = []
    for unit in rng.sample(units, 100):
        queries.append(("exact", Query(unit.source)))
    for unit in rng.sample(units, 100):
        words = unit.source.split()
        words[rng.randrange(len(words))] = "Nicodemus"
        queries.append(("fuzzy", Query(" ".join(words))))
    for _ in range(100):
        queries.append(("new", Query(f"Tonight, {rng.choice(parts).lower()} in Brooklyn.")))
    rng.shuffle(queries)
    return queries


def _pct(values: list[float], pct: int) -> float:
    return values[min(len(values) - 1, round(pct / 100 * (len(values) - 1)))]


def episode_in_memory(service: Service, parts: list[str], units, size: int) -> None:
    """A 400-cue episode (a quarter of its lines in the memory): the time its one batch of
    lookups takes (as the translate stage asks them), against the whole stage's."""
    rng = random.Random(3)
    lines = [u.source for u in rng.sample(units, 100)] + [
        f"{rng.choice(parts)} {rng.choice(parts)}" for _ in range(300)
    ]
    english, clock = [], 0
    for line in lines:
        duration = max(1200, round(len(line) / PACE_CPS * 1000))
        english.append(Cue(clock, clock + duration, _lines(line)))
        clock += duration + 2100
    texts = [s.text for s in source_sentences(english)]
    queries = queries_in_order(texts)
    recall = stored_recall(service.ctx, [SHOW, "_default"], "en", "es", 75)
    started = time.perf_counter()
    found = recall(queries)
    in_memory = time.perf_counter() - started
    service.episode("400 cues", english)
    exact = sum(1 for matches in found if matches and matches[0].score >= 100)
    print(
        f"   a 400-cue episode against {size} units: {in_memory:.2f} s for its {len(queries)} "
        f"lookups (one batch, as the stage asks them); the whole translate stage (which "
        f"asks them again) took {service.stage_seconds:.1f} s; {exact} lines exact"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        service = season(work)
        round_trip(service)
        latency(work, args.postgres, [int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()
