"""The read audit's reads and the AVG's data export: who looked at a case, and everything held
about one person (every case with their BSN)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine import Engine
from web.cases import fields
from web.cases.queries import case_by_instance
from web.cases.tables import case_views
from web.extensions import db

AUDIT_ROLES = frozenset({"caseworker", "coordinator", "probation_officer", "manager"})
"""Who may see who viewed a case (of a case they may see): those who work cases, so that they
can answer the person; managers, who answer for their staff's access."""

EXPORT_ROLES = frozenset({"caseworker", "coordinator"})
EXPORT_KINDS = frozenset({"prison", "municipality"})
"""Who answers an AVG request for access (art. 15): a caseworker or coordinator of the prison or
the municipality, the controllers that register and hold the case. The export holds everything,
whatever the policy hides on the pages: it is the person's own data, for the person."""


def may_see_viewers(roles: frozenset[str]) -> bool:
    return bool(roles & AUDIT_ROLES)


def may_export(roles: frozenset[str], kind: str | None, shows_identity: bool) -> bool:
    return bool(roles & EXPORT_ROLES) and kind in EXPORT_KINDS and shows_identity


def views_of(instance_id: int, limit: int = 500) -> list[Any]:
    """The recorded views of a case, newest first."""
    query = (
        select(case_views)
        .where(case_views.c.instance_id == instance_id)
        .order_by(case_views.c.at.desc(), case_views.c.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query))


def person_export(
    engine: Engine, bsn: str, exported_at: datetime
) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """Everything held about the person with ``bsn``: each case's data, tasks, audit events and
    recorded views; and the cases exported (instance id, case number). Reads every case (an AVG
    request is rare; the BSN is in no projection)."""
    held = []
    exported: list[tuple[int, str]] = []
    for instance in engine.each_instance():
        if fields.text(instance.data, fields.BSN) != bsn:
            continue
        case = case_by_instance(instance.id)
        exported.append((instance.id, instance.business_key))
        held.append(
            {
                "case_number": instance.business_key,
                "process_id": instance.process_id,
                "status": instance.status,
                "started_at": instance.started_at,
                "ended_at": instance.ended_at,
                "case_data": instance.data,
                "organisations": sorted(case.organisations) if case else [],
                "tasks": [
                    asdict(task)
                    for task in engine.tasks(instance_id=instance.id, status=None, limit=1000)
                ],
                "events": [asdict(event) for event in engine.events(instance.id)],
                "views": [
                    {
                        "at": row.at,
                        "username": row.username,
                        "organisation": row.organisation,
                        "channel": row.channel,
                        "subject": row.subject,
                        "classes": row.categories.split(",") if row.categories else [],
                    }
                    for row in views_of(instance.id, limit=100_000)
                ],
            }
        )
    return {"bsn": bsn, "exported_at": exported_at, "cases": held}, exported
