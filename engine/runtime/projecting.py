"""A command's writes to the task and timer projections (architecture principle 3), in its
transaction."""

from __future__ import annotations

from datetime import datetime

from engine.errors import ConflictError
from engine.runtime.command import Command
from engine.runtime.projection import timer_has_fired
from engine.store import human_tasks, timers


def task_base(command: Command) -> dict:
    """The columns every new task row of ``command`` shares."""
    return {
        "instance_id": command.instance_id,
        "version_id": command.definition.version_id,
        "business_key": command.business_key,
        "process_id": command.process_id,
        "claimed_by": None,
        "claimed_at": None,
        "completed_by": None,
        "completed_at": None,
    }


def project_tasks(
    command: Command, open_before: set[str], ready: set[str], new_rows: list[dict]
) -> list[str]:
    """Close the completed task, cancel the ones that went away, insert the new ready ones; the
    ids of the tasks closed."""
    conn = command.conn
    completed = [tid for tid in command.completed_task_ids if tid in open_before]
    for tid in completed:
        if not human_tasks.complete(conn, tid, command.now, command.actor):
            raise ConflictError(
                f"task {tid} was closed or claimed by someone else meanwhile",
                reason="task_taken",
                task_id=tid,
            )
    cancelled = sorted(open_before - ready - set(completed))
    human_tasks.cancel(conn, cancelled, command.now)
    for tid in cancelled:
        command.record("task_cancelled", task_id=tid)
    human_tasks.insert_ready(conn, new_rows)
    for row in new_rows:
        command.record("task_ready", task_id=row["id"], bpmn_id=row["bpmn_id"])
    return [*completed, *cancelled]


def project_timers(command: Command, before: dict[str, datetime], after: dict) -> None:
    """Mark fired timers, cancel the ones that went away, write the waiting ones' due times."""
    conn = command.conn
    gone = [tid for tid in before if tid not in after]
    fired = [tid for tid in gone if timer_has_fired(command.workflow, tid)]
    timers.mark_fired(conn, fired, command.now)
    for tid in fired:
        command.record("timer_fired", task_id=tid, due_at=before[tid].isoformat())
    timers.cancel(conn, [tid for tid in gone if tid not in fired])
    changed = [(t.id, t.bpmn_id, t.due_at) for t in after.values() if before.get(t.id) != t.due_at]
    timers.upsert_waiting(conn, command.instance_id, changed)
    command.timers_armed.extend(due for _, _, due in changed)
