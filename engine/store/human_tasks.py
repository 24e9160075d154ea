"""The human task projection: what inboxes and the API list."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Row, Select, bindparam, insert, or_, select, update

from engine.db.models import HumanTask
from engine.store import case_archive
from engine.store.case_archive import is_task_id
from engine.store.records import TaskInfo

tasks = HumanTask.__table__


_GET = select(tasks).where(tasks.c.id == bindparam("task_id"))
_INSERT = insert(tasks)


def _info(row: Row) -> TaskInfo:
    return TaskInfo(**row._mapping)


def get(conn: Connection, task_id: str) -> TaskInfo | None:
    if not is_task_id(task_id):
        return None
    row = conn.execute(_GET, {"task_id": task_id}).first()
    return _info(row) if row else case_archive.task(conn, task_id)


def by_ids(conn: Connection, task_ids: Iterable[str]) -> list[TaskInfo]:
    """The tasks among ``task_ids``, live and archived (engine/store/case_archive.py)."""
    wanted = sorted({t for t in task_ids if is_task_id(t)})
    found = [
        _info(row)
        for part in (wanted[i : i + 500] for i in range(0, len(wanted), 500))
        for row in conn.execute(select(tasks).where(tasks.c.id.in_(part)))
    ]
    missing = set(wanted) - {task.id for task in found}
    return [*found, *case_archive.tasks_by_ids(conn, missing)]


def for_instance(conn: Connection, instance_id: int) -> list[TaskInfo]:
    """Every task of a case, live and archived, in no particular order."""
    live = conn.execute(select(tasks).where(tasks.c.instance_id == instance_id))
    return [*(_info(row) for row in live), *case_archive.tasks(conn, instance_id)]


_OPEN_IDS = select(tasks.c.id).where(
    tasks.c.instance_id == bindparam("instance_id"), tasks.c.status == "ready"
)


def open_ids(conn: Connection, instance_id: int) -> set[str]:
    return set(conn.execute(_OPEN_IDS, {"instance_id": instance_id}).scalars())


def insert_ready(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(_INSERT, rows)


_CANCEL = (
    update(tasks)
    .where(tasks.c.id == bindparam("task_id"))
    .values(status="cancelled", completed_at=bindparam("b_at"))
)


def cancel(conn: Connection, task_ids: list[str], at: datetime) -> None:
    """Mark tasks cancelled: the case moved on without them (a boundary event, a new version)."""
    if task_ids:
        conn.execute(_CANCEL, [{"task_id": t, "b_at": at} for t in task_ids])


_COMPLETE = (
    update(tasks)
    .where(
        tasks.c.id == bindparam("task_id"),
        tasks.c.status == "ready",
        or_(tasks.c.claimed_by.is_(None), tasks.c.claimed_by == bindparam("b_by")),
    )
    .values(status="completed", completed_at=bindparam("b_at"), completed_by=bindparam("b_by"))
)


def complete(conn: Connection, task_id: str, at: datetime, by: str) -> bool:
    """Mark a task completed by ``by`` if it is still open and not claimed by someone else."""
    result = conn.execute(_COMPLETE, {"task_id": task_id, "b_at": at, "b_by": by})
    return result.rowcount == 1


_RELABEL = (
    update(tasks)
    .where(tasks.c.id == bindparam("task_id"))
    .values(version_id=bindparam("b_version_id"), name=bindparam("b_name"))
)


def relabel(conn: Connection, version_id: int, names: dict[str, str]) -> None:
    """Point open tasks at another version, with the names that version gives them."""
    if names:
        conn.execute(
            _RELABEL,
            [{"task_id": t, "b_version_id": version_id, "b_name": n} for t, n in names.items()],
        )


_SET_CLAIM = (
    update(tasks)
    .where(tasks.c.id == bindparam("task_id"), tasks.c.status == "ready")
    .values(claimed_by=bindparam("b_by"), claimed_at=bindparam("b_at"))
)
_CLAIM_UNCLAIMED = _SET_CLAIM.where(tasks.c.claimed_by.is_(None))
_CLAIM_FROM = _SET_CLAIM.where(tasks.c.claimed_by == bindparam("expected"))


def set_claim(
    conn: Connection,
    task_id: str,
    *,
    expected_claimant: str | None,
    claimant: str | None,
    at: datetime | None,
) -> bool:
    """Claim or release a ready task if its claimant is still what the caller saw."""
    params = {"task_id": task_id, "b_by": claimant, "b_at": at}
    if expected_claimant is None:
        result = conn.execute(_CLAIM_UNCLAIMED, params)
    else:
        result = conn.execute(_CLAIM_FROM, {**params, "expected": expected_claimant})
    return result.rowcount == 1


_FILTERS = {
    "instance_id": tasks.c.instance_id,
    "business_key": tasks.c.business_key,
    "party": tasks.c.party,
    "status": tasks.c.status,
    "claimed_by": tasks.c.claimed_by,
    "bpmn_id": tasks.c.bpmn_id,
}


@functools.cache
def _search_statement(filters: tuple[str, ...], by_organisation: bool, unclaimed: bool) -> Select:
    query = select(tasks)
    for name in filters:
        query = query.where(_FILTERS[name] == bindparam(f"f_{name}"))
    if by_organisation:
        query = query.where(tasks.c.organisation.in_(bindparam("f_organisations", expanding=True)))
    if unclaimed:
        query = query.where(tasks.c.claimed_by.is_(None))
    return (
        query.order_by(tasks.c.due_at.is_(None), tasks.c.due_at, tasks.c.created_at, tasks.c.id)
        .limit(bindparam("f_limit"))
        .offset(bindparam("f_offset"))
    )


def search(
    conn: Connection,
    *,
    organisations: list[str] | None = None,
    unclaimed: bool = False,
    limit: int = 50,
    offset: int = 0,
    **filters: object,
) -> list[TaskInfo]:
    """Tasks matching every given filter (see ``_FILTERS``), earliest due first."""
    given = tuple(sorted(name for name, value in filters.items() if value is not None))
    unknown = set(given) - set(_FILTERS)
    if unknown:
        raise TypeError(f"unknown task filters: {', '.join(sorted(unknown))}")
    params = {f"f_{name}": filters[name] for name in given}
    params.update(f_limit=limit, f_offset=offset)
    if organisations is not None:
        params["f_organisations"] = list(organisations)
    statement = _search_statement(given, organisations is not None, unclaimed)
    archived = case_archive.tasks(conn, filters["instance_id"]) if "instance_id" in given else []
    if not archived:
        return [_info(row) for row in conn.execute(statement, params)]
    # A finished case's tasks are archived (engine/store/case_archive.py): filtered and ordered
    # here as the statement does, with any live ones.
    params.update(f_limit=offset + limit, f_offset=0)
    matching = [
        *(_info(row) for row in conn.execute(statement, params)),
        *(
            task
            for task in archived
            if all(getattr(task, name) == filters[name] for name in given)
            and (organisations is None or task.organisation in organisations)
            and not (unclaimed and task.claimed_by is not None)
        ),
    ]
    matching.sort(key=_search_order)
    return matching[offset : offset + limit]


def _search_order(task: TaskInfo) -> tuple:
    """The search statement's order: due first (earliest first), then created, then id."""
    due = task.due_at
    return (due is None, due or task.created_at, task.created_at, task.id)
