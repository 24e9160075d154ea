"""The ``terugkeer`` command: database, deployments, the timer scheduler, the app, users."""

from __future__ import annotations

import os

import click

from config import log_format
from web.cli import accounts, data, models, running
from web.request_log import configure_logging


@click.group(help="Terugkeer: aftercare for people leaving Dutch prisons.")
@click.version_option(package_name="terugkeer")
def main() -> None:
    configure_logging(log_format(os.environ) or "text")


for command in (
    models.init_db,
    models.deploy,
    models.export_command,
    running.scheduler,
    running.serve,
    running.run,
    data.simulate,
    data.demo_command,
    data.rebuild_cases_command,
    data.pseudonymise_closed_command,
    data.rebuild_dashboard_command,
    accounts.create_user_command,
    accounts.create_token_command,
):
    main.add_command(command)
