"""The outcome monitor's cube: per month of release, prison, municipality and stay class, how
many people had each status per basic provision at entry, at release and six months after
(the WODC monitor's three moments; domain.md, Monitoring).

The statuses and dimensions are read from the case data as the cases projection reads them
(web/cases/fields.py). ``dash_outcome_cases`` remembers what the cube counts of each released case,
so that a change of its statuses or dimensions moves its counts from the old cell to the new one:
one primary-key read per case, and writes only when something moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine import InstanceInfo
from web.cases import fields
from web.cases.projection import case_row
from web.dashboard.batch import Batch, Outcome, Statuses
from web.dashboard.cube import merge, rollups
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


def update_case(batch: Batch, instance: InstanceInfo) -> None:
    """Move the case's counts if its statuses or dimensions changed since they were counted (in
    ``batch``, web/dashboard/batch.py, which reads and writes ``dash_outcome_cases``)."""
    batch.load_cases([instance.id])
    old = batch.outcomes.get(instance.id)
    old_key = old.key if old is not None else None
    old_statuses = old.statuses if old is not None else {}
    row = case_row(instance)
    new_key = cell(
        row["prison_code"], row["municipality_code"], row["stay_class"], row["release_date"]
    )
    new_statuses = monitor_statuses(fields.provision_statuses(instance.data)) if new_key else {}
    if old_key == new_key and old_statuses == new_statuses:
        return
    changes = []
    if old_key is not None:
        changes.extend(contributions(old_key, old_statuses, -1))
    if new_key is not None:
        changes.extend(contributions(new_key, new_statuses, +1))
    batch.add(outcome_stats, OUTCOME_STATS_KEY, OUTCOME_MEASURES, merge(changes))
    batch.set_outcome(instance.id, Outcome(new_key, new_statuses))


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
