"""Scheduler benchmark: how fast one and two scheduler processes drain a backlog on PostgreSQL.

    python bench/scheduler.py [--timers 500] [--rounds 3] [--postgres URL]

Each round starts TIMERS cases of tests/engine/models/short_timer.bpmn whose timers are all
due at one instant, then starts one or two scheduler processes (engine.scheduler.TimerScheduler,
as `terugkeer scheduler` runs it) with the clock past that instant and times until no timer
waits. Processes start and connect before the clock starts; one and two alternate so that
machine noise hits both alike; medians are reported. Target (issue 10): two at least 1.6x one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Event
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.engine import postgres_database  # noqa: E402
from engine import Engine, ManualClock  # noqa: E402
from engine.scheduler import TimerScheduler  # noqa: E402

MODELS = ROOT / "tests" / "engine" / "models"
START = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
AFTER_DUE = START + timedelta(hours=2)


def scheduler_process(url: str, ready: multiprocessing.Queue, go: Event, stop: Event) -> None:
    engine = Engine(url, clock=ManualClock(AFTER_DUE), forms_dir=MODELS / "forms")
    engine.versions()  # connected before the clock starts
    ready.put(os.getpid())
    go.wait()
    scheduler = TimerScheduler(engine, recheck_seconds=1.0, heartbeat_seconds=10.0)
    scheduler.start()
    stop.wait()
    scheduler.shutdown()
    engine.database.dispose()


def prepare_backlog(url: str, timers: int) -> None:
    """TIMERS waiting cases whose timers are all due at the same instant."""
    engine = Engine(url, clock=ManualClock(START), forms_dir=MODELS / "forms")
    with engine.database.begin() as conn:
        conn.execute(sa.text("TRUNCATE events, human_tasks, timers, process_instances CASCADE"))
    engine.deploy([MODELS / "short_timer.bpmn"])
    for n in range(timers):
        engine.start("short_timer", {"wait_for": "PT1H"}, f"bench-{n}")
    engine.database.dispose()


def waiting(database: sa.Engine) -> int:
    with database.connect() as conn:
        query = sa.text("SELECT count(*) FROM timers WHERE status = 'waiting'")
        return conn.execute(query).one()[0]


def drain(url: str, processes: int, timers: int) -> float:
    """Seconds until ``processes`` schedulers have fired every timer of the backlog."""
    prepare_backlog(url, timers)
    context = multiprocessing.get_context("spawn")
    ready, go, stop = context.Queue(), context.Event(), context.Event()
    children = [
        context.Process(target=scheduler_process, args=(url, ready, go, stop))
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    for _ in children:
        ready.get(timeout=120)
    database = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    began = time.perf_counter()
    go.set()
    while waiting(database):
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    stop.set()
    for child in children:
        child.join(timeout=60)
    with database.connect() as conn:
        fired = conn.execute(
            sa.text("SELECT count(*) FROM events WHERE kind = 'timer_fired'")
        ).one()[0]
    database.dispose()
    if fired != timers:
        raise SystemExit(f"{fired} timers fired, expected {timers}: each must fire once")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--timers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--postgres",
        default=f"postgresql://postgres@127.0.0.1:5432/terugkeer_bench_scheduler_{os.getpid()}",
    )
    args = parser.parse_args()
    url = postgres_database(args.postgres)
    if url is None:
        return
    seconds: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.rounds):
        for processes in (1, 2):
            seconds[processes].append(drain(url, processes, args.timers))
    rates = {n: args.timers / statistics.median(s) for n, s in seconds.items()}
    print(f"Scheduler drain on PostgreSQL: {args.timers} timers due at one instant")
    print(f"(medians of {args.rounds} rounds; {os.cpu_count()} CPUs)")
    for processes, rate in rates.items():
        runs = ", ".join(f"{s:.2f}" for s in seconds[processes])
        print(f"  {processes} scheduler process(es): {rate:6.0f} timers/s  (runs: {runs} s)")
    ratio = rates[2] / rates[1]
    verdict = "meets" if ratio >= 1.6 else "misses"
    print(f"  two / one: {ratio:.2f}x ({verdict} the 1.6x target)")
    target = sa.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
