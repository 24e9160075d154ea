"""Two writers on one instance: one wins, the other gets a conflict, nothing is lost."""

from __future__ import annotations

import threading

from engine import ConflictError, Engine
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
