"""docker-compose.yml cannot run here (no Docker engine): check what it describes."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_of_a_real_deployment(compose):
    assert set(compose["services"]) >= {"api", "worker", "redis", "postgres", "migrate"}


def test_api_and_worker_share_media_broker_and_database(compose):
    api, worker = compose["services"]["api"], compose["services"]["worker"]
    assert api["environment"] == worker["environment"]
    env = api["environment"]
    assert env["LOCSVC_BROKER_URL"].startswith("redis://redis:")
    assert env["LOCSVC_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:" in env["LOCSVC_DATABASE_URL"]
    media = f"media:{env['LOCSVC_DATA_DIR']}"
    assert media in api["volumes"] and media in worker["volumes"]
    assert "media" in compose["volumes"]
    for service in (api, worker):
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_commands_exist_in_the_cli(compose):
    from click.testing import CliRunner

    from locsvc.cli import main

    for name in ("api", "worker", "migrate"):
        command = compose["services"][name]["command"]
        assert command[0] == "locsvc"
        words = [word for word in command[1:] if not word.startswith("-")][:2]
        subcommand = words if name == "migrate" else words[:1]
        result = CliRunner().invoke(main, [*subcommand, "--help"])
        assert result.exit_code == 0, (name, result.output)


def _compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _compose_available(), reason="docker compose client not installed")
def test_docker_compose_config_accepts_it():
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"LOCSVC_ADMIN_TOKEN": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
