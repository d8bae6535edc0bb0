"""Every route of the app against every kind of caller: admin, producer, a linguist of the
track's language, a linguist of another language, a linguist of another show, a revoked
token, no token, and a producer of another show. The resources are the show `demo`'s;
`olga` and `peg` are assigned only to `other-show`. A route of the app that no case here
reaches fails the coverage test. Run with -s to see the matrix."""

import io
import re

import pytest

from locsvc.adapters.db.repositories import SpeakerRepository
from locsvc.services.auth import create_user

from ..helpers import upload_episode
from .review_fixtures import SOURCE, SPANISH, build_cast, store_track

ROLES = ("admin", "pat", "ana", "fred", "olga", "gone", "anon", "peg")
ROLE_NAMES = {"admin": "admin", "pat": "producer", "ana": "linguist es", "fred": "linguist fr",
              "olga": "linguist es, other show", "gone": "revoked", "anon": "no token",
              "peg": "producer, other show"}  # fmt: skip
OTHER_SHOW = "other-show"


def files(name, body):
    return {"file": (io.BytesIO(body), name)}


GLOSSARY = b"en,es\ncountry,patria\n"
SRT = b"1\n00:00:00,000 --> 00:00:02,000\nHola.\n"
CUE = {"start_ms": 0, "end_ms": 2000, "text": "Hola."}
TMX = (b'<?xml version="1.0"?><tmx version="1.4"><header srclang="en" segtype="sentence" '
       b'creationtool="t" creationtoolversion="1" o-tmf="t" adminlang="en" datatype="plaintext"/>'
       b'<body><tu><tuv xml:lang="en"><seg>%s</seg></tuv><tuv xml:lang="es"><seg>%s</seg></tuv>'
       b"</tu></body></tmx>")  # fmt: skip

# (label, method, path, body builder, expected status per role in ROLES order).
# {e} is demo's episode, {r} its Spanish review, {g} its glossary, {o} its rollout.
# No token and a revoked token are 401 everywhere but /health and the document.
CASES = [
    ("GET /health", "get", "/health", None, (200, 200, 200, 200, 200, 200, 200, 200)),
    ("GET /openapi.json", "get", "/openapi.json", None, (200,) * 8),
    ("GET /metrics", "get", "/metrics", None, (200, 403, 403, 403, 403, 401, 401, 403)),
    ("GET /episodes", "get", "/episodes", None, (200, 200, 200, 200, 200, 401, 401, 200)),
    ("GET /episodes/{id}", "get", "/episodes/{e}", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET tracks/es", "get", "/episodes/{e}/tracks/es", None,
     (200, 200, 200, 403, 403, 401, 401, 403)),
    ("GET tracks/en (source)", "get", "/episodes/{e}/tracks/en", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET tracks/es/qc", "get", "/episodes/{e}/tracks/es/qc", None,
     (200, 200, 200, 403, 403, 401, 401, 403)),
    ("GET deliverables/es", "get", "/episodes/{e}/deliverables/es", None,
     (404, 404, 404, 403, 403, 401, 401, 403)),
    ("GET provenance", "get", "/episodes/{e}/provenance", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET speakers", "get", "/episodes/{e}/speakers", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET /shows/{slug}/cast", "get", "/shows/demo/cast", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET dubs/es", "get", "/episodes/{e}/dubs/es", None,
     (404, 404, 404, 403, 403, 401, 401, 403)),
    ("GET dubs/es/report", "get", "/episodes/{e}/dubs/es/report", None,
     (404, 404, 404, 403, 403, 401, 401, 403)),
    ("GET /shows/{slug}/timed-text", "get", "/shows/demo/timed-text", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET /shows/{slug}/review", "get", "/shows/demo/review", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET /shows/{slug}/translation", "get", "/shows/demo/translation", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET /shows/{slug}/memory", "get", "/shows/demo/memory", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET /shows/{slug}/memory/tmx", "get", "/shows/demo/memory/tmx", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET leverage", "get", "/episodes/{e}/leverage?languages=es", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET memory-matches", "get", "/episodes/{e}/tracks/es/memory-matches", None,
     (200, 200, 200, 403, 403, 401, 401, 403)),
    ("GET /rollouts/{id}/leverage", "get", "/rollouts/{o}/leverage", None,
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("GET /reviews", "get", "/reviews", None, (200, 200, 200, 200, 200, 401, 401, 200)),
    ("GET /reviews/{id}", "get", "/reviews/{r}", None,
     (200, 200, 200, 403, 403, 401, 401, 403)),
    ("GET /audit", "get", "/audit", None, (200, 403, 403, 403, 403, 401, 401, 403)),
    ("GET /glossaries", "get", "/glossaries", None, (200, 200, 200, 200, 200, 401, 401, 200)),
    ("GET /glossaries/{id}", "get", "/glossaries/{g}", None,
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("GET /reports/post-editing", "get", "/reports/post-editing", None,
     (200, 200, 403, 403, 403, 401, 401, 200)),
    ("GET /rollouts/{id}", "get", "/rollouts/{o}", None,
     (200, 200, 403, 403, 403, 401, 401, 403)),
    # Changes: after each one that succeeds the database is rebuilt for the next caller.
    ("POST /episodes", "post", "/episodes", "episode",
     (202, 202, 403, 403, 403, 401, 401, 403)),
    ("POST revisions (unclaimed)", "post", "/episodes/{e}/tracks/es/revisions", "srt",
     (409, 403, 409, 403, 403, 401, 401, 403)),
    ("POST dubs/es", "post", "/episodes/{e}/dubs/es", None,
     (409, 409, 403, 403, 403, 401, 401, 403)),
    ("PUT me-stem", "put", "/episodes/{e}/me-stem", "stem",
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("POST /reviews/{id}/claim", "post", "/reviews/{r}/claim", None,
     (200, 403, 200, 403, 403, 401, 401, 403)),
    ("POST /reviews/{id}/release", "post", "/reviews/{r}/release", None,
     (409, 403, 409, 403, 403, 401, 401, 403)),
    ("POST /reviews/{id}/submit", "post", "/reviews/{r}/submit", None,
     (409, 403, 409, 403, 403, 401, 401, 403)),
    ("POST /reviews/{id}/approve", "post", "/reviews/{r}/approve", None,
     (409, 403, 409, 403, 403, 401, 401, 403)),
    ("POST /reviews/{id}/request-changes", "post", "/reviews/{r}/request-changes", None,
     (409, 403, 409, 403, 403, 401, 401, 403)),
    ("POST /reviews/{id}/reopen", "post", "/reviews/{r}/reopen", None,
     (409, 409, 409, 403, 403, 401, 401, 403)),
    ("POST /glossaries", "post", "/glossaries", "glossary",
     (201, 201, 403, 403, 403, 401, 401, 403)),
    ("POST /glossaries (_default)", "post", "/glossaries", "default glossary",
     (201, 201, 403, 403, 403, 401, 401, 403)),
    ("POST /glossaries/{id}/entries:import", "post", "/glossaries/{g}/entries:import",
     "entries", (201, 201, 403, 403, 403, 401, 401, 403)),
    ("PUT /shows/{slug}/timed-text", "put", "/shows/demo/timed-text", "profile",
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("PUT /shows/{slug}/review", "put", "/shows/demo/review", "four eyes off",
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("PUT /shows/{slug}/translation", "put", "/shows/demo/translation", "show notes",
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("PUT /shows/{slug}/memory", "put", "/shows/demo/memory", "memory settings",
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("POST /shows/{slug}/memory/tmx", "post", "/shows/demo/memory/tmx", "tmx",
     (201, 201, 403, 403, 403, 401, 401, 403)),
    ("PATCH speakers/S1", "patch", "/episodes/{e}/speakers/S1", "speaker name",
     (200, 200, 200, 200, 403, 401, 401, 403)),
    ("PUT /shows/{slug}/cast/{name}", "put", "/shows/demo/cast/Diane", "cast voice",
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("POST /users", "post", "/users", "user", (201, 403, 403, 403, 403, 401, 401, 403)),
    ("POST /rollouts (show)", "post", "/rollouts", "rollout",
     (202, 202, 403, 403, 403, 401, 401, 403)),
    ("POST /rollouts (episodes)", "post", "/rollouts", "rollout of episodes",
     (202, 202, 403, 403, 403, 401, 401, 403)),
    ("POST /rollouts/{id}/cancel", "post", "/rollouts/{o}/cancel", None,
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("POST /rollouts/{id}/retry", "post", "/rollouts/{o}/retry", None,
     (200, 200, 403, 403, 403, 401, 401, 403)),
    ("POST /users/{name}/revoke", "post", "/users/bea/revoke", None,
     (200, 403, 403, 403, 403, 401, 401, 403)),
    ("POST /users/{name}/rotate (other)", "post", "/users/bea/rotate", None,
     (200, 403, 403, 403, 403, 401, 401, 403)),
]  # fmt: skip

# The review page, per signed-in caller (anon: no session, sent to sign in).
WEB_ROLES = ("admin", "pat", "ana", "fred", "olga", "peg", "anon")
WEB_CASES = [
    ("GET /app/sign-in", "get", "/app/sign-in", None, (200,) * 7),
    ("GET /app/static", "get", "/app/static/editor.js", None, (200,) * 7),
    ("GET /app/", "get", "/app/", None, (200, 200, 200, 200, 200, 200, 302)),
    ("GET /app/reviews/{id}", "get", "/app/reviews/{r}", None,
     (200, 200, 200, 403, 403, 403, 302)),
    ("GET /app/media/{id}", "get", "/app/media/{e}", None, (200, 200, 200, 200, 403, 403, 302)),
    ("GET /app/rollouts/{id}", "get", "/app/rollouts/{o}", None,
     (200, 200, 403, 403, 403, 403, 302)),
    ("GET /app/rollouts/{id}.json", "get", "/app/rollouts/{o}.json", None,
     (200, 200, 403, 403, 403, 403, 302)),
    ("POST /app/reviews/{id}/claim", "post", "/app/reviews/{r}/claim", "form",
     (302, 403, 302, 403, 403, 403, 302)),
    ("POST /app/reviews/{id}/save", "post", "/app/reviews/{r}/save", "cues",
     (409, 403, 409, 403, 403, 403, 401)),
    ("POST /app/reviews/{id}/speakers/S1", "post", "/app/reviews/{r}/speakers/S1",
     "speaker form", (302, 302, 302, 403, 403, 403, 302)),
    ("POST /app/sign-out", "post", "/app/sign-out", "form", (302,) * 7),
    ("POST /app/sign-in", "post", "/app/sign-in", "sign in", (302,) * 7),
]  # fmt: skip


def request_kwargs(kind, data_dir, world=None):
    if kind == "episode":
        media = (data_dir / "jfk" / "jfk.mp3").read_bytes()
        return {"data": {"show": "demo", **files("jfk.mp3", media)},
                "content_type": "multipart/form-data"}  # fmt: skip
    if kind == "stem":
        media = (data_dir / "jfk" / "jfk.mp3").read_bytes()
        return {"data": files("stem.mp3", media), "content_type": "multipart/form-data"}
    if kind == "srt":
        return {"data": files("fix.srt", SRT), "content_type": "multipart/form-data"}
    if kind in ("glossary", "default glossary"):
        show = "demo" if kind == "glossary" else "_default"
        form = {"show": show, "source": "en", "target": "es", **files("en-es.csv", GLOSSARY)}
        return {"data": form, "content_type": "multipart/form-data"}
    if kind == "entries":
        body = GLOSSARY + b"freedom,libertad\n"
        return {"data": files("en-es.csv", body), "content_type": "multipart/form-data"}
    if kind == "tmx":
        return {"data": files("studio.tmx", TMX % (b"Good night.", b"Buenas noches.")),
                "content_type": "multipart/form-data"}  # fmt: skip
    if kind == "memory settings":
        return {"json": {"auto_apply": "101"}}
    if kind == "profile":
        return {"json": {"audience": "children"}}
    if kind == "show notes":
        return {"json": {"synopsis": "Two sisters run a bakery.", "tone": "warm, witty"}}
    if kind == "four eyes off":
        return {"json": {"four_eyes": False}}
    if kind == "rollout":
        return {"json": {"show": "demo", "languages": ["fr"]}}
    if kind == "rollout of episodes":
        return {"json": {"episodes": [world["e"]], "languages": ["fr"]}}
    if kind == "speaker name":
        return {"json": {"name": "Diane"}}
    if kind == "cast voice":
        return {"json": {"language": "es", "engine": "espeak-ng", "voice": "es+f3"}}
    if kind == "user":
        return {"json": {"name": "newbie", "role": "linguist", "languages": ["it"]}}
    return {}


def build_world(app, client, auth, data_dir) -> tuple[dict, dict]:
    """demo's episode, review, glossary and rollout, the cast's tokens and peg's; and an
    episode of other-show with its own tracks."""
    ctx = app.extensions["locsvc"]
    cast = build_cast(app, client, auth, data_dir)
    tokens = {**cast.tokens, "admin": auth["Authorization"].split()[1],
              "peg": create_user(ctx.db, "peg", "producer", "", OTHER_SHOW)[1]}  # fmt: skip
    reviews = client.get("/api/v1/reviews", headers=auth).json["items"]
    form = {"show": "demo", "source": "en", "target": "es",
            **files("en-es.csv", b"en,es\nnation,patria\n")}  # fmt: skip
    glossary = client.post("/api/v1/glossaries", headers=auth, data=form)
    memory = client.post("/api/v1/shows/demo/memory/tmx", headers=auth,
                         data=files("demo.tmx", TMX % (b"Thank you.", b"Gracias.")))  # fmt: skip
    assert memory.status_code == 201, memory.json
    rollout = client.post("/api/v1/rollouts", headers=auth,
                          json={"show": "demo", "languages": ["fr"]})  # fmt: skip
    assert glossary.status_code == 201 and rollout.status_code == 202, (glossary.json, rollout.json)
    other = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", show=OTHER_SHOW,
                           source_language="en")  # fmt: skip
    with ctx.db.session() as session:  # a speaker the diarization found, to be named
        SpeakerRepository(session).add(cast.episode_id, "S1", None)
    store_track(ctx, other.json["id"], "en", "source", SOURCE)
    store_track(ctx, other.json["id"], "es", "translation", SPANISH)
    world = {
        "e": cast.episode_id,
        "r": next(i["id"] for i in reviews if i["language"] == "es"),
        "g": glossary.json["id"],
        "o": rollout.json["id"],
        "other": other.json["id"],
    }
    return world, tokens


def _fresh(app, client, auth, data_dir):
    """A clean database for the next caller of a changing endpoint."""
    from sqlalchemy import inspect, text

    from locsvc.adapters.db.models import Base

    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        present = set(inspect(session.connection()).get_table_names())
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in present and table.name != "worker_heartbeats":
                session.execute(text(f"DELETE FROM {table.name}"))
    return build_world(app, client, auth, data_dir)


@pytest.fixture
def world(app, client, auth, data_dir):
    return build_world(app, client, auth, data_dir)


ROOT_PATHS = {"/metrics"}  # served where their clients look, outside /api/v1


def _url(path: str) -> str:
    return path if path in ROOT_PATHS else "/api/v1" + path


def _bearer(tokens, role):
    return {"Authorization": f"Bearer {tokens[role]}"} if role != "anon" else {}


def test_every_endpoint_answers_every_caller_as_designed(app, client, auth, data_dir, world):
    ids, tokens = world
    rows, wrong = [], []
    for label, method, path, body, expected in CASES:
        got = []
        for role in ROLES:
            response = getattr(client, method)(
                _url(path.format(**ids)), headers=_bearer(tokens, role),
                **request_kwargs(body, data_dir, ids),
            )  # fmt: skip
            got.append(response.status_code)
            if method != "get" and response.status_code < 400:  # a refusal changes nothing
                ids, tokens = _fresh(app, client, auth, data_dir)
        rows.append((label, got))
        if tuple(got) != expected:
            wrong.append((label, expected, tuple(got)))
    _print(ROLES, rows)
    assert wrong == [], wrong


def _signed_in_client(app, token: str | None):
    """A browser of its own: signed in with ``token`` (None: not signed in), and the
    session's CSRF token."""
    browser = app.test_client()
    if token is None:
        return browser, ""
    page = browser.get("/app/sign-in").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    form = {"token": token, **({"csrf": found.group(1)} if found else {})}
    assert browser.post("/app/sign-in", data=form).status_code == 302
    with browser.session_transaction() as session:
        csrf = session.get("csrf", "")
    return browser, csrf


def test_every_page_answers_every_caller_as_designed(app, client, auth, data_dir, world):
    ids, tokens = world
    rows, wrong = [], []
    for label, method, path, body, expected in WEB_CASES:
        got = []
        for role in WEB_ROLES:
            browser, csrf = _signed_in_client(app, tokens.get(role))
            url = path.format(**ids)
            if body == "cues":
                kwargs = {"json": {"base_revision": 1, "cues": [CUE]},
                          "headers": {"X-CSRF-Token": csrf}}  # fmt: skip
            elif body == "sign in":
                page = browser.get("/app/sign-in").get_data(as_text=True)
                found = re.search(r'name="csrf" value="([^"]+)"', page)
                token = tokens["admin" if role == "anon" else role]
                kwargs = {"data": {"token": token, **({"csrf": found.group(1)} if found else {})}}
            elif body == "speaker form":
                kwargs = {"data": {"csrf": csrf, "name": "Diane"}}
            else:
                kwargs = {"data": {"csrf": csrf}} if body == "form" else {}
            response = getattr(browser, method)(url, **kwargs)
            got.append(response.status_code)
            response.close()
            if method != "get" and response.status_code < 400 and "sign-" not in path:
                ids, tokens = _fresh(app, client, auth, data_dir)
        rows.append((label, got))
        if tuple(got) != expected:
            wrong.append((label, expected, tuple(got)))
    _print(WEB_ROLES, rows)
    assert wrong == [], wrong


def test_every_route_of_the_app_is_in_a_matrix(app):
    """A new route fails here until the matrices above say who may call it."""
    adapter = app.url_map.bind("localhost")
    reached = {
        adapter.match(url.split("?")[0].format(e="e1", r=1, g=1, o="o1"), method.upper())[0]
        for url, method in [(_url(c[2]), c[1]) for c in CASES] + [(c[2], c[1]) for c in WEB_CASES]
    }
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes - reached == set(), "routes without a case in the authorization matrix"


def test_scoped_callers_reach_their_own_show_and_only_see_it(app, client, auth, data_dir, world):
    ids, tokens = world
    peg, olga = _bearer(tokens, "peg"), _bearer(tokens, "olga")
    own = ids["other"]
    for who in (peg, olga):
        for path in (f"/episodes/{own}", f"/episodes/{own}/tracks/es",
                     f"/episodes/{own}/tracks/es/qc", f"/episodes/{own}/provenance",
                     f"/shows/{OTHER_SHOW}/timed-text", f"/shows/{OTHER_SHOW}/review"):  # fmt: skip
            assert client.get("/api/v1" + path, headers=who).status_code == 200, path
        listed = client.get("/api/v1/episodes", headers=who).json["items"]
        assert [e["id"] for e in listed] == [own]
        assert client.get("/api/v1/episodes?show=demo", headers=who).json["items"] == []
        shows = {i["show"] for i in client.get("/api/v1/reviews", headers=who).json["items"]}
        assert shows == {OTHER_SHOW}
    # Glossaries: their show's and the default scope's, never another show's.
    default = request_kwargs("default glossary", data_dir)
    assert client.post("/api/v1/glossaries", headers=auth, **default).status_code == 201
    mine = {**request_kwargs("glossary", data_dir)["data"], "show": OTHER_SHOW}
    mine["file"] = (io.BytesIO(GLOSSARY), "en-es.csv")
    created = client.post("/api/v1/glossaries", headers=peg, data=mine,
                          content_type="multipart/form-data")  # fmt: skip
    assert created.status_code == 201, created.json
    for who in (peg, olga):
        listed = client.get("/api/v1/glossaries", headers=who).json["items"]
        assert sorted(g["show"] for g in listed) == ["_default", OTHER_SHOW]
        assert client.get("/api/v1/glossaries?show=demo", headers=who).json["items"] == []
        default_id = next(g["id"] for g in listed if g["show"] == "_default")
        assert client.get(f"/api/v1/glossaries/{default_id}", headers=who).status_code == 200
    # Rollouts: their show's, not one that reaches into another show.
    rollout = client.post("/api/v1/rollouts", headers=peg,
                          json={"show": OTHER_SHOW, "languages": ["fr"]})  # fmt: skip
    assert rollout.status_code == 202, rollout.json
    assert client.get(f"/api/v1/rollouts/{rollout.json['id']}", headers=peg).status_code == 200
    mixed = client.post("/api/v1/rollouts", headers=peg,
                        json={"episodes": [own, ids["e"]], "languages": ["fr"]})  # fmt: skip
    assert mixed.status_code == 403 and mixed.json["error"]["code"] == "forbidden"
    assert "demo" in mixed.json["error"]["message"]
    borrowed = client.post(
        "/api/v1/rollouts",
        headers=peg,
        json={"show": OTHER_SHOW, "languages": ["fr"], "glossary": "demo"},
    )
    assert borrowed.status_code == 403
    cancelled = client.post(f"/api/v1/rollouts/{rollout.json['id']}/cancel", headers=peg)
    assert cancelled.status_code == 200


def test_a_refused_upload_into_another_show_stores_nothing(app, client, data_dir, world):
    ids, tokens = world
    ctx = app.extensions["locsvc"]
    before = sorted(p.name for p in ctx.storage.root.rglob("*") if p.is_file())
    refused = upload_episode(client, _bearer(tokens, "peg"), data_dir / "jfk" / "jfk.mp3",
                             show="demo")  # fmt: skip
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    assert "demo" in refused.json["error"]["message"]
    after = sorted(p.name for p in ctx.storage.root.rglob("*") if p.is_file())
    assert after == before
    listed = client.get("/api/v1/episodes", headers=_bearer(tokens, "admin")).json["items"]
    assert len(listed) == 2


def _print(roles, rows):
    header = f"{'endpoint':<38}" + "".join(f"{ROLE_NAMES[r]:>25}" for r in roles)
    print("\n" + header)
    for label, got in rows:
        print(f"{label:<38}" + "".join(f"{code:>25}" for code in got))
