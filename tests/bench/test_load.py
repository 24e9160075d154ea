"""The load test's dataset and driver on a tiny scale (bench/national_data.py, bench/load.py).

The cloned open cases are workable engine instances: a task of a clone completes through the
engine and a timer of a clone fires; a historic case's state loads. Then bench/load.py runs the
production topology (``terugkeer serve`` and two schedulers) under a few users for a few seconds:
no errors, and tasks were completed over HTTP.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import load
from bench.national_data import KEY_PREFIX, bench_config, build
from engine import ManualClock
from web import demo
from web.engine_access import build_engine


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_national_dataset_is_workable_and_the_load_test_completes_tasks_without_errors(
    database_url: str, tmp_path: Path
) -> None:
    built = build(database_url, 16, 10, templates=3, log=lambda _line: None)
    assert (built.historic, built.templates, built.clones) == (6, 3, 7)

    clock = ManualClock(datetime.now(UTC))
    engine = build_engine(
        database_url, {**bench_config(database_url).as_dict(), "TERUGKEER_CLOCK": clock}
    )
    try:
        with engine.database.connect() as conn:
            counts = dict(
                conn.execute(
                    sa.text("SELECT status, count(*) FROM process_instances GROUP BY status")
                ).all()
            )
            clones = conn.execute(
                sa.text(
                    "SELECT id, business_key FROM process_instances WHERE status = 'running'"
                    " ORDER BY id DESC LIMIT 7"
                )
            ).all()
            historic = conn.execute(
                sa.text("SELECT id FROM process_instances WHERE business_key LIKE 'NZ-BENCH-%'")
            ).scalars()
            task_ids = conn.execute(sa.text("SELECT id FROM human_tasks")).scalars().all()
        assert counts == {"running": 10, "completed": 7}  # with the replayed short stay
        assert len(task_ids) == len(set(task_ids))
        assert all(key.startswith(KEY_PREFIX) for _id, key in clones)
        for instance_id in historic:
            assert engine.element_states(instance_id)  # a finished case's state loads

        # A clone's task completes through the engine ...
        clone_id, clone_key = next(
            (i, k) for i, k in clones if engine.tasks(instance_id=i, limit=1)
        )
        task = engine.tasks(instance_id=clone_id, limit=1)[0]
        form = engine.form(task.id)
        data = engine.instance(clone_id).data
        answers = demo.form_data(form["schema"], random.Random(1), data) if form else {}
        engine.complete(task.id, answers, "bench")
        assert engine.task(task.id).status == "completed"
        # ... and its timers fire.
        waiting = [t for t in engine.timers(clone_id) if t.status == "waiting"]
        assert waiting
        clock.set(min(t.due_at for t in waiting) + timedelta(seconds=1))
        assert engine.fire_due_timers(key_prefix=clone_key) >= 1
        assert any(t.status == "fired" for t in engine.timers(clone_id))
    finally:
        engine.database.dispose()

    figures = tmp_path / "figures.json"
    code = load.main(
        [
            database_url,
            "--reuse",
            "--users",
            "3",
            "--seconds",
            "8",
            "--warmup",
            "4",
            "--think",
            "0.05",
            "0.2",
            "--workers",
            "2",
            "--json",
            str(figures),
        ]
    )
    result = json.loads(figures.read_text())
    assert result["errors"] == {}
    assert code == 0
    assert result["completed"] >= 1
    assert result["pages"]["inbox"]["count"] >= 1
