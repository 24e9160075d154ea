"""Process instances: the stored workflow state and its status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, func, insert, null, or_, select, update

from engine.db.models import HumanTask, ProcessInstance, Timer
from engine.errors import ConflictError, Incident
from engine.store import human_tasks
from engine.store.records import InstanceInfo
from engine.store.timers import like_prefix

instances = ProcessInstance.__table__

_HEAD = (
    instances.c.id,
    instances.c.version_id,
    instances.c.process_id,
    instances.c.business_key,
    instances.c.status,
    instances.c.revision,
    instances.c.error_message,
    instances.c.error_element,
    instances.c.error_code,
    instances.c.error_params,
    instances.c.started_at,
    instances.c.updated_at,
    instances.c.ended_at,
)


def info(row: Row) -> InstanceInfo:
    """A head row with its case_data as the record the facade returns."""
    return InstanceInfo(
        id=row.id,
        process_id=row.process_id,
        version_id=row.version_id,
        business_key=row.business_key,
        status=row.status,
        started_at=row.started_at,
        updated_at=row.updated_at,
        ended_at=row.ended_at,
        error_message=row.error_message,
        error_element=row.error_element,
        data=dict(row.case_data or {}),
        error_code=row.error_code,
        error_params=dict(row.error_params or {}),
    )


_SELECT_HEAD = select(*_HEAD).where(instances.c.id == bindparam("instance_id"))
_LOCK_HEAD = _SELECT_HEAD.with_for_update(key_share=True)  # FOR NO KEY UPDATE
_SELECT_STORED = select(instances.c.state, instances.c.case_data).where(
    instances.c.id == bindparam("instance_id")
)
_SAVE = (
    update(instances)
    .where(instances.c.id == bindparam("b_id"), instances.c.revision == bindparam("b_revision"))
    .values(
        state=bindparam("b_state"),
        status=bindparam("b_status"),
        revision=bindparam("b_new_revision"),
        updated_at=bindparam("b_now"),
        ended_at=bindparam("b_ended_at"),
        error_message=bindparam("b_error_message"),
        error_element=bindparam("b_error_element"),
        error_code=bindparam("b_error_code"),
        error_params=bindparam("b_error_params"),
        case_data=bindparam("b_case_data"),
        version_id=bindparam("b_version_id"),
    )
)


def lock(conn: Connection, instance_id: int) -> Row | None:
    """The instance's head row, locked for this transaction (SQLite: the writer lock is held)."""
    statement = _SELECT_HEAD if conn.dialect.name == "sqlite" else _LOCK_HEAD
    return conn.execute(statement, {"instance_id": instance_id}).first()


_tasks = HumanTask.__table__
_TASK_COLUMNS = ("status", "claimed_by", "form", "bpmn_id", "organisation")
_LOCK_BY_TASK = (
    select(*_HEAD, *(_tasks.c[name].label(f"task_{name}") for name in _TASK_COLUMNS))
    .join_from(instances, _tasks, _tasks.c.instance_id == instances.c.id)
    .where(_tasks.c.id == bindparam("task_id"))
)
_LOCK_BY_TASK_FOR_UPDATE = _LOCK_BY_TASK.with_for_update(of=instances, key_share=True)


def lock_by_task(conn: Connection, task_id: str) -> Row | None:
    """The head row of the task's instance, locked, with the task's task_status,
    task_claimed_by, task_form, task_bpmn_id and task_organisation: one round trip for what
    completing needs."""
    if not human_tasks.is_task_id(task_id):
        return None
    statement = _LOCK_BY_TASK if conn.dialect.name == "sqlite" else _LOCK_BY_TASK_FOR_UPDATE
    return conn.execute(statement, {"task_id": task_id}).first()


_timers = Timer.__table__
_NOW = bindparam("now")
_DUE_TIMER = (
    select(
        *_HEAD,
        _timers.c.id.label("timer_id"),
        _timers.c.bpmn_id.label("timer_bpmn_id"),
        _timers.c.due_at.label("timer_due_at"),
        _timers.c.attempts.label("timer_attempts"),
    )
    .join_from(_timers, instances, _timers.c.instance_id == instances.c.id)
    .where(
        _timers.c.status == "waiting",
        _timers.c.due_at < _NOW,
        or_(_timers.c.next_attempt_at.is_(None), _timers.c.next_attempt_at <= _NOW),
    )
    .order_by(_timers.c.due_at)
    .limit(1)
)
# Both rows in one statement, skipping rows another transaction holds (another scheduler's
# claim, a user's command on the case): schedulers share the backlog and never wait.
_DUE_TIMER_OF_KEYS = _DUE_TIMER.where(
    instances.c.business_key.like(bindparam("key_pattern"), escape="\\")
)
_LOCKS = {"of": [_timers, instances], "key_share": True, "skip_locked": True}
_LOCK_DUE_TIMER = {
    False: _DUE_TIMER.with_for_update(**_LOCKS),
    True: _DUE_TIMER_OF_KEYS.with_for_update(**_LOCKS),
}


def lock_due_timer(conn: Connection, now: datetime, key_prefix: str | None = None) -> Row | None:
    """The head row of the case whose timer is due first at ``now`` (not waiting for a retry),
    with the timer's timer_id, timer_bpmn_id, timer_due_at and timer_attempts; the timer and
    the instance are locked. None when nothing due is free (SQLite: the writer lock is held).
    With ``key_prefix``, only cases whose business key starts with it (a simulation's worker)."""
    keyed = key_prefix is not None
    if conn.dialect.name == "sqlite":
        statement = _DUE_TIMER_OF_KEYS if keyed else _DUE_TIMER
    else:
        statement = _LOCK_DUE_TIMER[keyed]
    params = {"now": now}
    if keyed:
        params["key_pattern"] = like_prefix(key_prefix)
    return conn.execute(statement, params).first()


_SELECT_HEAD_WITH_STATE = select(*_HEAD, instances.c.state).where(
    instances.c.id == bindparam("instance_id")
)


def head_with_state(conn: Connection, instance_id: int) -> Row | None:
    """The head row and the stored state, read together in one statement."""
    return conn.execute(_SELECT_HEAD_WITH_STATE, {"instance_id": instance_id}).first()


def stored(conn: Connection, instance_id: int) -> tuple[str, dict]:
    """The saved workflow state and case data, for loading a workflow the cache does not hold."""
    row = conn.execute(_SELECT_STORED, {"instance_id": instance_id}).one()
    return row.state, dict(row.case_data or {})


_SELECT_INFO = select(*_HEAD, instances.c.case_data)
_INFO_BY_ID = _SELECT_INFO.where(instances.c.id == bindparam("instance_id"))
_LATEST_INFO_BY_KEY = (
    _SELECT_INFO.where(instances.c.business_key == bindparam("business_key"))
    .order_by(instances.c.id.desc())
    .limit(1)
)


def info_by_id(conn: Connection, instance_id: int) -> InstanceInfo | None:
    """The case with its case data, in one statement."""
    row = conn.execute(_INFO_BY_ID, {"instance_id": instance_id}).first()
    return info(row) if row else None


def infos_by_ids(conn: Connection, ids: list[int]) -> dict[int, InstanceInfo]:
    """The cases ``ids`` (those that exist) with their case data, in one statement."""
    rows = conn.execute(_SELECT_INFO.where(instances.c.id.in_(ids)))
    return {row.id: info(row) for row in rows}


def latest_info_by_key(conn: Connection, business_key: str) -> InstanceInfo | None:
    """The newest case with ``business_key``, with its case data, in one statement."""
    row = conn.execute(_LATEST_INFO_BY_KEY, {"business_key": business_key}).first()
    return info(row) if row else None


_INFO_PAGE = (
    _SELECT_INFO.where(instances.c.id > bindparam("after"))
    .order_by(instances.c.id)
    .limit(bindparam("limit"))
)


def info_page(conn: Connection, after: int, limit: int) -> list[InstanceInfo]:
    """Up to ``limit`` cases with ids above ``after``, oldest first."""
    return [info(row) for row in conn.execute(_INFO_PAGE, {"after": after, "limit": limit})]


_OPEN_IDS_BY_KEY = (
    select(instances.c.id)
    .where(instances.c.business_key == bindparam("business_key"), instances.c.status != "completed")
    .order_by(instances.c.id)
)


def open_ids_by_key(conn: Connection, business_key: str) -> list[int]:
    """Ids of the cases with ``business_key`` that have not ended, oldest first."""
    return list(conn.execute(_OPEN_IDS_BY_KEY, {"business_key": business_key}).scalars())


_INSERT = insert(instances).returning(instances.c.id)


def insert_instance(
    conn: Connection,
    *,
    version_id: int,
    process_id: str,
    business_key: str,
    state: str,
    serializer_version: str,
    now: datetime,
) -> int:
    return conn.execute(
        _INSERT,
        {
            "version_id": version_id,
            "process_id": process_id,
            "business_key": business_key,
            "status": "running",
            "revision": 0,
            "state": state,
            "serializer_version": serializer_version,
            "case_data": {},
            "started_at": now,
            "updated_at": now,
        },
    ).scalar_one()


def save(
    conn: Connection,
    *,
    instance_id: int,
    expected_revision: int,
    state: str,
    status: str,
    now: datetime,
    ended_at: datetime | None,
    error_message: str | None,
    error_element: str | None,
    case_data: dict,
    version_id: int,
    error_code: str | None = None,
    error_params: dict | None = None,
) -> int:
    """Write new state if nobody else did since we read it; returns the new revision."""
    result = conn.execute(
        _SAVE,
        {
            "b_id": instance_id,
            "b_revision": expected_revision,
            "b_state": state,
            "b_status": status,
            "b_new_revision": expected_revision + 1,
            "b_now": now,
            "b_ended_at": ended_at,
            "b_error_message": error_message,
            "b_error_element": error_element,
            "b_error_code": error_code,
            "b_error_params": error_params,
            "b_case_data": case_data,
            "b_version_id": version_id,
        },
    )
    if result.rowcount != 1:
        raise changed(instance_id)
    return expected_revision + 1


def changed(instance_id: int) -> ConflictError:
    """The error for a save that found the instance at another revision than it read."""
    return ConflictError(
        f"instance {instance_id} was changed by another writer",
        reason="instance_changed",
        instance_id=instance_id,
    )


def mark_failed(conn: Connection, instance_id: int, incident: Incident, now: datetime) -> None:
    """Put a case in error without touching its state (the command that failed was rolled
    back); the new revision keeps any cached workflow of the case from being used again."""
    conn.execute(
        update(instances)
        .where(instances.c.id == instance_id)
        .values(
            status="error",
            revision=instances.c.revision + 1,
            updated_at=now,
            error_message=incident.message,
            error_element=incident.element,
            error_code=incident.code,
            error_params=incident.params,
        )
    )


def ids_on_version(conn: Connection, version_id: int, *, active_only: bool = True) -> list[int]:
    query = select(instances.c.id).where(instances.c.version_id == version_id)
    if active_only:
        query = query.where(instances.c.status != "completed")
    return list(conn.execute(query.order_by(instances.c.id)).scalars())


def in_error(conn: Connection, process_id: str | None, limit: int) -> list[InstanceInfo]:
    """Cases in error (without their case data), by process, version and element."""
    query = select(*_HEAD, null().label("case_data")).where(instances.c.status == "error")
    if process_id is not None:
        query = query.where(instances.c.process_id == process_id)
    query = query.order_by(
        instances.c.process_id, instances.c.version_id, instances.c.error_element, instances.c.id
    )
    return [info(row) for row in conn.execute(query.limit(limit))]


_COUNT_IN_ERROR = select(func.count()).select_from(instances).where(instances.c.status == "error")


def count_in_error(conn: Connection) -> int:
    return conn.execute(_COUNT_IN_ERROR).scalar_one()
