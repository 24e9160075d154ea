"""Engine benchmark: persistence overhead as ratios measured within one run.

    python bench/engine.py [--cases 100] [--postgres URL]

Two cases, each run the same way in memory on raw SpiffWorkflow (same specs, same sandboxed
script engine, no database) and through the Engine facade with persistence, on SQLite and on
PostgreSQL:

- sample: tests/engine/models/sample.bpmn (two lanes, a call activity, a DMN decision, a message,
  a timer boundary event), four user tasks;
- nazorg: the shipped Samenwerkingsmodel Nazorg (processes/), a short stay from the entry
  notification to the measurement six months after release: 29 user tasks in five call
  activities, two timer moves.

Each database also runs the **app's wiring** (web/engine_access.build_engine: the cases projection
inside every command, the dashboard projected outside them by its feed, which runs after each
case and is timed apart), and every variant counts the SQL statements per command. Also one
complete() at the start of a case against one at its end. Variants are interleaved so that
machine noise hits them alike; medians are reported. The engine alone is also compared with raw
in CPU time of this process, and the app's wiring with the engine alone (the database server's
CPU not included): on a shared machine it moves less than the elapsed time. Targets (issue 14):
the app's wiring at most 1.3x the engine alone, the engine at most 2.0x raw on PostgreSQL
(nazorg), at most 10 statements per complete().
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scenarios import NAZORG, SAMPLE, Scenario  # noqa: E402
from engine import Engine, ManualClock, WorkingDayCalendar  # noqa: E402
from engine.clock import active_clock  # noqa: E402
from engine.db.connect import read_transaction, write_transaction  # noqa: E402
from engine.db.migrate import upgrade  # noqa: E402
from engine.scripting import RestrictedScriptEngine  # noqa: E402
from engine.store import events, human_tasks, instances  # noqa: E402

ORGANISATIONS = [
    ("PI-ZWL", "PI Zwolle", "prison"),
    ("GM0363", "Amsterdam", "municipality"),
    ("UWV-RDM", "UWV Rotterdam", "uwv"),
]


class RawCase:
    """The scenario on SpiffWorkflow alone, in memory."""

    def __init__(self, scenario: Scenario) -> None:
        parser = SpiffBpmnParser()
        parser.add_bpmn_files([str(p) for p in scenario.files if p.suffix == ".bpmn"])
        parser.add_dmn_files([str(p) for p in scenario.files if p.suffix == ".dmn"])
        self.scenario = scenario
        self.spec = parser.get_spec(scenario.process_id)
        self.subprocess_specs = parser.get_subprocess_specs(scenario.process_id)

    def __call__(self) -> None:
        clock = ManualClock(self.scenario.start)
        script_engine = RestrictedScriptEngine(WorkingDayCalendar(), clock)
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=script_engine)
        workflow.task_tree.data.update(self.scenario.data)
        with active_clock(clock):
            workflow.do_engine_steps()
            for step in self.scenario.steps:
                if step.kind == "complete":
                    task = next(
                        t
                        for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                        if t.task_spec.bpmn_id == step.target
                    )
                    task.data.update(step.data)
                    task.run()
                elif step.kind == "time":
                    clock.set(step.at)
                    workflow.refresh_timers()
                else:
                    send_raw_message(workflow, step.target, step.data)
                workflow.do_engine_steps()
        assert workflow.completed


def send_raw_message(workflow: BpmnWorkflow, name: str, payload: dict[str, Any]) -> None:
    from SpiffWorkflow.bpmn import BpmnEvent
    from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

    workflow.send_event(BpmnEvent(MessageEventDefinition(name), payload=payload))


class PersistedCase:
    """The scenario through the engine facade with persistence; with ``app``, through the Engine
    as the web app builds it (web/engine_access.build_engine: the cases projection in every
    command, the dashboard projected outside them by its feed, run here after each case)."""

    def __init__(self, scenario: Scenario, url: str, *, app: bool = False) -> None:
        self.scenario = scenario
        self.clock = ManualClock(scenario.start)
        self.feed = None
        if app:
            from web.engine_access import build_engine, dashboard_feed
            from web.simulation.queries import register_missing_organisations

            settings = {"TERUGKEER_CLOCK": self.clock, "TERUGKEER_FORMS_DIR": str(scenario.forms)}
            self.engine = build_engine(url, settings)
            register_missing_organisations(self.engine.database, ORGANISATIONS)
            self.feed = dashboard_feed(self.engine)
        else:
            self.engine = Engine(url, clock=self.clock, forms_dir=scenario.forms)
        self.engine.deploy(scenario.files)
        self.count = 0
        self.first_complete: list[float] = []
        self.last_complete: list[float] = []
        self.feed_seconds: list[float] = []
        self.statements: dict[str, list[int]] = {}
        self._counted: list[str] | None = None
        sa.event.listen(self.engine.database, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if self._counted is not None:
            self._counted.append(statement)

    def counting(self, kind: str, command: Callable[[], object]) -> None:
        """Run ``command``, recording how many SQL statements it issued."""
        self._counted = []
        try:
            command()
        finally:
            self.statements.setdefault(kind, []).append(len(self._counted))
            self._counted = None

    def __call__(self) -> None:
        self.count += 1
        key = f"bench-{self.count}"
        self.clock.set(self.scenario.start)
        data = dict(self.scenario.data)
        self.counting("start", lambda: self.engine.start(self.scenario.process_id, data, key))
        completes = [i for i, s in enumerate(self.scenario.steps) if s.kind == "complete"]
        for index, step in enumerate(self.scenario.steps):
            if step.kind == "complete":
                (task,) = self.engine.tasks(business_key=key, bpmn_id=step.target)
                began = time.perf_counter()
                self.counting(
                    "complete", lambda t=task, d=step.data: self.engine.complete(t.id, d, "bench")
                )
                took = time.perf_counter() - began
                if index == completes[0]:
                    self.first_complete.append(took)
                elif index == completes[-1]:
                    self.last_complete.append(took)
            elif step.kind == "time":
                self.clock.set(step.at)
                self.counting("timer", self.engine.fire_due_timers)
            else:
                self.counting(
                    "message",
                    lambda s=step: self.engine.send_message(s.target, key, s.data),
                )
        assert self.engine.instance_by_key(key).status == "completed"

    def catch_up(self) -> None:
        """The app's dashboard feed takes in the case's events (off the commands' path: timed
        apart)."""
        if self.feed is not None:
            began = time.perf_counter()
            self.feed.catch_up()
            self.feed_seconds.append(time.perf_counter() - began)


class StoreFloor:
    """What principle 1 costs by itself, with no workflow work: per command one transaction that
    locks the instance, writes its state (the size of this case's) and one audit event, and
    commits; per lookup one query. Any engine persisting every command pays at least this."""

    def __init__(self, case: PersistedCase) -> None:
        self.database = case.engine.database
        self.info = case.engine.instance_by_key(f"bench-{case.count}")
        with read_transaction(self.database) as conn:
            head = instances.head_with_state(conn, self.info.id)
        self.state, self.revision = head.state, head.revision
        steps = case.scenario.steps
        self.commands = 1 + len(steps)  # start, then one per task, message or timer
        self.lookups = 1 + sum(1 for s in steps if s.kind != "message")

    def __call__(self) -> None:
        for _ in range(self.commands):
            with write_transaction(self.database) as conn:
                instances.lock(conn, self.info.id)
                self.revision = instances.save(
                    conn,
                    instance_id=self.info.id,
                    expected_revision=self.revision,
                    state=self.state,
                    status="running",
                    now=self.info.updated_at,
                    ended_at=None,
                    error_message=None,
                    error_element=None,
                    case_data=self.info.data,
                    version_id=self.info.version_id,
                )
                events.append(conn, [events.row("bench", actor="bench", at=self.info.updated_at)])
        for _ in range(self.lookups):
            with read_transaction(self.database) as conn:
                human_tasks.search(conn, business_key=self.info.business_key, limit=1)


def timed(function: Callable[[], None]) -> tuple[float, float]:
    """Elapsed and CPU seconds (this process's) of ``function``."""
    began, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - began, time.process_time() - cpu


def postgres_database(url: str) -> str | None:
    """A fresh, migrated benchmark database, or None when PostgreSQL does not answer."""
    target = sa.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL skipped: {exc.orig}")
        return None
    finally:
        admin.dispose()
    upgrade(url)
    return url


def run(scenario: Scenario, urls: dict[str, str], cases: int) -> None:
    variants: dict[str, Callable[[], None]] = {"raw": RawCase(scenario)}
    persisted = {
        name: PersistedCase(scenario, url, app=name.endswith(" app")) for name, url in urls.items()
    }
    variants.update(persisted)
    for _ in range(5):  # warm-up: imports, caches, connection pools
        for name, variant in variants.items():
            variant()
            if name in persisted:
                persisted[name].catch_up()
    for case in persisted.values():
        case.first_complete.clear()
        case.last_complete.clear()
        case.feed_seconds.clear()
    variants.update({f"{name} floor": StoreFloor(case) for name, case in persisted.items()})
    samples: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(cases):
        for name, variant in variants.items():
            elapsed, used = timed(variant)
            samples[name].append(elapsed)
            cpu[name].append(used)
            if name in persisted:
                persisted[name].catch_up()

    raw = statistics.median(samples["raw"])
    steps = sum(1 for s in scenario.steps if s.kind == "complete")
    print(f"{scenario.name}: {steps} user tasks, {cases} runs per variant, medians")
    print(f"  raw SpiffWorkflow in memory   {raw * 1000:8.2f} ms per case")
    for name, case in persisted.items():
        whole = statistics.median(samples[name])
        first = statistics.median(case.first_complete)
        last = statistics.median(case.last_complete)
        label = f"app on {name.removesuffix(' app')}" if case.feed else f"engine on {name}"
        print(f"  {label:<28}  {whole * 1000:8.2f} ms per case  = {whole / raw:5.2f}x raw")
        if case.feed is not None:
            alone = statistics.median(samples[name.removesuffix(" app")])
            feed = statistics.median(case.feed_seconds)
            print(
                f"    = {whole / alone:4.2f}x the engine alone (target <= 1.3); dashboard feed"
                f" after the case {feed * 1000:6.2f} ms (off the commands' path)"
            )
            own = statistics.median(cpu[name])
            own_alone = statistics.median(cpu[name.removesuffix(" app")])
            print(
                f"    CPU of this process {own * 1000:8.2f} ms per case"
                f" = {own / own_alone:4.2f}x the engine alone's"
            )
        else:
            own = statistics.median(cpu[name])
            print(
                f"    CPU of this process {own * 1000:8.2f} ms per case"
                f" = {own / statistics.median(cpu['raw']):4.2f}x raw's"
            )
        print(
            f"    complete() first {first * 1000:6.2f} ms, last {last * 1000:6.2f} ms"
            f"  = {last / first:5.2f}x"
        )
        print("    SQL statements per command (max / mean): " + statement_counts(case))
        floor = statistics.median(samples[f"{name} floor"])
        print(
            f"    store floor {floor * 1000:8.2f} ms per case = {floor / raw:5.2f}x raw: at least"
            f" {1 + floor / raw:4.2f}x for any engine that persists every command this way"
        )


def statement_counts(case: PersistedCase) -> str:
    return ", ".join(
        f"{kind} {max(found)} / {statistics.mean(found):.1f}"
        for kind, found in sorted(case.statements.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument(
        "--postgres", default="postgresql://postgres@127.0.0.1:5432/terugkeer_bench"
    )
    parser.add_argument("--only", choices=["sample", "nazorg"])
    args = parser.parse_args()

    for scenario in (SAMPLE, NAZORG):
        if args.only and not scenario.name.startswith(args.only):
            continue
        workdir = Path(tempfile.mkdtemp(prefix="terugkeer-bench-"))
        urls = {
            "sqlite": f"sqlite:///{workdir / 'bench.sqlite'}",
            "sqlite app": f"sqlite:///{workdir / 'bench-app.sqlite'}",
        }
        upgrade(urls["sqlite"])
        upgrade(urls["sqlite app"])
        if postgres_database(args.postgres):
            urls["postgresql"] = args.postgres
            app_url = args.postgres + "_app"
            if postgres_database(app_url):
                urls["postgresql app"] = app_url
        run(scenario, urls, args.cases)


if __name__ == "__main__":
    main()
