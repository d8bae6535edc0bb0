"""The command line as a user runs it: `locsvc localize` and `locsvc up`, embedded default."""

import json
import subprocess
import sys
import time

import pytest

from ..conftest import ADMIN_TOKEN
from ..helpers import (
    ServerProcess,
    children_of,
    command_line,
    env_for,
    free_port,
    http,
    multipart,
    pid_alive,
    srt_text,
    wait_for,
    wer,
)

pytestmark = pytest.mark.slow


def locsvc(*args, env, timeout=300):
    return subprocess.run(
        [sys.executable, "-m", "locsvc.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_localize_from_the_producer_s_subtitles_runs_no_recognition(
    settings_overrides, data_dir, tmp_path, apertium
):
    out = tmp_path / "drafts"
    subtitles = tmp_path / "jfk.en.srt"
    subtitles.write_text(
        "1\n00:00:00,300 --> 00:00:03,000\nAnd so, my fellow Americans,\n\n"
        "2\n00:00:03,500 --> 00:00:04,000\nask not\n\n"  # 500 ms: lengthened
        "3\n00:00:04,500 --> 00:00:08,000\nwhat your country can do for you,\n\n"
    )
    result = locsvc(
        "localize", str(data_dir / "jfk" / "jfk.mp3"), "--out", str(out), "--language", "en",
        "--to", "es", "--source-subs", str(subtitles), env=env_for(settings_overrides),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    english = (out / "jfk.en.srt").read_text()
    assert srt_text(english) == srt_text(subtitles.read_text())
    assert "00:00:03,500 --> 00:00:04,333" in english  # the minimum duration, nothing else
    assert (out / "jfk.es.srt").read_text().strip()
    assert "transcribe" not in result.stdout + result.stderr


def test_localize_refuses_two_source_texts(settings_overrides, data_dir, tmp_path):
    text = tmp_path / "script.txt"
    text.write_text("JFK: Ask not.\n")
    result = locsvc(
        "localize", str(data_dir / "jfk" / "jfk.mp3"), "--source-subs", str(text),
        "--script", str(text), env=env_for(settings_overrides),
    )  # fmt: skip
    assert result.returncode == 2 and "not both" in result.stderr + result.stdout


def test_localize_writes_drafts_and_qc_reports_per_language(
    settings_overrides, data_dir, tmp_path, apertium
):
    out = tmp_path / "drafts"
    terms = tmp_path / "terms.csv"
    terms.write_text("en,es,note\ngo forward,avancen,the drill sergeant's order\n")
    result = locsvc(
        "localize", str(data_dir / "goforward.wav"), "--out", str(out), "--language", "en",
        "--to", "es", "--glossary", str(terms), "--show", "drill",
        env=env_for(settings_overrides),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    written = result.stdout.split()
    assert written == [
        str(out / f"goforward.{language}.{kind}")
        for language in ("en", "es")
        for kind in ("srt", "vtt", "qc.json")
    ]
    srt = (out / "goforward.en.srt").read_text()
    assert wer("go forward ten meters", srt_text(srt)) <= 0.25, srt
    spanish = srt_text((out / "goforward.es.srt").read_text())
    assert "avancen" in spanish.lower(), spanish
    report = json.loads((out / "goforward.es.qc.json").read_text())
    assert report["summary"]["engine"]["engine"] == "apertium"
    assert [g["show"] for g in report["summary"]["glossaries"]] == ["drill"]
    assert "transcribe" in result.stderr and "translate:es" in result.stderr  # progress bars
    assert list(out.glob("*.part")) == []


@pytest.mark.parametrize("name", ["notes.mp4", "truncated-jfk.mp4", "empty.wav"])
def test_localize_rejects_bad_input_with_exit_2(settings_overrides, media_dir, tmp_path, name):
    result = locsvc(
        "localize",
        str(media_dir / name),
        "--out",
        str(tmp_path / "o"),
        env=env_for(settings_overrides),
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "error" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_up_serves_the_api_with_a_worker(settings_overrides, data_dir, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    log = open(tmp_path / "up.log", "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "locsvc.cli", "up", "--port", str(port)],
        env=env_for(settings_overrides),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = http(f"{base}/health")
                if status == 200 and json.loads(body)["workers"] >= 1:
                    break
            except OSError:
                pass
            alive = server.poll() is None and time.monotonic() < deadline
            assert alive, (tmp_path / "up.log").read_text()[-3000:]
            time.sleep(0.3)

        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        body, content_type = multipart(
            {"show": "demo", "source_language": "en"},
            "goforward.wav",
            (data_dir / "goforward.wav").read_bytes(),
        )
        status, reply = http(f"{base}/episodes", body, {**auth, "Content-Type": content_type})
        assert status == 202, reply
        episode_id = json.loads(reply)["id"]
        deadline = time.monotonic() + 120
        while (view := json.loads(http(f"{base}/episodes/{episode_id}", None, auth)[1]))[
            "status"
        ] not in ("ready", "failed"):
            assert time.monotonic() < deadline, view
            time.sleep(0.3)
        assert view["status"] == "ready", view
        status, vtt = http(f"{base}/episodes/{episode_id}/tracks/en?format=vtt", None, auth)
        assert status == 200 and vtt.startswith(b"WEBVTT")
        status, reply = http(f"{base}/episodes/{episode_id}/tracks/en?format=pdf", None, auth)
        assert status == 400 and json.loads(reply)["error"]["code"] == "unsupported_format"
    finally:
        server.terminate()
        server.wait(60)
        log.close()
    assert server.returncode == 0, (tmp_path / "up.log").read_text()[-3000:]


def test_a_killed_up_leaves_no_worker_running(settings_overrides, tmp_path):
    """SIGKILL gives `locsvc up` no chance to stop its worker: the worker must notice by
    itself (it shuts down when its parent dies) instead of running on alone."""
    server = ServerProcess(["up"], settings_overrides, tmp_path / "up.log")
    server.start()
    assert server.process is not None
    try:
        worker = wait_for(lambda: _worker_child(server.process.pid), 90, "the worker up starts")
        wait_for(lambda: _health_workers(server.base) >= 1, 90, "the worker to register")
        server.process.kill()  # `up` alone: the worker is in a session of its own
        server.process.wait()
        wait_for(lambda: not pid_alive(worker), 60, f"the orphaned worker {worker} to stop")
    finally:
        server.stop()


def _worker_child(pid: int) -> int | None:
    workers = [child for child in children_of(pid) if " worker " in command_line(child)]
    return workers[0] if workers else None


def _health_workers(base: str) -> int:
    try:
        status, body = http(f"{base}/health")
    except OSError:
        return 0
    return json.loads(body)["workers"] if status == 200 else 0


def test_rollout_create_watch_on_the_embedded_default(
    settings_overrides, data_dir, tmp_path, apertium
):
    env = env_for(settings_overrides)
    for clip in sorted((data_dir / "librivox").glob("*.wav"))[:2]:
        uploaded = locsvc("localize", str(clip), "--show", "s1", "--language", "en",
                          "--out", str(tmp_path / "drafts"), env=env)  # fmt: skip
        assert uploaded.returncode == 0, uploaded.stderr[-2000:]
    created = locsvc("rollout", "create", "--show", "s1", "--languages", "es,pt-BR", "--watch",
                     env={**env, "COLUMNS": "120"})  # fmt: skip
    assert created.returncode == 0, created.stderr[-3000:]
    rollout_id = created.stdout.split()[0]
    assert "done" in created.stderr and "pt-BR" in created.stderr  # the live table
    status = locsvc("rollout", "status", rollout_id, env={**env, "COLUMNS": "120"})
    assert status.returncode == 0 and "(4 done)" in status.stdout, status.stdout
    again = locsvc("rollout", "create", "--show", "s1", "--languages", "es,pt-BR", env=env)
    shown = locsvc("rollout", "status", again.stdout.split()[0], env={**env, "COLUMNS": "120"})
    assert "(4 skipped)" in shown.stdout, shown.stdout
