"""A finished case's events, task rows and fired timers archived in one row (engine/store/
case_archive.py, issue 14): the facade reads the same events, tasks and timers from the archive
as from the rows, by case and by id (also when another case's task id begins with the same 32
bits); a running case is not archived; migrations 0620 and 0552 put the rows back and archive
them again. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from engine import ConflictError, Engine, NotFoundError
from engine.db.connect import write_transaction
from engine.db.migrate import alembic_config, upgrade
from engine.db.models import ArchivedTaskKey, CaseArchive, Event, HumanTask, Timer
from engine.store import case_archive, human_tasks
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
    audit = engine.events(finished.id)
    running_tasks = engine.tasks(instance_id=running.id, status=None)
    running_audit = engine.events(running.id)
    assert [t.status for t in timers] == ["fired"] and tasks[0].claimed_by == "mmd"
    newest = max(e.id for e in [*audit, *running_audit])

    with write_transaction(engine.database) as conn:
        moved = case_archive.archive(conn, [finished.id, running.id], up_to=newest)
    assert moved == len(audit) + len(tasks) + 1
    for table in (Event.__table__, HumanTask.__table__, Timer.__table__):
        assert rows(engine, table, finished.id) == 0
    assert rows(engine, CaseArchive.__table__, finished.id) == 1
    assert rows(engine, ArchivedTaskKey.__table__, finished.id) == len(tasks)
    assert rows(engine, HumanTask.__table__, running.id) == len(running_tasks)  # still running
    assert rows(engine, Event.__table__, running.id) == len(running_audit)

    assert engine.tasks(instance_id=finished.id, status=None) == tasks
    assert engine.tasks(instance_id=finished.id, status="completed", party=task.party) == tasks
    assert engine.tasks(instance_id=finished.id, status="completed", claimed_by="x") == []
    assert engine.tasks(instance_id=finished.id) == []  # none open
    assert engine.task(task.id) == tasks[0]
    assert engine.timers(finished.id) == timers
    assert engine.events(finished.id) == audit
    assert engine.tasks(instance_id=running.id, status=None) == running_tasks
    with pytest.raises(ConflictError) as closed:
        engine.complete(task.id, NOTIFIED, "mmd")
    assert closed.value.params["reason"] == "task_closed"
    with pytest.raises(ConflictError):
        engine.claim(task.id, "mmd")
    with pytest.raises(NotFoundError):
        engine.task("not-a-task")
    # An id that begins with the same 32 bits is not the archived task: the whole id counts.
    twin = f"{task.id[:9]}{'1' if task.id[9] == '0' else '0'}{task.id[10:]}"
    assert case_archive.task_key(twin) == case_archive.task_key(task.id) and twin != task.id
    with pytest.raises(NotFoundError):
        engine.task(twin)

    # Archived again (nothing new), nothing changes.
    with write_transaction(engine.database) as conn:
        assert case_archive.archive(conn, [finished.id], up_to=newest) == 0
    assert engine.tasks(instance_id=finished.id, status=None) == tasks
    assert engine.timers(finished.id) == timers
    assert engine.events(finished.id) == audit

    # Migration 0620 down: the archives of before (events; tasks and timers; task ids) are back.
    url = engine.database.url.render_as_string(hide_password=False)
    engine.database.dispose()
    command.downgrade(alembic_config(url), "0601_provision_release_dedup")
    before = {"event_archives": 1, "task_archives": 1, "archived_tasks": len(tasks)}
    for name, count in before.items():
        assert rows(engine, sa.table(name, sa.column("instance_id")), finished.id) == count
    assert not sa.inspect(engine.database).has_table("case_archives")
    # Migration 0552 down too: the rows are back; up: archived again, read the same.
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
    assert engine.events(finished.id) == audit and engine.task(task.id) == tasks[0]
    assert rows(engine, CaseArchive.__table__, finished.id) == 1
    assert rows(engine, ArchivedTaskKey.__table__, finished.id) == len(tasks)


def test_an_archived_task_is_found_when_another_case_has_a_task_with_the_same_key(
    make_engine, clock
) -> None:
    """Two cases under one key (two task ids beginning with the same 32 bits): each task is read
    from its own case's archive."""
    engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "short_timer.bpmn"])
    cases = [engine.start("short_timer", {"wait_for": "PT1H"}, key) for key in ("een", "twee")]
    clock.advance(timedelta(hours=2))
    assert engine.fire_due_timers() == 2
    first, second = (engine.tasks(instance_id=case.id)[0] for case in cases)
    for open_task in (first, second):
        engine.complete(open_task.id, NOTIFIED, "mmd")
    first, second = (engine.task(t.id) for t in (first, second))
    newest = max(e.id for case in cases for e in engine.events(case.id))
    with write_transaction(engine.database) as conn:
        case_archive.archive(conn, [case.id for case in cases], up_to=newest)
        conn.execute(  # the first case also under the second task's key
            sa.insert(ArchivedTaskKey.__table__).values(
                key=case_archive.task_key(second.id), instance_id=cases[0].id
            )
        )
    assert rows(engine, HumanTask.__table__, cases[0].id) == 0
    assert engine.task(first.id) == first and engine.task(second.id) == second
    with engine.database.connect() as conn:
        found = human_tasks.by_ids(conn, [second.id, first.id])
    assert sorted(found, key=lambda t: t.instance_id) == [first, second]
