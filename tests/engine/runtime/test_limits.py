"""No command runs forever: endless loops, huge allocations, self-calling processes and long
chains stop as an incident on their own case, and a command waiting on a lock gives up."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from engine import BusyError, CommandLimits, Engine, ScriptLimits
from engine.db.connect import open_database, read_transaction, write_transaction
from engine.store import events
from tests.engine.conftest import MODELS
from tests.engine.unchecked import process_xml, store_unchecked

BOUND_SECONDS = 10  # far above the budgets below; a command that hangs never gets here

ENDLESS_LOOP = "while True: pass"
HUGE_ALLOCATION = 'text = "x" * 10**10'


def script_xml(process_id: str, script: str) -> str:
    task = f'<bpmn:scriptTask id="x"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
    return process_xml(process_id, task)


def self_calling_xml() -> str:
    """A process whose call activity calls the process itself, without any wait."""
    return process_xml("self_call", '<bpmn:callActivity id="x" calledElement="self_call" />')


def chain_xml(length: int) -> str:
    steps = "".join(
        f'<bpmn:scriptTask id="s{i}"><bpmn:script>reached = {i}</bpmn:script></bpmn:scriptTask>'
        f'<bpmn:sequenceFlow id="c{i}" sourceRef="s{i}" targetRef="s{i + 1}" />'
        for i in range(length - 1)
    )
    last = length - 1
    steps += f'<bpmn:scriptTask id="s{last}"><bpmn:script>reached = {last}</bpmn:script>'
    return process_xml("chain", steps + "</bpmn:scriptTask>", first="s0", last=f"s{last}")


def _start_timed(engine: Engine, process_id: str, key: str):  # type: ignore[no-untyped-def]
    began = time.monotonic()
    info = engine.start(process_id, {}, key)
    return info, time.monotonic() - began


@pytest.mark.parametrize(
    ("script", "code", "budget"),
    [
        (ENDLESS_LOOP, "script_budget_exceeded", "iterations"),
        (HUGE_ALLOCATION, "script_budget_exceeded", "size"),
    ],
    ids=["endless_loop", "huge_allocation"],
)
def test_a_script_over_its_budget_stops_as_an_incident(
    make_engine, script: str, code: str, budget: str
) -> None:
    # A long time budget, so that the loop budget is what stops the loop on a slow day too.
    limits = CommandLimits(scripts=ScriptLimits(seconds=120))
    engine: Engine = make_engine(forms_dir=MODELS / "forms", limits=limits)
    engine.deploy([MODELS / "incident.bpmn"])
    bystander = engine.start("incident_case", {}, "bystander")
    store_unchecked(engine, "bad", script_xml("bad", script))

    failed, took = _start_timed(engine, "bad", "bad-1")

    assert took < BOUND_SECONDS
    assert (failed.status, failed.error_element, failed.error_code) == ("error", "x", code)
    assert failed.error_params["budget"] == budget
    assert engine.instance(bystander.id).status == "running"
    # The lock was released: the bystander and the failed case both take new commands.
    engine.complete(engine.tasks(business_key="bystander")[0].id, {"divisor": 5}, "mmd")
    assert engine.retry(failed.id, user="beheerder").error_code == code


def test_the_time_budget_stops_a_command_that_spends_it_in_small_pieces(make_engine) -> None:
    limits = CommandLimits(scripts=ScriptLimits(seconds=0.5, iterations=10**9))
    engine: Engine = make_engine(limits=limits)
    store_unchecked(engine, "bad", script_xml("bad", ENDLESS_LOOP))

    failed, took = _start_timed(engine, "bad", "slow-1")

    assert took < BOUND_SECONDS
    assert (failed.error_code, failed.error_params) == ("time_limit_exceeded", {"seconds": 0.5})


def test_a_self_calling_call_activity_stops_at_the_step_limit(make_engine) -> None:
    engine: Engine = make_engine(limits=CommandLimits(engine_steps=60))
    store_unchecked(engine, "self_call", self_calling_xml())

    failed, took = _start_timed(engine, "self_call", "self-1")

    assert took < BOUND_SECONDS
    assert (failed.status, failed.error_code, failed.error_params) == (
        "error",
        "step_limit_exceeded",
        {"limit": 60},
    )
    assert failed.error_element is not None


def test_a_self_calling_call_activity_stops_under_the_default_limits(make_engine) -> None:
    engine: Engine = make_engine()
    store_unchecked(engine, "self_call", self_calling_xml())

    failed, took = _start_timed(engine, "self_call", "self-2")

    assert took < BOUND_SECONDS
    assert failed.status == "error"
    assert failed.error_code in ("step_limit_exceeded", "time_limit_exceeded")


def test_a_long_chain_stops_at_the_step_limit_and_retry_continues_it(make_engine) -> None:
    engine: Engine = make_engine(limits=CommandLimits(engine_steps=12))
    store_unchecked(engine, "chain", chain_xml(16))

    stopped = engine.start("chain", {}, "chain-1")

    assert (stopped.status, stopped.error_code) == ("error", "step_limit_exceeded")
    reached = stopped.data["reached"]
    assert stopped.error_element == f"s{reached + 1}"  # the step that would have run next
    resumed = engine.retry(stopped.id, user="beheerder")
    assert (resumed.status, resumed.data["reached"]) == ("completed", 15)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_command_waiting_for_a_lock_gives_up_on_postgresql(
    make_engine, database_url: str
) -> None:
    engine: Engine = make_engine(
        forms_dir=MODELS / "forms", limits=CommandLimits(lock_timeout_ms=300)
    )
    engine.deploy([MODELS / "incident.bpmn"])
    case = engine.start("incident_case", {}, "locked")
    task = engine.tasks(business_key="locked")[0]
    holder = open_database(database_url)
    try:
        with holder.begin() as conn:  # another writer holds the case
            conn.execute(
                sa.text("SELECT id FROM process_instances WHERE id = :id FOR UPDATE"),
                {"id": case.id},
            )
            began = time.monotonic()
            with pytest.raises(BusyError) as busy:
                engine.complete(task.id, {"divisor": 2}, "mmd")
            assert time.monotonic() - began < BOUND_SECONDS
    finally:
        holder.dispose()
    assert busy.value.code == "busy"
    with write_transaction(engine.database) as conn:  # SET LOCAL: for command transactions only
        settings = conn.execute(sa.text("SHOW lock_timeout")).scalar()
        statement = conn.execute(sa.text("SHOW statement_timeout")).scalar()
    with read_transaction(engine.database) as conn:
        unlimited = conn.execute(sa.text("SHOW lock_timeout")).scalar()
    assert (settings, statement, unlimited) == ("300ms", "30s", "0")
    assert engine.tasks(business_key="locked")[0].id == task.id  # nothing changed
    assert engine.complete(task.id, {"divisor": 2}, "mmd").data["ratio"] == 5


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_command_transaction_sends_its_limits_with_its_begin_on_postgresql(
    make_engine,
) -> None:
    """The driver runs write connections in autocommit mode and the BEGIN goes out with the
    limits: the statements must still share one transaction that commits or rolls back whole."""
    engine: Engine = make_engine(limits=CommandLimits(lock_timeout_ms=700))
    with write_transaction(engine.database) as conn:
        first = conn.execute(sa.text("SELECT pg_current_xact_id()::text")).scalar()
        second = conn.execute(sa.text("SELECT pg_current_xact_id()::text")).scalar()
        limit = conn.execute(sa.text("SHOW lock_timeout")).scalar()
        isolation = conn.execute(sa.text("SHOW transaction_isolation")).scalar()
    assert (first == second, limit, isolation) == (True, "700ms", "read committed")
    probe = events.row("probe", actor="test", at=datetime.now(UTC))
    with pytest.raises(RuntimeError), write_transaction(engine.database) as conn:
        events.append(conn, [probe])
        raise RuntimeError("the command fails after writing")
    with write_transaction(engine.database) as conn:
        events.append(conn, [probe])
    with read_transaction(engine.database) as conn:
        kinds = conn.execute(sa.text("SELECT kind FROM events WHERE kind = 'probe'")).all()
        unlimited = conn.execute(sa.text("SHOW lock_timeout")).scalar()
    assert (len(kinds), unlimited) == (1, "0")
