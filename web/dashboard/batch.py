"""The rows one run of the dashboard projector reads and writes, held in memory (issue 14).

The projector (web/dashboard/projection.py) works on a ``Batch``: it reads the task facts, deadline
facts and outcome rows of the cases in a run once, with a statement per table for all of them,
changes them in memory event by event, and writes them back at the end: new rows in one insert per
table, changed rows in one update per table, and each cube's increments summed per key and applied
by one upsert per cube. A run of the feed (web/dashboard/feed.py) of hundreds of events thus costs
a handful of statements instead of ten or more per command; the end state is the same as projecting
each command on its own (the cubes are sums, the facts end in their last state).

A batch is written in the caller's transaction: the feed moves its checkpoint in the same one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from engine.store.human_tasks import by_ids as tasks_by_ids
from web.dashboard.cube import Key, add, delete_empty
from web.dashboard.tables import (
    deadline_facts,
    outcome_cases,
    task_facts,
)

CHUNK = 500
"""Ids per ``IN`` list (SQLite allows a limited number of parameters per statement)."""

Statuses = dict[tuple[str, str], str]

_TASK_CHANGE = (
    update(task_facts)
    .where(task_facts.c.task_id == bindparam("b_task"))
    .values(
        status=bindparam("b_status"),
        claimed_at=bindparam("b_claimed"),
        completed_at=bindparam("b_completed"),
        cancelled_at=bindparam("b_cancelled"),
        overdue=bindparam("b_overdue"),
    )
)

_DEADLINE_CHANGE = (
    update(deadline_facts)
    .where(
        deadline_facts.c.instance_id == bindparam("b_instance"),
        deadline_facts.c.kind == bindparam("b_kind"),
    )
    .values(
        status=bindparam("b_status"),
        done=bindparam("b_done"),
        decided_at=bindparam("b_decided"),
        prison=bindparam("b_prison"),
        municipality=bindparam("b_municipality"),
    )
)

_OUTCOME_CHANGE = (
    update(outcome_cases)
    .where(outcome_cases.c.instance_id == bindparam("b_instance"))
    .values(
        prison=bindparam("b_prison"),
        municipality=bindparam("b_municipality"),
        stay_class=bindparam("b_stay_class"),
        month=bindparam("b_month"),
        statuses=bindparam("b_statuses"),
    )
)


def chunks(ids: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


class Outcome:
    """What the outcome cube counts of a case: its cell (None before its release) and statuses."""

    __slots__ = ("key", "statuses")

    def __init__(self, key: dict[str, str] | None, statuses: Statuses) -> None:
        self.key = key
        self.statuses = statuses


class Batch:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.tasks: dict[str, dict[str, Any]] = {}
        self.open_by_case: dict[int, set[str]] = {}
        self.deadlines: dict[int, dict[str, dict[str, Any]]] = {}
        self.outcomes: dict[int, Outcome] = {}
        self._human: dict[str, Any] = {}
        self._new_tasks: dict[str, None] = {}
        self._changed_tasks: dict[str, None] = {}
        self._new_deadlines: dict[tuple[int, str], None] = {}
        self._changed_deadlines: dict[tuple[int, str], None] = {}
        self._stored_outcomes: set[int] = set()
        self._changed_outcomes: dict[int, None] = {}
        self._cubes: dict[str, tuple[Table, tuple[str, ...], tuple[str, ...], dict[Key, dict]]] = {}
        self._emptied: dict[str, set[Key]] = {}

    # Reading ------------------------------------------------------------------------------------

    def load_cases(self, instance_ids: Iterable[int]) -> None:
        """The open task facts, deadline facts and outcome rows of cases not read yet."""
        wanted = sorted({i for i in instance_ids if i not in self.deadlines})
        if not wanted:
            return
        for instance_id in wanted:
            self.deadlines[instance_id] = {}
            self.open_by_case.setdefault(instance_id, set())
        for part in chunks(wanted):
            query = select(task_facts).where(
                task_facts.c.instance_id.in_(part), task_facts.c.status == "open"
            )
            for row in self.conn.execute(query):
                self._keep_task(dict(row._mapping))
            query = select(deadline_facts).where(deadline_facts.c.instance_id.in_(part))
            for row in self.conn.execute(query):
                self.deadlines[row.instance_id][row.kind] = dict(row._mapping)
            query = select(outcome_cases).where(outcome_cases.c.instance_id.in_(part))
            for row in self.conn.execute(query):
                key = {name: getattr(row, name) for name in _CELL}
                self.outcomes[row.instance_id] = Outcome(key, _unpack(row.statuses))
                self._stored_outcomes.add(row.instance_id)

    def load_tasks(self, task_ids: Iterable[str]) -> None:
        """Task facts (of any status) by id, those not read yet."""
        wanted = sorted({i for i in task_ids if i and i not in self.tasks})
        for part in chunks(wanted):
            for row in self.conn.execute(select(task_facts).where(task_facts.c.task_id.in_(part))):
                if row.task_id not in self.tasks:
                    self._keep_task(dict(row._mapping))

    def load_human_tasks(self, task_ids: Iterable[str]) -> None:
        """The engine's task rows for tasks that became ready, those not read yet."""
        wanted = sorted({i for i in task_ids if i and i not in self._human})
        for task in tasks_by_ids(self.conn, wanted):  # live and archived
            self._human[task.id] = task

    def human_tasks(self, task_ids: Iterable[str]) -> list[Any]:
        ids = list(task_ids)
        self.load_human_tasks(ids)
        return [self._human[i] for i in ids if i in self._human]

    def _keep_task(self, fact: dict[str, Any]) -> None:
        self.tasks[fact["task_id"]] = fact
        if fact["status"] == "open":
            self.open_by_case.setdefault(fact["instance_id"], set()).add(fact["task_id"])

    # Changing -----------------------------------------------------------------------------------

    def new_task(self, fact: dict[str, Any]) -> None:
        self._keep_task(fact)
        self._new_tasks[fact["task_id"]] = None

    def task_changed(self, fact: dict[str, Any]) -> None:
        if fact["status"] != "open":
            self.open_by_case.get(fact["instance_id"], set()).discard(fact["task_id"])
        if fact["task_id"] not in self._new_tasks:
            self._changed_tasks[fact["task_id"]] = None

    def new_deadline(self, fact: dict[str, Any]) -> None:
        self.deadlines.setdefault(fact["instance_id"], {})[fact["kind"]] = fact
        self._new_deadlines[(fact["instance_id"], fact["kind"])] = None

    def deadline_changed(self, fact: dict[str, Any]) -> None:
        ident = (fact["instance_id"], fact["kind"])
        if ident not in self._new_deadlines:
            self._changed_deadlines[ident] = None

    def set_outcome(self, instance_id: int, outcome: Outcome) -> None:
        self.outcomes[instance_id] = outcome
        self._changed_outcomes[instance_id] = None

    def add(
        self,
        table: Table,
        key_columns: Sequence[str],
        measure_columns: Sequence[str],
        merged: Mapping[Key, Mapping[str, float]],
        *,
        drop_empty: str | None = None,
    ) -> None:
        """Add merged increments to ``table``'s pending sums; with ``drop_empty``, rows of keys
        that were decremented and whose column comes down to zero are deleted at the end."""
        entry = self._cubes.setdefault(
            table.name, (table, tuple(key_columns), tuple(measure_columns), {})
        )
        sums = entry[3]
        for ident, measures in merged.items():
            target = sums.setdefault(ident, {})
            for name, amount in measures.items():
                target[name] = target.get(name, 0) + amount
            if drop_empty and any(amount < 0 for amount in measures.values()):
                self._emptied.setdefault(table.name, set()).add(ident)

    # Writing ------------------------------------------------------------------------------------

    def write(self) -> None:
        """Everything changed, in a statement per table and kind of change."""
        conn = self.conn
        if self._new_tasks:
            conn.execute(insert(task_facts), [self.tasks[i] for i in self._new_tasks])
        if self._changed_tasks:
            conn.execute(_TASK_CHANGE, [_task_row(self.tasks[i]) for i in self._changed_tasks])
        if self._new_deadlines:
            rows = [self.deadlines[i][k] for i, k in self._new_deadlines]
            conn.execute(insert(deadline_facts), rows)
        if self._changed_deadlines:
            rows = [_deadline_row(self.deadlines[i][k]) for i, k in self._changed_deadlines]
            conn.execute(_DEADLINE_CHANGE, rows)
        self._write_outcomes()
        for name in sorted(self._cubes):
            table, keys, measures, sums = self._cubes[name]
            moved = {
                ident: values
                for ident, values in sorted(sums.items())
                if any(amount != 0 for amount in values.values())
            }
            add(conn, table, keys, measures, moved)
            emptied = self._emptied.get(name)
            if emptied:
                column = measures[0]
                delete_empty(conn, table, keys, column, sorted(emptied))

    def _write_outcomes(self) -> None:
        inserts, updates, deletes = [], [], []
        for instance_id in self._changed_outcomes:
            outcome = self.outcomes[instance_id]
            stored = instance_id in self._stored_outcomes
            if outcome.key is None:
                if stored:
                    deletes.append(instance_id)
                continue
            packed = _pack(outcome.statuses)
            if stored:
                updates.append(
                    {
                        "b_instance": instance_id,
                        **{f"b_{name}": outcome.key[name] for name in _CELL},
                        "b_statuses": packed,
                    }
                )
            else:
                inserts.append({"instance_id": instance_id, **outcome.key, "statuses": packed})
        if inserts:
            self.conn.execute(insert(outcome_cases), inserts)
        if updates:
            self.conn.execute(_OUTCOME_CHANGE, updates)
        for part in chunks(sorted(deletes)):
            self.conn.execute(delete(outcome_cases).where(outcome_cases.c.instance_id.in_(part)))


_CELL = ("prison", "municipality", "stay_class", "month")


def _task_row(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "b_task": fact["task_id"],
        "b_status": fact["status"],
        "b_claimed": fact["claimed_at"],
        "b_completed": fact["completed_at"],
        "b_cancelled": fact["cancelled_at"],
        "b_overdue": fact["overdue"],
    }


def _deadline_row(fact: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "b_instance": fact["instance_id"],
        "b_kind": fact["kind"],
        "b_status": fact["status"],
        "b_done": fact["done"],
        "b_decided": fact["decided_at"],
        "b_prison": fact["prison"],
        "b_municipality": fact["municipality"],
    }


def _pack(statuses: Statuses) -> dict[str, str]:
    return {f"{moment}:{provision}": status for (moment, provision), status in statuses.items()}


def _unpack(stored: Mapping[str, str]) -> Statuses:
    return {tuple(key.split(":", 1)): status for key, status in stored.items()}  # type: ignore[misc]
