"""The dashboard's projections: facts per task and per deadline, and pre-aggregated tables
("cubes") that the dashboard reads, so that no page scans all cases or events (architecture
principles 3 and 9). Maintained by web/dashboard/projection.py inside every engine command's
transaction. Schema changes go through migrations/ (0200_dashboard).

A cube row's dimension holds ``ALL`` ("*") when it is summed over that dimension: the row with
prison "*" and municipality "GM0363" counts every prison's cases of Amsterdam. Every fact is
added to each rollup the queries need (``TASK_ROLLUPS``, ``CASE_ROLLUPS``, ``OUTCOME_ROLLUPS``),
so a query reads only rows of one rollup, bounded by months and organisations, never by cases.
The cubes are clustered by their key (``WITHOUT ROWID`` on SQLite): a query's rows lie together.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects import postgresql

from engine.db.models import Base, UTCDateTime
from web.cases.tables import cases

metadata = Base.metadata

ALL = "*"
"""A cube dimension summed over."""

NONE = ""
"""A dimension without a value (a task no organisation holds, a case without a stay class)."""

BUCKET_BOUNDS_HOURS = (0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
"""Upper bounds of the time histograms' buckets, in hours (doubling: a fixed log scale). The last
bucket (over 2048 hours, about 85 days) is open."""

BUCKETS = len(BUCKET_BOUNDS_HOURS) + 1
DURATIONS = ("wait", "work", "lead")
"""Waiting time (ready to claimed), work time (claimed to completed), lead time (ready to
completed)."""

DEADLINE_KINDS = ("entry", "screening", "handover", "release_notice")
DEADLINE_OUTCOMES = ("met", "missed")

MONITOR_MOMENTS = ("entry", "release", "6m")
MOMENT_COLUMNS = {"entry": "entry", "release": "release", "6m": "m6"}
PROVISIONS = ("identity_document", "housing", "work_income", "debts", "care")
STATUSES = ("arranged", "in_progress", "not_arranged", "not_needed", "unknown")

TASK_ROLLUPS = (
    (),
    ("organisation",),
    ("prison",),
    ("municipality",),
    ("prison", "organisation"),
    ("municipality", "organisation"),
    ("prison", "municipality"),
    ("prison", "municipality", "organisation"),
)
"""The dimensions each rollup of the task cubes keeps (the others hold ``ALL``)."""

CASE_ROLLUPS = ((), ("prison",), ("municipality",), ("prison", "municipality"))
"""The dimensions each rollup of the deadline cube keeps."""

OUTCOME_ROLLUPS = tuple(kept + extra for kept in CASE_ROLLUPS for extra in ((), ("stay_class",)))
"""The outcome cube's rollups: those of the deadline cube, with and without the stay class."""

ROLLED = ("prison", "municipality", "organisation", "stay_class")
LETTERS = {"prison": "p", "municipality": "m", "organisation": "o", "stay_class": "s"}


def rollup_code(kept: tuple[str, ...] | set[str]) -> str:
    """A rollup's name in the ``rollup`` column: the letters of the dimensions it keeps ("pmo"),
    or "all". Every cube's key starts with it, so a query reads exactly one rollup's rows."""
    return "".join(LETTERS[name] for name in ROLLED if name in kept) or "all"


def bucket_column(duration: str, index: int) -> str:
    return f"{duration}_b{index}"


def deadline_column(kind: str, outcome: str) -> str:
    return f"{kind}_{outcome}"


def outcome_column(provision: str, moment: str, status: str) -> str:
    return f"{provision}_{MOMENT_COLUMNS[moment]}_{status}"


TASK_MEASURES = (
    "completed",
    "claimed",
    "late",
    "cancelled",
    *(f"{d}_sum" for d in DURATIONS),
    *(bucket_column(d, i) for d in DURATIONS for i in range(BUCKETS)),
)
DEADLINE_MEASURES = tuple(deadline_column(k, o) for k in DEADLINE_KINDS for o in DEADLINE_OUTCOMES)
OUTCOME_MEASURES = tuple(
    outcome_column(p, m, s) for p in PROVISIONS for m in MONITOR_MOMENTS for s in STATUSES
)


DRILLDOWN_ORDER = {"open": "due_at", "completed": "completed_at"}
"""The column each status's drill-down indexes order a step's facts by; the open facts' then by
task_id. The completed facts' (kept for good) leave it out: PostgreSQL orders the few facts
completed at the same moment after reading them (migration 0710)."""

DRILLDOWN_DIMENSIONS = {"element": (), "prison": ("prison",), "municipality": ("municipality",)}


def drilldown_index_columns(dimension: str, status: str) -> list[str]:
    """The columns of the drill-down index of ``status`` facts by ``dimension``."""
    columns = [*DRILLDOWN_DIMENSIONS[dimension], "bpmn_id", DRILLDOWN_ORDER[status]]
    if status == "open":
        columns.append("task_id")
    return [*columns, "prison"] if dimension == "municipality" else columns


def _drilldown_indexes() -> list[Index]:
    return [
        Index(
            f"ix_dash_task_facts_{status}_{dimension}",
            *drilldown_index_columns(dimension, status),
            postgresql_where=text(f"status = '{status}'"),
            sqlite_where=text(f"status = '{status}'"),
        )
        for status in DRILLDOWN_ORDER
        for dimension in DRILLDOWN_DIMENSIONS
    ]


task_facts = Table(
    "dash_task_facts",
    metadata,
    # A uuid on PostgreSQL (16 bytes instead of 37, in the table and four indexes), read and
    # written as a string (migration 0540)
    Column(
        "task_id",
        String(36).with_variant(postgresql.UUID(as_uuid=False), "postgresql"),
        primary_key=True,
    ),
    Column("instance_id", Integer, ForeignKey("process_instances.id"), nullable=False),
    Column("process_id", String(255), nullable=False),
    Column("bpmn_id", String(255), nullable=False),
    Column("party", String(32), nullable=False),
    Column("organisation", String(64), nullable=False),
    Column("prison", String(64), nullable=False),
    Column("municipality", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # open, completed, cancelled
    Column("ready_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime),  # the first claim
    Column("completed_at", UTCDateTime),
    Column("cancelled_at", UTCDateTime),
    Column("due_at", UTCDateTime),
    Column("overdue", Boolean, nullable=False),
    # The feed reads a case's open facts only: those of finished cases stay out (migration 0540)
    Index(
        "ix_dash_task_facts_instance",
        "instance_id",
        "status",
        postgresql_where=text("status = 'open'"),
        sqlite_where=text("status = 'open'"),
    ),
    # The drill-downs walk these in the order shown and stop after the page (web/dashboard/
    # drilldown.py): open tasks by due time, completed ones by completion (the rare ties sorted
    # by task_id), each in indexes of its status only (migration 0550): a finished case's
    # facts are only in those of completed tasks, and its cancelled ones in none (no drill-down
    # shows cancelled tasks). The municipality's carry the prison, so that a
    # prison-and-municipality filter is checked in the index.
    *_drilldown_indexes(),
)

deadline_facts = Table(
    "dash_deadline_facts",
    metadata,
    Column("instance_id", Integer, ForeignKey("process_instances.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("due_on", String(10), nullable=False),  # the last day on time, YYYY-MM-DD
    Column("month", String(7), nullable=False),  # of due_on
    Column("prison", String(64), nullable=False),
    Column("municipality", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # pending, met, missed, lapsed
    Column("required", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("decided_at", UTCDateTime),
    PrimaryKeyConstraint("instance_id", "kind"),
    Index("ix_dash_deadline_facts_kind", "kind", "status", "due_on", "instance_id"),
    Index("ix_dash_deadline_facts_prison", "prison", "kind", "status", "due_on", "instance_id"),
    Index(
        "ix_dash_deadline_facts_municipality",
        *("municipality", "kind", "status", "due_on", "instance_id", "prison"),
    ),
)

_TASK_KEY = ("prison", "municipality", "organisation", "process_id", "bpmn_id", "party")


def _rollup() -> Column:
    return Column("rollup", String(8))


task_stats = Table(
    "dash_task_stats",
    metadata,
    _rollup(),
    *(Column(name, String(255 if name in ("process_id", "bpmn_id") else 64)) for name in _TASK_KEY),
    Column("month", String(7)),
    *(
        Column(name, Float if name.endswith("_sum") else Integer, nullable=False)
        for name in TASK_MEASURES
    ),
    # Month before organisation and element: a query reads its period's rows of one rollup.
    PrimaryKeyConstraint(
        "rollup",
        "prison",
        "municipality",
        "process_id",
        "month",
        "organisation",
        "bpmn_id",
        "party",
    ),
    Index(
        "ix_dash_task_stats_element",
        "rollup",
        "process_id",
        "bpmn_id",
        "prison",
        "municipality",
        "month",
    ),
    sqlite_with_rowid=False,
)

task_open = Table(
    "dash_task_open",
    metadata,
    _rollup(),
    *(Column(name, String(255 if name in ("process_id", "bpmn_id") else 64)) for name in _TASK_KEY),
    Column("due_on", String(10)),  # the last day on time, or "" without a deadline
    Column("open", Integer, nullable=False),
    PrimaryKeyConstraint("rollup", *_TASK_KEY, "due_on"),
    Index("ix_dash_task_open_element", "rollup", "process_id", "bpmn_id", "prison", "municipality"),
    sqlite_with_rowid=False,
)

deadline_stats = Table(
    "dash_deadline_stats",
    metadata,
    _rollup(),
    Column("prison", String(64)),
    Column("municipality", String(64)),
    Column("month", String(7)),
    *(Column(name, Integer, nullable=False) for name in DEADLINE_MEASURES),
    # Clustered by prison, then month: a period's rows of a prison (or of ALL), every
    # municipality, lie together and are read without a lookup per row. Split by prison with a
    # municipality given: the second index; prison and municipality given: the third.
    PrimaryKeyConstraint("rollup", "prison", "month", "municipality"),
    Index("ix_dash_deadline_stats_municipality", "rollup", "municipality", "month", "prison"),
    Index("ix_dash_deadline_stats_cell", "rollup", "prison", "municipality", "month"),
    sqlite_with_rowid=False,
)

outcome_stats = Table(
    "dash_outcome_stats",
    metadata,
    _rollup(),
    Column("prison", String(64)),
    Column("municipality", String(64)),
    Column("stay_class", String(32)),
    Column("month", String(7)),  # of the release
    *(Column(name, Integer, nullable=False) for name in OUTCOME_MEASURES),
    # As the deadline cube: clustered by prison, then month.
    PrimaryKeyConstraint("rollup", "prison", "month", "municipality", "stay_class"),
    Index(
        "ix_dash_outcome_stats_municipality",
        *("rollup", "municipality", "month", "prison", "stay_class"),
    ),
    Index("ix_dash_outcome_stats_cell", "rollup", "prison", "municipality", "month", "stay_class"),
    sqlite_with_rowid=False,
)

# The outcome monitor's drill-down walks the cases projection by release date (the cases
# projection's table, extended here).
Index("ix_cases_release_date", cases.c.release_date, cases.c.instance_id)
Index("ix_cases_prison_release", cases.c.prison_code, cases.c.release_date, cases.c.instance_id)
Index(
    "ix_cases_municipality_release",
    *(cases.c.municipality_code, cases.c.release_date, cases.c.instance_id, cases.c.prison_code),
)

TASK_STATS_KEY = ("rollup", *_TASK_KEY, "month")
TASK_OPEN_KEY = ("rollup", *_TASK_KEY, "due_on")
DEADLINE_STATS_KEY = ("rollup", "prison", "municipality", "month")
OUTCOME_STATS_KEY = ("rollup", "prison", "municipality", "stay_class", "month")

# What the outcome cube counts of each released case (web/dashboard/outcomes.py): its cell and
# its statuses at the monitor's moments, so that a change moves the case's counts.
outcome_cases = Table(
    "dash_outcome_cases",
    metadata,
    Column("instance_id", Integer, ForeignKey("process_instances.id"), primary_key=True),
    Column("prison", String(64), nullable=False),
    Column("municipality", String(64), nullable=False),
    Column("stay_class", String(32), nullable=False),
    Column("month", String(7), nullable=False),
    Column("statuses", JSON, nullable=False),  # {"moment:provision": status}
)

# How far a projection outside the commands has read the audit events (web/dashboard/feed.py):
# the highest event id it has taken in, the ids below it it has not seen yet (a command that has
# not committed, or that rolled back) with when they were first missed, and its failures.
projection_checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("gaps", JSON, nullable=False),  # {"event id": epoch seconds first missed}
    Column("updated_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),  # failed runs in a row
    Column("failing_since", UTCDateTime),
    Column("last_error", Text),
)
