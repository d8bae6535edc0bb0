"""The review page in headless Chromium (Debian's, driven by Playwright) against the
real app served over HTTP, a real worker, Redis and PostgreSQL: sign in, claim, edit a
cue until its meter turns red, save, see the QC issue and the glossary hint, a second
session's save meeting the conflict view, submit, approve, and the rollout dashboard.
Screenshots of the main screens go to test-artifacts/screens/. The pages run under their
Content-Security-Policy (no eval): waits use locators, not page-evaluated predicates."""

import io
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..helpers import upload_episode, wait_for_episode
from .conftest import AUTH

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
GLOSSARY = "en,es,gender,note\ncountry,patria,f,the nation\n"


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        from ..conftest import _service_missing

        _service_missing("Chromium", "/usr/bin/chromium not installed; run make system-deps")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def site(settings_overrides, redis_url, postgres_url, data_dir, start_worker, apertium):
    """The app on a real port, with one episode translated into Spanish."""
    from locsvc.adapters.db.migrate import upgrade
    from locsvc.app import create_app

    deployment = dict(settings_overrides, broker_url=redis_url, database_url=postgres_url,
                      asr_model="base")  # fmt: skip
    app = create_app(deployment)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    data = {"show": "e2e", "source": "en", "target": "es",
            "file": (io.BytesIO(GLOSSARY.encode()), "en-es.csv")}  # fmt: skip
    assert client.post("/api/v1/glossaries", headers=AUTH, data=data,
                       content_type="multipart/form-data").status_code == 201  # fmt: skip
    response = upload_episode(client, AUTH, data_dir / "jfk" / "jfk.mp3", name="jfk.mp3",
                              show="e2e", source_language="en", targets="es")  # fmt: skip
    start_worker(deployment)
    episode = wait_for_episode(client, response.json["id"], AUTH)
    assert episode["status"] == "ready", episode
    tokens = {}
    for name, role, languages in (("ana", "linguist", ["es"]), ("bea", "linguist", ["es"]),
                                  ("pat", "producer", [])):  # fmt: skip
        made = client.post("/api/v1/users", headers=AUTH,
                           json={"name": name, "role": role, "languages": languages})  # fmt: skip
        tokens[name] = made.json["token"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", tokens, client, episode["id"]
    server.shutdown()
    app.extensions["locsvc"].db.dispose()


def signed_in(browser, base: str, token: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{base}/app/sign-in")
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/app/")
    return page


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def test_a_linguist_corrects_and_a_reviewer_approves(browser, site):
    base, tokens, client, episode_id = site
    ana = signed_in(browser, base, tokens["ana"])
    assert "es" in ana.locator("table.queue").inner_text()
    shot(ana, "queue")
    ana.get_by_role("button", name="Claim").first.click()
    ana.wait_for_selector("table.editor")

    first = ana.locator("tr.cue").first
    first.locator("textarea").fill(
        "Y así, mis compatriotas estadounidenses de todos los rincones del país,"
    )
    assert "over" in first.locator(".cpl").get_attribute("class")  # the meter turned red
    ana.get_by_role("button", name="Save revision").click()
    ana.locator("#status", has_text="revision 2").wait_for()
    ana.reload()
    assert ana.locator("tr.cue").first.locator(".issue").count() >= 1  # the QC issue, on its row
    assert ana.locator(".hint.glossary").first.inner_text().startswith("“country” → patria")
    shot(ana, "editor-qc-and-glossary")

    first = ana.locator("tr.cue").first
    first.locator("textarea").fill("Y así, mis compatriotas estadounidenses,")
    assert "over" not in (first.locator(".cpl").get_attribute("class") or "")
    ana.keyboard.press("Control+s")
    ana.locator("#status", has_text="revision 3").wait_for()

    # A second session of the same linguist, opened at revision 3, saves after the first.
    other = signed_in(browser, base, tokens["ana"])
    other.goto(ana.url)
    ana.locator("tr.cue").nth(1).locator("textarea").fill(
        "no preguntéis qué puede hacer la patria,"
    )
    ana.get_by_role("button", name="Save revision").click()
    ana.locator("#status", has_text="revision 4").wait_for()
    other.locator("tr.cue").nth(2).locator("textarea").fill("preguntad qué podéis hacer por ella.")
    other.get_by_role("button", name="Save revision").click()
    other.wait_for_selector("#conflict:not([hidden])")
    assert "Revision 4 was saved" in other.locator("#conflict").inner_text()
    shot(other, "conflict")
    other.get_by_role("button", name="Merge: their edits into mine").click()
    other.get_by_role("button", name="Save revision").click()
    other.locator("#status", has_text="revision 5").wait_for()
    merged = client.get(f"/api/v1/episodes/{episode_id}/tracks/es", headers=AUTH).text
    assert "no preguntéis" in merged and "por ella" in merged  # both sessions' edits kept

    ana.reload()
    ana.get_by_role("button", name="Submit").click()
    bea = signed_in(browser, base, tokens["bea"])
    bea.goto(ana.url)
    qc = client.get(f"/api/v1/episodes/{episode_id}/tracks/es/qc", headers=AUTH).json
    if qc["summary"]["errors"]:  # approving over QC errors takes a reason
        bea.get_by_label("Waiver reason").fill("Timing agreed with the client.")
    bea.get_by_role("button", name="Approve").click()
    bea.wait_for_url(f"{base}/app/")
    reviews = client.get("/api/v1/reviews?language=es", headers=AUTH).json["items"]
    (review,) = [r for r in reviews if r["episode_id"] == episode_id]
    assert (review["state"], review["approved_revision"], review["approved_by"]) == (
        "approved", 5, "bea",
    )  # fmt: skip


def test_the_rollout_dashboard_refreshes_live(browser, site):
    base, tokens, client, _ = site
    created = client.post("/api/v1/rollouts", headers=AUTH,
                          json={"show": "e2e", "languages": ["fr", "pt-BR"]})  # fmt: skip
    assert created.status_code == 202, created.json
    pat = signed_in(browser, base, tokens["pat"])
    pat.goto(f"{base}/app/rollouts/{created.json['id']}")
    pat.locator("#rollout-state", has_text=re.compile("^done$")).wait_for(timeout=120_000)
    assert pat.locator("#matrix td.state.done").count() == 2
    shot(pat, "rollout-dashboard")
