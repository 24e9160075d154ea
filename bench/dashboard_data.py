"""Realistic rows for the dashboard benchmark, written with bulk inserts (COPY on PostgreSQL).

Cases over five years for 28 prisons and 100 municipalities (a few large ones, many small), each
with the user tasks of its stay class (very short, short, long: 20/63/17%), realistic waiting and
work times, 8% late; deadline facts; monitor statuses for released cases. The facts are generated
here; the cubes' finest rollup is summed here and the other rollups by the database with
INSERT ... SELECT ... GROUP BY, the same sums the projector keeps incrementally.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.synthetic_ids import synthetic_task_id
from engine.db.models import ProcessInstance, ProcessVersion
from web.cases.tables import case_organisations, cases, provision_statuses
from web.dashboard.cube import bucket_of, last_day_on_time
from web.dashboard.tables import (
    ALL,
    CASE_ROLLUPS,
    DEADLINE_MEASURES,
    DEADLINE_STATS_KEY,
    OUTCOME_MEASURES,
    OUTCOME_ROLLUPS,
    OUTCOME_STATS_KEY,
    PROVISIONS,
    ROLLED,
    TASK_MEASURES,
    TASK_OPEN_KEY,
    TASK_ROLLUPS,
    TASK_STATS_KEY,
    deadline_column,
    deadline_facts,
    deadline_stats,
    outcome_column,
    outcome_stats,
    rollup_code,
    task_facts,
    task_open,
    task_stats,
)

PROCESS = "nazorg_detentie"
END = datetime(2026, 11, 1, tzinfo=UTC)
YEARS = 5
PRISONS = [f"PI-{n:02d}" for n in range(1, 29)]
MUNICIPALITIES = [f"GM{n:04d}" for n in range(1, 101)]
PROBATION = [f"RN-{n:02d}" for n in range(1, 11)]
UWV = [f"UWV-{n:02d}" for n in range(1, 31)]
P, G, R, U = "prison", "municipality", "probation", "uwv"
SHORT = [
    ("entry_notification", P, 0),
    *((f"{p}_screening", P, 2) for p in PROVISIONS),
    ("municipal_information", G, 2),
    ("care_suspend_insurance", P, 1),
    *((f"{p}_agreement", G, 6) for p in PROVISIONS),
    ("identity_document_apply", P, 9),
    ("identity_document_issue", G, 15),
    ("housing_register", G, 9),
    ("housing_arrange", G, 20),
    ("work_income_activation", P, 9),
    ("work_income_uwv_assessment", U, 12),
    ("work_income_income_ready", G, 20),
    ("debts_prepare_application", G, 9),
    ("debts_intake", G, 15),
    ("care_consent", P, 9),
    ("care_arrange_aftercare", G, 15),
]
AT_RELEASE = [("release_notice", P), *((f"{p}_release_status", P) for p in PROVISIONS)]
LONG = [("request_risc", P, 3), ("risc_assessment", R, 6), ("dr_plan", P, 20)]
VERY_SHORT = [("entry_notification", P, 0), ("very_short_alignment", G, 1)]
MEASURE_INDEX = {name: i for i, name in enumerate(TASK_MEASURES)}
INSTANCE_COLUMNS = """id version_id process_id business_key status revision state serializer_version
    case_data started_at updated_at"""
CASE_COLUMNS = """instance_id business_key process_id person_name prison_code municipality_code
    stay_class entry_date release_date status care_consent debts_consent started_at updated_at"""


def weights(count: int) -> list[float]:
    return [1 / (rank + 1) ** 0.9 for rank in range(count)]


def bulk(
    conn: sa.Connection, table: sa.Table, rows: Iterable[Sequence], columns: list[str] | None = None
) -> None:
    """Rows (tuples in ``columns`` order, default the table's) into ``table``: COPY on
    PostgreSQL, executemany else."""
    columns = columns or [column.name for column in table.columns]
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.dbapi_connection.cursor()
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = sa.insert(table)
    batch: list[dict] = []
    for row in rows:
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) == 20_000:
            conn.execute(statement, batch)
            batch = []
    if batch:
        conn.execute(statement, batch)


class Filler:
    def __init__(self, cases_count: int, seed: int = 5) -> None:
        self.count = cases_count
        self.rng = random.Random(seed)
        self.tasks: list[tuple] = []
        self.stats: dict[tuple, list[float]] = {}
        self.open: dict[tuple, int] = {}
        self.deadlines: list[tuple] = []
        self.deadline_cells: dict[tuple, dict[str, int]] = {}
        self.outcome_cells: dict[tuple, dict[str, int]] = {}
        self.case_rows: list[tuple] = []
        self.statuses: list[tuple] = []

    def fill(self, conn: sa.Connection) -> None:
        version = conn.execute(sa.select(ProcessVersion.id).limit(1)).scalar()
        if version is None:
            version = conn.execute(
                sa.insert(ProcessVersion.__table__).values(
                    process_id=PROCESS,
                    version=1,
                    name="bench",
                    content_hash="bench",
                    serializer_version="1",
                    dialect="spiff",
                    specs="",
                    forms={},
                    deployed_by="bench",
                    deployed_at=END,
                )
            ).inserted_primary_key[0]
        first = END - timedelta(days=365 * YEARS)
        instances = []
        for number in range(1, self.count + 1):
            entry = first + timedelta(seconds=self.rng.randrange(365 * YEARS * 86400))
            instances.append(
                (
                    number,
                    version,
                    PROCESS,
                    f"NZ-BENCH-{number:07d}",
                    "running",
                    0,
                    "",
                    "1",
                    "{}",
                    entry,
                    entry,
                )
            )
            self._case(number, entry)
        bulk(conn, ProcessInstance.__table__, instances, INSTANCE_COLUMNS.split())
        bulk(conn, cases, self.case_rows, CASE_COLUMNS.split())
        bulk(
            conn,
            case_organisations,
            ((r[0], code, r[13]) for r in self.case_rows for code in (r[4], r[5])),
        )
        bulk(conn, provision_statuses, self.statuses)
        bulk(conn, task_facts, self.tasks)
        bulk(conn, deadline_facts, self.deadlines)
        stats_columns = [*TASK_STATS_KEY, *TASK_MEASURES]
        finest = rollup_code({"prison", "municipality", "organisation"})
        bulk(conn, task_stats, ((finest, *k, *v) for k, v in self.stats.items()), stats_columns)
        open_columns = [*TASK_OPEN_KEY, "open"]
        bulk(conn, task_open, ((finest, *k, n) for k, n in self.open.items()), open_columns)
        self._cells(
            conn, deadline_stats, DEADLINE_STATS_KEY, DEADLINE_MEASURES, self.deadline_cells
        )
        self._cells(conn, outcome_stats, OUTCOME_STATS_KEY, OUTCOME_MEASURES, self.outcome_cells)
        roll_up(conn, task_stats, TASK_STATS_KEY, TASK_MEASURES, TASK_ROLLUPS)
        roll_up(conn, task_open, TASK_OPEN_KEY, ("open",), TASK_ROLLUPS)
        roll_up(conn, deadline_stats, DEADLINE_STATS_KEY, DEADLINE_MEASURES, CASE_ROLLUPS)
        roll_up(conn, outcome_stats, OUTCOME_STATS_KEY, OUTCOME_MEASURES, OUTCOME_ROLLUPS)
        conn.exec_driver_sql("ANALYZE")  # fresh statistics, as a live database has

    def _cells(self, conn, table, key, measures, cells) -> None:  # type: ignore[no-untyped-def]
        """The finest rollup of a case cube (every rolled dimension kept)."""
        code = rollup_code({name for name in ROLLED if name in key})
        bulk(
            conn,
            table,
            ((code, *k, *(v.get(m, 0) for m in measures)) for k, v in cells.items()),
            [*key, *measures],
        )

    # One case ---------------------------------------------------------------------------------

    def _case(self, number: int, entry: datetime) -> None:
        rng = self.rng
        prison = rng.choices(PRISONS, weights(len(PRISONS)))[0]
        municipality = rng.choices(MUNICIPALITIES, weights(len(MUNICIPALITIES)))[0]
        draw = rng.random()
        if draw < 0.2:
            stay_class, stay, plan = "very_short", rng.randint(2, 13), VERY_SHORT
        elif draw < 0.83:
            stay_class, stay, plan = "short", rng.randint(14, 119), SHORT
        else:
            stay_class, stay, plan = "long", rng.randint(120, 540), SHORT + LONG
        release = entry + timedelta(days=stay)
        released = release <= END
        orgs = {P: prison, G: municipality, R: rng.choice(PROBATION), U: rng.choice(UWV)}
        steps = [(b, party, entry + timedelta(days=d)) for b, party, d in plan]
        steps += [(b, party, release) for b, party in AT_RELEASE[: 1 if draw < 0.2 else None]]
        if released and release + timedelta(days=182) <= END + timedelta(days=60):
            steps.append(("monitor_six_months", G, release + timedelta(days=182)))
        for index, (bpmn_id, party, ready) in enumerate(steps):
            if ready < END:
                self._task(number, index, bpmn_id, party, orgs[party], prison, municipality, ready)
        self._deadlines(number, entry, release, released, stay_class, prison, municipality)
        self.case_rows.append(
            (
                number,
                f"NZ-BENCH-{number:07d}",
                PROCESS,
                "Bench Persoon",
                prison,
                municipality,
                stay_class,
                entry.date(),
                release.date() if released else None,
                "running",
                False,
                False,
                entry,
                entry,
            )
        )
        if released:
            self._outcomes(number, prison, municipality, stay_class, release)

    def _task(self, number, index, bpmn_id, party, org, prison, municipality, ready) -> None:  # type: ignore[no-untyped-def]
        rng = self.rng
        due = datetime.combine(
            ready.date() + timedelta(days=rng.choice((3, 5, 14))), datetime.min.time(), UTC
        )
        wait = timedelta(hours=rng.lognormvariate(math.log(8), 1.2))
        work = timedelta(hours=rng.lognormvariate(math.log(1.5), 0.8))
        late = rng.random() < 0.08
        completed = (
            (due + timedelta(days=rng.randint(1, 8)))
            if late
            else min(ready + wait + work, due - timedelta(minutes=1))
        )
        claimed = max(ready + timedelta(minutes=1), completed - work)
        task_id = synthetic_task_id(number, index)
        base = (prison, municipality, org, PROCESS, bpmn_id, party)
        if completed > END:
            self.tasks.append(
                (
                    task_id,
                    number,
                    PROCESS,
                    bpmn_id,
                    party,
                    org,
                    prison,
                    municipality,
                    "open",
                    ready,
                    None,
                    None,
                    None,
                    due,
                    due < END,
                )
            )
            key = base + (last_day_on_time(due),)
            self.open[key] = self.open.get(key, 0) + 1
            return
        self.tasks.append(
            (
                task_id,
                number,
                PROCESS,
                bpmn_id,
                party,
                org,
                prison,
                municipality,
                "completed",
                ready,
                claimed,
                completed,
                None,
                due,
                completed > due,
            )
        )
        vector = self.stats.setdefault(
            base + (completed.strftime("%Y-%m"),), [0] * len(TASK_MEASURES)
        )
        waited = (claimed - ready).total_seconds()
        worked = (completed - claimed).total_seconds()
        lead = (completed - ready).total_seconds()
        for name, amount in (
            ("completed", 1),
            ("claimed", 1),
            ("late", int(completed > due)),
            ("wait_sum", waited),
            ("work_sum", worked),
            ("lead_sum", lead),
            (f"wait_b{bucket_of(waited)}", 1),
            (f"work_b{bucket_of(worked)}", 1),
            (f"lead_b{bucket_of(lead)}", 1),
        ):
            vector[MEASURE_INDEX[name]] += amount

    def _deadlines(
        self, number, entry, release, released, stay_class, prison, municipality
    ) -> None:  # type: ignore[no-untyped-def]
        kinds = ["entry"]
        if stay_class != "very_short":
            kinds.append("screening")
        if stay_class == "long" and released:
            kinds.append("handover")
        if released:
            kinds.append("release_notice")
        for kind in kinds:
            day = (release if kind in ("handover", "release_notice") else entry).date()
            day += timedelta(days={"entry": 2, "screening": 14, "handover": -54}.get(kind, 0))
            if datetime.combine(day, datetime.min.time(), UTC) >= END:
                continue
            status = "met" if self.rng.random() < 0.85 else "missed"
            month = day.strftime("%Y-%m")
            self.deadlines.append(
                (number, kind, day.isoformat(), month, prison, municipality, status, 1, 1, END)
            )
            cell = self.deadline_cells.setdefault((prison, municipality, month), {})
            column = deadline_column(kind, status)
            cell[column] = cell.get(column, 0) + 1

    def _outcomes(self, number, prison, municipality, stay_class, release) -> None:  # type: ignore[no-untyped-def]
        moments = ["entry", "release"]
        if release + timedelta(days=182) <= END:
            moments.append("6m")
        cell = self.outcome_cells.setdefault(
            (prison, municipality, stay_class, release.strftime("%Y-%m")), {}
        )
        for moment in moments:
            for provision in PROVISIONS:
                status = self.rng.choices(
                    ("arranged", "in_progress", "not_arranged", "not_needed", "unknown"),
                    (45, 8, 15, 30, 2),
                )[0]
                self.statuses.append((number, moment, provision, status, release.date()))
                column = outcome_column(provision, moment, status)
                cell[column] = cell.get(column, 0) + 1


def roll_up(
    conn: sa.Connection,
    table: sa.Table,
    key: Sequence[str],
    measures: Sequence[str],
    rollups: Sequence[tuple[str, ...]],
) -> None:
    """Add every other rollup from the finest one (all rolled dimensions kept), in SQL."""
    rolled = [name for name in ROLLED if name in key]
    finest = rollup_code(set(rolled))
    for kept in rollups:
        if set(rolled) <= set(kept):
            continue
        groups = [table.c[name] for name in key if name not in (*rolled, "rollup") or name in kept]
        columns = [
            sa.literal(rollup_code(kept)).label("rollup")
            if name == "rollup"
            else table.c[name]
            if name not in rolled or name in kept
            else sa.literal(ALL).label(name)
            for name in key
        ]
        select = (
            sa.select(*columns, *(sa.func.sum(table.c[m]).label(m) for m in measures))
            .where(table.c.rollup == finest)
            .group_by(*groups)
        )
        conn.execute(sa.insert(table).from_select([*key, *measures], select))
