"""The app factory, the start page, error pages, security headers, the scheduler switch and the
settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient

from config import Config, TestConfig, stored_secret_key
from engine import CommandLimits, ConflictError, Engine, ManualClock
from engine.db.models import Base
from engine.scheduler import TimerScheduler
from web import create_app
from web.accounts import ensure_organisation
from web.engine_access import (
    command_limits,
    current_engine,
    current_scheduler,
    stop_scheduler,
)
from web.extensions import db

MODELS = Path(__file__).resolve().parents[1] / "engine" / "models"
SAMPLE_FILES = [MODELS / "sample.bpmn", MODELS / "stay_class.dmn"]
WEB_TABLES = {"organisations", "users"}


def make_app(database_url: str, clock: ManualClock, **overrides: object) -> Flask:
    config = TestConfig(
        database_url, TERUGKEER_CLOCK=clock, TERUGKEER_FORMS_DIR=MODELS / "forms", **overrides
    )
    return create_app(config)


def dispose(app: Flask) -> None:
    stop_scheduler(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(database_url, clock)
    yield app
    dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_factory_makes_one_engine_on_the_apps_database(app: Flask, clock: ManualClock) -> None:
    with app.app_context():
        engine = current_engine()
        assert isinstance(engine, Engine)
        assert engine is current_engine()
        assert engine.database is db.engine
        assert engine.clock is clock
        assert db.metadata is Base.metadata
        assert set(Base.metadata.tables) >= WEB_TABLES


def test_the_signed_out_home_page_shows_nothing_of_cases_or_processes(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        ensure_organisation("PI-ZWL", "PI Zwolle", "prison")
        db.session.commit()
        engine = current_engine()
        engine.deploy(SAMPLE_FILES)
        engine.start("sample_case", {"prison_code": "PI-ZWL"}, "case-1")

    response = client.get("/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Terugkeer — nazorg voor ex-gedetineerden" in page
    assert 'href="/aanmelden"' in page
    for revealing in ("sample_case", "Voorbeeldzaak", "case-1", "open ta", "stat-value", "versie"):
        assert revealing not in page


def test_english_is_available(client: FlaskClient) -> None:
    response = client.post("/taal", data={"language": "en", "next": "/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"

    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Terugkeer — aftercare for former prisoners" in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_language_switch_stays_on_this_site(client: FlaskClient, target: str) -> None:
    response = client.post("/taal", data={"language": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_unknown_language_is_refused(client: FlaskClient) -> None:
    assert client.post("/taal", data={"language": "xx"}).status_code == 400


@pytest.mark.parametrize(
    "path", ["/", "/static/css/app.css", "/bestaat-niet", "/api/v1/bestaat-niet"]
)
def test_security_headers_on_every_response(client: FlaskClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_templates_carry_no_inline_script_or_style(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and "style=" not in page
    assert " onclick=" not in page


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    client.get("/")  # the language form's CSRF token starts a session
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only and cookie.same_site == "Lax"


def test_unknown_api_path_is_a_problem_details_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/bestaat-niet")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == 404
    assert body["type"] == "about:blank"
    assert body["title"] == "Niet gevonden"
    assert body["instance"] == "/api/v1/bestaat-niet"


def test_unknown_page_is_a_dutch_404_page(client: FlaskClient) -> None:
    response = client.get("/bestaat-niet")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Niet gevonden" in page
    assert "De pagina die u zoekt bestaat niet of is verplaatst." in page
    assert "Naar de startpagina" in page


def test_engine_errors_become_problem_details(app: Flask) -> None:
    def conflict() -> str:
        raise ConflictError(
            "task t-1 is already claimed by anna",
            reason="task_claimed",
            task_id="t-1",
            claimed_by="anna",
        )

    app.add_url_rule("/api/v1/test-conflict", view_func=conflict)
    app.add_url_rule("/test-conflict", "conflict_page", view_func=conflict)
    client = app.test_client()

    response = client.get("/api/v1/test-conflict")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert (body["code"], body["reason"]) == ("conflict", "task_claimed")
    assert body["detail"] == "Deze taak is al opgepakt door anna."  # worded by the app

    page = client.get("/test-conflict")
    assert page.status_code == 409
    assert "Conflict" in page.get_data(as_text=True)


def test_method_not_allowed_on_the_api_keeps_the_allow_header(app: Flask) -> None:
    app.add_url_rule("/api/v1/test-get", "test_get", view_func=lambda: "ok")
    response = app.test_client().post("/api/v1/test-get")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_scheduler_not_started_unless_configured(app: Flask) -> None:
    with app.app_context():
        assert current_scheduler() is None


# A scheduler stopped right after it started must not crash its thread (APScheduler shutdown race).
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_scheduler_started_when_configured(database_url: str, clock: ManualClock) -> None:
    app = make_app(database_url, clock, TERUGKEER_RUN_SCHEDULER=True)
    try:
        with app.app_context():
            scheduler = current_scheduler()
            assert isinstance(scheduler, TimerScheduler)
            assert scheduler.engine is current_engine()
    finally:
        dispose(app)
    with app.app_context():
        assert current_scheduler() is None


def test_migrations_match_the_web_models(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn)
        differences = [
            diff
            for diff in compare_metadata(context, Base.metadata)
            if _table_of(diff) in WEB_TABLES
        ]
    assert differences == []


def _table_of(diff: object) -> str | None:
    """The table an Alembic autogenerate difference is about."""
    item = diff[0] if isinstance(diff, list) else diff  # modify_* differences come as lists
    for part in item if isinstance(item, tuple) else ():
        if isinstance(part, sa.Table):
            return part.name
        if isinstance(part, str) and part in WEB_TABLES:
            return part
        table = getattr(part, "table", None)
        if isinstance(table, sa.Table):
            return table.name
    return None


# Settings


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path)}).SECRET_KEY
    second = Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path)}).SECRET_KEY
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert stored_secret_key(tmp_path) == first
    assert Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x" * 40}).SECRET_KEY == (
        "x" * 40
    )


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    config = Config(
        {
            "TERUGKEER_INSTANCE_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://terugkeer@db.example:5432/terugkeer",
            "TERUGKEER_CLOSURE_DAYS": "2026-12-24",
            "TERUGKEER_RUN_SCHEDULER": "true",
            "SESSION_COOKIE_SECURE": "1",
        }
    )
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql+psycopg://")
    assert config.TERUGKEER_CLOSURE_DAYS == "2026-12-24"
    assert config.TERUGKEER_RUN_SCHEDULER is True
    assert config.SESSION_COOKIE_SECURE is True and config.REMEMBER_COOKIE_SECURE is True
    assert config.SESSION_COOKIE_HTTPONLY is True and config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.BABEL_DEFAULT_LOCALE == "nl"


def test_the_postgresql_pool_keeps_two_connections_per_thread(tmp_path: Path) -> None:
    # A request holds its page's session and the engine's command connection at once: with
    # SQLAlchemy's default pool (5) four threads opened and closed backends all the time.
    url = "postgresql://terugkeer@db.example:5432/terugkeer"
    environ = {"TERUGKEER_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url}
    assert Config(environ).SQLALCHEMY_ENGINE_OPTIONS["pool_size"] == 8
    six = Config({**environ, "TERUGKEER_WEB_THREADS": "6"})
    assert six.SQLALCHEMY_ENGINE_OPTIONS["pool_size"] == 12
    assert Config(environ, TERUGKEER_WEB_THREADS=1).SQLALCHEMY_ENGINE_OPTIONS["pool_size"] == 5
    sqlite = Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path)})
    assert "pool_size" not in sqlite.SQLALCHEMY_ENGINE_OPTIONS


def test_the_apps_engine_uses_the_configured_pool(database_url: str, clock: ManualClock) -> None:
    app = make_app(database_url, clock, TERUGKEER_WEB_THREADS=6)
    try:
        with app.app_context():
            pool = db.engine.pool
            assert current_engine().database is db.engine  # the commands share the page's pool
            if database_url.startswith("postgresql"):
                assert pool.size() == 12  # type: ignore[attr-defined]
            else:
                assert not isinstance(pool, sa.pool.QueuePool) or pool.size() == 5
    finally:
        dispose(app)


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    config = Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path)})
    url = config.DATABASE_URL
    assert url == f"sqlite:///{tmp_path / 'terugkeer.sqlite'}"
    assert config.TERUGKEER_RUN_SCHEDULER is False
    assert config.SESSION_COOKIE_SECURE is False


def test_relative_sqlite_paths_become_absolute(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    config = Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path), "DATABASE_URL": "sqlite:///x.db"})
    url = config.DATABASE_URL
    assert url == f"sqlite:///{tmp_path / 'x.db'}"


def test_a_bad_yes_no_setting_names_itself(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TERUGKEER_RUN_SCHEDULER"):
        Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path), "TERUGKEER_RUN_SCHEDULER": "soms"})


def test_command_limits_come_from_the_environment(tmp_path: Path) -> None:
    config = Config(
        {
            "TERUGKEER_INSTANCE_DIR": str(tmp_path),
            "TERUGKEER_COMMAND_SECONDS": "1.5",
            "TERUGKEER_SCRIPT_ITERATIONS": "5000",
            "TERUGKEER_ENGINE_STEPS": "200",
            "TERUGKEER_LOCK_TIMEOUT_MS": "2500",
        }
    )
    limits = command_limits(config.as_dict())
    assert (limits.scripts.seconds, limits.scripts.iterations) == (1.5, 5000)
    assert (limits.engine_steps, limits.lock_timeout_ms, limits.statement_timeout_ms) == (
        200,
        2500,
        30_000,
    )
    assert command_limits({}) == CommandLimits()


@pytest.mark.parametrize("value", ["drie", "0", "-5"])
def test_a_bad_limit_setting_names_itself(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="TERUGKEER_ENGINE_STEPS"):
        Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path), "TERUGKEER_ENGINE_STEPS": value})


def test_test_config_ignores_database_url_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere/db")
    assert TestConfig("sqlite:////tmp/x.sqlite").DATABASE_URL == "sqlite:////tmp/x.sqlite"
