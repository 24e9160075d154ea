"""The scheduler's next wake-up (engine/store/timers.py ``next_due``): the earliest due time of
the waiting timers, or retry time of those waiting for a retry, as one aggregate over every
waiting timer gave it, with and without a key prefix; on PostgreSQL read from two indexes that
each stop at their first entry. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from engine import Engine
from engine.db.connect import read_transaction, write_transaction
from engine.db.models import ProcessInstance, Timer
from engine.store import timers as timer_store

timers = Timer.__table__
instances = ProcessInstance.__table__
EARLIEST = sa.func.min(sa.func.coalesce(timers.c.next_attempt_at, timers.c.due_at))
# The statements before migration 0720: one aggregate over every waiting timer.
ALL_WAITING = sa.select(EARLIEST).where(timers.c.status == "waiting")
OF_KEYS = (
    sa.select(EARLIEST)
    .join_from(timers, instances, timers.c.instance_id == instances.c.id)
    .where(timers.c.status == "waiting", instances.c.business_key.like("NZ-A%"))
)


def _cases(engine: Engine) -> tuple[int, int]:
    first = engine.start("sample_case", {"prison_code": "PI-ZWL"}, "NZ-A-1")
    second = engine.start("sample_case", {"prison_code": "PI-ZWL"}, "NZ-B-1")
    return first.id, second.id


def _timers(engine: Engine, rows: list[tuple[int, str, datetime, datetime | None]]) -> None:
    """Only these timers: (case, status, due, next attempt)."""
    with write_transaction(engine.database) as conn:
        conn.execute(sa.delete(timers))
        if rows:
            conn.execute(
                sa.insert(timers),
                [
                    {
                        "id": f"timer-{number}",
                        "instance_id": case,
                        "bpmn_id": "wait",
                        "due_at": due,
                        "status": status,
                        "next_attempt_at": retry,
                        "attempts": 0 if retry is None else 1,
                    }
                    for number, (case, status, due, retry) in enumerate(rows)
                ],
            )


def test_the_next_due_time_is_the_one_the_aggregate_over_all_waiting_timers_gave(
    engine: Engine,
) -> None:
    a, b = _cases(engine)
    now = engine.clock.now()

    def at(hours: float) -> datetime:
        return now + timedelta(hours=hours)

    situations = [
        [],
        [(a, "waiting", at(5), None), (b, "waiting", at(3), None), (a, "waiting", at(4), None)],
        # a retry earlier than every due time; another one later
        [(a, "waiting", at(5), None), (b, "waiting", at(-2), at(1)), (a, "waiting", at(-3), at(9))],
        # an early due time waiting for a late retry is not the next wake-up
        [(a, "waiting", at(-4), at(6)), (b, "waiting", at(2), None)],
        # only retries
        [(a, "waiting", at(-4), at(6)), (b, "waiting", at(-5), at(7))],
        # fired and failed timers do not count
        [(a, "fired", at(-9), None), (b, "failed", at(-8), at(-7)), (a, "waiting", at(8), None)],
        [(b, "waiting", at(1), None), (a, "waiting", at(2), at(3))],
    ]
    for rows in situations:
        _timers(engine, rows)
        with read_transaction(engine.database) as conn:
            assert timer_store.next_due(conn) == conn.execute(ALL_WAITING).scalar(), rows
            assert timer_store.next_due(conn, "NZ-A") == conn.execute(OF_KEYS).scalar(), rows
    with read_transaction(engine.database) as conn:
        assert timer_store.next_due(conn) == at(1)
        assert timer_store.next_due(conn, "NZ-A") == at(3)
        assert timer_store.next_due(conn, "NZ-C") is None


def test_the_next_due_time_is_read_from_the_first_entries_of_two_indexes(
    engine: Engine, database_url: str
) -> None:
    # The schedulers' question (without a key prefix; a simulation worker's follows its cases).
    # Fails with the aggregate over coalesce(next_attempt_at, due_at): it reads every waiting
    # timer (the whole partial index, or the table).
    if not database_url.startswith("postgresql"):
        return  # SQLite's plans without statistics say nothing about a large table
    a, b = _cases(engine)
    now = engine.clock.now()
    waiting = [((a, b)[n % 2], "waiting", now + timedelta(minutes=n), None) for n in range(2000)]
    _timers(engine, [*waiting, (b, "waiting", now, now + timedelta(hours=1))])
    with engine.database.begin() as conn:
        conn.exec_driver_sql("ANALYZE timers")
    sent: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, *_rest) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    sa.event.listen(engine.database, "before_cursor_execute", keep)
    try:
        with read_transaction(engine.database) as conn:
            assert timer_store.next_due(conn) == now
    finally:
        sa.event.remove(engine.database, "before_cursor_execute", keep)
    ((statement, parameters),) = sent
    with engine.database.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        plan = [r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)]
    text = "\n".join(plan)
    assert "Seq Scan on timers" not in text, text
    assert "ix_timers_retry_at" in text, text
    due_scans = [n for n, line in enumerate(plan) if "ix_timers_status_due" in line]
    assert len(due_scans) == 1, text
    assert any("Limit" in line for line in plan[: due_scans[0]]), text  # stops at the first
