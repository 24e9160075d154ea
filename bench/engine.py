"""Engine benchmark: persistence overhead as ratios measured within one run.

    python bench/engine.py [--cases 200] [--postgres URL]

1. The sample case (tests/engine/models: two lanes, a call activity, a DMN decision, a message,
   a timer boundary event) run in memory on raw SpiffWorkflow, with the same script engine;
2. the same case through Engine with persistence, on SQLite and on PostgreSQL;
3. one complete() at the start of a case against one at its end.

Runs are interleaved so that machine noise hits all variants alike; medians are reported.
Targets (issue 2): persisted at most 3x raw; end-of-case complete at most 1.5x start-of-case.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import Engine, ManualClock, WorkingDayCalendar  # noqa: E402
from engine.clock import active_clock  # noqa: E402
from engine.db.migrate import upgrade  # noqa: E402
from engine.scripting import RestrictedScriptEngine  # noqa: E402

MODELS = ROOT / "tests" / "engine" / "models"
FILES = [MODELS / "sample.bpmn", MODELS / "stay_class.dmn"]
START = datetime(2026, 5, 4, 7, 0, tzinfo=UTC)
STEPS = [
    {"entry_date": "2026-05-04", "stay_days": 200},
    {"notified_on": "2026-05-05"},
    {"has_housing": True},
    "release_date_set",
    {"release_notice_sent": True},
]


def raw_case(spec, subprocess_specs, script_engine, clock) -> None:  # type: ignore[no-untyped-def]
    with active_clock(clock):
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
        workflow.task_tree.data.update({"prison_code": "PI-ZWL", "municipality_code": "GM0363"})
        workflow.do_engine_steps()
        for step in STEPS:
            if isinstance(step, str):
                workflow.send_event(
                    BpmnEvent(MessageEventDefinition(step), payload={"release_date": "2026-09-01"})
                )
            else:
                task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data.update(step)
                task.run()
            workflow.do_engine_steps()
        assert workflow.completed


class PersistedCase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.count = 0
        self.first_complete: list[float] = []
        self.last_complete: list[float] = []

    def __call__(self) -> None:
        self.count += 1
        key = f"bench-{self.count}"
        self.engine.start(
            "sample_case", {"prison_code": "PI-ZWL", "municipality_code": "GM0363"}, key
        )
        for index, step in enumerate(STEPS):
            if isinstance(step, str):
                self.engine.send_message(step, key, {"release_date": "2026-09-01"})
                continue
            task = self.engine.tasks(business_key=key, limit=1)[0]
            began = time.perf_counter()
            self.engine.complete(task.id, step, "bench")
            took = time.perf_counter() - began
            if index == 0:
                self.first_complete.append(took)
            elif index == len(STEPS) - 1:
                self.last_complete.append(took)


def timed(function: Callable[[], None]) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def fresh_postgres(url: str) -> str | None:
    try:
        upgrade(url)
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: {exc.orig}")
        return None
    database = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with database.begin() as conn:
        names = [n for n in sa.inspect(conn).get_table_names() if n != "alembic_version"]
        conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    database.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/terugkeer_bench"
    )
    args = parser.parse_args()

    clock = ManualClock(START)
    calendar = WorkingDayCalendar()
    parser_ = SpiffBpmnParser()
    parser_.add_bpmn_files([str(FILES[0])])
    parser_.add_dmn_files([str(FILES[1])])
    spec = parser_.get_spec("sample_case")
    subprocess_specs = parser_.get_subprocess_specs("sample_case")
    script_engine = RestrictedScriptEngine(calendar, clock)

    variants: dict[str, Callable[[], None]] = {
        "raw": lambda: raw_case(spec, subprocess_specs, script_engine, clock)
    }
    persisted: dict[str, PersistedCase] = {}
    workdir = Path(tempfile.mkdtemp(prefix="terugkeer-bench-"))
    urls = {"sqlite": f"sqlite:///{workdir / 'bench.sqlite'}"}
    upgrade(urls["sqlite"])
    ensured = _ensure_database(args.postgres)
    if ensured and fresh_postgres(args.postgres):
        urls["postgresql"] = args.postgres
    for name, url in urls.items():
        engine = Engine(url, clock=clock, calendar=calendar, forms_dir=MODELS / "forms")
        engine.deploy(FILES)
        persisted[name] = PersistedCase(engine)
        variants[name] = persisted[name]

    for _ in range(10):  # warm-up: imports, caches, connection pools
        for run in variants.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for case in persisted.values():
        case.first_complete.clear()
        case.last_complete.clear()
    for _ in range(args.cases):
        for name, run in variants.items():
            samples[name].append(timed(run))

    raw = statistics.median(samples["raw"])
    print(f"sample case, {args.cases} runs each, medians")
    print(f"  raw SpiffWorkflow in memory   {raw * 1000:8.2f} ms per case")
    for name, case in persisted.items():
        whole = statistics.median(samples[name])
        first = statistics.median(case.first_complete)
        last = statistics.median(case.last_complete)
        print(
            f"  engine on {name:<10}          {whole * 1000:8.2f} ms per case"
            f"  = {whole / raw:5.2f}x raw (target <= 3)"
        )
        print(
            f"    complete() at start {first * 1000:6.2f} ms, at end {last * 1000:6.2f} ms"
            f"  = {last / first:5.2f}x (target <= 1.5)"
        )


def _ensure_database(url: str) -> bool:
    target = sa.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            ).first():
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        return True
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: {exc.orig}")
        return False
    finally:
        admin.dispose()


if __name__ == "__main__":
    main()
