"""``terugkeer scheduler`` as a real process keeps running through a database outage (cut by a
TCP proxy the test controls): timers due during the outage fire after it, its heartbeat
resumes, and it says so once when the outage starts and once when it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine import Engine
from tests.engine.test_timers import wait_until
from tests.support.tcp_proxy import TcpProxy, through_proxy

MODELS = Path(__file__).resolve().parents[1] / "engine" / "models"


def scheduler_process(database_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(MODELS / "forms"),
        "TERUGKEER_SCHEDULER_RECHECK_SECONDS": "1",
        "TERUGKEER_SCHEDULER_HEARTBEAT_SECONDS": "0.5",
    }
    env.pop("TERUGKEER_RUN_SCHEDULER", None)
    command = Path(sys.executable).parent / "terugkeer"
    return subprocess.Popen(
        [str(command), "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_scheduler_command_keeps_running_through_a_database_outage(
    database_url: str, database_proxy: TcpProxy, tmp_path: Path
) -> None:
    engine = Engine(database_url, forms_dir=MODELS / "forms")  # straight to the database
    try:
        engine.deploy([MODELS / "short_timer.bpmn"])
        scheduler = scheduler_process(through_proxy(database_url, database_proxy), tmp_path)
        try:
            assert wait_until(
                lambda: any(b.pid == scheduler.pid for b in engine.scheduler_heartbeats()),
                seconds=60,
            ), "no heartbeat from the scheduler process"
            cases = [engine.start("short_timer", {"wait_for": "PT2S"}, f"cut-{n}") for n in (1, 2)]
            due = max(t.due_at for c in cases for t in engine.timers(c.id))
            database_proxy.cut()
            assert wait_until(
                lambda: (
                    database_proxy.refused >= 10 and datetime.now(UTC) > due + timedelta(seconds=1)
                )
            )
            assert scheduler.poll() is None
            assert all(engine.timers(c.id)[0].status == "waiting" for c in cases)

            restored = datetime.now(UTC)
            database_proxy.restore()
            assert wait_until(
                lambda: all(engine.timers(c.id)[0].status == "fired" for c in cases), seconds=30
            )
            assert wait_until(
                lambda: any(
                    b.pid == scheduler.pid and b.beat_at > restored
                    for b in engine.scheduler_heartbeats()
                )
            )
            assert scheduler.poll() is None  # still running
        finally:
            scheduler.send_signal(signal.SIGINT)
            output = scheduler.communicate(timeout=30)[0]
        assert scheduler.returncode == 0, output
        assert output.count("firing timers failed") == 1, output
        assert output.count("works again") == 1, output
        for case in cases:
            assert [t.bpmn_id for t in engine.tasks(instance_id=case.id)] == ["after_timer"]
        assert engine.scheduler_heartbeats() == []  # removed when it stopped
    finally:
        engine.database.dispose()
