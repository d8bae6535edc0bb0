"""Bad input answers a JSON 4xx that says what is wrong, never a 500, on SQLite and on
PostgreSQL (32-bit integers, no NUL bytes in text, bounded VARCHARs)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from locsvc.adapters.db.models import ShowSettings
from locsvc.domain.cues import Cue

from ..helpers import upload_episode
from .test_api import add_source_track

HUGE = "99999999999999999999"  # beyond 64 bits
BEYOND_32_BITS = "2147483648"


@pytest.fixture(params=["sqlite", "postgres"])
def settings_overrides(request, settings_overrides):
    if request.param == "postgres":
        return {**settings_overrides, "database_url": request.getfixturevalue("postgres_url")}
    return settings_overrides


def assert_refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] != "internal_error"
    return response.json["error"]


@pytest.mark.parametrize(
    "path",
    [f"/reviews/{HUGE}", f"/glossaries/{HUGE}", f"/reviews/{BEYOND_32_BITS}",
     f"/glossaries/{BEYOND_32_BITS}", f"/glossaries/{HUGE}/entries:import"],
)  # fmt: skip
def test_a_path_id_beyond_its_column_is_404(client, auth, path):
    method = client.post if path.endswith(":import") else client.get
    assert_refused(method(f"/api/v1{path}", headers=auth), 404)


@pytest.mark.parametrize(
    "query",
    [f"/episodes?offset={HUGE}", f"/episodes?offset={BEYOND_32_BITS}", f"/episodes?limit={HUGE}",
     f"/audit?cursor={HUGE}", f"/audit?cursor={BEYOND_32_BITS}", f"/reviews?cursor={HUGE}",
     f"/reviews?limit={HUGE}", "/episodes?offset=-1", "/audit?cursor=-5"],
)  # fmt: skip
def test_a_query_integer_beyond_its_bounds_is_400(client, auth, query):
    error = assert_refused(client.get(f"/api/v1{query}", headers=auth))
    assert error["details"]["field"] in query


@pytest.mark.parametrize(
    "path",
    ["/episodes/ab%00cd", "/episodes?show=a%00b", "/episodes?status=%00", "/glossaries?show=%00",
     "/reviews?show=x%00", "/shows/de%00mo/timed-text", "/rollouts/a%00b",
     "/episodes/ab%00cd/tracks/en%00", "/reports/post-editing?by=%00"],
)  # fmt: skip
def test_a_nul_byte_in_the_url_is_400(client, auth, path):
    assert_refused(client.get(f"/api/v1{path}", headers=auth))


def test_a_nul_byte_in_a_header_form_field_or_json_string_is_400(client, auth, data_dir):
    wav = data_dir / "goforward.wav"
    assert_refused(upload_episode(client, auth, wav, title="a\x00b"))
    assert_refused(upload_episode(client, auth, wav, name="clip\x00.wav"))
    assert_refused(upload_episode(client, {**auth, "Idempotency-Key": "k\x00"}, wav))
    for url, body in [
        ("/users", {"name": "ana\x00", "role": "linguist"}),
        ("/rollouts", {"show": "demo\x00", "languages": ["es"]}),
        ("/reviews/1/approve", {"waiver": "fine\x00"}),
    ]:
        assert_refused(client.post(f"/api/v1{url}", headers=auth, json=body))
    put = client.put("/api/v1/shows/demo/timed-text", headers=auth, json={"audience": "adult\x00"})
    assert_refused(put)


def test_text_longer_than_its_column_is_400_with_the_limit(client, auth, data_dir):
    user = client.post("/api/v1/users", headers=auth, json={"name": "n" * 300, "role": "linguist"})
    assert "200" in assert_refused(user)["message"]
    title = upload_episode(client, auth, data_dir / "goforward.wav", title="t" * 501)
    assert assert_refused(title)["details"]["field"] == "title"
    name = upload_episode(client, auth, data_dir / "goforward.wav", name="n" * 501 + ".wav")
    assert assert_refused(name)["details"]["field"] == "file"
    waiver = client.post("/api/v1/reviews/1/approve", headers=auth, json={"waiver": "w" * 5001})
    assert_refused(waiver)
    languages = client.post(
        "/api/v1/users", headers=auth,
        json={"name": "lin", "role": "linguist", "languages": ["es"] * 200},
    )  # fmt: skip
    assert_refused(languages)


@pytest.mark.parametrize(
    "method, url, body",
    [
        ("put", "/shows/demo/timed-text", {"languages": {"ja": 5}}),
        ("put", "/shows/demo/timed-text", {"languages": ["ja"]}),
        ("put", "/shows/demo/timed-text", {"max_chars_per_line": "abc"}),
        ("put", "/shows/demo/timed-text", {"max_chars_per_line": 0}),
        ("put", "/shows/demo/timed-text", {"max_lines": -1}),
        ("put", "/shows/demo/timed-text", {"reading_speed_cps": 1e400}),
        ("put", "/shows/demo/timed-text", {"min_duration_ms": 5000, "max_duration_ms": 1000}),
        ("put", "/shows/demo/timed-text", {"half_width_counts_half": "yes"}),
        ("put", "/shows/demo/timed-text", {"four_eyes": "no"}),
        ("put", "/shows/%3Cscript%3E/timed-text", {"audience": "children"}),
        ("put", "/shows/demo/timed-text", []),
        ("post", "/rollouts", {"show": "demo", "languages": ["es"], "priority": []}),
        ("post", "/rollouts", {"show": "demo", "languages": [1]}),
        ("post", "/rollouts", ["demo"]),
        ("post", "/users", {"name": "lin", "role": "linguist", "languages": [1]}),
        ("post", "/users", {"name": "lin", "role": "linguist", "languages": "es"}),
        ("post", "/users", {"name": "lin", "role": "producer", "shows": {"a": 1}}),
        ("post", "/users", {"name": "lin", "role": "producer", "shows": ["<script>"]}),
        ("post", "/users", {"name": "", "role": "producer"}),
        ("post", "/users", {"name": "  ", "role": "producer"}),
        ("post", "/users", {"name": "lin", "role": ["admin"]}),
        ("post", "/users", [{"name": "lin"}]),
        ("post", "/reviews/1/approve", ["waiver"]),
        ("post", "/reviews/1/approve", {"waiver": 5}),
        ("post", "/episodes/abc/dubs/es", {"max_speed": []}),
        ("post", "/episodes/abc/dubs/es", ["fast"]),
    ],
)
def test_a_json_body_of_the_wrong_shape_is_400(client, auth, method, url, body):
    response = getattr(client, method)(f"/api/v1{url}", headers=auth, json=body)
    assert_refused(response)


def test_a_body_that_is_not_json_is_400(client, auth):
    for url in ("/users", "/rollouts"):
        response = client.post(f"/api/v1{url}", headers=auth, data="{not json",
                               content_type="application/json")  # fmt: skip
        assert_refused(response)


def test_json_nested_past_the_parsers_depth_is_400(client, auth):
    nested = "[" * 5000 + "]" * 5000  # json.loads raises RecursionError, not ValueError
    for method, url in (("put", "/shows/demo/timed-text"), ("post", "/users")):
        response = getattr(client, method)(f"/api/v1{url}", headers=auth, data=nested,
                                           content_type="application/json")  # fmt: skip
        assert_refused(response)


def test_the_admin_tokens_name_is_not_a_users(client, auth):
    response = client.post(
        "/api/v1/users", headers=auth, json={"name": "admin", "role": "linguist"}
    )
    assert "admin" in assert_refused(response)["message"]


def test_show_settings_keep_their_types_and_a_good_one_is_kept(client, auth):
    good = {"audience": "children", "max_chars_per_line": 37,
            "languages": {"ja": {"max_chars_per_line": 11.5}}}  # fmt: skip
    saved = client.put("/api/v1/shows/demo/timed-text", headers=auth, json=good)
    assert saved.status_code == 200 and saved.json["overrides"] == good
    client.put("/api/v1/shows/demo/timed-text", headers=auth, json={"max_lines": "2"})
    assert client.get("/api/v1/shows/demo/timed-text", headers=auth).json["overrides"] == good


def test_settings_stored_badly_give_an_error_that_names_the_setting(app, client, auth, data_dir):
    episode_id = upload_episode(client, auth, data_dir / "goforward.wav").json["id"]  # show demo
    add_source_track(app, episode_id, [Cue(0, 2000, ("Hello there.",))])
    with app.extensions["locsvc"].db.session() as session:
        session.add(ShowSettings(show="demo", timed_text={"max_chars_per_line": "abc"},
                                 updated_by="an older version"))  # fmt: skip
    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc", headers=auth)
    assert "max_chars_per_line" in assert_refused(qc, 409)["message"]
    shown = client.get("/api/v1/shows/demo/timed-text", headers=auth)
    assert "max_chars_per_line" in assert_refused(shown, 409)["message"]
    fixed = client.put("/api/v1/shows/demo/timed-text", headers=auth, json={"max_lines": 3})
    assert fixed.status_code == 200
    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/en/qc", headers=auth)
    assert qc.status_code == 200


def test_concurrent_uploads_with_one_key_make_one_episode_and_say_so(app, data_dir):
    """20 threads, one Idempotency-Key: one 202 creates, 19 say Idempotent-Replayed."""
    headers = {"Authorization": "Bearer test-admin-token", "Idempotency-Key": "pilot"}
    start, responses = threading.Barrier(20), []

    def send() -> None:
        client = app.test_client()
        start.wait()
        responses.append(upload_episode(client, headers, data_dir / "goforward.wav"))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [202] * 20
    assert len({r.json["id"] for r in responses}) == 1
    replayed = [r.headers.get("Idempotent-Replayed") for r in responses]
    assert replayed.count("true") == 19 and replayed.count(None) == 1
    with app.extensions["locsvc"].db.session() as session:
        assert session.execute(text("SELECT count(*) FROM episodes")).scalar() == 1


@pytest.mark.parametrize(
    "body",
    [["cues"], {"base_revision": "abc", "cues": []}, {"base_revision": 10**30, "cues": []},
     {"base_revision": 1, "cues": [{"start_ms": 10**30, "end_ms": 10**30 + 1, "text": "Hola"}]},
     {"base_revision": 1, "cues": [{"start_ms": "0", "end_ms": 900, "text": "Hola"}]},
     {"base_revision": 1, "cues": [{"start_ms": 0, "end_ms": 900, "text": "Ho\x00la"}]}],
)  # fmt: skip
def test_the_editor_save_refuses_a_malformed_body(app, client, auth, data_dir, body):
    from .review_fixtures import build_cast
    from .test_web_pages import sign_in

    cast = build_cast(app, client, auth, data_dir)
    csrf = sign_in(client, cast.tokens["ana"])
    review = client.get("/api/v1/reviews?language=es", headers=auth).json["items"][0]["id"]
    client.post(f"/app/reviews/{review}/claim", data={"csrf": csrf})
    saved = client.post(f"/app/reviews/{review}/save", json=body, headers={"X-CSRF-Token": csrf})
    assert_refused(saved)
    assert client.get(f"/app/reviews/{HUGE}").status_code == 404
