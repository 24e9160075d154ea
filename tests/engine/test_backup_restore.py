"""Backup and restore on PostgreSQL (docs/operations.md): a database with running cases and
armed timers, dumped with ``pg_dump -Fc`` and restored with ``pg_restore`` into a new database,
goes on there: the timers fire, the tasks complete."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine import Engine, ManualClock
from tests.conftest import _drop_postgres_database, _ensure_postgres_database, _truncate_all
from tests.engine.conftest import MODELS
from tests.engine.test_timers import DEADLINE_PASSED, start_waiting_cases

pytestmark = pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="pg_dump and pg_restore are not installed",
)


def libpq_arguments(url: str) -> list[str]:
    """Host, port, user and database of ``url`` as pg_dump/pg_restore options."""
    parsed = sa.make_url(url)
    return [
        f"--host={parsed.host or '127.0.0.1'}",
        f"--port={parsed.port or 5432}",
        f"--username={parsed.username or 'postgres'}",
        f"--dbname={parsed.database}",
    ]


@pytest.fixture
def database_url(_postgres_ready: str) -> str:
    """PostgreSQL only (a SQLite database is backed up as a file)."""
    _truncate_all(_postgres_ready)
    return _postgres_ready


@pytest.fixture
def restored_url(database_url: str) -> Iterator[str]:
    source = sa.make_url(database_url)
    text = source.set(database=f"{source.database}_restored").render_as_string(hide_password=False)
    _drop_postgres_database(text)
    problem = _ensure_postgres_database(text)
    assert problem is None, problem
    yield text
    _drop_postgres_database(text)


def test_restored_database_fires_its_timers_and_completes_its_tasks(
    engine: Engine, database_url: str, restored_url: str, tmp_path: Path
) -> None:
    ids = start_waiting_cases(engine, 3)
    assert {t.status for i in ids for t in engine.timers(i)} == {"waiting"}
    dump = tmp_path / "terugkeer.dump"
    password = sa.make_url(database_url).password
    env = {"PATH": "/usr/bin:/bin", **({"PGPASSWORD": password} if password else {})}

    subprocess.run(
        ["pg_dump", "-Fc", f"--file={dump}", *libpq_arguments(database_url)],
        check=True,
        env=env,
    )
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *libpq_arguments(restored_url), str(dump)],
        check=True,
        env=env,
    )

    restored = Engine(restored_url, clock=ManualClock(DEADLINE_PASSED), forms_dir=MODELS / "forms")
    try:
        assert restored.fire_due_timers() == 3
        late = restored.tasks(bpmn_id="escalate")
        assert sorted(task.instance_id for task in late) == sorted(ids)
        restored.complete(late[0].id, {"notified_on": "2026-05-08"}, "teamlead")
        assert restored.tasks(bpmn_id="escalate", instance_id=late[0].instance_id) == []
        assert any(e.kind == "task_completed" for e in restored.events(late[0].instance_id))
    finally:
        restored.database.dispose()
    # The original database is untouched by what happened in the copy.
    assert {t.status for i in ids for t in engine.timers(i)} == {"waiting"}
