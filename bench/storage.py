"""Bytes per finished case on PostgreSQL: every table and index, after VACUUM FULL.

    python bench/storage.py [--cases 2400] [--arrival-days 60] [--days 420] [--workers 2]
        [--postgres URL]

A fresh database is migrated and the shipped models deployed; its size then (schema, models,
organisations) is the baseline. The simulator (web/simulation/) runs ``--cases`` arrivals over
the first ``--arrival-days`` and the calendar on to ``--days``, so that most cases finish (their
six-month measurement done). Then every row of the cases that did not finish is deleted (their
instance and every row that refers to it: tasks, timers, events, facts, projections), the
database is vacuumed (VACUUM FULL), and the growth over the baseline is divided by the finished
cases. VACUUM FULL waits (``--wait`` seconds at most) until no older transaction runs on the
server, whose snapshot would keep dead row versions. The dashboard's roll-up cubes keep the
counts of the deleted cases: they are bounded by months x organisations, not by cases, and
counted in full (a slight overestimate).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engine import postgres_database  # noqa: E402
from bench.scenarios import NAZORG  # noqa: E402
from engine import Engine  # noqa: E402
from engine.db.connect import open_database  # noqa: E402
from web.simulation.runner import simulate  # noqa: E402

SETTINGS = {"TERUGKEER_FORMS_DIR": str(ROOT / "forms")}


def wait_for_older_transactions(conn: sa.Connection, timeout: float) -> bool:
    """Wait until no transaction that began before now runs anywhere on the server: VACUUM FULL
    keeps every row version such a transaction might see, in any database (another session's
    long COPY kept every old state of every case here). False when ``timeout`` passed first."""
    mark = conn.execute(sa.text("SELECT txid_current() % 4294967296")).scalar_one()
    older = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ("
        "backend_xid::text::bigint < :mark OR backend_xmin::text::bigint < :mark)"
    )
    deadline = time.monotonic() + timeout
    while conn.execute(older, {"mark": mark}).scalar_one():
        if time.monotonic() > deadline:
            return False
        time.sleep(5)
    return True


def sizes(database: sa.Engine, wait: float = 0.0) -> dict[str, int]:
    """Each table's bytes with its indexes and TOAST, after VACUUM FULL."""
    with database.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if wait and not wait_for_older_transactions(conn, wait):
            print(f"  (a transaction older than the cleanup still ran after {wait:.0f} s: the")
            print("   sizes below include row versions VACUUM FULL could not remove yet)")
        conn.execute(sa.text("VACUUM FULL"))
        rows = conn.execute(
            sa.text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )
        )
        return {name: size for name, size in rows}


def referring_tables(conn: sa.Connection) -> list[str]:
    """Tables with a foreign key to process_instances."""
    rows = conn.execute(
        sa.text(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint "
            "WHERE contype = 'f' AND confrelid = 'process_instances'::regclass"
        )
    )
    return sorted(row[0] for row in rows)


def keep_finished(database: sa.Engine) -> tuple[int, int]:
    """Delete every case that has not finished, with what refers to it; (finished, deleted)."""
    with database.begin() as conn:
        unfinished = "SELECT id FROM process_instances WHERE status <> 'completed'"
        for table in referring_tables(conn):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE instance_id IN ({unfinished})"))
        deleted = conn.execute(sa.text(f"DELETE FROM process_instances WHERE id IN ({unfinished})"))
        finished = conn.execute(sa.text("SELECT count(*) FROM process_instances")).scalar_one()
    return finished, deleted.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=2400)
    parser.add_argument("--arrival-days", type=int, default=60)
    parser.add_argument("--days", type=int, default=420)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--wait", type=float, default=3600, help="seconds to wait for older transactions"
    )
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/terugkeer_bench_storage"
    )
    args = parser.parse_args()
    url = postgres_database(args.postgres)
    if url is None:
        raise SystemExit("PostgreSQL does not answer")
    engine = Engine(url, forms_dir=ROOT / "forms")
    engine.deploy(NAZORG.files)
    engine.database.dispose()
    database = open_database(url)
    baseline = sizes(database)
    began = time.perf_counter()
    result = simulate(
        url,
        SETTINGS,
        cases=args.cases,
        start=date(2025, 1, 6),
        days=args.days,
        arrival_days=args.arrival_days,
        seed=1,
        process_id=NAZORG.process_id,
        workers=args.workers,
        unsafe_commit=True,
    )
    took = time.perf_counter() - began
    print(
        f"Simulated {result.cases} cases in {took:.0f} s ({args.workers} workers): "
        f"{result.completed} tasks completed, {len(result.problems)} problems"
    )
    finished, deleted = keep_finished(database)
    after = sizes(database, args.wait)
    growth = {name: after[name] - baseline.get(name, 0) for name in after}
    total = sum(growth.values())
    print(f"{finished} finished cases kept ({deleted} unfinished deleted); after VACUUM FULL:")
    for name, size in sorted(growth.items(), key=lambda item: -item[1]):
        if size:
            print(f"  {name:<24} {size / finished:8.0f} bytes per case")
    print(f"  {'total':<24} {total / finished:8.0f} bytes per finished case ({total} bytes)")
    with database.connect() as conn:
        state = conn.execute(
            sa.text("SELECT avg(pg_column_size(state)), avg(length(state)) FROM process_instances")
        ).one()
    print(f"  state column: {state[0]:.0f} bytes stored ({state[1]:.0f} characters of JSON)")
    database.dispose()


if __name__ == "__main__":
    main()
