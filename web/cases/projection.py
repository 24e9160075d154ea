"""The cases projector: keeps ``cases``, ``case_organisations`` and ``provision_statuses`` in step
with every engine command, inside that command's transaction (architecture principles 1 and 3).

Registered on the app's Engine in web/engine_access.py. It compares the case data before and after
the command (``CaseChange.before``) and the tasks the command opened and closed, so a command
costs one statement here (the case row; a trigger gives its ``updated_at`` to its organisation
rows, the case list's order, migration 0760) plus one per kind of row that changed; only when it
cannot know (an incident recorded after a rollback, a task closed by an organisation it was not
told) does it read the case's rows. The statements of every command are built once, here: built
per command they cost more than running them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine import CaseChange, InstanceInfo
from engine.db.models import HumanTask
from web.cases import fields
from web.cases.tables import case_organisations, cases, provision_statuses

human_tasks = HumanTask.__table__

# Executed with a row of ``case_row`` (and the case's id as ``case_id``): its keys are the SET.
_UPDATE_CASE = update(cases).where(cases.c.instance_id == bindparam("case_id"))
_INSERT_CASE = insert(cases)


def _upsert_statuses(dialect: Any) -> Any:
    statement = dialect(provision_statuses)
    return statement.on_conflict_do_update(
        index_elements=["instance_id", "moment", "provision"],
        set_={
            "status": statement.excluded.status,
            "release_date": statement.excluded.release_date,
        },
    )


_UPSERT_STATUSES = {
    "postgresql": _upsert_statuses(postgresql_insert),
    "sqlite": _upsert_statuses(sqlite_insert),
}
_ADD_ORGANISATIONS = {
    "postgresql": postgresql_insert(case_organisations).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(case_organisations).on_conflict_do_nothing(),
}


def project_case(change: CaseChange) -> None:
    """The engine projector: bring the case rows of ``change.instance`` up to date."""
    if change.before is None:
        write_case(change.conn, change.instance)
        return
    conn, instance = change.conn, change.instance
    row = case_row(instance)
    if change.new:
        conn.execute(_INSERT_CASE, {"instance_id": instance.id, **row})
    else:
        conn.execute(_UPDATE_CASE, {"case_id": instance.id, **row})
    _move_organisations(change)
    _move_statuses(conn, instance.id, change.before, instance.data)


def write_case(conn: Connection, instance: InstanceInfo) -> None:
    """Write the case's rows from its data alone, reading what is stored (a rebuild)."""
    row = case_row(instance)
    updated = conn.execute(_UPDATE_CASE, {"case_id": instance.id, **row}).rowcount
    if not updated:
        conn.execute(_INSERT_CASE, {"instance_id": instance.id, **row})
    _sync_organisations(conn, instance)
    _sync_statuses(conn, instance.id, dated_statuses(instance.data))


def case_row(instance: InstanceInfo) -> dict[str, Any]:
    """The ``cases`` columns of an instance, read from its case data through web.cases.fields."""
    data = instance.data
    return {
        "business_key": instance.business_key,
        "process_id": instance.process_id,
        "person_name": _clip(fields.text(data, fields.NAME), 255),
        "birth_date": fields.as_date(data.get(fields.BIRTH_DATE)),
        "prison_code": _clip(fields.text(data, fields.PRISON), 64),
        "municipality_code": _clip(fields.text(data, fields.MUNICIPALITY), 64),
        "probation_office_code": _clip(fields.text(data, fields.PROBATION_OFFICE), 64),
        "uwv_office_code": _clip(fields.text(data, fields.UWV_OFFICE), 64),
        "stay_class": _clip(fields.text(data, fields.STAY_CLASS), 32),
        "entry_date": fields.as_date(data.get(fields.ENTRY_DATE)),
        "expected_release_date": fields.as_date(data.get(fields.EXPECTED_RELEASE_DATE)),
        "release_date": fields.release_date(data),
        "status": instance.status,
        "care_consent": fields.consent(data, "care"),
        "debts_consent": fields.consent(data, "debts"),
        "started_at": instance.started_at,
        "updated_at": instance.updated_at,
    }


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


def _sync_organisations(conn: Connection, instance: InstanceInfo) -> None:
    """The parties the case data names, and every organisation with an open task on the case
    (e.g. a receiving municipality asked to accept the person), each with the case's
    ``updated_at`` (which the trigger gave the rows it found when the case row was updated; not
    when it was inserted)."""
    wanted = {code[:64] for code in fields.organisations(instance.data)}
    if instance.status != "completed":
        open_task_holders = (
            select(human_tasks.c.organisation)
            .distinct()
            .where(
                human_tasks.c.instance_id == instance.id,
                human_tasks.c.status == "ready",
                human_tasks.c.organisation.is_not(None),
            )
        )
        wanted.update(code[:64] for code in conn.execute(open_task_holders).scalars())
    present = dict(
        conn.execute(
            select(case_organisations.c.organisation, case_organisations.c.updated_at).where(
                case_organisations.c.instance_id == instance.id
            )
        ).all()
    )
    stale = sorted(c for c in wanted & present.keys() if present[c] != instance.updated_at)
    if stale:
        conn.execute(
            update(case_organisations)
            .where(
                case_organisations.c.instance_id == instance.id,
                case_organisations.c.organisation.in_(stale),
            )
            .values(updated_at=instance.updated_at)
        )
    if wanted - present.keys():
        conn.execute(
            insert(case_organisations),
            [
                {"instance_id": instance.id, "organisation": c, "updated_at": instance.updated_at}
                for c in sorted(wanted - present.keys())
            ],
        )
    if present.keys() - wanted:
        conn.execute(
            delete(case_organisations).where(
                case_organisations.c.instance_id == instance.id,
                case_organisations.c.organisation.in_(sorted(present.keys() - wanted)),
            )
        )


def _parties(data: dict[str, Any]) -> set[str]:
    return {code[:64] for code in fields.organisations(data)}


def _move_organisations(change: CaseChange) -> None:
    """Add the organisations the command brought in (new parties, holders of new tasks) and drop
    the ones it may have taken out (former parties, holders of closed tasks) unless a party or an
    open task still holds them. The parties before the command are stored already."""
    conn, instance = change.conn, change.instance
    before = _parties(change.before or {})
    now = _parties(instance.data)
    open_case = instance.status != "completed"
    holders = {
        row["organisation"][:64] for row in change.opened if row.get("organisation") and open_case
    }
    added = (now | holders) - (set() if change.new else before)
    changed = instance.updated_at
    if added:
        conn.execute(
            _ADD_ORGANISATIONS[conn.dialect.name],
            [
                {"instance_id": instance.id, "organisation": code, "updated_at": changed}
                for code in sorted(added)
            ],
        )
    unknown = any(tid not in change.closed_organisations for tid in change.closed)
    candidates = (before - now) | {
        (code or "")[:64] for tid, code in change.closed_organisations.items() if code
    }
    if instance.status == "completed":
        unknown = unknown or bool(change.closed)
    candidates -= now | holders
    if not candidates and not unknown:
        return
    still_open = exists().where(
        human_tasks.c.instance_id == instance.id,
        human_tasks.c.status == "ready",
        human_tasks.c.organisation == case_organisations.c.organisation,
    )
    condition = [case_organisations.c.instance_id == instance.id]
    if now:
        condition.append(case_organisations.c.organisation.not_in(sorted(now)))
    if not unknown:
        condition.append(case_organisations.c.organisation.in_(sorted(candidates)))
    if open_case:
        condition.append(~still_open)
    conn.execute(delete(case_organisations).where(*condition))


Statuses = dict[tuple[str, str], tuple[str, date | None]]
"""(moment, provision) -> (status, the release date the row carries)."""


def dated_statuses(data: dict[str, Any]) -> Statuses:
    """The provision statuses of ``data`` with the release date their rows carry: the case's on
    the monitor's moments, None on the current status (moment "now"), which no drill-down
    reads by release date (web/dashboard/drilldown.py)."""
    released = fields.release_date(data)
    return {
        (moment, provision): (status, released if moment in fields.MONITOR_KEYS else None)
        for (moment, provision), status in fields.provision_statuses(data).items()
    }


def _move_statuses(
    conn: Connection, instance_id: int, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Write the provision statuses that differ from those of the data before the command."""
    old = dated_statuses(before)
    new = dated_statuses(after)
    if old != new:
        _write_statuses(conn, instance_id, old, new)


def _sync_statuses(conn: Connection, instance_id: int, wanted: Statuses) -> None:
    table = provision_statuses
    present = {
        (row.moment, row.provision): (row.status, row.release_date)
        for row in conn.execute(
            select(table.c.moment, table.c.provision, table.c.status, table.c.release_date).where(
                table.c.instance_id == instance_id
            )
        )
    }
    _write_statuses(conn, instance_id, present, wanted)


def _write_statuses(conn: Connection, instance_id: int, old: Statuses, new: Statuses) -> None:
    """Turn the rows ``old`` into ``new``: delete what is gone, upsert what is new or changed
    (at the release every row of a monitor moment, in the same one statement)."""
    table = provision_statuses
    gone = [key for key in old if key not in new]
    if gone:
        conn.execute(
            delete(table).where(
                table.c.instance_id == instance_id,
                tuple_(table.c.moment, table.c.provision).in_(gone),
            )
        )
    changed = [
        {"instance_id": instance_id, "moment": m, "provision": p, "status": s, "release_date": d}
        for (m, p), (s, d) in sorted(new.items())
        if old.get((m, p)) != (s, d)
    ]
    if changed:
        conn.execute(_UPSERT_STATUSES[conn.dialect.name], changed)


def rebuild_all(conn: Connection, instances: Iterable[InstanceInfo]) -> int:
    """Project every instance again (after a migration, or when the field mapping changed)."""
    count = 0
    for info in instances:
        write_case(conn, info)
        count += 1
    return count
