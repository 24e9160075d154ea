"""What several ``terugkeer`` commands share: migrating, finding and deploying models."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import click
from sqlalchemy import make_url

from config import Config, ensure_database_folder
from engine import DeploymentError, Engine
from engine.db.migrate import upgrade
from web.engine_access import (
    build_engine,
)

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
