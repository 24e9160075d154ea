"""Named queries over the dashboard's cubes (web/dashboard/tables.py). Each reads the rows of one
rollup, bounded by the months of the period and the organisations in scope, never by the number
of cases (architecture principle 3). Drill-downs to cases are in web/dashboard/drilldown.py.

Percentiles are read from the cubes' histogram buckets (web/dashboard/cube.py): approximate,
interpolated inside a doubling bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Table, case, func, select

from web.dashboard.cube import percentile
from web.dashboard.tables import (
    ALL,
    BUCKETS,
    DEADLINE_KINDS,
    DURATIONS,
    MONITOR_MOMENTS,
    PROVISIONS,
    ROLLED,
    STATUSES,
    bucket_column,
    deadline_column,
    deadline_stats,
    outcome_column,
    outcome_stats,
    rollup_code,
    task_open,
    task_stats,
)
from web.extensions import db


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: months ``start``..``end`` ("YYYY-MM"), and the prisons and
    municipalities whose cases count (None: every one). Scope and the user's choices are
    already combined here (web/dashboard/filters.py)."""

    start: str
    end: str
    prisons: tuple[str, ...] | None = None
    municipalities: tuple[str, ...] | None = None


def _dimensions(table: Table, filters: Filters, split: str | None) -> list[ColumnElement[bool]]:
    """Conditions that pick the one rollup answering ``filters`` (grouped by ``split``): its name,
    the organisations chosen, and ALL for the dimensions it sums over (so the key's prefix is
    used). Every cube has each rollup a query needs, so no query reads rows of organisations
    outside its filters."""
    kept = {split} if split else set()
    conditions = []
    for name, values in (("prison", filters.prisons), ("municipality", filters.municipalities)):
        if values is not None:
            kept.add(name)
            conditions.append(table.c[name].in_(values))
    for name in ROLLED:
        if name in table.c and name not in kept:
            conditions.append(table.c[name] == ALL)
    return [table.c.rollup == rollup_code(kept), *conditions]


def _period(table: Table, filters: Filters) -> list[ColumnElement[bool]]:
    return [table.c.month >= filters.start, table.c.month <= filters.end]


# Bottlenecks ---------------------------------------------------------------------------------


@dataclass
class ElementStats:
    """One BPMN element (or one organisation at it): what passed in the period, and now."""

    bpmn_id: str
    party: str
    organisation: str = ALL
    completed: int = 0
    claimed: int = 0
    late: int = 0
    cancelled: int = 0
    sums: dict[str, float] = field(default_factory=dict)
    buckets: dict[str, list[int]] = field(default_factory=dict)
    open_now: int = 0
    overdue_now: int = 0

    def p(self, duration: str, fraction: float) -> float | None:
        """A percentile of ``duration`` in hours (from the histogram)."""
        return percentile(self.buckets.get(duration, [0] * BUCKETS), fraction)

    def mean(self, duration: str) -> float | None:
        count = self.claimed if duration == "work" else self.completed
        return self.sums.get(duration, 0.0) / count / 3600 if count else None

    @property
    def late_share(self) -> float | None:
        return self.late / self.completed if self.completed else None


_BUCKET_COLUMNS = [bucket_column(d, i) for d in DURATIONS for i in range(BUCKETS)]


def _element_rows(
    filters: Filters, process_id: str, group: Sequence[str], split: str | None, bpmn_id: str | None
) -> dict[tuple[str, ...], ElementStats]:
    t = task_stats
    measures = ["completed", "claimed", "late", "cancelled", *(f"{d}_sum" for d in DURATIONS)]
    query = (
        select(
            *(t.c[g] for g in group),
            *(func.sum(t.c[m]).label(m) for m in measures + _BUCKET_COLUMNS),
        )
        .where(t.c.process_id == process_id, *_period(t, filters))
        .where(*_dimensions(t, filters, split))
        .group_by(*(t.c[g] for g in group))
    )
    if bpmn_id is not None:
        query = query.where(t.c.bpmn_id == bpmn_id)
    found: dict[tuple[str, ...], ElementStats] = {}
    width = len(group)
    counts = slice(width, width + 4)
    sums = slice(width + 4, width + 4 + len(DURATIONS))
    first = width + 4 + len(DURATIONS)
    for row in db.session.execute(query):  # by position: cheap per row
        ident = tuple(row[:width])
        values = dict(zip(group, ident, strict=True))
        completed, claimed, late, cancelled = (int(n or 0) for n in row[counts])
        found[ident] = ElementStats(
            bpmn_id=values.get("bpmn_id", bpmn_id or ""),
            party=values.get("party", ""),
            organisation=values.get("organisation", ALL),
            completed=completed,
            claimed=claimed,
            late=late,
            cancelled=cancelled,
            sums={d: float(n or 0) for d, n in zip(DURATIONS, row[sums], strict=True)},
            buckets={
                d: [int(n or 0) for n in row[first + i * BUCKETS : first + (i + 1) * BUCKETS]]
                for i, d in enumerate(DURATIONS)
            },
        )
    return found


def _open_rows(
    filters: Filters,
    process_id: str,
    group: Sequence[str],
    split: str | None,
    today: date,
    bpmn_id: str | None,
) -> dict[tuple[str, ...], tuple[str, int, int]]:
    """(party, open now, overdue now) per group; overdue: the last day on time is before today."""
    t = task_open
    late = (t.c.due_on != "") & (t.c.due_on < today.isoformat())
    query = (
        select(
            *(t.c[g] for g in group),
            func.max(t.c.party).label("any_party"),
            func.sum(t.c.open).label("open_now"),
            func.sum(case((late, t.c.open), else_=0)).label("overdue_now"),
        )
        .where(t.c.process_id == process_id)
        .where(*_dimensions(t, filters, split))
        .group_by(*(t.c[g] for g in group))
    )
    if bpmn_id is not None:
        query = query.where(t.c.bpmn_id == bpmn_id)
    return {
        tuple(row._mapping[g] for g in group): (
            row.any_party,
            int(row.open_now or 0),
            int(row.overdue_now or 0),
        )
        for row in db.session.execute(query)
    }


def _combined(
    group: Sequence[str],
    done: dict[tuple[str, ...], ElementStats],
    now: dict[tuple[str, ...], tuple[str, int, int]],
    bpmn_id: str | None = None,
) -> list[ElementStats]:
    """The period's statistics with the open and overdue counts of now, per group."""
    for ident, (party, open_now, overdue_now) in now.items():
        stats = done.get(ident)
        if stats is None:
            values = dict(zip(group, ident, strict=True))
            stats = done[ident] = ElementStats(
                bpmn_id=values.get("bpmn_id", bpmn_id or ""),
                party=values.get("party", party or ""),
                organisation=values.get("organisation", ALL),
            )
        stats.open_now, stats.overdue_now = open_now, overdue_now
    if bpmn_id is not None:
        for stats in done.values():
            stats.bpmn_id = bpmn_id
    return list(done.values())


def element_stats(filters: Filters, process_id: str, today: date) -> list[ElementStats]:
    """Per BPMN element of ``process_id`` (call activities' tasks included): tasks completed in the
    period with their times, and open and overdue now."""
    group = ("bpmn_id", "party")
    done = _element_rows(filters, process_id, group, None, None)
    now = _open_rows(filters, process_id, group, None, today, None)
    return sorted(_combined(group, done, now), key=lambda s: s.bpmn_id)


def organisation_stats(
    filters: Filters, process_id: str, bpmn_id: str, today: date
) -> list[ElementStats]:
    """One element split by the organisation that holds its tasks: which party holds cases up."""
    group = ("organisation", "party")
    done = _element_rows(filters, process_id, group, "organisation", bpmn_id)
    now = _open_rows(filters, process_id, group, "organisation", today, bpmn_id)
    found = _combined(group, done, now, bpmn_id)
    return sorted(found, key=lambda s: (-s.overdue_now, -s.open_now, s.organisation))


# Deadline compliance --------------------------------------------------------------------------


@dataclass
class Compliance:
    """Met and missed deadlines per kind (web/dashboard/definitions.py) for one group."""

    group: str
    met: dict[str, int] = field(default_factory=dict)
    missed: dict[str, int] = field(default_factory=dict)

    def total(self, kind: str) -> int:
        return self.met.get(kind, 0) + self.missed.get(kind, 0)

    def share(self, kind: str) -> float | None:
        total = self.total(kind)
        return self.met.get(kind, 0) / total if total else None


def compliance(filters: Filters, by: str) -> list[Compliance]:
    """Deadlines decided, by "month" (of the last day on time), "prison" or "municipality"."""
    t = deadline_stats
    split = by if by in ("prison", "municipality") else None
    columns = [deadline_column(k, o) for k in DEADLINE_KINDS for o in ("met", "missed")]
    query = (
        select(t.c[by].label("grp"), *(func.sum(t.c[c]).label(c) for c in columns))
        .where(*_period(t, filters), *_dimensions(t, filters, split))
        .group_by(t.c[by])
        .order_by(t.c[by])
    )
    found = []
    for row in db.session.execute(query):
        values = row._mapping
        found.append(
            Compliance(
                group=row.grp,
                met={k: int(values[deadline_column(k, "met")] or 0) for k in DEADLINE_KINDS},
                missed={k: int(values[deadline_column(k, "missed")] or 0) for k in DEADLINE_KINDS},
            )
        )
    return found


# Outcome monitor ------------------------------------------------------------------------------

HAS_PROVISION = ("arranged", "not_needed")
"""A person has a provision when it is arranged or was not needed (they had it)."""


@dataclass
class Outcome:
    """Status counts per (provision, moment) for one group."""

    group: str
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def count(self, provision: str, moment: str, status: str) -> int:
        return self.counts.get((provision, moment, status), 0)

    def measured(self, provision: str, moment: str) -> int:
        """People with a known status (unknown left out of the share)."""
        return sum(self.count(provision, moment, s) for s in STATUSES if s != "unknown")

    def having(self, provision: str, moment: str) -> int:
        return sum(self.count(provision, moment, s) for s in HAS_PROVISION)

    def share(self, provision: str, moment: str) -> float | None:
        measured = self.measured(provision, moment)
        return self.having(provision, moment) / measured if measured else None


def outcomes(
    filters: Filters, by: str | None = None, moments: Sequence[str] = MONITOR_MOMENTS
) -> list[Outcome]:
    """Status counts of people released in the period at ``moments``, in total (``by`` None) or by
    "prison", "municipality" or "stay_class"."""
    t = outcome_stats
    columns = [
        (p, m, s, outcome_column(p, m, s)) for p in PROVISIONS for m in moments for s in STATUSES
    ]
    group = [t.c[by].label("grp")] if by else []
    query = select(*group, *(func.sum(t.c[c]).label(c) for *_, c in columns)).where(
        *_period(t, filters), *_dimensions(t, filters, by)
    )
    if by:
        query = query.group_by(t.c[by]).order_by(t.c[by])
    found = []
    for row in db.session.execute(query):
        values = row._mapping
        counts = {(p, m, s): int(values[c] or 0) for p, m, s, c in columns}
        if any(counts.values()):
            found.append(Outcome(group=values["grp"] if by else ALL, counts=counts))
    return found


@dataclass
class Shares:
    """Per provision, people who have it and people measured, at one moment, for one group."""

    group: str
    having: dict[str, int] = field(default_factory=dict)
    measured: dict[str, int] = field(default_factory=dict)

    def share(self, provision: str) -> float | None:
        measured = self.measured.get(provision, 0)
        return self.having.get(provision, 0) / measured if measured else None


def shares(filters: Filters, by: str, moment: str = "release") -> list[Shares]:
    """Having and measured per provision at ``moment``, by "prison", "municipality" or
    "stay_class": two sums per provision instead of one per status (the per-group tables)."""
    t = outcome_stats
    sums = []
    for p in PROVISIONS:
        having = [t.c[outcome_column(p, moment, s)] for s in HAS_PROVISION]
        known = [t.c[outcome_column(p, moment, s)] for s in STATUSES if s != "unknown"]
        sums.append(func.sum(sum(having[1:], having[0])).label(f"{p}_having"))
        sums.append(func.sum(sum(known[1:], known[0])).label(f"{p}_measured"))
    query = (
        select(t.c[by].label("grp"), *sums)
        .where(*_period(t, filters), *_dimensions(t, filters, by))
        .group_by(t.c[by])
        .order_by(t.c[by])
    )
    found = []
    for row in db.session.execute(query):
        values = row._mapping
        measured = {p: int(values[f"{p}_measured"] or 0) for p in PROVISIONS}
        if any(measured.values()):
            having = {p: int(values[f"{p}_having"] or 0) for p in PROVISIONS}
            found.append(Shares(row.grp, having, measured))
    return found
