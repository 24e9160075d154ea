"""The outcome monitor's cube: per month of release, prison, municipality and stay class, how
many people had each status per basic provision at entry, at release and six months after
(the WODC monitor's three moments; domain.md, Monitoring).

It reuses the cases projection (web/cases/projection.py): the statuses are those of
``provision_statuses`` and the dimensions those of ``cases``. Before the cases projector writes a
case's new rows, this reads its previous ones and moves the case's counts from the old cell to
the new one: a command costs one primary-key read, two for a released case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from engine import InstanceInfo
from web.cases import fields
from web.cases.projection import case_row
from web.cases.tables import cases, provision_statuses
from web.dashboard.cube import add, merge, rollups
from web.dashboard.tables import (
    MONITOR_MOMENTS,
    NONE,
    OUTCOME_MEASURES,
    OUTCOME_ROLLUPS,
    OUTCOME_STATS_KEY,
    PROVISIONS,
    STATUSES,
    outcome_column,
    outcome_stats,
)

Statuses = dict[tuple[str, str], str]


def update(conn: Connection, instance: InstanceInfo) -> None:
    """Move the case's counts if its statuses or dimensions changed (call before the cases
    projector writes the case)."""
    old = conn.execute(
        select(
            cases.c.prison_code,
            cases.c.municipality_code,
            cases.c.stay_class,
            cases.c.release_date,
        ).where(cases.c.instance_id == instance.id)
    ).first()
    old_key = (
        cell(old.prison_code, old.municipality_code, old.stay_class, old.release_date)
        if (old is not None)
        else None
    )
    row = case_row(instance)
    new_key = cell(
        row["prison_code"], row["municipality_code"], row["stay_class"], row["release_date"]
    )
    if old_key is None and new_key is None:
        return
    old_statuses = _stored_statuses(conn, instance.id) if old_key is not None else {}
    new_statuses = monitor_statuses(fields.provision_statuses(instance.data))
    if old_key == new_key and old_statuses == new_statuses:
        return
    changes = []
    if old_key is not None:
        changes.extend(contributions(old_key, old_statuses, -1))
    if new_key is not None:
        changes.extend(contributions(new_key, new_statuses, +1))
    add(conn, outcome_stats, OUTCOME_STATS_KEY, OUTCOME_MEASURES, merge(changes))


def cell(
    prison: str | None, municipality: str | None, stay_class: str | None, released: date | None
) -> dict[str, str] | None:
    """The cube cell a case counts in; None before its release (the monitor follows releases)."""
    if released is None:
        return None
    return {
        "prison": prison or NONE,
        "municipality": municipality or NONE,
        "stay_class": stay_class or NONE,
        "month": released.strftime("%Y-%m"),
    }


def monitor_statuses(found: Mapping[tuple[str, str], str]) -> Statuses:
    """The statuses at the monitor's moments, unknown words read as "unknown"."""
    return {
        (moment, provision): status if status in STATUSES else "unknown"
        for (moment, provision), status in found.items()
        if moment in MONITOR_MOMENTS and provision in PROVISIONS
    }


def _stored_statuses(conn: Connection, instance_id: int) -> Statuses:
    query = select(
        provision_statuses.c.moment, provision_statuses.c.provision, provision_statuses.c.status
    ).where(
        provision_statuses.c.instance_id == instance_id,
        provision_statuses.c.moment.in_(MONITOR_MOMENTS),
    )
    return monitor_statuses({(r.moment, r.provision): r.status for r in conn.execute(query)})


def contributions(
    key: Mapping[str, str], statuses: Statuses, amount: int
) -> list[tuple[dict[str, str], dict[str, Any]]]:
    measures = {
        outcome_column(provision, moment, status): amount
        for (moment, provision), status in statuses.items()
    }
    if not measures:
        return []
    return [(rolled, measures) for rolled in rollups(key, OUTCOME_ROLLUPS)]
