"""Terugkeer's settings, read from environment variables when a Config is made.

SQLite in the instance folder by default; DATABASE_URL points elsewhere (e.g. PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
# A checkout (pyproject.toml beside config.py) keeps its data in the repository's folders; an
# installed package in terugkeer_data/ beside config.py (setup.py copies it there at build time).
SOURCE_TREE = (ROOT / "pyproject.toml").is_file()
TRUE_WORDS = {"1", "true", "yes", "on", "ja"}
FALSE_WORDS = {"0", "false", "no", "off", "nee", ""}
LANGUAGES = ("nl", "en")


def shipped(name: str) -> Path:
    """A folder Terugkeer ships: migrations, processes, forms, or vendor (the front-end
    packages: node_modules/ in a checkout)."""
    if SOURCE_TREE:
        return ROOT / ("node_modules" if name == "vendor" else name)
    return ROOT / "terugkeer_data" / name


def as_bool(name: str, value: str | None, default: bool = False) -> bool:
    """A yes/no setting; anything unrecognised is an error that names the setting."""
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}: {value!r} is not a yes/no value (use true or false)")


def as_number(name: str, value: str | None, default: float) -> float:
    """A positive number setting; anything else is an error that names the setting."""
    if value is None or not value.strip():
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a number") from None
    if number <= 0:
        raise ValueError(f"{name}: {value!r} must be more than 0")
    return number


def as_count(name: str, value: str | None) -> int:
    """A whole number of 0 or more (default 0); anything else is an error naming the setting."""
    if value is None or not value.strip():
        return 0
    if not value.strip().isdigit():
        raise ValueError(f"{name}: {value!r} is not a whole number of 0 or more")
    return int(value)


def absolute_database_url(url: str) -> str:
    """Make a relative SQLite path absolute (against the working directory).

    The migrations, the engine and Flask-SQLAlchemy resolve relative SQLite paths differently;
    an absolute path makes them all open the same file.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite://" or ":memory:" in url:
        return url
    path = url.removeprefix(prefix)
    path, _, query = path.partition("?")
    if not Path(path).is_absolute():
        path = str(Path.cwd() / path)
    return prefix + path + (f"?{query}" if query else "")


def log_format(env: Mapping[str, str]) -> str:
    """TERUGKEER_LOG_FORMAT: "text", "json" or "" (the command's own default)."""
    value = env.get("TERUGKEER_LOG_FORMAT", "").strip().lower()
    if value not in ("", "text", "json"):
        raise ValueError(f"TERUGKEER_LOG_FORMAT: {value!r} is not one of text, json")
    return value


def ensure_database_folder(url: str) -> None:
    """Create the folder of a SQLite database file, and the file itself readable by its owner
    only (0600; SQLite gives its journal files the same mode). An existing file is left as is."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        path = Path(url.removeprefix("sqlite:///").partition("?")[0])
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def sqlalchemy_url(url: str) -> str:
    """The URL Flask-SQLAlchemy opens: PostgreSQL through psycopg 3, like the engine."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def engine_options(url: str, threads: int = 4) -> dict[str, Any]:
    """Connection settings matching engine.db.connect.open_database. On PostgreSQL the pool keeps
    two connections per request thread: a request holds its page's session and, for a command,
    the engine's connection at once, and with SQLAlchemy's default pool (5 kept) four threads
    opened and closed backends all the time (docs/operations.md, "Connection pool")."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": max(5, 2 * threads)}


def stored_secret_key(instance_dir: Path) -> str:
    """The secret key kept in ``instance/secret_key``, generated on first use."""
    path = instance_dir / "secret_key"
    instance_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if not key:
            raise ValueError(f"{path} is empty: delete it to have a new key generated") from None
        return key
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


class Config:
    """Settings from the environment (or from ``environ``), then ``overrides``."""

    def __init__(self, environ: Mapping[str, str] | None = None, **overrides: Any) -> None:
        env = os.environ if environ is None else environ
        # The instance folder: the checkout's, or for an installed package the working directory's.
        default_instance = ROOT / "instance" if SOURCE_TREE else Path.cwd() / "instance"
        self.INSTANCE_DIR = Path(env.get("TERUGKEER_INSTANCE_DIR") or default_instance)
        url = env.get("DATABASE_URL") or f"sqlite:///{self.INSTANCE_DIR / 'terugkeer.sqlite'}"
        self.DATABASE_URL = absolute_database_url(url)
        self.TERUGKEER_CLOSURE_DAYS = env.get("TERUGKEER_CLOSURE_DAYS", "")
        # Regional coordination points: "GM0363:GM0362,GM0384;GM0599:GM0542" (dashboard scope).
        self.TERUGKEER_REGIONS = env.get("TERUGKEER_REGIONS", "")
        # The share of deadlines met that the dashboard's Termijnen page holds as the norm (the
        # Samenwerkingsmodel sets the deadlines but no share; 90 is this project's choice).
        self.TERUGKEER_DEADLINE_NORM_PERCENT = as_number(
            "TERUGKEER_DEADLINE_NORM_PERCENT", env.get("TERUGKEER_DEADLINE_NORM_PERCENT"), 90
        )
        # Months after a case closed (the six-month measurement) that it is pseudonymised.
        self.TERUGKEER_RETENTION_MONTHS = as_number(
            "TERUGKEER_RETENTION_MONTHS", env.get("TERUGKEER_RETENTION_MONTHS"), 24
        )
        self.TERUGKEER_RUN_SCHEDULER = as_bool(
            "TERUGKEER_RUN_SCHEDULER", env.get("TERUGKEER_RUN_SCHEDULER")
        )
        self.TERUGKEER_SCHEDULER_RECHECK_SECONDS = as_number(
            "TERUGKEER_SCHEDULER_RECHECK_SECONDS",
            env.get("TERUGKEER_SCHEDULER_RECHECK_SECONDS"),
            5.0,
        )
        self.TERUGKEER_SCHEDULER_HEARTBEAT_SECONDS = as_number(
            "TERUGKEER_SCHEDULER_HEARTBEAT_SECONDS",
            env.get("TERUGKEER_SCHEDULER_HEARTBEAT_SECONDS"),
            10.0,
        )
        self.TERUGKEER_DASHBOARD_POLL_SECONDS = as_number(
            "TERUGKEER_DASHBOARD_POLL_SECONDS",
            env.get("TERUGKEER_DASHBOARD_POLL_SECONDS"),
            1.0,
        )
        self.TERUGKEER_TIMER_RETRY_LIMIT = int(
            as_number("TERUGKEER_TIMER_RETRY_LIMIT", env.get("TERUGKEER_TIMER_RETRY_LIMIT"), 5)
        )
        self.TERUGKEER_TIMER_RETRY_SECONDS = as_number(
            "TERUGKEER_TIMER_RETRY_SECONDS", env.get("TERUGKEER_TIMER_RETRY_SECONDS"), 30.0
        )
        self.TERUGKEER_TIMER_RETRY_MAX_SECONDS = as_number(
            "TERUGKEER_TIMER_RETRY_MAX_SECONDS", env.get("TERUGKEER_TIMER_RETRY_MAX_SECONDS"), 900.0
        )
        # A scheduler heartbeat older than this makes /readyz answer 503 (web/health/).
        self.TERUGKEER_READY_HEARTBEAT_SECONDS = as_number(
            "TERUGKEER_READY_HEARTBEAT_SECONDS", env.get("TERUGKEER_READY_HEARTBEAT_SECONDS"), 60.0
        )
        # The process an entry notification starts (default: nazorg_detentie).
        self.TERUGKEER_MAIN_PROCESS = env.get("TERUGKEER_MAIN_PROCESS") or None
        # `terugkeer serve` (web/serving.py): gunicorn's address, worker processes and threads.
        self.TERUGKEER_WEB_BIND = env.get("TERUGKEER_WEB_BIND") or "127.0.0.1:8000"
        self.TERUGKEER_WEB_WORKERS = int(
            as_number("TERUGKEER_WEB_WORKERS", env.get("TERUGKEER_WEB_WORKERS"), 2)
        )
        self.TERUGKEER_WEB_THREADS = int(
            as_number("TERUGKEER_WEB_THREADS", env.get("TERUGKEER_WEB_THREADS"), 4)
        )
        # How many reverse proxies set X-Forwarded-For/-Proto/-Host in front of the app (0: none;
        # the headers are then ignored). See docs/operations.md.
        self.TERUGKEER_PROXY_COUNT = as_count(
            "TERUGKEER_PROXY_COUNT", env.get("TERUGKEER_PROXY_COUNT")
        )
        # /metrics answers only a request with "Authorization: Bearer <this token>"; without a
        # token set, /metrics does not exist (404).
        self.TERUGKEER_METRICS_TOKEN = env.get("TERUGKEER_METRICS_TOKEN") or None
        # Log lines as "text" or "json" (one object a line, web/request_log.py); empty: the
        # command's own default (json for `terugkeer serve` and `scheduler`, text for the rest).
        self.TERUGKEER_LOG_FORMAT = log_format(env)
        self.TERUGKEER_FORMS_DIR = Path(env.get("TERUGKEER_FORMS_DIR") or shipped("forms"))
        self.TERUGKEER_PROCESSES_DIR = Path(
            env.get("TERUGKEER_PROCESSES_DIR") or shipped("processes")
        )
        # Bounds on every engine command (docs/engine.md, "Bounded commands").
        self.TERUGKEER_COMMAND_SECONDS = as_number(
            "TERUGKEER_COMMAND_SECONDS", env.get("TERUGKEER_COMMAND_SECONDS"), 3.0
        )
        self.TERUGKEER_SCRIPT_ITERATIONS = int(
            as_number("TERUGKEER_SCRIPT_ITERATIONS", env.get("TERUGKEER_SCRIPT_ITERATIONS"), 1e6)
        )
        self.TERUGKEER_ENGINE_STEPS = int(
            as_number("TERUGKEER_ENGINE_STEPS", env.get("TERUGKEER_ENGINE_STEPS"), 1000)
        )
        self.TERUGKEER_LOCK_TIMEOUT_MS = int(
            as_number("TERUGKEER_LOCK_TIMEOUT_MS", env.get("TERUGKEER_LOCK_TIMEOUT_MS"), 10_000)
        )
        self.TERUGKEER_STATEMENT_TIMEOUT_MS = int(
            as_number(
                "TERUGKEER_STATEMENT_TIMEOUT_MS", env.get("TERUGKEER_STATEMENT_TIMEOUT_MS"), 30_000
            )
        )
        self.TERUGKEER_CLOCK = None  # an engine Clock; tests and simulations pass their own
        # The clock sessions and sign-in pauses run on: real time, whatever TERUGKEER_CLOCK
        # says (a simulated business clock must not end sessions); tests pass their own.
        self.TERUGKEER_SECURITY_CLOCK = None

        self.BABEL_DEFAULT_LOCALE = "nl"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
        self.LANGUAGES = LANGUAGES

        secure = as_bool("SESSION_COOKIE_SECURE", env.get("SESSION_COOKIE_SECURE"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = secure
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = secure

        def whole(name: str, default: int) -> int:
            return int(as_number(name, env.get(name), default))

        # A session ends after this many minutes without a request, and this many hours after
        # signing in, whatever happens (web/auth/sessions.py).
        self.TERUGKEER_SESSION_IDLE_MINUTES = whole("TERUGKEER_SESSION_IDLE_MINUTES", 30)
        self.TERUGKEER_SESSION_MAX_HOURS = whole("TERUGKEER_SESSION_MAX_HOURS", 12)
        # Sign-in throttling (web/auth/throttle.py): failures allowed per account and per
        # address before a pause, the first pause (doubling with each further failure, up to
        # the longest), and where the counts live: "database" or a redis:// URL.
        self.TERUGKEER_SIGN_IN_ACCOUNT_FAILURES = whole("TERUGKEER_SIGN_IN_ACCOUNT_FAILURES", 20)
        self.TERUGKEER_SIGN_IN_ADDRESS_FAILURES = whole("TERUGKEER_SIGN_IN_ADDRESS_FAILURES", 100)
        self.TERUGKEER_SIGN_IN_PAUSE_SECONDS = whole("TERUGKEER_SIGN_IN_PAUSE_SECONDS", 60)
        self.TERUGKEER_SIGN_IN_MAX_PAUSE_SECONDS = whole(
            "TERUGKEER_SIGN_IN_MAX_PAUSE_SECONDS", 3600
        )
        self.TERUGKEER_THROTTLE_STORAGE = env.get("TERUGKEER_THROTTLE_STORAGE") or "database"
        # Request bodies: pages and the API take at most MAX_CONTENT_LENGTH bytes; the upload
        # pages for models and forms take TERUGKEER_UPLOAD_MAX_BYTES (web/security.py).
        self.MAX_CONTENT_LENGTH = whole("MAX_CONTENT_LENGTH", 1024 * 1024)
        self.TERUGKEER_UPLOAD_MAX_BYTES = whole("TERUGKEER_UPLOAD_MAX_BYTES", 16 * 1024 * 1024)

        # E-mail notifications (web/notifications/, docs/notifications.md). No host: no mail.
        self.TERUGKEER_SMTP_HOST = env.get("TERUGKEER_SMTP_HOST", "").strip()
        self.TERUGKEER_SMTP_PORT = whole("TERUGKEER_SMTP_PORT", 25)
        self.TERUGKEER_SMTP_USER = env.get("TERUGKEER_SMTP_USER", "")
        self.TERUGKEER_SMTP_PASSWORD = env.get("TERUGKEER_SMTP_PASSWORD", "")
        self.TERUGKEER_SMTP_STARTTLS = as_bool(
            "TERUGKEER_SMTP_STARTTLS", env.get("TERUGKEER_SMTP_STARTTLS")
        )
        self.TERUGKEER_SMTP_FROM = env.get("TERUGKEER_SMTP_FROM") or "Terugkeer <noreply@localhost>"
        self.TERUGKEER_SMTP_TIMEOUT_SECONDS = as_number(
            "TERUGKEER_SMTP_TIMEOUT_SECONDS", env.get("TERUGKEER_SMTP_TIMEOUT_SECONDS"), 10.0
        )
        # Links in mails start with this address (the app as users reach it).
        self.TERUGKEER_BASE_URL = env.get("TERUGKEER_BASE_URL") or "http://127.0.0.1:5000"
        # The daily digest goes out from this hour (Europe/Amsterdam) on working days.
        self.TERUGKEER_DIGEST_HOUR = int(
            as_number("TERUGKEER_DIGEST_HOUR", env.get("TERUGKEER_DIGEST_HOUR"), 7)
        )
        # How often the scheduler looks for mail to send, and how a failed mail is retried.
        self.TERUGKEER_MAIL_CHECK_SECONDS = as_number(
            "TERUGKEER_MAIL_CHECK_SECONDS", env.get("TERUGKEER_MAIL_CHECK_SECONDS"), 60.0
        )
        self.TERUGKEER_MAIL_RETRY_LIMIT = whole("TERUGKEER_MAIL_RETRY_LIMIT", 8)
        self.TERUGKEER_MAIL_RETRY_SECONDS = as_number(
            "TERUGKEER_MAIL_RETRY_SECONDS", env.get("TERUGKEER_MAIL_RETRY_SECONDS"), 60.0
        )
        self.TERUGKEER_MAIL_RETRY_MAX_SECONDS = as_number(
            "TERUGKEER_MAIL_RETRY_MAX_SECONDS", env.get("TERUGKEER_MAIL_RETRY_MAX_SECONDS"), 3600.0
        )

        for name, value in overrides.items():
            setattr(self, name, value)
        if "SECRET_KEY" not in overrides:
            self.SECRET_KEY = env.get("SECRET_KEY") or stored_secret_key(self.INSTANCE_DIR)
        self.DATABASE_URL = absolute_database_url(self.DATABASE_URL)
        self.SQLALCHEMY_DATABASE_URI = sqlalchemy_url(self.DATABASE_URL)
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(
            self.DATABASE_URL, self.TERUGKEER_WEB_THREADS
        )

    def as_dict(self) -> dict[str, Any]:
        """The upper-case settings, as Flask's ``config.from_mapping`` takes them."""
        return {name: value for name, value in vars(self).items() if name.isupper()}


class TestConfig(Config):
    """Settings for tests: the given database, a throwaway secret key, no scheduler, no CSRF.

    Nothing is read from the environment, so a DATABASE_URL set for CI cannot leak in.
    """

    __test__ = False  # not a pytest test class

    def __init__(self, database_url: str, **overrides: Any) -> None:
        settings: dict[str, Any] = {
            "TESTING": True,
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "TERUGKEER_RUN_SCHEDULER": False,
            "WTF_CSRF_ENABLED": False,
        }
        settings.update(overrides)
        super().__init__({"TERUGKEER_INSTANCE_DIR": tempfile.gettempdir()}, **settings)
