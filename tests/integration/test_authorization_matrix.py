"""Every endpoint against every kind of caller: admin, producer, a linguist of the
track's language, a linguist of another language, a linguist of another show, a
revoked token and no token. Run with -s to see the matrix."""

import io

from .review_fixtures import build_cast

ROLES = ("admin", "pat", "ana", "fred", "olga", "gone", "anon")
ROLE_NAMES = {"admin": "admin", "pat": "producer", "ana": "linguist es", "fred": "linguist fr",
              "olga": "linguist es, other show", "gone": "revoked", "anon": "no token"}  # fmt: skip


def files(name, body):
    return {"file": (io.BytesIO(body), name)}


GLOSSARY = b"en,es\ncountry,patria\n"
SRT = b"1\n00:00:00,000 --> 00:00:02,000\nHola.\n"

# (label, method, path, body builder, expected status per role in ROLES order).
# {e} is the episode id, {r} the Spanish review's id. No token and a revoked token
# are 401 everywhere but /health.
CASES = [
    ("GET /health", "get", "/health", None, (200, 200, 200, 200, 200, 200, 200)),
    ("GET /episodes", "get", "/episodes", None, (200, 200, 200, 200, 200, 401, 401)),
    ("GET /episodes/{id}", "get", "/episodes/{e}", None, (200, 200, 200, 200, 403, 401, 401)),
    ("GET tracks/es", "get", "/episodes/{e}/tracks/es", None,
     (200, 200, 200, 403, 403, 401, 401)),
    ("GET tracks/en (source)", "get", "/episodes/{e}/tracks/en", None,
     (200, 200, 200, 200, 403, 401, 401)),
    ("GET tracks/es/qc", "get", "/episodes/{e}/tracks/es/qc", None,
     (200, 200, 200, 403, 403, 401, 401)),
    ("GET deliverables/es", "get", "/episodes/{e}/deliverables/es", None,
     (404, 404, 404, 403, 403, 401, 401)),
    ("GET provenance", "get", "/episodes/{e}/provenance", None,
     (200, 200, 200, 200, 403, 401, 401)),
    ("GET /reviews", "get", "/reviews", None, (200, 200, 200, 200, 200, 401, 401)),
    ("GET /reviews/{id}", "get", "/reviews/{r}", None, (200, 200, 200, 403, 403, 401, 401)),
    ("GET /audit", "get", "/audit", None, (200, 403, 403, 403, 403, 401, 401)),
    ("GET /glossaries", "get", "/glossaries", None, (200, 200, 200, 200, 200, 401, 401)),
    ("GET /reports/post-editing", "get", "/reports/post-editing", None,
     (200, 200, 403, 403, 403, 401, 401)),
    # Changes: after each call the database is rebuilt for the next caller.
    ("POST /episodes", "post", "/episodes", "episode", (202, 202, 403, 403, 403, 401, 401)),
    ("POST revisions (unclaimed)", "post", "/episodes/{e}/tracks/es/revisions", "srt",
     (409, 403, 409, 403, 403, 401, 401)),
    ("POST /reviews/{id}/claim", "post", "/reviews/{r}/claim", None,
     (200, 403, 200, 403, 403, 401, 401)),
    ("POST /reviews/{id}/release", "post", "/reviews/{r}/release", None,
     (409, 403, 409, 403, 403, 401, 401)),
    ("POST /reviews/{id}/approve", "post", "/reviews/{r}/approve", None,
     (409, 403, 409, 403, 403, 401, 401)),
    ("POST /reviews/{id}/request-changes", "post", "/reviews/{r}/request-changes", None,
     (409, 403, 409, 403, 403, 401, 401)),
    ("POST /reviews/{id}/reopen", "post", "/reviews/{r}/reopen", None,
     (409, 409, 409, 403, 403, 401, 401)),
    ("POST /glossaries", "post", "/glossaries", "glossary", (201, 201, 403, 403, 403, 401, 401)),
    ("PUT /shows/{slug}/timed-text", "put", "/shows/demo/timed-text", "profile",
     (200, 200, 403, 403, 403, 401, 401)),
    ("POST /users", "post", "/users", "user", (201, 403, 403, 403, 403, 401, 401)),
    ("POST /rollouts", "post", "/rollouts", "rollout", (202, 202, 403, 403, 403, 401, 401)),
    ("POST /users/{name}/revoke", "post", "/users/bea/revoke", None,
     (200, 403, 403, 403, 403, 401, 401)),
    ("POST /users/{name}/rotate (other)", "post", "/users/bea/rotate", None,
     (200, 403, 403, 403, 403, 401, 401)),
]  # fmt: skip


def request_kwargs(kind, data_dir):
    if kind == "episode":
        media = (data_dir / "jfk" / "jfk.mp3").read_bytes()
        return {"data": {"show": "demo", **files("jfk.mp3", media)},
                "content_type": "multipart/form-data"}  # fmt: skip
    if kind == "srt":
        return {"data": files("fix.srt", SRT), "content_type": "multipart/form-data"}
    if kind == "glossary":
        form = {"show": "demo", "source": "en", "target": "es", **files("en-es.csv", GLOSSARY)}
        return {"data": form, "content_type": "multipart/form-data"}
    if kind == "profile":
        return {"json": {"audience": "children"}}
    if kind == "rollout":
        return {"json": {"show": "demo", "languages": ["fr"]}}
    if kind == "user":
        return {"json": {"name": "newbie", "role": "linguist", "languages": ["it"]}}
    return {}


def test_every_endpoint_answers_every_caller_as_designed(app, client, auth, data_dir):
    cast = build_cast(app, client, auth, data_dir)
    tokens = {**cast.tokens, "admin": auth["Authorization"].split()[1]}
    review_id = next(
        i["id"]
        for i in client.get("/api/v1/reviews", headers=auth).json["items"]
        if i["language"] == "es"
    )
    rows, wrong = [], []
    for label, method, path, body, expected in CASES:
        got = []
        for role in ROLES:
            headers = {"Authorization": f"Bearer {tokens[role]}"} if role != "anon" else {}
            url = "/api/v1" + path.format(e=cast.episode_id, r=review_id)
            response = getattr(client, method)(url, headers=headers,
                                               **request_kwargs(body, data_dir))  # fmt: skip
            got.append(response.status_code)
            if method != "get":  # every caller meets the same starting state
                cast, tokens, review_id = _fresh(app, client, auth, data_dir)
        rows.append((label, got))
        if tuple(got) != expected:
            wrong.append((label, expected, tuple(got)))
    header = f"{'endpoint':<36}" + "".join(f"{ROLE_NAMES[r]:>25}" for r in ROLES)
    print("\n" + header)
    for label, got in rows:
        print(f"{label:<36}" + "".join(f"{code:>25}" for code in got))
    assert wrong == [], wrong


def _fresh(app, client, auth, data_dir):
    """A clean database for the next caller of a changing endpoint."""
    from sqlalchemy import text

    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        for table in ("audit_log", "reviews", "track_revisions", "tracks", "stages", "episodes",
                      "glossary_versions", "glossaries", "show_settings", "users"):  # fmt: skip
            session.execute(text(f"DELETE FROM {table}"))
    cast = build_cast(app, client, auth, data_dir)
    review_id = next(
        i["id"]
        for i in client.get("/api/v1/reviews", headers=auth).json["items"]
        if i["language"] == "es"
    )
    return cast, {**cast.tokens, "admin": auth["Authorization"].split()[1]}, review_id
