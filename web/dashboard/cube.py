"""Adding facts to the cubes (web/dashboard/tables.py) and reading times from their histograms.

Every fact goes to each rollup: a copy of its key with the dimensions the rollup does not keep
set to ``ALL``. Increments are upserts (``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n``)
on SQLite and PostgreSQL, one statement per cube and command, rows with the same key merged first.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, Delete, Insert, Table, and_, bindparam, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engine.clock import AMSTERDAM
from web.dashboard.tables import ALL, BUCKET_BOUNDS_HOURS, BUCKETS, ROLLED, rollup_code

Key = tuple[tuple[str, str], ...]


def rollups(key: Mapping[str, str], kept_sets: Iterable[tuple[str, ...]]) -> list[dict[str, str]]:
    """The key of a fact in each rollup: dimensions outside a rollup's kept set become ALL, and
    the ``rollup`` column names the rollup."""
    found = []
    for kept in kept_sets:
        rolled = {
            name: (value if name not in ROLLED or name in kept else ALL)
            for name, value in key.items()
        }
        rolled["rollup"] = rollup_code(kept)
        found.append(rolled)
    return found


def merge(rows: Iterable[tuple[Mapping[str, str], Mapping[str, float]]]) -> dict[Key, dict]:
    """(key, measures) pairs summed per key."""
    merged: dict[Key, dict] = {}
    for key, measures in rows:
        ident = tuple(sorted(key.items()))
        target = merged.setdefault(ident, {})
        for name, amount in measures.items():
            target[name] = target.get(name, 0) + amount
    return merged


def add(
    conn: Connection,
    table: Table,
    key_columns: Sequence[str],
    measure_columns: Sequence[str],
    merged: Mapping[Key, Mapping[str, float]],
) -> None:
    """Add the merged measures to ``table``: new rows inserted, existing rows incremented."""
    if not merged:
        return
    rows = []
    for ident, measures in merged.items():
        row: dict = dict(ident)
        for name in measure_columns:
            row[name] = measures.get(name, 0)
        rows.append(row)
    conn.execute(
        _upsert(table, conn.dialect.name, tuple(key_columns), tuple(measure_columns)), rows
    )


@functools.cache
def _upsert(table: Table, dialect: str, keys: tuple[str, ...], measures: tuple[str, ...]) -> Insert:
    """One statement per cube, built once (SQLAlchemy then reuses its compiled form)."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + statement.excluded[name] for name in measures},
    )


def delete_empty(
    conn: Connection, table: Table, key_columns: Sequence[str], column: str, keys: Iterable[Key]
) -> None:
    """Drop rows of ``keys`` whose ``column`` came down to zero (keeps the open-task cube small)."""
    params = [{f"k_{name}": value for name, value in ident} for ident in keys]
    if params:
        conn.execute(_delete_empty(table, tuple(key_columns), column), params)


@functools.cache
def _delete_empty(table: Table, keys: tuple[str, ...], column: str) -> Delete:
    condition = and_(*(table.c[name] == bindparam(f"k_{name}") for name in keys))
    return delete(table).where(condition, table.c[column] <= 0)


def month_of(moment: datetime) -> str:
    """The Amsterdam calendar month of ``moment``: "YYYY-MM"."""
    return moment.astimezone(AMSTERDAM).strftime("%Y-%m")


def last_day_on_time(due_at: datetime) -> str:
    """The last day that is still on time for a due moment (usually the next midnight)."""
    return (due_at.astimezone(AMSTERDAM) - timedelta(microseconds=1)).date().isoformat()


def bucket_of(seconds: float) -> int:
    """The histogram bucket of a duration: the first whose upper bound it does not exceed."""
    return bisect.bisect_left(BUCKET_BOUNDS_HOURS, max(seconds, 0.0) / 3600)


def percentile(counts: Sequence[int], fraction: float) -> float | None:
    """The ``fraction`` percentile in hours from bucket counts, interpolated linearly inside its
    bucket (as Prometheus's histogram_quantile does); the open last bucket gives its lower bound.
    None without observations."""
    total = sum(counts)
    if total <= 0:
        return None
    rank = fraction * total
    seen = 0
    for index, count in enumerate(counts):
        if count <= 0:
            continue
        if seen + count >= rank:
            if index >= BUCKETS - 1:
                return float(BUCKET_BOUNDS_HOURS[-1])
            lower = BUCKET_BOUNDS_HOURS[index - 1] if index else 0.0
            upper = BUCKET_BOUNDS_HOURS[index]
            return lower + (upper - lower) * (rank - seen) / count
        seen += count
    return float(BUCKET_BOUNDS_HOURS[-1])
