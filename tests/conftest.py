"""Test fixtures: a fresh app per test on a real PostgreSQL database, migrated once per run.

Every table is emptied after each test rather than rolled back, because ingest() commits for
real and browser and worker tests read the data from other connections.
"""

import contextlib
import getpass
import grp
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import time_machine
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from imap_tools import AND, MailBoxUnencrypted
from redis import Redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.services.staff import accounts
from tests.factories import CHEAP_HASHER

# Every test starts at this instant, and the clock runs on from it: a Wednesday at 10am in
# London (office hours, no bank holiday). A test about another moment moves `clock` there.
FIXED_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/heard_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session", autouse=True)
def _welsh_catalogue_compiled() -> None:
    """The Welsh catalogue compiled from the .po as it is now, as .ci/setup does at install,
    so a translation edited since the last set-up is what the tests see."""
    po = Path(__file__).resolve().parents[1] / "app/translations/cy/LC_MESSAGES/messages.po"
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as source, mo.open("wb") as target:
            write_mo(target, read_po(source))


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Staff passwords are hashed with the cheap CHEAP_HASHER: production's Argon2 cost buys
    nothing in a test and costs most of a second a hash."""
    monkeypatch.setattr(accounts, "_hasher", CHEAP_HASHER)


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    """The wall clock for this test: FIXED_NOW, ticking; `clock.move_to(...)` goes elsewhere."""
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller


def _recreate_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def base_config(**overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "REDIS_URL": None,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "API_TOKENS": {"test-partner-token-0123456789abcdef": "test-partner"},
        # The real model takes seconds to load; tests that want it ask for CLASSIFIER="minilm".
        "CLASSIFIER": "",
        # Jobs run at once in the caller (after the response where a request asks for that);
        # tests of the job thread ask for JOBS_IN_PROCESS="thread" and drain it.
        "JOBS_IN_PROCESS": "inline",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated_database() -> Iterator[Engine]:
    _recreate_database(TEST_DATABASE_URL)
    app = create_app(base_config())
    with app.app_context():
        upgrade()
        db.engine.dispose()
    engine = create_engine(TEST_DATABASE_URL)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def make_app(migrated_database: Engine) -> Iterator:
    """Build an app with config overrides; every app built is cleaned up after the test."""
    built: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app(base_config(**overrides))
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    _empty_tables(migrated_database)


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def redis_url() -> str:
    return TEST_REDIS_URL


@pytest.fixture
def redis() -> Iterator[Redis]:
    """The real Redis, in a database of its own that is emptied around each test."""
    connection = Redis.from_url(TEST_REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


class FakeTwilio:
    """A stand-in for Twilio's Messages API on loopback: records each request the real twilio
    client makes, and answers as Twilio would (created, opted out, or a server error)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, object]] = []
        self.failures: list[int] = []  # HTTP statuses or Twilio codes to answer next, in order
        self.lock = threading.Lock()

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        form = parse_qs(handler.rfile.read(length).decode(), keep_blank_values=True)
        with self.lock:
            self.requests.append(
                {
                    "path": handler.path,
                    "authorization": handler.headers.get("Authorization"),
                    "form": {key: values[0] for key, values in form.items()},
                }
            )
            failure = self.failures.pop(0) if self.failures else None
            sid = f"SM{uuid.uuid4().hex}"
        if failure == 21610:
            status, body = (
                400,
                {
                    "code": 21610,
                    "message": "Attempt to send to unsubscribed recipient",
                    "more_info": "https://www.twilio.com/docs/errors/21610",
                    "status": 400,
                },
            )
        elif failure is not None:
            status, body = (
                failure,
                {"code": 20500, "message": "Internal Server Error", "status": failure},
            )
        else:
            status, body = (
                201,
                {
                    "sid": sid,
                    "status": "queued",
                    "to": form.get("To", [""])[0],
                    "body": form.get("Body", [""])[0],
                },
            )
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    @property
    def sent(self) -> list[dict[str, str]]:
        """The forms of every request, i.e. each text the client tried to send."""
        return [r["form"] for r in self.requests]  # type: ignore[misc]


@pytest.fixture
def fake_twilio() -> Iterator[tuple[FakeTwilio, str]]:
    """The fake Messages API and its base URL, for TWILIO_API_BASE."""
    fake = FakeTwilio()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            fake.handle(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Dovecot:
    host: str
    port: int
    user: str
    password: str

    def config(self, **overrides: object) -> dict[str, object]:
        """App config for polling this mailbox."""
        return {
            "IMAP_HOST": self.host,
            "IMAP_PORT": self.port,
            "IMAP_USER": self.user,
            "IMAP_PASSWORD": self.password,
            "IMAP_SSL": False,
            **overrides,
        }

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver a raw message into a folder, unread."""
        with MailBoxUnencrypted(self.host, self.port).login(self.user, self.password) as box:
            box.append(raw, folder, flag_set=[])

    def messages(self, folder: str = "INBOX", seen: bool | None = None) -> list[str]:
        """The UIDs in a folder, optionally only the read or unread ones."""
        with MailBoxUnencrypted(self.host, self.port).login(
            self.user, self.password, initial_folder=folder
        ) as box:
            return box.uids("ALL" if seen is None else AND(seen=seen))


_DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = maildir:{root}/mail/%u
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
mail_uid = {user}
mail_gid = {group}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A real Dovecot IMAP server on a loopback port, with one user and an empty mailbox."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(binary):
        pytest.fail("dovecot is not installed: run .ci/setup --test")
    root = tempfile.mkdtemp(prefix="heard-dovecot-")
    # Dovecot refuses to run its mail and login processes as root: use its own users when root.
    as_root = os.geteuid() == 0
    user = "dovecot" if as_root else getpass.getuser()
    group = "dovecot" if as_root else grp.getgrgid(os.getegid()).gr_name
    os.chmod(root, 0o755)
    for sub in ("run", "state", "mail"):
        os.mkdir(os.path.join(root, sub))
    if as_root:
        shutil.chown(os.path.join(root, "mail"), user, group)
    port = _free_port()
    conf = os.path.join(root, "dovecot.conf")
    with open(conf, "w") as handle:
        handle.write(
            _DOVECOT_CONF.format(
                root=root,
                user=user,
                group=group,
                login_user="dovenull" if as_root else user,
                port=port,
            )
        )
    with open(os.path.join(root, "passwd"), "w") as handle:
        handle.write("heard:{PLAIN}mailbox-password\n")
    process = subprocess.Popen([binary, "-F", "-c", conf])
    server = Dovecot("127.0.0.1", port, "heard", "mailbox-password")
    try:
        _wait_for_login(server, process)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_login(server: Dovecot, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            server.messages()
            return
        except Exception:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class CapturedMail:
    """An aiosmtpd handler that keeps every message it is given, or refuses with a set code."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse_with: str | None = None

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse_with:
            return self.refuse_with
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))  # type: ignore[attr-defined]
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=policy.default)  # type: ignore[attr-defined]
        )
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[CapturedMail, dict[str, object]]]:
    """A real SMTP server (aiosmtpd) on a loopback port, and the app config that sends to it."""
    from aiosmtpd.controller import Controller

    captured = CapturedMail()
    controller = Controller(captured, hostname="127.0.0.1", port=_free_port())
    controller.start()
    config = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": controller.port,
        "SMTP_STARTTLS": False,
        "MAIL_FROM": "Heard <feedback@heard.example>",
    }
    yield captured, config
    controller.stop()


PG_BIN = Path(next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), "/usr/bin"))


class ScratchServer:
    """A real server of our own on a loopback port, that a test can stop and start again."""

    def __init__(self, start: list[str], stop: list[str] | None, url: str, env=None) -> None:
        self.start_command, self.stop_command, self.url = start, stop, url
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.stop_command is None:
            self.process = subprocess.Popen(self.start_command, stdout=subprocess.DEVNULL)
        else:
            subprocess.run(self.start_command, check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.stop_command is None:
            if self.process is not None:
                self.process.terminate()
                self.process.wait(timeout=10)
                self.process = None
        else:
            subprocess.run(self.stop_command, check=True, stdout=subprocess.DEVNULL)


def _wait_until(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not come up")


@pytest.fixture
def scratch_redis() -> Iterator[ScratchServer]:
    """A real Redis of this test's own, which the test may stop and start."""
    port = _free_port()
    server = ScratchServer(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        None,
        f"redis://127.0.0.1:{port}/0",
    )
    server.start()
    _wait_until(lambda: Redis.from_url(server.url).ping(), "scratch redis")
    yield server
    server.stop()


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def scratch_postgres() -> Iterator[ScratchServer]:
    """A real PostgreSQL cluster of this test's own, migrated, which the test may stop and
    start again (the suite's shared server is never touched)."""
    root = Path(tempfile.mkdtemp(prefix="heard-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    server = ScratchServer(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "start",
                "-l",
                str(root / "log"),
            ]
        ),
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/heard",
    )
    server.start()
    admin = create_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text("CREATE DATABASE heard"))
    admin.dispose()
    app = create_app(base_config(SQLALCHEMY_DATABASE_URI=server.url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
