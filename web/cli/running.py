"""``terugkeer run``, ``serve`` and ``scheduler``: the app and the timer scheduler."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from flask import Flask

from config import Config
from engine.scheduler import run_scheduler
from web import create_app, demo
from web.cases.registration import main_process
from web.cli.common import deploy_files, migrate, model_files, open_engine
from web.engine_access import (
    current_engine,
    new_scheduler,
    start_feed_worker,
    start_scheduler,
    stop_scheduler,
)
from web.extensions import db
from web.notifications.dispatcher import no_smtp_message, start_dispatcher
from web.notifications.smtp import SmtpSettings
from web.request_log import configure_logging
from web.serving import ensure_metrics_folder
from web.serving import serve as serve_with_gunicorn
from web.simulation import command as simulation


@click.command()
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


@click.command()
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


def load_demo(app: Flask, passwords: demo.DemoPasswords | None = None) -> None:
    """Demo organisations, users (credentials printed) and cases; idempotent (web/demo.py).
    ``passwords``: the new users' passwords, hashed beforehand."""
    with app.app_context():
        accounts = demo.ensure_accounts(Path(app.instance_path), passwords)
        made = demo.ensure_cases(current_engine(), main_process(), click.echo)
        click.echo(f"Demo data ready ({made} new demo cases). Sign in as:")
        width = max(len(username) for username, *_ in accounts)
        for username, password, organisation, roles in accounts:
            click.echo(f"  {username:<{width}}  {password:<16}  {organisation:<8}  {roles}")


@click.command()
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
    passwords = None
    if with_demo and files:  # before the app's scheduler starts: the simulation owns its clock
        # The new demo users' passwords are hashed on another core while the year loads.
        passwords = demo.DemoPasswords(demo.missing_users(config.DATABASE_URL))
        simulation.load_year(config)
    # The scheduler starts after the demo data: on SQLite a timer it fires meanwhile would make
    # the demo's read-then-write transaction fail ("database is locked").
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    if with_demo:
        load_demo(app, passwords)
    if with_scheduler:
        start_scheduler(app)
        start_dispatcher(app)
    click.echo(f"Terugkeer runs on http://{host}:{port}/ (stop with Ctrl+C)")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
