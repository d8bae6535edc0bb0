"""The review page in headless Chromium (Debian's, driven by Playwright) against the
real app served over HTTP, a real worker, Redis and PostgreSQL: sign in, claim, edit a
cue until its meter turns red, save, see the QC issue and the glossary hint, a second
session's save meeting the conflict view, submit, approve, and the rollout dashboard.
A lighter site (the embedded app, no worker) serves the speaker editing: badges, a cue's
speaker, dual-speaker events and renaming. Screenshots of the main screens go to
test-artifacts/screens/. The pages run under their
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


@pytest.fixture
def speaker_site(app, client, data_dir):
    """The embedded app on a real port (no worker: the tracks are built straight into the
    database), its Spanish track's cues naming the episode's two speakers."""
    from locsvc.adapters.db.repositories import SpeakerRepository
    from locsvc.domain.cues import Cue

    from ..integration.review_fixtures import build_cast, claim_spanish, store_track

    cast = build_cast(app, client, AUTH, data_dir)
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        SpeakerRepository(session).add(cast.episode_id, "S1", "Diane")
        SpeakerRepository(session).add(cast.episode_id, "S2", None)
    store_track(ctx, cast.episode_id, "es", "translation", [
        Cue(0, 2600, ("Y así, mis compatriotas,",), ("S1",)),
        Cue(2700, 6000, ("no preguntéis qué puede", "hacer la patria,"), ("S1", "S1")),
        Cue(6100, 9500, ("preguntad qué podéis hacer por ella.",)),
    ])  # fmt: skip
    claim_spanish(client, cast)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", cast, app
    server.shutdown()


def test_a_linguist_edits_the_speakers(browser, speaker_site):
    from locsvc.adapters.db.repositories import TrackRepository
    from locsvc.domain.cues import Cue
    from locsvc.services.tracks import load_cues

    base, cast, app = speaker_site
    ana = signed_in(browser, base, cast.tokens["ana"])
    review = ana.locator("[data-review]").first.get_attribute("data-review")
    ana.goto(f"{base}/app/reviews/{review}")
    rows = ana.locator("tr.cue")
    assert rows.nth(0).locator(".badge").inner_text() == "Diane"
    assert rows.nth(2).locator(".badge").count() == 0  # no speaker known
    # Cue 2's two lines become a dual-speaker event; cue 1 goes to S2; cue 3, one line,
    # is split between two speakers at the word boundary nearest the middle.
    rows.nth(1).get_by_role("button", name="Two speakers").click()
    assert (
        rows.nth(1).locator("textarea").input_value()
        == "-no preguntéis qué puede\n-hacer la patria,"
    )
    assert rows.nth(1).locator(".badge").all_inner_texts() == ["Diane", "S2"]
    rows.nth(0).get_by_label("Speaker", exact=True).select_option("S2")
    rows.nth(2).get_by_label("Speaker", exact=True).select_option("S1")
    rows.nth(2).get_by_role("button", name="Two speakers").click()
    assert (
        rows.nth(2).locator("textarea").input_value() == "-preguntad qué podéis\n-hacer por ella."
    )
    rows.nth(2).get_by_label("Speaker of line 2").select_option("S2")
    shot(ana, "editor-speakers")
    ana.get_by_role("button", name="Save revision").click()
    ana.locator("#status", has_text="revision 3").wait_for()
    ctx = app.extensions["locsvc"]
    with ctx.db.session() as session:
        sha256 = TrackRepository(session).find(cast.episode_id, "es").revisions[-1].cues_sha256
    assert load_cues(ctx, sha256) == [
        Cue(0, 2600, ("Y así, mis compatriotas,",), ("S2",)),
        Cue(2700, 6000, ("-no preguntéis qué puede", "-hacer la patria,"), ("S1", "S2")),
        Cue(6100, 9500, ("-preguntad qué podéis", "-hacer por ella."), ("S1", "S2")),
    ]
    # Renaming S2 for the episode: every badge shows the name, unsaved edits stay.
    rows.nth(1).get_by_role("button", name="One speaker").click()
    assert (
        rows.nth(1).locator("textarea").input_value() == "no preguntéis qué puede\nhacer la patria,"
    )
    ana.get_by_label("New name of S2").fill("Jackie")
    ana.locator("tr[data-label='S2']").get_by_role("button", name="Rename").click()
    ana.locator("#status", has_text="S2 is now Jackie").wait_for()
    assert rows.nth(0).locator(".badge").inner_text() == "Jackie"
    assert rows.nth(2).locator(".badge").all_inner_texts() == ["Diane", "Jackie"]
    assert rows.nth(1).locator("textarea").input_value().startswith("no preguntéis")


MEMORY_TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" segtype="sentence" creationtool="studio"
 creationtoolversion="1" o-tmf="x" adminlang="en" datatype="plaintext"/><body>
<tu><tuv xml:lang="en"><seg>And so my fellow Americans, ask not what your country can do for
you, ask what you can do for our country.</seg></tuv>
<tuv xml:lang="es"><seg>Así pues, compatriotas: no preguntéis qué puede hacer vuestro país
por vosotros; preguntad qué podéis hacer por nuestro país.</seg></tuv></tu>
</body></tmx>"""


def test_a_memory_match_is_one_key_away(browser, app, client, data_dir):
    """The memory's fuzzy match shows beside each cue; Alt+1 puts it in the cue."""
    from ..integration.review_fixtures import build_cast, claim_spanish

    cast = build_cast(app, client, AUTH, data_dir)
    imported = client.post("/api/v1/shows/demo/memory/tmx", headers=AUTH,
                           data={"file": (io.BytesIO(MEMORY_TMX.encode()), "studio.tmx")},
                           content_type="multipart/form-data")  # fmt: skip
    assert imported.status_code == 201, imported.json
    claim_spanish(client, cast)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        ana = signed_in(browser, base, cast.tokens["ana"])
        review = ana.locator("[data-review]").first.get_attribute("data-review")
        ana.goto(f"{base}/app/reviews/{review}")
        first = ana.locator("tr.cue").nth(0)
        assert first.locator(".use-match").inner_text() == "95%"
        text = first.locator("textarea")
        text.focus()
        text.press("Alt+1")
        assert " ".join(text.input_value().split()).startswith("Así pues, compatriotas:")
        ana.locator("#status", has_text="memory match 95% used").wait_for()
        shot(ana, "editor-memory-match")
    finally:
        server.shutdown()
