"""``terugkeer init-db``, ``deploy`` and ``export``: the database and the process models."""

from __future__ import annotations

from pathlib import Path

import click

from config import Config
from engine import Engine, VersionInfo
from web.cli.common import MODEL_SUFFIXES, deploy_files, migrate, model_files, open_engine


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    migrate(Config())


@click.command()
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


@click.command("export")
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
