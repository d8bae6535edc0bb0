"""Linguists claiming the same track at the same moment, over real HTTP on PostgreSQL:
exactly one wins, every other gets 409."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from locsvc.services.auth import create_user

from .review_fixtures import build_cast

CLAIMANTS = 8


@pytest.fixture
def settings_overrides(settings_overrides, postgres_url):
    return {**settings_overrides, "database_url": postgres_url}


def post(url: str, token: str) -> int:
    request = urllib.request.Request(
        url, data=b"", method="POST", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        json.loads(error.read())  # an error body, not a crash page
        return error.code


def test_concurrent_claims_have_exactly_one_winner(app, client, auth, data_dir):
    build_cast(app, client, auth, data_dir)
    review_id = next(
        i["id"] for i in client.get("/api/v1/reviews", headers=auth).json["items"]
        if i["language"] == "es"
    )  # fmt: skip
    tokens = [create_user(app.extensions["locsvc"].db, f"l{n}", "linguist", "es")[1]
              for n in range(CLAIMANTS)]  # fmt: skip
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    url = f"http://127.0.0.1:{server.server_port}/api/v1/reviews/{review_id}/claim"
    start = threading.Barrier(CLAIMANTS)
    statuses: list[int] = []

    def claim(token: str) -> None:
        start.wait()
        statuses.append(post(url, token))

    threads = [threading.Thread(target=claim, args=(t,)) for t in tokens]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        server.shutdown()
    assert sorted(statuses) == [200] + [409] * (CLAIMANTS - 1), statuses
    review = client.get(f"/api/v1/reviews/{review_id}", headers=auth).json
    assert review["state"] == "in_review" and review["assignee"].startswith("l")
    audit = client.get("/api/v1/audit", headers=auth).json["items"]
    assert [e["actor"] for e in audit if e["action"] == "review.claim"] == [review["assignee"]]
