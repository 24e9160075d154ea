"""The ``terugkeer`` command: database, deployments, the timer scheduler, the app, users."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import make_url

from config import Config, ensure_database_folder, log_format
from engine import DeploymentError, Engine, NotFoundError, VersionInfo
from engine.db.migrate import upgrade
from engine.scheduler import run_scheduler
from web import create_app, demo
from web.accounts import AccountError, create_user, ensure_organisation
from web.api import tokens
from web.cases.projection import rebuild_all
from web.cases.registration import main_process
from web.dashboard.rebuild import rebuild_dashboard
from web.engine_access import (
    build_engine,
    current_engine,
    new_scheduler,
    start_feed_worker,
    start_scheduler,
    stop_scheduler,
)
from web.extensions import db
from web.models import ORGANISATION_KINDS, ROLES, User
from web.notifications.dispatcher import no_smtp_message, start_dispatcher
from web.notifications.smtp import SmtpSettings
from web.privacy.retention import pseudonymise_closed
from web.request_log import configure_logging
from web.serving import ensure_metrics_folder
from web.serving import serve as serve_with_gunicorn
from web.simulation import command as simulation
from web.simulation.queries import RealCasesError

MODEL_SUFFIXES = (".bpmn", ".dmn")


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def migrate(config: Config) -> None:
    ensure_database_folder(config.DATABASE_URL)
    upgrade(config.DATABASE_URL)
    click.echo(f"Database is up to date: {shown_url(config.DATABASE_URL)}")


def model_files(paths: Iterable[Path]) -> list[Path]:
    """The files given, with each folder replaced by the BPMN and DMN files beneath it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in MODEL_SUFFIXES))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def report_refusal(error: DeploymentError) -> None:
    click.secho("Deployment refused; nothing was deployed.", fg="red", err=True)
    for problem in error.problems or [error]:
        where = ", ".join(
            part
            for part in (
                f"file {problem.file}" if problem.file else "",
                f"line {problem.line}" if problem.line else "",
                f"element {problem.element}" if problem.element else "",
            )
            if part
        )
        click.echo(f"  {where or 'deployment'}: {problem.detail}", err=True)


def deploy_files(
    engine: Engine, files: list[Path], user: str, *, restore_older: bool = True
) -> None:
    """Deploy ``files`` and print each process's version; exit 1 with the problems if refused."""
    try:
        versions = engine.deploy(files, user=user, restore_older=restore_older)
    except DeploymentError as error:
        report_refusal(error)
        raise click.exceptions.Exit(1) from None
    for info in versions:
        if info.same_as is not None:
            state = f"new, the files of version {info.same_as} again"
        else:
            state = "new" if info.created else "unchanged"
        click.echo(f"{info.process_id} version {info.version} ({state})")


def open_engine(config: Config) -> Engine:
    return build_engine(config.DATABASE_URL, config.as_dict())


@click.group(help="Terugkeer: aftercare for people leaving Dutch prisons.")
@click.version_option(package_name="terugkeer")
def main() -> None:
    configure_logging(log_format(os.environ) or "text")


@main.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    migrate(Config())


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--user", default="cli", show_default=True, help="Recorded as the deployer.")
def deploy(paths: tuple[Path, ...], user: str) -> None:
    """Deploy BPMN and DMN files, or folders of them; without paths, the models in
    TERUGKEER_PROCESSES_DIR (default: the ones Terugkeer ships)."""
    config = Config()
    files = model_files(paths or [config.TERUGKEER_PROCESSES_DIR])
    if not files:
        raise click.UsageError("no .bpmn or .dmn files found in the given paths")
    engine = open_engine(config)
    try:
        deploy_files(engine, files, user)
    finally:
        engine.database.dispose()


def export_files(
    engine: Engine, process_id: str, number: int | None, target: Path
) -> tuple[VersionInfo, list[Path]]:
    """Write the files a version of a process was deployed from, laid out as in this repository:
    BPMN and DMN to ``target/processes/``, forms to ``target/forms/``. Byte for byte what was
    deployed. Nothing is written when a stored name is not a plain file name."""
    found = [info for info in engine.versions(process_id) if number in (None, info.version)]
    if not found:
        wanted = f"version {number} of " if number is not None else ""
        raise click.ClickException(f"{wanted}process {process_id!r} is not deployed")
    info = found[-1]
    files = engine.version_files(info.id)
    for name, _content in files:
        if Path(name).name != name or name.startswith(".") or "\\" in name:
            raise click.ClickException(f"version {info.version} holds a file named {name!r}")
    written = []
    for name, content in files:
        folder = "processes" if name.lower().endswith(MODEL_SUFFIXES) else "forms"
        path = target / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return info, written


@main.command("export")
@click.argument("process_id")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--version", "number", type=click.IntRange(1), help="Default: the newest version.")
def export_command(process_id: str, directory: Path, number: int | None) -> None:
    """Write the files of a deployed version of PROCESS_ID (BPMN and DMN to DIRECTORY/processes/,
    forms to DIRECTORY/forms/), e.g. `terugkeer export nazorg_detentie .` in a checkout to
    commit a change made in the browser."""
    engine = open_engine(Config())
    try:
        info, written = export_files(engine, process_id, number, directory)
    finally:
        engine.database.dispose()
    click.echo(f"{process_id} version {info.version}: wrote {len(written)} files to {directory}")


@main.command()
def scheduler() -> None:
    """Fire timers when they are due and keep the dashboard up to date, until stopped (Ctrl+C or
    SIGTERM)."""
    config = Config()
    ensure_metrics_folder()  # its timer counts join the web app's /metrics (docs/operations.md)
    configure_logging(config.TERUGKEER_LOG_FORMAT or "json")
    engine = open_engine(config)
    click.echo("Timer scheduler running; stop with Ctrl+C.")
    worker = start_feed_worker(engine, config.as_dict())
    # Notification mails go out from here too, on timers of their own (web/notifications/);
    # without an SMTP server that is said once and no app is made for them.
    app = None
    if SmtpSettings.from_config(config.as_dict()) is None:
        logging.getLogger("web.notifications").warning(no_smtp_message())
    else:
        app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
        start_dispatcher(app)
    try:
        run_scheduler(new_scheduler(engine, config.as_dict()))
    finally:
        worker.stop()
        if app is not None:
            stop_scheduler(app)
            with app.app_context():
                db.engine.dispose()
        engine.database.dispose()


@main.command()
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A gunicorn configuration file, e.g. deploy/gunicorn.conf.py.",
)
def serve(config_file: Path | None) -> None:
    """Serve the app with gunicorn (TERUGKEER_WEB_BIND, _WORKERS, _THREADS), without a timer
    scheduler: run `terugkeer scheduler` beside it. Run init-db and deploy first."""
    config = Config(TERUGKEER_RUN_SCHEDULER=False)
    configure_logging(config.TERUGKEER_LOG_FORMAT or "json")
    if config.TERUGKEER_WEB_WORKERS > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        click.echo(
            "PROMETHEUS_MULTIPROC_DIR is not set: /metrics shows one worker's counts only.",
            err=True,
        )
    serve_with_gunicorn(config, config_file)


def load_demo(app: Flask) -> None:
    """Demo organisations, users (credentials printed) and cases; idempotent (web/demo.py)."""
    with app.app_context():
        accounts = demo.ensure_accounts(Path(app.instance_path))
        made = demo.ensure_cases(current_engine(), main_process(), click.echo)
        click.echo(f"Demo data ready ({made} new demo cases). Sign in as:")
        width = max(len(username) for username, *_ in accounts)
        for username, password, organisation, roles in accounts:
            click.echo(f"  {username:<{width}}  {password:<16}  {organisation:<8}  {roles}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--scheduler/--no-scheduler", "with_scheduler", default=True, show_default=True)
@click.option("--demo/--no-demo", "with_demo", default=True, show_default=True)
def run(host: str, port: int, with_scheduler: bool, with_demo: bool) -> None:
    """Migrate, deploy processes/, load demo data, and serve the app with the timer scheduler."""
    config = Config(TERUGKEER_RUN_SCHEDULER=with_scheduler)
    migrate(config)
    files = model_files([config.TERUGKEER_PROCESSES_DIR])
    if files:
        engine = open_engine(config)
        try:
            # A version made in the browser since stays the newest: the files only add news.
            deploy_files(engine, files, "terugkeer run", restore_older=False)
        finally:
            engine.database.dispose()
    else:
        click.echo(f"No models in {config.TERUGKEER_PROCESSES_DIR}; nothing deployed.")
    if with_demo and files:  # before the app's scheduler starts: the simulation owns its clock
        simulation.load_year(config)
    # The scheduler starts after the demo data: on SQLite a timer it fires meanwhile would make
    # the demo's read-then-write transaction fail ("database is locked").
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    if with_demo:
        load_demo(app)
    if with_scheduler:
        start_scheduler(app)
        start_dispatcher(app)
    click.echo(f"Terugkeer runs on http://{host}:{port}/ (stop with Ctrl+C)")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


@main.command()
@click.option("--cases", default=200, show_default=True, type=click.IntRange(1), help="Arrivals.")
@click.option(
    "--start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First day (YYYY-MM-DD); default: DAYS days before today.",
)
@click.option("--days", default=365, show_default=True, type=click.IntRange(1), help="Period.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same cases.")
@click.option(
    "--workers",
    type=click.IntRange(1),
    help="Worker processes, each with its own cases; default: CPUs (PostgreSQL), 1 (SQLite).",
)
@click.option(
    "--unsafe-commit",
    is_flag=True,
    help="PostgreSQL: commit without waiting for the disk (synchronous_commit off). A crash may "
    "lose the last commits; refused when the database holds real cases.",
)
def simulate(
    cases: int,
    start: datetime | None,
    days: int,
    seed: int,
    workers: int | None,
    unsafe_commit: bool,
) -> None:
    """Run CASES realistic detentions through the engine with a simulated clock (web/simulation/,
    profile processes/simulation.json); the processes must be deployed. The same seed and
    number of workers give the same figures."""
    config = Config(TERUGKEER_RUN_SCHEDULER=False)
    if simulation.existing(config, f"NZ-SIM-{seed}-"):
        raise click.ClickException(f"cases of seed {seed} exist already; choose another --seed")
    first = start.date() if start else simulation.today() - timedelta(days=days)
    try:
        simulation.simulate_with_progress(
            config,
            cases=cases,
            start=first,
            days=days,
            seed=seed,
            workers=workers,
            unsafe_commit=unsafe_commit,
        )
    except NotFoundError as error:
        raise click.ClickException(f"{error}; deploy processes/ first") from None
    except RealCasesError as error:
        raise click.ClickException(f"--unsafe-commit refused: {error}") from None


@main.command("demo")
def demo_command() -> None:
    """Load the demo organisations, users and cases (what `terugkeer run` does by default)."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    load_demo(app)
    with app.app_context():
        db.engine.dispose()


@main.command("rebuild-cases")
def rebuild_cases_command() -> None:
    """Rebuild the cases projection from every instance's case data."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context(), db.engine.begin() as conn:
        count = rebuild_all(conn, current_engine().each_instance())
    click.echo(f"Projected {count} cases.")


@main.command("pseudonymise-closed")
@click.option(
    "--months",
    type=click.IntRange(0),
    help="Months after closing; default TERUGKEER_RETENTION_MONTHS (24).",
)
@click.option("--dry-run", is_flag=True, help="List the cases without changing them.")
def pseudonymise_closed_command(months: int | None, dry_run: bool) -> None:
    """Pseudonymise the closed cases past the retention period (web/privacy/retention.py)."""
    config = Config(TERUGKEER_RUN_SCHEDULER=False)
    app = create_app(config)
    period = months if months is not None else int(config.TERUGKEER_RETENTION_MONTHS)
    with app.app_context():
        run = pseudonymise_closed(current_engine(), period, dry_run=dry_run)
        db.engine.dispose()
    verb = "Would pseudonymise" if dry_run else "Pseudonymised"
    click.echo(f"{verb} {len(run.pseudonymised)} closed cases; {run.kept} closed cases kept.")
    for key in run.pseudonymised:
        click.echo(f"  {key}")


@main.command("rebuild-dashboard")
def rebuild_dashboard_command() -> None:
    """Rebuild the dashboard's projections from the tasks, events and cases projection."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context(), db.engine.begin() as conn:
        engine = current_engine()
        count = rebuild_dashboard(conn, engine.each_instance(), engine.calendar, engine.clock.now())
    click.echo(f"Rebuilt the dashboard from {count} cases.")


@main.command("create-user")
@click.argument("username")
@click.option("--organisation", "organisation_code", required=True, help="e.g. PI-ZWL, GM0363")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", help="Name shown in the app (default: the username).")
@click.option("--organisation-name", help="Creates the organisation when it does not exist.")
@click.option("--organisation-kind", type=click.Choice(ORGANISATION_KINDS))
def create_user_command(
    username: str,
    organisation_code: str,
    roles: tuple[str, ...],
    password: str,
    display_name: str | None,
    organisation_name: str | None,
    organisation_kind: str | None,
) -> None:
    """Create a user (and, with its name and kind, the organisation)."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context():
        try:
            organisation = ensure_organisation(
                organisation_code, organisation_name, organisation_kind
            )
            user = create_user(
                username,
                organisation=organisation,
                roles=roles,
                password=password,
                display_name=display_name,
            )
        except AccountError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(
            f"Created user {user.username} ({', '.join(user.role_list)}) "
            f"at {organisation.name} ({organisation.code})"
        )
        db.engine.dispose()


@main.command("create-token")
@click.argument("username")
@click.option("--name", default="terugkeer create-token", show_default=True, help="What it is for.")
@click.option(
    "--days",
    default=tokens.DEFAULT_VALIDITY_DAYS,
    show_default=True,
    type=click.Choice([str(days) for days in tokens.VALIDITY_DAYS]),
    help="How long it works.",
)
def create_token_command(username: str, name: str, days: str) -> None:
    """Make a personal API token for USERNAME and print its secret (shown only this once)."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context():
        user = User.by_username(username)
        if user is None or not user.is_active:
            raise click.ClickException(f"no active user {username!r}")
        try:
            token, secret = tokens.create_token(user, name, int(days))
        except tokens.TokenError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(
            f"Token {token.prefix}... for {user.username}, valid until {token.expires_at:%Y-%m-%d}:"
        )
        click.echo(secret)
        click.echo("Send it as: Authorization: Bearer <token>. It is not shown again.")
        db.engine.dispose()
