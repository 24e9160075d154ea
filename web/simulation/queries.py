"""The simulator's reads: the tasks that became ready since it last looked, and whether a
simulation already ran (`terugkeer run` loads one only once)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Engine, func, insert, select

from engine import TaskInfo
from engine.db.connect import write_transaction
from engine.db.models import Event, HumanTask, ProcessInstance
from web.models import Organisation

events = Event.__table__
human_tasks = HumanTask.__table__
instances = ProcessInstance.__table__

SIMULATED_KEY_PREFIX = "NZ-SIM-"
organisations = Organisation.__table__


def new_ready_tasks(database: Engine, after_event: int) -> tuple[list[TaskInfo], int]:
    """Tasks made ready by events after ``after_event``, and the last such event's id."""
    query = (
        select(events.c.id.label("event_id"), human_tasks)
        .join(human_tasks, human_tasks.c.id == events.c.task_id)
        .where(events.c.id > after_event, events.c.kind == "task_ready")
        .order_by(events.c.id)
    )
    with database.connect() as conn:
        rows = conn.execute(query).all()
    last = max((row.event_id for row in rows), default=after_event)
    tasks = [TaskInfo(**{k: v for k, v in row._mapping.items() if k != "event_id"}) for row in rows]
    return tasks, last


def last_event_id(database: Engine) -> int:
    with database.connect() as conn:
        return conn.execute(select(func.max(events.c.id))).scalar() or 0


def simulated_cases(database: Engine, prefix: str = SIMULATED_KEY_PREFIX) -> int:
    """How many simulated cases (case numbers starting with ``prefix``) the database holds."""
    query = select(func.count()).where(instances.c.business_key.like(f"{prefix}%"))
    with database.connect() as conn:
        return conn.execute(query).scalar_one()


def register_missing_organisations(
    database: Engine, wanted: Iterable[tuple[str, str, str]]
) -> None:
    """Add the organisations (code, name, kind) that are not registered yet."""
    with write_transaction(database) as conn:
        known = set(conn.execute(select(organisations.c.code)).scalars())
        missing = [
            {"code": code, "name": name, "kind": kind}
            for code, name, kind in wanted
            if code not in known
        ]
        if missing:
            conn.execute(insert(organisations), missing)
