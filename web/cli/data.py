"""``terugkeer simulate``, ``demo``, the projection rebuilds and retention."""

from __future__ import annotations

from datetime import datetime, timedelta

import click

from config import Config
from engine import NotFoundError
from web import create_app
from web.cases.projection import rebuild_all
from web.cli.running import load_demo
from web.dashboard.rebuild import rebuild_dashboard
from web.engine_access import (
    current_engine,
)
from web.extensions import db
from web.privacy.retention import pseudonymise_closed
from web.simulation import command as simulation
from web.simulation.queries import RealCasesError


@click.command()
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
    help="Commit without waiting for the disk (PostgreSQL: synchronous_commit off, a crash may "
    "lose the last commits; SQLite: synchronous OFF, a power loss may corrupt the file); refused "
    "when the database holds real cases.",
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


@click.command("demo")
def demo_command() -> None:
    """Load the demo organisations, users and cases (what `terugkeer run` does by default)."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    load_demo(app)
    with app.app_context():
        db.engine.dispose()


@click.command("rebuild-cases")
def rebuild_cases_command() -> None:
    """Rebuild the cases projection from every instance's case data."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context(), db.engine.begin() as conn:
        count = rebuild_all(conn, current_engine().each_instance())
    click.echo(f"Projected {count} cases.")


@click.command("pseudonymise-closed")
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


@click.command("rebuild-dashboard")
def rebuild_dashboard_command() -> None:
    """Rebuild the dashboard's projections from the tasks, events and cases projection."""
    app = create_app(Config(TERUGKEER_RUN_SCHEDULER=False))
    with app.app_context(), db.engine.begin() as conn:
        engine = current_engine()
        count = rebuild_dashboard(conn, engine.each_instance(), engine.calendar, engine.clock.now())
    click.echo(f"Rebuilt the dashboard from {count} cases.")
