"""A national dataset for the load test (bench/load.py) on PostgreSQL.

    python -m bench.national_data DATABASE_URL --cases 150000 --open 30000

- **Historic cases** (``cases - open``): finished cases over five years with their dashboard
  facts and cubes, bulk-filled by bench/dashboard_data.py (COPY), then marked finished with the
  state of a short stay replayed to its end through the engine, so that their case pages open.
- **Open cases** (``open``): real engine instances. A few hundred *templates* are started through
  the app's engine (with the cases projector) at different stages: 0 to 14 of their tasks
  completed with generated form data, entry dates over the last five months; their due timers are
  fired and the dashboard's feed projects them. The rest are **clones** made in SQL: each copies a
  template's instance state, case data, human tasks, timers, audit events, cases projection and
  dashboard facts under a new instance id, case number (``NZ-LOAD-<n>``) and synthetic BSN
  (elfproef), with every UUID in them (SpiffWorkflow's task ids, which are also the human task and
  timer ids) given a prefix of its own, so a clone is a workable instance: its task completes
  through the engine and its timers fire (tests/bench/test_load.py).

What clones do not get: a share in the dashboard's cube sums (their facts are copied, their
counts not added), so the dashboard's open-task figures count templates and historic cases only.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.dashboard_data import MUNICIPALITIES, PRISONS, PROBATION, UWV, Filler, weights
from bench.scenarios import NAZORG
from config import Config
from engine import Engine, EngineError, ManualClock
from engine.bsn import generate_bsn
from engine.clock import AMSTERDAM
from engine.db.migrate import upgrade
from web import create_app, demo
from web.accounts import ensure_organisation
from web.cases import fields
from web.cli.common import model_files
from web.dashboard.feed import set_position
from web.engine_access import build_engine, current_engine, dashboard_feed
from web.extensions import db

ROOT = Path(__file__).resolve().parents[1]
PROCESS = fields.MAIN_PROCESS
KEY_PREFIX = "NZ-LOAD-"
UUID = "[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
NAMES = ("Jan", "Mohamed", "Kevin", "Dennis", "Sandra", "Ricardo", "Priya", "Tom", "Ilse")
SURNAMES = ("Jansen", "Bakker", "El Idrissi", "de Groot", "Pinas", "Kaya", "Vermeulen", "Dijk")


@dataclass
class Built:
    historic: int
    templates: int
    clones: int
    seconds: dict[str, float]


def bench_config(url: str, **overrides: Any) -> Config:
    return Config(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-national-data",
            "TERUGKEER_INSTANCE_DIR": "/tmp",
        },
        TERUGKEER_RUN_SCHEDULER=False,
        **overrides,
    )


def build(
    url: str,
    cases: int,
    open_cases: int,
    *,
    templates: int = 300,
    seed: int = 15,
    log: Callable[[str], None] = print,
) -> Built:
    """Fill the empty PostgreSQL database ``url`` (migrated here) with ``cases`` cases of which
    ``open_cases`` open."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    upgrade(url)
    app = create_app(bench_config(url))
    with app.app_context():
        engine = current_engine()
        engine.deploy(model_files([ROOT / "processes"]), user="bench")
        ensure_organisations()
        db.session.commit()
        seconds["schema, models, organisations"] = time.perf_counter() - started
        historic = max(cases - open_cases, 0)
        mark = time.perf_counter()
        fill_historic(engine.database, historic)
        if historic:
            finish_historic(url)
        seconds[f"historic ({historic} cases, COPY)"] = time.perf_counter() - mark
        mark = time.perf_counter()
        count = min(templates, open_cases)
        made = start_templates(engine, count, random.Random(seed), log)
        seconds[f"templates ({count} through the engine)"] = time.perf_counter() - mark
        mark = time.perf_counter()
        while engine.fire_due_timers(limit=500):
            pass
        dashboard_feed(engine).catch_up()
        seconds["templates: due timers and dashboard feed"] = time.perf_counter() - mark
        mark = time.perf_counter()
        clones = clone(engine.database, made, open_cases - count, random.Random(seed + 1))
        seconds[f"clones ({clones}, SQL)"] = time.perf_counter() - mark
        mark = time.perf_counter()
        # As autovacuum leaves a database in use: statistics, and a visibility map that lets the
        # inbox count an organisation's open tasks from its covering index alone (migration
        # 0530; without it 47 instead of 8 ms for 19,000 open tasks).
        with engine.database.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        seconds["VACUUM ANALYZE"] = time.perf_counter() - mark
        engine.database.dispose()
        db.engine.dispose()
    for step, took in seconds.items():
        log(f"  {step}: {took:.1f} s")
    return Built(historic, count, clones, seconds)


def ensure_organisations() -> None:
    """The organisations of the historic cases and the templates, the demo's (whose codes the
    demo's form data uses for probation and UWV) and the replayed short stay's."""
    for code, name, kind in (*demo.ORGANISATIONS, ("UWV-RDM", "UWV Rotterdam", "uwv")):
        ensure_organisation(code, name, kind)
    for codes, kind, label in (
        (PRISONS, "prison", "PI"),
        (MUNICIPALITIES, "municipality", "Gemeente"),
        (PROBATION, "probation", "Reclassering"),
        (UWV, "uwv", "UWV"),
    ):
        for code in codes:
            ensure_organisation(code, f"{label} {code}", kind)


def fill_historic(database: sa.Engine, count: int) -> None:
    """Finished cases with their dashboard facts (bench/dashboard_data.py), before any other
    instance: they take the ids from 1."""
    if count == 0:
        return
    with database.begin() as conn:
        Filler(count).fill(conn)
        conn.exec_driver_sql(
            "UPDATE process_instances SET status = 'completed', ended_at = updated_at"
        )
        conn.exec_driver_sql("UPDATE cases SET status = 'completed'")
        conn.exec_driver_sql(
            "SELECT setval('process_instances_id_seq', (SELECT max(id) FROM process_instances))"
        )


def finish_historic(url: str) -> None:
    """Give the historic cases the state of a finished case: one short stay replayed through the
    engine (bench/scenarios.py) on a clock of its own, its compact state copied to them, so their
    case pages open (without a timeline: they have no audit events)."""
    clock = ManualClock(NAZORG.start)
    engine = build_engine(url, {**bench_config(url).as_dict(), "TERUGKEER_CLOCK": clock})
    key = f"{KEY_PREFIX}FINISHED"
    engine.start(NAZORG.process_id, dict(NAZORG.data), key, user="bench")
    for step in NAZORG.steps:
        if step.kind == "complete":
            (task,) = engine.tasks(business_key=key, bpmn_id=step.target)
            engine.complete(task.id, step.data, "bench")
        elif step.kind == "time" and step.at is not None:
            clock.set(step.at)
            engine.fire_due_timers()
        else:
            engine.send_message(step.target, key, step.data)
    with engine.database.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE process_instances SET state = f.state, version_id = f.version_id,"
                " serializer_version = f.serializer_version"
                " FROM process_instances f WHERE f.business_key = :key"
                " AND f.status = 'completed' AND process_instances.business_key LIKE 'NZ-BENCH-%'"
            ),
            {"key": key},
        )
    engine.database.dispose()


def start_templates(
    engine: Engine, count: int, rng: random.Random, log: Callable[[str], None]
) -> list[int]:
    """``count`` cases through the engine, each walked 0 to 14 tasks; their instance ids."""
    today = engine.clock.now().astimezone(AMSTERDAM).date()
    made = []
    for number in range(1, count + 1):
        data = person(rng, today)
        try:
            instance = engine.start(PROCESS, data, f"{KEY_PREFIX}{number:07d}", user="bench")
            demo.walk(
                engine, instance.id, rng.randint(0, 14), rng, data, pick=rng.choice, user="bench"
            )
        except EngineError as exc:
            log(f"template {number}: {exc}")
            continue
        made.append(instance.id)
        if number % 50 == 0:
            log(f"  {number} templates")
    return made


def person(rng: random.Random, today: date) -> dict[str, Any]:
    entry = today - timedelta(days=rng.randint(0, 150))
    stay = rng.choice((10, 30, 60, 90, 150, 300))
    born = entry - timedelta(days=rng.randint(19 * 365, 55 * 365))
    return {
        fields.NAME: f"{rng.choice(NAMES)} {rng.choice(SURNAMES)}",
        fields.BIRTH_DATE: born.isoformat(),
        fields.BSN: generate_bsn(rng),
        fields.PRISON: rng.choices(PRISONS, weights(len(PRISONS)))[0],
        fields.ENTRY_DATE: entry.isoformat(),
        fields.EXPECTED_RELEASE_DATE: (entry + timedelta(days=stay)).isoformat(),
        fields.MUNICIPALITY: rng.choices(MUNICIPALITIES, weights(len(MUNICIPALITIES)))[0],
        fields.PROBATION_OFFICE: rng.choice(PROBATION) if stay > 120 else None,
        fields.HAS_MINOR_CHILDREN: rng.random() < 0.3,
    }


def clone(database: sa.Engine, templates: list[int], count: int, rng: random.Random) -> int:
    """``count`` copies of the open ``templates`` (round robin), in SQL; how many."""
    if count <= 0 or not templates:
        return 0
    with database.begin() as conn:
        known = {
            row.id: (row.business_key, (row.case_data or {}).get(fields.BSN) or "")
            for row in conn.execute(
                sa.text(
                    "SELECT id, business_key, case_data FROM process_instances"
                    " WHERE id = ANY(:ids) AND status = 'running'"
                ),
                {"ids": templates},
            )
        }
        live = [t for t in templates if t in known]
        first = conn.execute(sa.text("SELECT max(id) FROM process_instances")).scalar() or 0
        numbers = conn.execute(sa.text("SELECT count(*) FROM process_instances")).scalar() or 0
        conn.exec_driver_sql(
            "CREATE TEMP TABLE clone_map (template int, new_id int, old_key text, new_key text,"
            " prefix text, old_bsn text, new_bsn text) ON COMMIT DROP"
        )
        rows = []
        for n in range(1, count + 1):
            template = live[n % len(live)]
            old_key, old_bsn = known[template]
            new_key = f"{KEY_PREFIX}{numbers + n:07d}"
            rows.append(
                (template, first + n, old_key, new_key, f"{n:08x}", old_bsn, generate_bsn(rng))
            )
        cursor = conn.connection.dbapi_connection.cursor()
        with cursor.copy("COPY clone_map FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        for statement in CLONE_STATEMENTS:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(
            "SELECT setval('process_instances_id_seq', (SELECT max(id) FROM process_instances))"
        )
        set_position(conn, conn.execute(sa.text("SELECT max(id) FROM events")).scalar() or 0)
    return count


def _renamed(column: str) -> str:
    """``column`` (text) with the clone's UUID prefix, case number and BSN."""
    return (
        f"replace(replace(regexp_replace({column}, '{UUID}', m.prefix || '\\1', 'g'),"
        " '\"' || m.old_key || '\"', '\"' || m.new_key || '\"'),"
        " '\"' || m.old_bsn || '\"', '\"' || m.new_bsn || '\"')"
    )


def _new_uuid(column: str) -> str:
    return f"m.prefix || substr({column}, 9)"


CLONE_STATEMENTS = (
    f"""INSERT INTO process_instances (id, version_id, process_id, business_key, status, revision,
        state, serializer_version, error_message, error_element, started_at, updated_at, ended_at,
        case_data, error_code, error_params)
    SELECT m.new_id, p.version_id, p.process_id, m.new_key, p.status, p.revision,
        {_renamed("p.state")}, p.serializer_version, p.error_message, p.error_element,
        p.started_at, p.updated_at, p.ended_at, ({_renamed("p.case_data::text")})::json,
        p.error_code, p.error_params
    FROM clone_map m JOIN process_instances p ON p.id = m.template""",
    f"""INSERT INTO human_tasks (id, instance_id, version_id, business_key, bpmn_id, name,
        process_id, lane, party, organisation, role, form, status, created_at, due_at, claimed_by,
        claimed_at, completed_by, completed_at)
    SELECT ({_new_uuid("t.id::text")})::uuid, m.new_id, t.version_id, m.new_key, t.bpmn_id, t.name,
        t.process_id, t.lane, t.party, t.organisation, t.role, t.form, t.status, t.created_at,
        t.due_at, t.claimed_by, t.claimed_at, t.completed_by, t.completed_at
    FROM clone_map m JOIN human_tasks t ON t.instance_id = m.template""",
    f"""INSERT INTO timers (id, instance_id, bpmn_id, due_at, status, fired_at, attempts,
        next_attempt_at, last_error)
    SELECT {_new_uuid("t.id")}, m.new_id, t.bpmn_id, t.due_at, t.status, t.fired_at, t.attempts,
        t.next_attempt_at, t.last_error
    FROM clone_map m JOIN timers t ON t.instance_id = m.template""",
    f"""INSERT INTO events (instance_id, version_id, at, actor, kind, task_id, bpmn_id, detail)
    SELECT m.new_id, e.version_id, e.at, e.actor, e.kind,
        CASE WHEN e.task_id IS NULL THEN NULL ELSE {_new_uuid("e.task_id")} END, e.bpmn_id,
        ({_renamed("e.detail::text")})::json
    FROM clone_map m JOIN events e ON e.instance_id = m.template ORDER BY m.new_id, e.id""",
    """INSERT INTO cases (instance_id, business_key, process_id, person_name, birth_date,
        prison_code, municipality_code, probation_office_code, uwv_office_code, stay_class,
        entry_date, expected_release_date, release_date, status, care_consent, debts_consent,
        started_at, updated_at)
    SELECT m.new_id, m.new_key, c.process_id, c.person_name, c.birth_date, c.prison_code,
        c.municipality_code, c.probation_office_code, c.uwv_office_code, c.stay_class,
        c.entry_date, c.expected_release_date, c.release_date, c.status, c.care_consent,
        c.debts_consent, c.started_at, c.updated_at
    FROM clone_map m JOIN cases c ON c.instance_id = m.template""",
    """INSERT INTO case_organisations (instance_id, organisation, updated_at)
    SELECT m.new_id, o.organisation, o.updated_at FROM clone_map m
    JOIN case_organisations o ON o.instance_id = m.template""",
    """INSERT INTO provision_statuses (instance_id, moment, provision, status, release_date)
    SELECT m.new_id, s.moment, s.provision, s.status, s.release_date FROM clone_map m
    JOIN provision_statuses s ON s.instance_id = m.template""",
    f"""INSERT INTO dash_task_facts (task_id, instance_id, process_id, bpmn_id, party,
        organisation, prison, municipality, status, ready_at, claimed_at, completed_at,
        cancelled_at, due_at, overdue)
    SELECT ({_new_uuid("f.task_id::text")})::uuid, m.new_id, f.process_id, f.bpmn_id, f.party,
        f.organisation, f.prison, f.municipality, f.status, f.ready_at, f.claimed_at,
        f.completed_at, f.cancelled_at, f.due_at, f.overdue
    FROM clone_map m JOIN dash_task_facts f ON f.instance_id = m.template""",
    """INSERT INTO dash_deadline_facts (instance_id, kind, due_on, month, prison, municipality,
        status, required, done, decided_at)
    SELECT m.new_id, f.kind, f.due_on, f.month, f.prison, f.municipality, f.status, f.required,
        f.done, f.decided_at
    FROM clone_map m JOIN dash_deadline_facts f ON f.instance_id = m.template""",
    """INSERT INTO dash_outcome_cases (instance_id, prison, municipality, stay_class, month,
        statuses)
    SELECT m.new_id, o.prison, o.municipality, o.stay_class, o.month, o.statuses
    FROM clone_map m JOIN dash_outcome_cases o ON o.instance_id = m.template""",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", help="an empty PostgreSQL database")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--open", type=int, default=200, dest="open_cases")
    parser.add_argument("--templates", type=int, default=300)
    args = parser.parse_args()
    built = build(args.database_url, args.cases, args.open_cases, templates=args.templates)
    print(
        f"{built.historic} historic cases, {built.templates} templates, {built.clones} clones "
        f"in {sum(built.seconds.values()):.0f} s"
    )


if __name__ == "__main__":
    main()
