"""A finished case's task rows and fired timers archived in one row (engine/store/task_archive.py,
issue 14): the facade reads the same tasks and timers from the archive as from the rows, by case
and by id; a running case is not archived; migration 0552 puts the rows back and archives them
again. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from engine import ConflictError, Engine, NotFoundError
from engine.db.connect import write_transaction
from engine.db.migrate import alembic_config, upgrade
from engine.db.models import ArchivedTask, HumanTask, TaskArchive, Timer
from engine.store import task_archive
from tests.engine.conftest import MODELS

NOTIFIED = {"notified_on": "2026-05-05"}


def rows(engine: Engine, table: sa.Table, instance_id: int) -> int:
    with engine.database.connect() as conn:
        query = sa.select(sa.func.count()).where(table.c.instance_id == instance_id)
        return conn.execute(query).scalar_one()


def test_a_finished_cases_tasks_and_timers_read_the_same_from_its_archive(
    make_engine, clock
) -> None:
    engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "short_timer.bpmn"])
    finished = engine.start("short_timer", {"wait_for": "PT1H"}, "done")
    running = engine.start("short_timer", {"wait_for": "PT1H"}, "running")
    clock.advance(timedelta(hours=2))
    assert engine.fire_due_timers() == 2
    task = engine.tasks(instance_id=finished.id)[0]
    engine.claim(task.id, "mmd")
    clock.advance(timedelta(minutes=5))
    assert engine.complete(task.id, NOTIFIED, "mmd").status == "completed"
    tasks = engine.tasks(instance_id=finished.id, status=None)
    timers = engine.timers(finished.id)
    running_tasks = engine.tasks(instance_id=running.id, status=None)
    assert [t.status for t in timers] == ["fired"] and tasks[0].claimed_by == "mmd"

    with write_transaction(engine.database) as conn:
        assert task_archive.archive(conn, [finished.id, running.id]) == len(tasks) + 1
    for table in (HumanTask.__table__, Timer.__table__):
        assert rows(engine, table, finished.id) == 0
    assert rows(engine, TaskArchive.__table__, finished.id) == 1
    assert rows(engine, ArchivedTask.__table__, finished.id) == len(tasks)
    assert rows(engine, HumanTask.__table__, running.id) == len(running_tasks)  # still running

    assert engine.tasks(instance_id=finished.id, status=None) == tasks
    assert engine.tasks(instance_id=finished.id, status="completed", party=task.party) == tasks
    assert engine.tasks(instance_id=finished.id, status="completed", claimed_by="x") == []
    assert engine.tasks(instance_id=finished.id) == []  # none open
    assert engine.task(task.id) == tasks[0]
    assert engine.timers(finished.id) == timers
    assert engine.tasks(instance_id=running.id, status=None) == running_tasks
    with pytest.raises(ConflictError) as closed:
        engine.complete(task.id, NOTIFIED, "mmd")
    assert closed.value.params["reason"] == "task_closed"
    with pytest.raises(ConflictError):
        engine.claim(task.id, "mmd")
    with pytest.raises(NotFoundError):
        engine.task("not-a-task")

    # Archived again (nothing new), nothing changes.
    with write_transaction(engine.database) as conn:
        assert task_archive.archive(conn, [finished.id]) == 0
    assert engine.tasks(instance_id=finished.id, status=None) == tasks
    assert engine.timers(finished.id) == timers

    # Migration 0552 down: the rows are back; up: archived again, read the same.
    url = engine.database.url.render_as_string(hide_password=False)
    engine.database.dispose()
    command.downgrade(alembic_config(url), "0551_task_ids_uuid")
    assert rows(engine, HumanTask.__table__, finished.id) == len(tasks)
    assert rows(engine, Timer.__table__, finished.id) == 1
    engine.database.dispose()
    upgrade(url)
    for table in (HumanTask.__table__, Timer.__table__):
        assert rows(engine, table, finished.id) == 0
    assert engine.tasks(instance_id=finished.id, status=None) == tasks
    assert engine.timers(finished.id) == timers
    assert engine.tasks(instance_id=running.id, status=None) == running_tasks
