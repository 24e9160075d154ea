"""Claiming and releasing a human task: a compare-and-set on the task row, audited.

A claim is no workflow command (the case does not move), so it needs no instance lock: the
task row's claimant is set only when it still has the expected value, and a lost race reads
the row again so that the conflict names what won.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine as SQLEngine

from engine.db.connect import write_transaction
from engine.errors import ConflictError, NotFoundError
from engine.runtime.pipeline import Pipeline
from engine.store import events, human_tasks
from engine.store.records import TaskInfo


def set_claim(
    database: SQLEngine,
    pipeline: Pipeline,
    task_id: str,
    user: str,
    *,
    now: datetime,
    expected: str | None,
    claimant: str | None,
) -> TaskInfo:
    """Set the claimant of ``task_id`` from ``expected`` to ``claimant`` (None: release)."""
    with write_transaction(database) as conn:
        task = human_tasks.get(conn, task_id)
        if task is None:
            raise NotFoundError(
                f"task {task_id} does not exist", reason="task_not_found", task_id=task_id
            )
        if not human_tasks.set_claim(
            conn,
            task_id,
            expected_claimant=expected,
            claimant=claimant,
            at=now if claimant else None,
        ):
            current = human_tasks.get(conn, task_id) or task  # what won, not what we read
            raise claim_conflict(current, user, claiming=claimant is not None)
        event = events.row(
            "task_claimed" if claimant else "task_unclaimed",
            actor=user,
            at=now,
            instance_id=task.instance_id,
            version_id=task.version_id,
            task_id=task_id,
            bpmn_id=task.bpmn_id,
        )
        pipeline.append_events(conn, [event])
        return human_tasks.get(conn, task_id)  # type: ignore[return-value]


def claim_conflict(task: TaskInfo, user: str, *, claiming: bool) -> ConflictError:
    """Why ``user`` could not claim (or release) ``task`` as it stands now."""
    if task.status != "ready":
        return ConflictError(
            f"task {task.id} is no longer open ({task.status})",
            reason="task_closed",
            task_id=task.id,
            status=task.status,
        )
    if claiming and task.claimed_by is not None:
        return ConflictError(
            f"task {task.id} is already claimed by {task.claimed_by}",
            reason="task_claimed",
            task_id=task.id,
            claimed_by=task.claimed_by,
        )
    if claiming:  # released again meanwhile: the caller may simply try again
        return ConflictError(
            f"task {task.id} was claimed and released by someone else meanwhile; try again",
            reason="task_claim_changed",
            task_id=task.id,
        )
    return ConflictError(
        f"task {task.id} is not claimed by {user}",
        reason="task_not_claimed_by_you",
        task_id=task.id,
        claimed_by=task.claimed_by,
    )
