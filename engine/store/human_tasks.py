"""The human task projection: what inboxes and the API list."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import Connection, Row, Select, bindparam, insert, select, update

from engine.db.models import HumanTask
from engine.store.records import TaskInfo

tasks = HumanTask.__table__


_GET = select(tasks).where(tasks.c.id == bindparam("task_id"))
_GET_FOR_UPDATE = _GET.with_for_update()
_INSTANCE_OF = select(tasks.c.instance_id).where(tasks.c.id == bindparam("task_id"))
_INSERT = insert(tasks)


def _info(row: Row) -> TaskInfo:
    return TaskInfo(**row._mapping)


def get(conn: Connection, task_id: str, *, for_update: bool = False) -> TaskInfo | None:
    """A task; ``for_update`` holds its row until commit, so no claim slips in meanwhile."""
    locking = for_update and conn.dialect.name != "sqlite"
    row = conn.execute(_GET_FOR_UPDATE if locking else _GET, {"task_id": task_id}).first()
    return _info(row) if row else None


def instance_of(conn: Connection, task_id: str) -> int | None:
    return conn.execute(_INSTANCE_OF, {"task_id": task_id}).scalar()


def open_ids(conn: Connection, instance_id: int) -> set[str]:
    query = select(tasks.c.id).where(tasks.c.instance_id == instance_id, tasks.c.status == "ready")
    return set(conn.execute(query).scalars())


def insert_ready(conn: Connection, rows: list[dict]) -> None:
    if rows:
        conn.execute(_INSERT, rows)


_CLOSE = (
    update(tasks)
    .where(tasks.c.id == bindparam("task_id"))
    .values(
        status=bindparam("b_status"), completed_at=bindparam("b_at"), completed_by=bindparam("b_by")
    )
)


def close(conn: Connection, task_ids: list[str], status: str, at: datetime, by: str | None) -> None:
    """Mark tasks completed or cancelled."""
    if task_ids:
        conn.execute(
            _CLOSE, [{"task_id": t, "b_status": status, "b_at": at, "b_by": by} for t in task_ids]
        )


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


def set_claim(
    conn: Connection,
    task_id: str,
    *,
    expected_claimant: str | None,
    claimant: str | None,
    at: datetime | None,
) -> bool:
    """Claim or release a ready task if its claimant is still what the caller saw."""
    result = conn.execute(
        update(tasks)
        .where(
            tasks.c.id == task_id,
            tasks.c.status == "ready",
            tasks.c.claimed_by.is_(None)
            if expected_claimant is None
            else tasks.c.claimed_by == expected_claimant,
        )
        .values(claimed_by=claimant, claimed_at=at)
    )
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
    return [_info(row) for row in conn.execute(statement, params)]
