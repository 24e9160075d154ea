"""The cases projector: keeps ``cases``, ``case_organisations`` and ``provision_statuses`` in step
with every engine command, inside that command's transaction (architecture principles 1 and 3).

Registered on the app's Engine in web/engine_access.py. A command costs a handful of statements
here: one update (or insert), two small selects, and writes only for what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, tuple_, update

from engine import CaseChange, InstanceInfo
from engine.db.models import HumanTask
from web.cases import fields
from web.cases.tables import case_organisations, cases, provision_statuses

human_tasks = HumanTask.__table__


def project_case(change: CaseChange) -> None:
    """The engine projector: bring the case rows of ``change.instance`` up to date."""
    write_case(change.conn, change.instance)


def write_case(conn: Connection, instance: InstanceInfo) -> None:
    row = case_row(instance)
    updated = conn.execute(
        update(cases).where(cases.c.instance_id == instance.id).values(**row)
    ).rowcount
    if not updated:
        conn.execute(insert(cases).values(instance_id=instance.id, **row))
    _sync_organisations(conn, instance)
    _sync_statuses(conn, instance.id, fields.provision_statuses(instance.data))


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
    (e.g. a receiving municipality asked to accept the person)."""
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
    present = set(
        conn.execute(
            select(case_organisations.c.organisation).where(
                case_organisations.c.instance_id == instance.id
            )
        ).scalars()
    )
    if wanted - present:
        conn.execute(
            insert(case_organisations),
            [{"instance_id": instance.id, "organisation": c} for c in sorted(wanted - present)],
        )
    if present - wanted:
        conn.execute(
            delete(case_organisations).where(
                case_organisations.c.instance_id == instance.id,
                case_organisations.c.organisation.in_(sorted(present - wanted)),
            )
        )


def _sync_statuses(conn: Connection, instance_id: int, wanted: dict[tuple[str, str], str]) -> None:
    table = provision_statuses
    present = {
        (row.moment, row.provision): row.status
        for row in conn.execute(
            select(table.c.moment, table.c.provision, table.c.status).where(
                table.c.instance_id == instance_id
            )
        )
    }
    gone = [key for key in present if key not in wanted]
    if gone:
        conn.execute(
            delete(table).where(
                table.c.instance_id == instance_id,
                tuple_(table.c.moment, table.c.provision).in_(gone),
            )
        )
    fresh = [
        {"instance_id": instance_id, "moment": m, "provision": p, "status": s}
        for (m, p), s in sorted(wanted.items())
        if (m, p) not in present
    ]
    if fresh:
        conn.execute(insert(table), fresh)
    for (moment, provision), status in sorted(wanted.items()):
        if (moment, provision) in present and present[(moment, provision)] != status:
            conn.execute(
                update(table)
                .where(
                    and_(
                        table.c.instance_id == instance_id,
                        table.c.moment == moment,
                        table.c.provision == provision,
                    )
                )
                .values(status=status)
            )


def rebuild_all(conn: Connection, instances: Iterable[InstanceInfo]) -> int:
    """Project every instance again (after a migration, or when the field mapping changed)."""
    count = 0
    for info in instances:
        write_case(conn, info)
        count += 1
    return count
