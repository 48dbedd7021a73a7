"""The deployment files: compose.yaml has the parts the README promises, the Dockerfile builds
a non-root image from pinned stages, and both pass their linters where the machine has them
(`docker compose config`, hadolint). Starting the containers needs a Docker daemon, which CI
may not have; these checks need none."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "SECRET_KEY": "s" * 40,
    "POSTGRES_PASSWORD": "p" * 20,
    "PUBLIC_BASE_URL": "https://feedback.example.org",
}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _environment(service: dict) -> dict:
    return service.get("environment", {})


def test_compose_runs_every_part_of_heard(compose):
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "app", "worker", "nginx", "backup"} <= set(services)
    assert services["app"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["app"]["command"] == ["gunicorn", "app:create_app()"]
    assert services["worker"]["command"] == ["python", "worker.py"]
    # Periodic jobs run in the workers' schedulers, never in the web processes.
    assert _environment(services["app"])["SCHEDULER_IN_WEB"] == "false"
    assert "--no-cron" not in services["worker"]["command"]


def test_migrations_run_once_before_anything_of_heard_starts(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["heard", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("app", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["postgres"] == {"condition": "service_healthy"}
        assert depends["redis"] == {"condition": "service_healthy"}


def test_the_web_processes_sit_behind_the_repositorys_nginx(compose):
    services = compose["services"]
    nginx = services["nginx"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"]
    # nginx.conf's upstream is the app service, whose every replica Docker's DNS returns.
    assert "server app:8000;" in (ROOT / "nginx.conf").read_text()
    assert "ports" not in services["app"], "gunicorn must not face clients directly"
    assert _environment(services["app"])["TRUSTED_PROXIES"] == "1"
    assert nginx["depends_on"]["app"] == {"condition": "service_healthy"}


def test_health_is_checked_on_healthz(compose):
    services = compose["services"]
    assert "/healthz" in " ".join(services["app"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert "/healthz" in (ROOT / "Dockerfile").read_text()


def test_web_processes_and_workers_share_the_spool(compose):
    services = compose["services"]
    assert "spool:/var/lib/heard/spool" in services["app"]["volumes"]
    assert "spool:/var/lib/heard/spool" in services["worker"]["volumes"]


def test_backups_are_dumped_on_a_schedule(compose):
    backup = compose["services"]["backup"]
    script = "\n".join(backup["command"])
    assert "pg_dump --format=custom" in script and "sleep" in script
    assert "backups:/backups" in backup["volumes"]


def test_the_image_runs_as_an_unprivileged_user_from_pinned_stages():
    dockerfile = (ROOT / "Dockerfile").read_text()
    user = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("root", "0")
    assert '"torch==2.13.0"' in dockerfile
    assert "npm ci" in dockerfile and "npm run" in dockerfile
    assert re.search(r"^FROM \$\{PYTHON_IMAGE\}$", dockerfile, re.MULTILINE)
    assert "HF_HUB_OFFLINE=1" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "instance", ".git", ".env"} <= set(ignored)


def test_compose_refuses_to_start_without_its_secrets():
    if not _compose_available():
        pytest.skip("docker compose is not installed here")
    environment = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    result = _run_compose(environment)
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr or "SECRET_KEY" in result.stderr


def test_docker_compose_config_passes():
    if not _compose_available():
        pytest.skip("docker compose is not installed here")
    result = _run_compose({**os.environ, **REQUIRED})
    assert result.returncode == 0, result.stderr


def test_hadolint_passes():
    hadolint = shutil.which("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed here")
    result = subprocess.run(
        [hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout


def _compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    return probe.returncode == 0


def _run_compose(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["docker", "compose", "-f", "compose.yaml", "config", "--quiet"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
