"""Configuration, read once from the environment; tests pass overrides."""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'heard.sqlite'}"
    # Hosting platforms still hand out the pre-SQLAlchemy-1.4 scheme.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def classifier_settings() -> tuple[str, str | None]:
    """CLASSIFIER and CLASSIFIER_ARTEFACT from the environment: what `heard classify` reads
    without building the app."""
    return os.environ.get("CLASSIFIER", "minilm"), os.environ.get("CLASSIFIER_ARTEFACT") or None


class Config:
    """Every setting Heard reads; each comes from an environment variable of the same name."""

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _dev_secret_key()
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = _engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://localhost:5000")
        # The organisation running Heard, as the public pages and letters name it.
        self.ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Heard")
        # How people reach the organisation, in every public page's footer and the notices.
        # The placeholders say plainly that a deploying organisation must set them.
        self.ORGANISATION_EMAIL = os.environ.get("ORGANISATION_EMAIL", "feedback@example.org")
        self.ORGANISATION_PHONE = os.environ.get("ORGANISATION_PHONE", "0300 000 0000")
        self.ORGANISATION_ADDRESS = os.environ.get(
            "ORGANISATION_ADDRESS", "Set ORGANISATION_ADDRESS: the organisation's postal address"
        )
        self.DATA_PROTECTION_OFFICER_EMAIL = os.environ.get(
            "DATA_PROTECTION_OFFICER_EMAIL", "dpo@example.org"
        )
        # The retention schedule: whole years each kind of record is kept after its case's
        # last activity, then anonymised by the daily job (app/services/privacy/retention.py).
        self.RETENTION_YEARS = {
            "complaint": _int("RETENTION_COMPLAINT_YEARS", 6),
            "compliment": _int("RETENTION_COMPLIMENT_YEARS", 2),
            "comment": _int("RETENTION_COMMENT_YEARS", 2),
            "audit": _int("RETENTION_AUDIT_YEARS", 2),
            "safeguarding": _int("RETENTION_SAFEGUARDING_YEARS", 25),
        }
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 256 * 1024)
        self.MAX_FEEDBACK_CHARS = _int("MAX_FEEDBACK_CHARS", 10_000)
        # Where messages wait on disk while the database cannot be reached.
        self.SPOOL_DIR = os.environ.get("SPOOL_DIR") or str(INSTANCE_DIR / "spool")
        # Where "Exit this page" goes: somewhere ordinary, on another site.
        self.EXIT_PAGE_URL = os.environ.get("EXIT_PAGE_URL", "https://www.bbc.co.uk/weather")
        self.RATELIMIT_PUBLIC = os.environ.get("RATELIMIT_PUBLIC", "60 per 10 minutes")
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or (
            self.REDIS_URL or "memory://"
        )
        self.RATELIMIT_HEADERS_ENABLED = True
        # Redis down must not turn a child away: counters fall back to memory, and a storage
        # error lets the request through rather than answer 500.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_SWALLOW_ERRORS = True
        self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        # None: decided from PUBLIC_BASE_URL by settle() (https means Secure cookies and HSTS).
        self.SESSION_COOKIE_SECURE = _optional_bool("SESSION_COOKIE_SECURE")
        self.HSTS = _optional_bool("HSTS")
        # A staff session ends after this long without a request (STAFF_SESSION_MINUTES).
        self.PERMANENT_SESSION_LIFETIME = timedelta(minutes=_int("STAFF_SESSION_MINUTES", 30))
        # However active, a staff session ends this long after sign-in.
        self.STAFF_SESSION_MAX_HOURS = _int("STAFF_SESSION_MAX_HOURS", 12)
        # Ended sessions (with the address and browser they came from) and spent sign-in
        # throttles are deleted by the daily retention run this many days later.
        self.SIGN_IN_RECORDS_DAYS = _int("SIGN_IN_RECORDS_DAYS", 90)
        # Administrators' changes and password changes need the password and a code this
        # recently.
        self.STAFF_REAUTH_MINUTES = _int("STAFF_REAUTH_MINUTES", 10)
        # How many reverse proxies stand before the app: their X-Forwarded-For names the client.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.WTF_CSRF_TIME_LIMIT = _int("WTF_CSRF_TIME_LIMIT", 4 * 3600)
        self.BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "en")
        # The UK nation whose bank holidays count: ENG, WLS, SCT or NIR (HOLIDAY_CALENDAR before).
        self.NATION = os.environ.get("NATION") or os.environ.get("HOLIDAY_CALENDAR", "ENG")
        # The complaint rules in force: england-children, wales-children or scotland (see
        # app/services/complaints/regimes.py). Bank holidays come from NATION, separately.
        self.COMPLAINTS_REGIME = os.environ.get("COMPLAINTS_REGIME", "england-children")
        # When a complaint's clock starts: next-working-day (after hours, weekends and bank
        # holidays count as the next working day) or day-received; office hours in UK time.
        self.COMPLAINT_CLOCK_STARTS = os.environ.get("COMPLAINT_CLOCK_STARTS", "next-working-day")
        self.COMPLAINT_OFFICE_HOURS = os.environ.get("COMPLAINT_OFFICE_HOURS", "09:00-17:00")
        # Copied on every complaint deadline reminder and overdue warning.
        self.HEAD_OF_SERVICE_EMAIL = os.environ.get("HEAD_OF_SERVICE_EMAIL", "")
        self.AUDIT_TOKEN_DAYS = _int("AUDIT_TOKEN_DAYS", 28)
        self.CLASSIFIER, self.CLASSIFIER_ARTEFACT = classifier_settings()
        # Periodic jobs run on a scheduler thread in each worker, and in each web process too
        # when this is on (by default, when there is no Redis and so no worker).
        self.SCHEDULER_IN_WEB = _bool("SCHEDULER_IN_WEB", self.REDIS_URL is None)
        # Without Redis, where jobs run: `thread` (the default) on this process's job thread
        # once the request that started them has been answered, so a post never waits for the
        # classifier; `inline` in the caller, at once (tests, for determinism).
        self.JOBS_IN_PROCESS = os.environ.get("JOBS_IN_PROCESS", "thread").strip().lower()
        self.SQLITE_BUSY_TIMEOUT = _int("SQLITE_BUSY_TIMEOUT", 30)
        # Multiplies every periodic job's period (tests and benchmarks run them faster).
        self.PERIODIC_SCALE = float(os.environ.get("PERIODIC_SCALE") or 1.0)
        self.SCHEDULER_TICK_SECONDS = float(os.environ.get("SCHEDULER_TICK_SECONDS") or 10)
        self.CLASSIFY_SWEEP_AFTER_SECONDS = _int("CLASSIFY_SWEEP_AFTER_SECONDS", 120)
        self.CLASSIFY_MAX_ATTEMPTS = _int("CLASSIFY_MAX_ATTEMPTS", 5)
        self.API_TOKENS = _api_tokens(os.environ.get("API_TOKENS", ""))
        self.API_RATELIMIT = os.environ.get("API_RATELIMIT", "120 per minute")
        # The bearer token Prometheus sends for /metrics; unset (or short), /metrics is off.
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
        # `json` for one JSON object per log line (for a log collector); `text` otherwise.
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
        # Unhandled errors go to Sentry, scrubbed of personal data, only when this is set.
        self.SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
        self.SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "")
        self.EMAIL_WEBHOOK_SECRET = os.environ.get("EMAIL_WEBHOOK_SECRET", "")
        self.EMAIL_WEBHOOK_WINDOW_SECONDS = _int("EMAIL_WEBHOOK_WINDOW_SECONDS", 300)
        self.EMAIL_MAX_BYTES = _int("EMAIL_MAX_BYTES", 30 * 1024 * 1024)
        self.EMAIL_MAX_ATTACHMENT_BYTES = _int("EMAIL_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
        self.EMAIL_FEEDBACK_KIND = os.environ.get("EMAIL_FEEDBACK_KIND", "complaint")
        self.IMAP_HOST = os.environ.get("IMAP_HOST", "")
        self.IMAP_PORT = _int("IMAP_PORT", 993)
        self.IMAP_USER = os.environ.get("IMAP_USER", "")
        self.IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
        self.IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
        self.IMAP_PROCESSED_FOLDER = os.environ.get("IMAP_PROCESSED_FOLDER", "")
        self.IMAP_SSL = _bool("IMAP_SSL", True)
        self.IMAP_BATCH = _int("IMAP_BATCH", 50)
        self.SMTP_HOST = os.environ.get("SMTP_HOST", "")
        self.SMTP_PORT = _int("SMTP_PORT", 587)
        self.SMTP_USER = os.environ.get("SMTP_USER", "")
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "")
        self.TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
        self.TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
        self.TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
        self.TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
        self.TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
        self.SMS_THREAD_WINDOW_HOURS = _int("SMS_THREAD_WINDOW_HOURS", 72)
        self.SMS_MAX_REQUEST_BYTES = _int("SMS_MAX_REQUEST_BYTES", 16 * 1024)
        self.SAFEGUARDING_TARGET_MINUTES_DAY = _int("SAFEGUARDING_TARGET_MINUTES_DAY", 60)
        self.SAFEGUARDING_TARGET_MINUTES_OUT_OF_HOURS = _int(
            "SAFEGUARDING_TARGET_MINUTES_OUT_OF_HOURS", 240
        )
        self.SAFEGUARDING_ESCALATE_EVERY_MINUTES = _int("SAFEGUARDING_ESCALATE_EVERY_MINUTES", 15)
        # Told when the rota is empty or no notification gets through: emails and mobile
        # numbers, comma-separated (a duty team inbox, an out-of-hours service's number).
        self.SAFEGUARDING_FALLBACK_CONTACTS = os.environ.get("SAFEGUARDING_FALLBACK_CONTACTS", "")
        # Unflagged messages from the last week drawn each week for a reviewer's second look.
        self.SAFEGUARDING_SECOND_LOOK_SAMPLE = _int("SAFEGUARDING_SECOND_LOOK_SAMPLE", 20)


def _optional_bool(name: str) -> bool | None:
    value = os.environ.get(name)
    return None if value is None else _bool(name, False)


def settle(config: dict[str, Any]) -> None:
    """Settings that follow from others, once the overrides are in: over https the session
    cookie is Secure and named __Host- (this host only, every path), and HSTS is sent; on
    SQLite, a writer waits SQLITE_BUSY_TIMEOUT seconds for another."""
    https = str(config["PUBLIC_BASE_URL"]).startswith("https://")
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = https
    if config.get("HSTS") is None:
        config["HSTS"] = https
    if config["SESSION_COOKIE_SECURE"]:
        config["SESSION_COOKIE_NAME"] = "__Host-session"
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # The embedded default writes from the request, the job thread and the scheduler at
        # once: a writer waits this long for another's commit (SQLite's own default, 5 s, was
        # exceeded on a loaded machine while the job thread sent notifications).
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": config.get("SQLITE_BUSY_TIMEOUT", 30)})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _engine_options(url: str) -> dict[str, object]:
    """Check connections before use; on PostgreSQL, give up connecting after a few seconds, so
    that a request finds out the database is down in time to keep what it carries on disk."""
    # hide_parameters: a database error's log line never carries what someone wrote.
    options: dict[str, object] = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("postgresql"):
        options["connect_args"] = {"connect_timeout": _int("DATABASE_CONNECT_TIMEOUT", 3)}
    return options


def _api_tokens(raw: str) -> dict[str, str]:
    """Parse `partner-name:token,other:token` into {token: partner name}."""
    tokens: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in raw.split(","))):
        name, _, token = pair.partition(":")
        if name and len(token) >= 24:
            tokens[token] = name
    return tokens


def _dev_secret_key() -> str:
    """A per-install random key kept in instance/, so sessions survive restarts in development."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(os.urandom(32).hex())
        path.chmod(0o600)
    return path.read_text().strip()
