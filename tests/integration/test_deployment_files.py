"""docker-compose.yml cannot run here (no Docker engine): check what it describes."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[2]
PROXY_TEMPLATE = "deploy/nginx.conf.template"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_of_a_real_deployment(compose):
    assert set(compose["services"]) >= {"api", "worker-1", "worker-2", "redis", "postgres",
                                        "seaweedfs", "migrate", "proxy"}  # fmt: skip


def test_only_the_proxy_is_published(compose):
    """Clients reach gunicorn through nginx only, which times slow clients out."""
    published = {name for name, service in compose["services"].items() if "ports" in service}
    assert published == {"proxy"}
    assert compose["services"]["proxy"]["ports"] == ["8000:8000"]
    assert compose["services"]["proxy"]["image"].startswith("nginx:")
    assert compose["services"]["proxy"]["depends_on"]["api"]["condition"] == "service_healthy"


def test_the_proxy_config_is_mounted_and_bounds_slow_clients(compose):
    proxy = compose["services"]["proxy"]
    mount = f"./{PROXY_TEMPLATE}:/etc/nginx/templates/default.conf.template:ro"
    assert mount in proxy["volumes"]
    config = (ROOT / PROXY_TEMPLATE).read_text()
    for directive in (
        "client_header_timeout", "client_body_timeout", "send_timeout", "keepalive_timeout",
        "limit_conn ", "limit_conn_zone", "proxy_request_buffering",
    ):  # fmt: skip
        assert re.search(rf"^\s*{directive}\b", config, re.MULTILINE), directive
    assert "client_max_body_size ${LOCSVC_MAX_UPLOAD_MB}m;" in config
    api_limit = compose["services"]["api"]["environment"]["LOCSVC_MAX_UPLOAD_MB"]
    assert proxy["environment"] == {"LOCSVC_MAX_UPLOAD_MB": api_limit}  # no token for nginx
    assert "server api:8000;" in config


def _nginx() -> str | None:
    unpacked = ROOT / ".venv/nginx/usr/sbin/nginx"  # what `make test` unpacks
    if unpacked.exists():
        return str(unpacked)
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def test_nginx_accepts_the_proxy_config(compose, tmp_path):
    """As the official image renders it (envsubst of the defined variables), with the
    upstream on loopback: `api` resolves only on the compose network."""
    if _nginx() is None:
        message = "nginx not found (`make test` unpacks Debian's into .venv/nginx)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must have it", pytrace=False)
        pytest.skip(message)
    limit = compose["services"]["proxy"]["environment"]["LOCSVC_MAX_UPLOAD_MB"]
    site = (ROOT / PROXY_TEMPLATE).read_text().replace("${LOCSVC_MAX_UPLOAD_MB}", limit)
    site = site.replace("server api:8000;", "server 127.0.0.1:8000;")
    (tmp_path / "default.conf").write_text(site)
    temp_paths = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )  # Debian's compiled-in ones are under /var/lib/nginx
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{ access_log off; {temp_paths} include {tmp_path}/default.conf; }}\n"
    )
    result = subprocess.run(
        [_nginx(), "-t", "-p", str(tmp_path), "-c", str(main), "-e", "stderr"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_api_and_workers_share_no_filesystem_only_the_services(compose):
    """As on separate hosts: broker, database and object store are shared; every data dir
    is the container's own (a cache), and no volume is mounted by two of them."""
    services = compose["services"]
    api, workers = services["api"], [services["worker-1"], services["worker-2"]]
    assert all(w["environment"] == api["environment"] for w in workers)
    env = api["environment"]
    assert env["LOCSVC_BROKER_URL"].startswith("redis://redis:")
    assert env["LOCSVC_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:" in env["LOCSVC_DATABASE_URL"]
    assert env["LOCSVC_STORAGE_URL"].startswith("s3://")
    assert env["AWS_ENDPOINT_URL"] == "http://seaweedfs:8333"
    for service in (api, *workers):
        assert "volumes" not in service
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    mounted = [v.split(":")[0] for s in services.values() for v in s.get("volumes", [])
               if not v.startswith(".")]  # fmt: skip
    assert len(mounted) == len(set(mounted))
    assert "locsvc storage init" in services["migrate"]["command"][-1]
    assert "-s3" in (ROOT / "deploy" / "seaweedfs-s3.sh").read_text()


def test_commands_exist_in_the_cli(compose):
    from click.testing import CliRunner

    from locsvc.cli import main

    services = compose["services"]
    commands = [services[name]["command"] for name in ("api", "worker-1", "worker-2")]
    commands += [c.split() for c in services["migrate"]["command"][-1].split("&&")]
    for command in commands:
        assert command[0] == "locsvc"
        words = [word for word in command[1:] if not word.startswith("-")]
        subcommand = words[:2] if words[0] in ("db", "storage") else words[:1]
        result = CliRunner().invoke(main, [*subcommand, "--help"])
        assert result.exit_code == 0, (command, result.output)


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


# What holds sockets and locks that gevent must patch: the server's master must import
# none of it before gunicorn forks its workers, which patch and then load the app.
# (gunicorn itself imports ssl, harmlessly: test_slow_clients sees no MonkeyPatchWarning.)
PATCHED_LATE = ("locsvc.app", "sqlalchemy", "celery", "kombu", "redis", "psycopg", "alembic")
MASTER_PROBE = """
import sys
import gunicorn.app.base
import locsvc.cli as cli
import locsvc.cli.serve as serve

def run(server):
    server.load_config()
    print(server.cfg.worker_class_str, server.cfg.workers, file=sys.stderr)
    print(sorted(m for m in sys.argv[2].split(",") if m in sys.modules))

gunicorn.app.base.BaseApplication.run = run
serve.spawn_worker = serve.stop_worker = lambda *args: None
cli.main([sys.argv[1]], standalone_mode=False)
"""


@pytest.mark.parametrize("command", ["up", "api"])
def test_the_server_master_imports_nothing_gevent_patches(command, tmp_path):
    """Run as far as gunicorn's start; the embedded default migrates (in a child)."""
    env = {"PATH": "/usr/bin:/bin", "LOCSVC_DATA_DIR": str(tmp_path / "var")}
    result = subprocess.run(
        [sys.executable, "-c", MASTER_PROBE, command, ",".join(PATCHED_LATE)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout
    workers = "1" if command == "up" else "2"
    assert result.stderr.strip().endswith(f"gevent {workers}"), result.stderr
