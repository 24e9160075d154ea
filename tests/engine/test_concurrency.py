"""Two writers on one instance: one wins, the other gets a conflict, nothing is lost."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from engine import ConflictError, Engine
from engine.db.connect import write_transaction
from engine.runtime.command import Command
from tests.engine.conftest import MODELS


def test_two_threads_completing_one_task(engine: Engine, make_engine) -> None:
    engine.start("sample_case", {"prison_code": "PI-ZWL"}, "race")
    task = engine.tasks(business_key="race")[0]
    writers = [make_engine(forms_dir=MODELS / "forms") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: dict[int, object] = {}

    def complete(index: int) -> None:
        barrier.wait()
        try:
            writers[index].complete(
                task.id, {"entry_date": "2026-05-04", "stay_days": 10 + index}, f"user-{index}"
            )
            outcomes[index] = "won"
        except ConflictError as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    winners = [i for i, outcome in outcomes.items() if outcome == "won"]
    losers = [i for i, outcome in outcomes.items() if isinstance(outcome, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    winner = winners[0]
    stored = engine.instance_by_key("race")
    assert stored.data["stay_days"] == 10 + winner
    done = engine.tasks(business_key="race", status="completed")
    assert [(t.id, t.completed_by) for t in done] == [(task.id, f"user-{winner}")]
    kinds = [e.kind for e in engine.events(stored.id)]
    assert kinds.count("task_completed") == 1


def test_a_claim_landing_during_a_completion(engine: Engine, make_engine, monkeypatch) -> None:
    """Someone claims the task while another user's completion runs: exactly one of them wins.

    On PostgreSQL the claim commits first (a completion locks the instance, not the task row)
    and the completion must then fail; on SQLite the claim waits for the writer lock and fails.
    """
    engine.start("sample_case", {"prison_code": "PI-ZWL"}, "claim-race")
    task = engine.tasks(business_key="claim-race")[0]
    claimer = make_engine(forms_dir=MODELS / "forms")
    outcomes: dict[str, object] = {}

    def claim() -> None:
        try:
            claimer.claim(task.id, "colleague")
            outcomes["claim"] = "won"
        except ConflictError as exc:
            outcomes["claim"] = exc

    thread = threading.Thread(target=claim)
    absorb = Command.absorb

    def absorb_while_claiming(self: Command, done: object) -> None:
        if not thread.is_alive() and "claim" not in outcomes:
            thread.start()
            thread.join(timeout=1)  # returns at once on PostgreSQL; SQLite's claim waits for us
        absorb(self, done)

    monkeypatch.setattr(Command, "absorb", absorb_while_claiming)
    try:
        engine.complete(task.id, {"entry_date": "2026-05-04", "stay_days": 10}, "caseworker")
        outcomes["complete"] = "won"
    except ConflictError as exc:
        outcomes["complete"] = exc
    thread.join(timeout=60)

    assert set(outcomes) == {"claim", "complete"}, outcomes  # both ended with an answer
    assert sorted(k for k, v in outcomes.items() if v == "won") in (["claim"], ["complete"])
    stored = engine.task(task.id)
    case = engine.instance_by_key("claim-race")
    kinds = [e.kind for e in engine.events(case.id)]
    if outcomes["complete"] == "won":
        assert (stored.status, stored.completed_by, stored.claimed_by) == (
            "completed",
            "caseworker",
            None,
        )
        assert "task_claimed" not in kinds
    else:
        assert (stored.status, stored.claimed_by) == ("ready", "colleague")
        assert "stay_days" not in case.data and "task_completed" not in kinds


def test_a_lost_claim_race_names_the_claimant_who_won(engine: Engine) -> None:
    """Another writer claims the task after this claim read it: the conflict names that
    claimant (it used to say "already claimed by None")."""
    engine.start("sample_case", {}, "race-claim")
    task = engine.tasks(business_key="race-claim")[0]
    outcome: list[BaseException] = []

    def claim_as_bob() -> None:
        try:
            engine.claim(task.id, "bob")
        except ConflictError as error:
            outcome.append(error)

    with write_transaction(engine.database) as conn:  # ann's claim, not yet committed
        conn.execute(
            sa.text("UPDATE human_tasks SET claimed_by = 'ann' WHERE id = :id"), {"id": task.id}
        )
        bob = threading.Thread(target=claim_as_bob)
        bob.start()
        bob.join(timeout=0.5)  # bob waits for ann's transaction (row lock or writer lock)
    bob.join(timeout=30)

    (error,) = outcome
    assert (error.code, error.params["reason"]) == ("conflict", "task_claimed")
    assert error.params["claimed_by"] == "ann"
    assert "ann" in str(error) and "None" not in str(error)
