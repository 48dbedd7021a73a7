"""Slow clients cannot take the service down behind the documented setup: gunicorn's sync
workers behind nginx with the repository's nginx.conf, real processes on loopback."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from channels.email_webhook import SIGNATURE_HEADER, TIMESTAMP_HEADER
from tests.conftest import TEST_DATABASE_URL, _free_port, _wait_until
from tests.web.test_email_inbound import SECRET

ROOT = Path(__file__).resolve().parents[2]


def _nginx_conf(folder: Path, app_port: int, proxy_port: int) -> Path:
    """The repository's nginx.conf, pointed at this test's gunicorn and ports."""
    text = (ROOT / "nginx.conf").read_text()
    text = text.replace("server app:8000;", f"server 127.0.0.1:{app_port};")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
    text = text.replace("/tmp/heard-nginx", str(folder / "nginx"))
    text = text.replace("access_log /dev/stdout", f"access_log {folder / 'access.log'}")
    if os.geteuid() == 0:
        text = "user root;\n" + text  # its workers must reach this test's folders
    conf = folder / "nginx.conf"
    conf.write_text(text)
    return conf


def _trickle(port: int, stop: threading.Event) -> None:
    """A client that sends a Twilio-signed-looking text one byte a second, for ever: the
    webhook must read the body to check the signature over it."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        head = (
            "POST /sms/inbound HTTP/1.1\r\nHost: heard.example\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n"
            "X-Twilio-Signature: c2lnbmF0dXJl\r\n\r\n"
        )
        connection.sendall(head.encode())
        while not stop.is_set():
            try:
                connection.sendall(b"x")
            except OSError:
                return
            stop.wait(1)


def _healthz_seconds(port: int, timeout: float = 5) -> float:
    started = time.monotonic()
    requests.get(f"http://127.0.0.1:{port}/healthz", timeout=timeout)
    return time.monotonic() - started


@pytest.fixture
def behind_nginx(migrated_database, tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.fail("nginx is not installed: run .ci/setup --test")
    app_port, proxy_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": TEST_DATABASE_URL.replace("+psycopg", ""),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "TWILIO_AUTH_TOKEN": "a-token-for-the-slow-client-test",
        "CLASSIFIER": "",
        "SCHEDULER_IN_WEB": "false",
        "TRUSTED_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    }
    (tmp_path / "nginx").mkdir()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "app:create_app()",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{app_port}",
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [
                nginx,
                "-c",
                str(_nginx_conf(tmp_path, app_port, proxy_port)),
                "-p",
                str(tmp_path),
                "-g",
                "daemon off; error_log stderr crit;",
            ],
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        healthz = f"http://127.0.0.1:{proxy_port}/healthz"
        _wait_until(lambda: requests.get(healthz, timeout=2).status_code == 200, "the stack")
        for _ in range(6):  # every worker has answered once, so none is still warming up
            requests.get(healthz, timeout=5)
        yield app_port, proxy_port
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_two_slow_clients_do_not_delay_healthz_behind_nginx(behind_nginx):
    app_port, proxy_port = behind_nginx
    stop = threading.Event()
    clients = [
        threading.Thread(target=_trickle, args=(proxy_port, stop), daemon=True) for _ in range(2)
    ]
    for client in clients:
        client.start()
    try:
        time.sleep(2)
        timings = [_healthz_seconds(proxy_port) for _ in range(5)]
        assert max(timings) < 1, timings
        # Without nginx in front, the same two clients hold both sync workers: that is why
        # the proxy is the documented setup (and why this test can fail).
        direct = [
            threading.Thread(target=_trickle, args=(app_port, stop), daemon=True) for _ in range(2)
        ]
        for client in direct:
            client.start()
        time.sleep(2)
        with pytest.raises(requests.exceptions.Timeout):
            _healthz_seconds(app_port, timeout=1.5)
    finally:
        stop.set()


def test_the_server_header_names_no_software(behind_nginx):
    app_port, proxy_port = behind_nginx
    through_proxy = requests.get(f"http://127.0.0.1:{proxy_port}/healthz", timeout=5)
    direct = requests.get(f"http://127.0.0.1:{app_port}/healthz", timeout=5)
    assert "gunicorn" not in through_proxy.headers.get("Server", "").lower()
    assert direct.headers["Server"] == "Heard"
    assert "/" not in through_proxy.headers.get("Server", "")  # no version


class _NeverRead:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize(
    "headers",
    [{}, {TIMESTAMP_HEADER: "1000000000", SIGNATURE_HEADER: "sha256=" + "0" * 64}],
)
def test_an_unsigned_or_stale_email_post_is_refused_before_its_body_is_read(make_app, headers):
    app = make_app(EMAIL_WEBHOOK_SECRET=SECRET)
    response = app.test_client().post(
        "/email/inbound",
        headers={**headers, "Content-Type": "message/rfc822"},
        environ_overrides={"wsgi.input": _NeverRead(), "CONTENT_LENGTH": "100000"},
    )
    assert response.status_code in (401, 403)


def test_a_text_without_twilios_signature_is_refused_before_its_body_is_read(make_app):
    app = make_app(TWILIO_AUTH_TOKEN="token")
    response = app.test_client().post(
        "/sms/inbound",
        content_type="application/x-www-form-urlencoded",
        environ_overrides={"wsgi.input": _NeverRead(), "CONTENT_LENGTH": "1000"},
    )
    assert response.status_code == 403


def test_the_access_log_keeps_no_query_string_or_link_secret(behind_nginx, tmp_path):
    _, proxy_port = behind_nginx
    base = f"http://127.0.0.1:{proxy_port}"
    requests.get(f"{base}/staff/enrol/SECRET-ENROLMENT-TOKEN", timeout=5, allow_redirects=False)
    requests.get(f"{base}/how-did-we-do/SECRET-SURVEY-TOKEN", timeout=5)
    requests.get(f"{base}/healthz?name=Jessica+Smith", timeout=5)
    log = tmp_path / "access.log"
    _wait_until(lambda: log.exists() and log.read_text().count("\n") >= 3, "the access log")
    text = log.read_text()
    assert "SECRET" not in text and "Jessica" not in text, text
    assert "/staff/enrol/- 302" in text.replace('"', "")
    assert "/healthz 200" in text.replace('"', "")
