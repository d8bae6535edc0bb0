"""Every subtitle file of the real-world corpus (tests/data/subtitles: valid and broken
files from pysrt, webvtt-py, srt, pysubs2 and subsrt, copied unchanged from
shared/data, see PROVENANCE.md) through the three doors a user opens with one:
`locsvc translate` (en -> es on Apertium), `locsvc qc`, and a revision upload. Each
ends cleanly: a result, or exit code 2 / a 4xx JSON error with a message; never a
traceback, an exception's exit 1, or a 500. One test per file and door, so that a
failure names the file."""

from __future__ import annotations

import io
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from locsvc.adapters.db.migrate import upgrade
from locsvc.adapters.formats import read_subtitles
from locsvc.app import create_app
from locsvc.cli import main

from ..conftest import ADMIN_TOKEN, DATA
from .review_fixtures import build_cast, claim_spanish

CORPUS_DIR = DATA / "subtitles"
CORPUS = sorted(
    path
    for path in CORPUS_DIR.rglob("*")
    if path.is_file() and not path.name.upper().startswith("LICENSE")
)
NAMES = [path.relative_to(CORPUS_DIR).as_posix() for path in CORPUS]


def test_the_corpus_is_all_there():
    assert len(CORPUS) >= 60  # 5 packages' fixtures: a lost folder must not pass quietly


def clean_exit(result: Result, allowed: set[int]) -> None:
    """The command ended on purpose (no exception escaped) with an allowed code, and a
    refusal says why."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"an exception escaped:\n{trace}", pytrace=False)
    assert result.exit_code in allowed, result.output
    if result.exit_code == 2:
        assert "error" in result.output and len(result.output.strip()) > 10, result.output


@pytest.mark.parametrize("path", CORPUS, ids=NAMES)
def test_translate(path: Path, tmp_path: Path, apertium):
    out = tmp_path / "out.es.srt"
    result = CliRunner().invoke(
        main, ["translate", str(path), "--from", "en", "--to", "es", "--out", str(out)]
    )
    clean_exit(result, {0, 2})
    if result.exit_code == 0:  # the result is a readable, well-formed track
        cues = read_subtitles(out.read_bytes(), filename=out.name).cues
        assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:], strict=False))


@pytest.mark.parametrize("path", CORPUS, ids=NAMES)
def test_qc(path: Path):
    result = CliRunner().invoke(main, ["qc", str(path), "--lang", "en", "--json"])
    clean_exit(result, {0, 1, 2})  # 1: the file has QC errors, reported


@pytest.fixture(scope="module")
def claimed_track(tmp_path_factory, data_dir):
    """One episode whose Spanish track "ana" has claimed, shared by every upload (each
    upload is a revision of the same track, or a refusal)."""
    root = tmp_path_factory.mktemp("corpus")
    app = create_app({"data_dir": str(root / "var"), "admin_token": ADMIN_TOKEN})
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    client = app.test_client()
    cast = build_cast(app, client, {"Authorization": f"Bearer {ADMIN_TOKEN}"}, data_dir)
    claim_spanish(client, cast)
    yield client, cast
    app.extensions["locsvc"].db.dispose()


@pytest.mark.parametrize("path", CORPUS, ids=NAMES)
def test_revision_upload(path: Path, claimed_track):
    client, cast = claimed_track
    response = client.post(
        f"/api/v1/episodes/{cast.episode_id}/tracks/es/revisions",
        headers=cast.auth("ana"),
        data={"file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 201) or 400 <= response.status_code < 500, (
        response.status_code,
        response.get_data(as_text=True)[:2000],
    )
    assert response.is_json, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.json["error"]["message"], response.json
    else:  # a new revision with its QC, or the same cues as the one before
        assert response.json["revision"] >= 1
        assert "qc" in response.json or response.json["unchanged"]


def test_translate_the_smallest_input_that_crashed(tmp_path: Path, apertium):
    # issue 12: "Agent" alone before a pause became an empty event (IndexError)
    source = tmp_path / "x.srt"
    source.write_text(
        "1\n00:07:16,767 --> 00:07:18,267\nAgent\n\n"
        "2\n00:07:20,267 --> 00:07:22,867\nPlease hold while I try that extension.\n"
    )
    out = tmp_path / "y.srt"
    result = CliRunner().invoke(
        main, ["translate", str(source), "--from", "en", "--to", "es", "--out", str(out)]
    )
    clean_exit(result, {0})
    cues = read_subtitles(out.read_bytes(), filename=out.name).cues
    assert cues[0].start_ms >= 436_760 and cues[-1].end_ms <= 442_880
