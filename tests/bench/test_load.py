"""The load test's dataset and driver on a tiny scale (bench/national_data.py, bench/load.py).

The cloned open cases are workable engine instances: a task of a clone completes through the
engine and a timer of a clone fires; a historic case's state loads. Then bench/load.py runs the
production topology (``terugkeer serve`` and two schedulers) under a few users for a few seconds:
no errors, and tasks were completed over HTTP.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import load, load_prepare
from bench.load_compare import compare
from bench.load_cpu import CpuMeter, family, own_seconds
from bench.load_users import Pacer
from bench.national_data import KEY_PREFIX, bench_config, build
from bench.synthetic_ids import synthetic_task_id
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
    assert result["cpu"]["app_seconds"] > 0 and result["cpu"]["database_seconds"] > 0


def test_the_users_are_placed_in_proportion_to_the_open_tasks() -> None:
    open_tasks = {("PI-02", "caseworker"): 62, ("PI-01", "caseworker"): 52, ("PI-20", "x"): 1}
    placed = load_prepare.in_proportion(open_tasks, 10)
    assert len(placed) == 10
    assert placed.count(("PI-02", "caseworker")) == 5
    assert placed.count(("PI-01", "caseworker")) == 5
    assert ("PI-20", "x") not in placed  # one task is no work for a user
    assert load_prepare.in_proportion({}, 3) == []


def test_the_pacer_hands_out_claims_at_its_rate() -> None:
    now = [0.0]
    pacer = Pacer(2.0, burst=2.0, clock=lambda: now[0])
    assert [pacer.take() for _ in range(3)] == [True, True, False]  # the burst, then none
    now[0] = 0.4
    assert not pacer.take()
    now[0] = 0.5
    assert pacer.take()
    now[0] = 100.0  # a quiet spell saves no more than the burst
    assert [pacer.take() for _ in range(3)] == [True, True, False]
    unpaced = Pacer(0)
    assert all(unpaced.take() for _ in range(100))


def test_two_runs_compare_by_each_p95s_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    def run(label: str, inbox: float, case: float) -> dict:
        pages = {"inbox": {"count": 300, "p95": inbox}, "case page": {"count": 150, "p95": case}}
        return {"label": label, "seconds": 300, "pages": pages, "commands_per_second": 3.0}

    found = compare(run("1,000 cases", 40, 100), run("150,000 cases", 50, 150))
    assert found == {"case page": 1.5, "inbox": 1.25}
    lines = capsys.readouterr().out.splitlines()
    assert lines[3].startswith("case page") and lines[3].endswith("over 1.3x")
    assert lines[4].startswith("inbox") and lines[4].endswith("ok")
    printed = "\n".join(lines)
    assert "requests/s: 1.5 / 1.5" in printed
    assert "CPU" not in printed  # runs from before the CPU was measured

    small, large = run("1,000 cases", 40, 100), run("150,000 cases", 50, 150)
    small["cpu"] = {"app_ms_per_request": 40.0, "database_ms_per_request": 5.0}
    large["cpu"] = {"app_ms_per_request": 44.0, "database_ms_per_request": 10.0}
    compare(small, large)
    printed = capsys.readouterr().out
    assert "CPU per request, app: 40.0 / 44.0 ms (1.10x)" in printed
    assert "CPU per request, database: 5.0 / 10.0 ms (2.00x)" in printed


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_cpu_of_a_process_tree_and_of_the_databases_backends(database_url: str) -> None:
    """What bench/load_cpu.py counts: a child's CPU under its parent, a backend's under the
    database."""
    code = (
        "import sys, time; sum(range(3_000_000)); sys.stdout.write('x'); sys.stdout.flush();"
        " time.sleep(60)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.read(1) == b"x"  # its work done
        assert child.pid in family([os.getpid()])
        assert own_seconds(child.pid) > 0
        url = bench_config(database_url).DATABASE_URL
        meter = CpuMeter([child.pid], url)
        meter.start()
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT count(*) FROM generate_series(1, 3000000)")).one()
            used = meter.stop()  # while the connection's backend is still there
        engine.dispose()
        assert used.database > 0
        assert used.app < own_seconds(child.pid)  # the child slept meanwhile
    finally:
        child.kill()
        child.wait()


def test_the_historic_task_ids_are_uuids_of_their_case_and_index() -> None:
    ids = {synthetic_task_id(number, index) for number in (1, 149_999) for index in (0, 17)}
    assert len(ids) == 4
    assert all(str(uuid.UUID(each)) == each for each in ids)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_reused_dataset_is_vacuumed_after_its_migrations(database_url: str) -> None:
    """``--reuse``: the dead rows a migration leaves (an UPDATE of every row) are cleaned up and
    the statistics fresh before the run, not by autovacuum in the middle of it."""
    url = bench_config(database_url).DATABASE_URL
    engine = sa.create_engine(bench_config(database_url).SQLALCHEMY_DATABASE_URI)
    table = "settle_check"

    def dead_and_vacuumed() -> tuple[int, bool]:
        with engine.connect() as conn:
            row = conn.execute(
                sa.text(
                    "SELECT n_dead_tup, last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
                    " FROM pg_stat_user_tables WHERE relname = :t"
                ),
                {"t": table},
            ).one()
        return int(row[0]), bool(row[1])

    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {table} (id int PRIMARY KEY, n int)")
            conn.exec_driver_sql(f"INSERT INTO {table} SELECT g, 0 FROM generate_series(1, 5000) g")
            conn.exec_driver_sql(f"UPDATE {table} SET n = 1")
        assert not dead_and_vacuumed()[1]
        load_prepare.settle(url)
        assert dead_and_vacuumed() == (0, True)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        engine.dispose()
