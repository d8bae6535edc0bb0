"""The review loop through the API on the embedded default: queue, claim, XLIFF out,
corrections in, approval, deliverables, provenance."""

import io

import jiwer
import pytest

from .review_fixtures import SPANISH, build_cast


@pytest.fixture
def cast(app, client, auth, data_dir):
    return build_cast(app, client, auth, data_dir)


def spanish_review(client, cast, who="ana") -> dict:
    items = client.get("/api/v1/reviews?language=es", headers=cast.auth(who)).json["items"]
    (review,) = [i for i in items if i["episode_id"] == cast.episode_id]
    return review


def upload(client, cast, who, name, body, language="es"):
    return client.post(
        f"/api/v1/episodes/{cast.episode_id}/tracks/{language}/revisions",
        headers=cast.auth(who),
        data={"file": (io.BytesIO(body.encode()), name)},
        content_type="multipart/form-data",
    )


def test_queue_lists_tracks_in_scope_with_qc_and_pages(client, cast, auth):
    every = client.get("/api/v1/reviews", headers=auth).json["items"]
    assert {(i["language"], i["state"], i["kind"]) for i in every} == {
        ("en", "queued", "source"), ("es", "queued", "translation"),
    }  # fmt: skip
    assert every[0]["qc"] == {"errors": 0, "warnings": 0, "glossary_issues": 0}
    assert [i["language"] for i in client.get("/api/v1/reviews", headers=cast.auth("ana")).json[
        "items"]] == ["es"]  # fmt: skip
    assert client.get("/api/v1/reviews", headers=cast.auth("fred")).json["items"] == []
    assert client.get("/api/v1/reviews", headers=cast.auth("olga")).json["items"] == []
    first = client.get("/api/v1/reviews?limit=1", headers=auth).json
    second = client.get(f"/api/v1/reviews?limit=1&cursor={first['next']}", headers=auth).json
    assert first["items"][0]["id"] > second["items"][0]["id"]
    assert client.get("/api/v1/reviews?state=done", headers=auth).status_code == 400


def test_a_full_round(client, cast):
    review = spanish_review(client, cast)
    base = f"/api/v1/reviews/{review['id']}"
    claimed = client.post(f"{base}/claim", headers=cast.auth("ana"))
    assert claimed.status_code == 200 and claimed.json["assignee"] == "ana"
    taken = client.post(f"{base}/claim", headers=cast.auth("bea"))
    assert taken.status_code == 409 and taken.json["error"]["code"] == "conflict"

    track = f"/api/v1/episodes/{cast.episode_id}/tracks/es"
    xliff = client.get(f"{track}?format=xliff", headers=cast.auth("ana"))
    assert xliff.status_code == 200 and 'id="c2700"' in xliff.text
    assert "<source>ask not what your country can do for you,</source>" in xliff.text
    corrected = xliff.text.replace("Y así que mi amigo", "Y así, mis compatriotas")

    stored = upload(client, cast, "ana", "fix.xlf", corrected)
    assert stored.status_code == 201, stored.json
    assert stored.json["revision"] == 2 and stored.json["author"] == "ana"
    assert stored.json["diff"]["text_edits"] == 1 and stored.json["diff"]["cues_changed"] == 1
    assert stored.json["qc"]["summary"]["revision"] == 2
    again = upload(client, cast, "ana", "fix.xlf", corrected)
    assert again.status_code == 200 and again.json["unchanged"]

    broken = upload(client, cast, "ana", "broken.srt", "1\n00:00:01,000 --> nonsense\nHola\n")
    assert broken.status_code == 400 and broken.json["error"]["code"] == "invalid_subtitle"
    assert "line" in broken.json["error"]["details"]
    assert client.get(track, headers=cast.auth("ana")).headers["X-Revision"] == "2"
    assert upload(client, cast, "bea", "fix.xlf", corrected).status_code == 409  # not hers

    deliverable = f"/api/v1/episodes/{cast.episode_id}/deliverables/es"
    assert client.get(deliverable, headers=cast.auth("pat")).status_code == 404
    assert client.post(f"{base}/submit", headers=cast.auth("ana")).json["state"] == "submitted"
    assert client.post(f"{base}/approve", headers=cast.auth("pat")).status_code == 403
    approved = client.post(f"{base}/approve", headers=cast.auth("bea"))
    assert approved.status_code == 200, approved.json
    assert approved.json["approved_revision"] == 2

    for fmt in ("srt", "vtt", "ttml", "xliff"):
        delivered = client.get(f"{deliverable}?format={fmt}", headers=cast.auth("pat"))
        assert delivered.status_code == 200 and delivered.headers["X-Revision"] == "2"
        assert "compatriotas" in delivered.text
        assert "provenance" in delivered.headers["Link"]

    record = client.get(f"/api/v1/episodes/{cast.episode_id}/provenance",
                        headers=cast.auth("pat")).json  # fmt: skip
    actions = [(a["actor"], a["action"]) for a in record["human_actions"]]
    assert actions == [
        ("admin", "episode.create"), ("ana", "review.claim"), ("ana", "track.revision"),
        ("ana", "review.submit"), ("bea", "review.approve"),
    ]  # fmt: skip
    (spanish,) = [t for t in record["tracks"] if t["language"] == "es"]
    assert [r["author"] for r in spanish["revisions"]] == ["pipeline", "ana"]
    post_edit = spanish["reviews"][0]["post_edit"]
    assert post_edit["engine"] == "apertium" and post_edit["edited_by"] == ["ana"]
    machine = " ".join(line for cue in SPANISH for line in cue.lines)
    final = machine.replace("Y así que mi amigo", "Y así, mis compatriotas")
    assert post_edit["word_edit_rate"] == round(jiwer.wer(final, machine), 4) > 0
    assert post_edit["char_edit_rate"] == round(jiwer.cer(final, machine), 4) > 0

    report = client.get("/api/v1/reports/post-editing?by=engine", headers=cast.auth("pat")).json
    assert report["items"] == [{"engine": "apertium", "approved_tracks": 1,
                                "word_edit_rate": post_edit["word_edit_rate"],
                                "char_edit_rate": post_edit["char_edit_rate"]}]  # fmt: skip
    assert (
        client.get("/api/v1/reports/post-editing?by=x", headers=cast.auth("pat")).status_code == 400
    )
    assert client.get("/api/v1/reports/post-editing", headers=cast.auth("ana")).status_code == 403

    reopened = client.post(f"{base}/reopen", headers=cast.auth("pat"))
    assert reopened.status_code == 200 and reopened.json["round"] == 2
    assert reopened.json["state"] == "queued"
    # The approved round still delivers until a new approval.
    assert client.get(deliverable, headers=cast.auth("pat")).headers["X-Revision"] == "2"


def test_approval_with_qc_errors_needs_a_waiver(app, client, cast):
    from .review_fixtures import store_track

    ctx = app.extensions["locsvc"]
    store_track(ctx, cast.episode_id, "es", "translation", SPANISH,
                qc={"errors": 2, "warnings": 0, "glossary_issues": 0})  # fmt: skip
    review = spanish_review(client, cast)
    base = f"/api/v1/reviews/{review['id']}"
    client.post(f"{base}/claim", headers=cast.auth("ana"))
    client.post(f"{base}/submit", headers=cast.auth("ana"))
    refused = client.post(f"{base}/approve", headers=cast.auth("bea"), json={})
    assert refused.status_code == 400 and refused.json["error"]["details"]["qc_errors"] == 2
    reason = {"waiver": "Lyrics: reading speed agreed with the client."}
    waived = client.post(f"{base}/approve", headers=cast.auth("bea"), json=reason)
    assert waived.status_code == 200 and waived.json["waiver"].startswith("Lyrics")


def test_rotated_and_revoked_tokens(client, cast, auth):
    old = cast.auth("ana")
    rotated = client.post("/api/v1/users/ana/rotate", headers=old)
    assert rotated.status_code == 200
    assert client.get("/api/v1/reviews", headers=old).status_code == 401
    fresh = {"Authorization": f"Bearer {rotated.json['token']}"}
    assert client.get("/api/v1/reviews", headers=fresh).status_code == 200
    assert client.post("/api/v1/users/ana/revoke", headers=fresh).status_code == 403
    assert client.post("/api/v1/users/ana/revoke", headers=auth).status_code == 200
    assert client.get("/api/v1/reviews", headers=fresh).status_code == 401
    audit = client.get("/api/v1/audit", headers=auth).json["items"]
    assert {"user.rotate", "user.revoke"} <= {e["action"] for e in audit}


def test_priority_and_due_date_reach_the_queue(app, client, auth, data_dir):
    from ..helpers import upload_episode
    from .review_fixtures import SOURCE, store_track

    response = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", source_language="en",
                              priority="urgent", due="2026-12-01T18:00:00Z")  # fmt: skip
    assert response.status_code == 202, response.json
    store_track(app.extensions["locsvc"], response.json["id"], "en", "source", SOURCE)
    (item,) = client.get("/api/v1/reviews", headers=auth).json["items"]
    assert (item["priority"], item["due"]) == ("urgent", "2026-12-01T18:00:00Z")
    assert len(client.get("/api/v1/reviews?due_before=2026-12-01", headers=auth).json["items"]) == 1
    assert client.get("/api/v1/reviews?due_before=2026-11-30", headers=auth).json["items"] == []
    assert client.get("/api/v1/reviews?due_before=soon", headers=auth).status_code == 400
    for bad in ({"priority": "asap"}, {"due": "next week"}):
        refused = upload_episode(client, auth, data_dir / "jfk" / "jfk.mp3", **bad)
        assert refused.status_code == 400 and refused.json["error"]["details"]["field"] in bad


def claim_edit_submit(client, cast, who="ana") -> str:
    """``who`` claims the Spanish track, uploads a correction and submits it."""
    base = f"/api/v1/reviews/{spanish_review(client, cast)['id']}"
    assert client.post(f"{base}/claim", headers=cast.auth(who)).status_code == 200
    track = f"/api/v1/episodes/{cast.episode_id}/tracks/es"
    xliff = client.get(f"{track}?format=xliff", headers=cast.auth(who)).text
    corrected = xliff.replace("Y así que mi amigo", "Y así, mis compatriotas")
    stored = upload(client, cast, who, "fix.xlf", corrected)
    assert stored.status_code == 201, stored.json
    assert client.post(f"{base}/submit", headers=cast.auth(who)).status_code == 200
    return base


def test_four_eyes_a_linguist_does_not_approve_their_own_work_even_with_a_waiver(client, cast):
    base = claim_edit_submit(client, cast)
    for body in ({}, {"waiver": "x"}, {"waiver": "Agreed with the client."}):
        refused = client.post(f"{base}/approve", headers=cast.auth("ana"), json=body)
        assert refused.status_code == 403, refused.json
        assert refused.json["error"]["code"] == "four_eyes"
        assert "another linguist" in refused.json["error"]["message"]
    assert client.get(base, headers=cast.auth("ana")).json["state"] == "submitted"
    approved = client.post(f"{base}/approve", headers=cast.auth("bea"))
    assert approved.status_code == 200 and approved.json["approved_by"] == "bea"


def test_four_eyes_the_last_editor_does_not_approve_what_another_submitted(client, cast, auth):
    base = claim_edit_submit(client, cast, "ana")
    sent_back = client.post(f"{base}/request-changes", headers=cast.auth("bea"))
    assert sent_back.json["state"] == "changes_requested"
    client.post(f"{base}/claim", headers=cast.auth("bea"))  # bea submits ana's text unchanged
    assert client.post(f"{base}/submit", headers=cast.auth("bea")).status_code == 200
    for who, did in (("ana", "edited"), ("bea", "submitted")):
        refused = client.post(f"{base}/approve", headers=cast.auth(who))
        assert refused.status_code == 403 and f"{who} {did}" in refused.json["error"]["message"]
    assert client.post(f"{base}/approve", headers=auth).status_code == 200


def test_four_eyes_is_on_by_default_and_switched_per_show(client, cast, auth):
    settings = "/api/v1/shows/demo/review"
    assert client.get(settings, headers=cast.auth("ana")).json == {"four_eyes": True}
    for bad in ({"four_eyes": "no"}, {"four_eyes": 0}, {"other": True}, [], None):
        refused = client.put(settings, headers=cast.auth("pat"), json=bad)
        assert refused.status_code == 400, (bad, refused.json)
    linguist = client.put(settings, headers=cast.auth("ana"), json={"four_eyes": False})
    assert linguist.status_code == 403
    timed_text = client.put("/api/v1/shows/demo/timed-text", headers=cast.auth("pat"),
                            json={"max_chars_per_line": 44})  # fmt: skip
    assert timed_text.status_code == 200
    switched = client.put(settings, headers=cast.auth("pat"), json={"four_eyes": False})
    assert switched.status_code == 200 and switched.json == {"four_eyes": False}
    # The two settings live in one document and leave each other alone.
    assert client.get("/api/v1/shows/demo/timed-text", headers=auth).json["overrides"] == {
        "max_chars_per_line": 44
    }
    client.put("/api/v1/shows/demo/timed-text", headers=auth, json={"max_chars_per_line": 46})
    assert client.get(settings, headers=auth).json == {"four_eyes": False}
    sneaked = client.put("/api/v1/shows/demo/timed-text", headers=auth,
                         json={"review": {"four_eyes": True}})  # fmt: skip
    assert sneaked.status_code == 400

    base = claim_edit_submit(client, cast)
    approved = client.post(f"{base}/approve", headers=cast.auth("ana"))
    assert approved.status_code == 200 and approved.json["approved_by"] == "ana"
    audit = client.get("/api/v1/audit", headers=auth).json["items"]
    (change,) = [e for e in audit if e["action"] == "show.review"]
    assert (change["actor"], change["before"], change["after"]) == (
        "pat", {"four_eyes": True}, {"four_eyes": False},
    )  # fmt: skip


def test_four_eyes_holds_on_the_review_page_too(app, client, cast):
    import re

    base = claim_edit_submit(client, cast)
    review_id = base.rsplit("/", 1)[1]
    browser = app.test_client()
    page = browser.get("/app/sign-in").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    form = {"token": cast.tokens["ana"], **({"csrf": found.group(1)} if found else {})}
    assert browser.post("/app/sign-in", data=form).status_code == 302
    with browser.session_transaction() as session:
        csrf = session["csrf"]
    refused = browser.post(f"/app/reviews/{review_id}/approve",
                           data={"csrf": csrf, "waiver": "mine"})  # fmt: skip
    assert refused.status_code == 403
    assert "four-eyes" in refused.get_data(as_text=True)
    assert client.get(base, headers=cast.auth("ana")).json["state"] == "submitted"
