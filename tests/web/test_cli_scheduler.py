"""``terugkeer scheduler`` as a real process: cases whose timers lead into an endless loop, a
huge allocation and a self-calling call activity end as incidents within their budget, and
another case's timer due meanwhile still fires on time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from engine import Engine, SystemClock
from tests.engine.unchecked import store_unchecked

MODELS = Path(__file__).resolve().parents[1] / "engine" / "models"
COMMAND_SECONDS = 1.0  # the scheduler's time budget per command (TERUGKEER_COMMAND_SECONDS)
SLACK_SECONDS = 3.0  # wake-up, process start, database round trips on a busy 2-core machine
WAIT_SECONDS = 60.0  # the test gives up (and fails) after this


def timer_then(process_id: str, element: str, extra_processes: str = "") -> str:
    """Wait ten seconds (the scheduler process starts meanwhile and plans its first wake-up at
    the earliest due timer), then run ``element`` (id ``bad``), then end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="d_{process_id}" targetNamespace="http://terugkeer.example/{process_id}">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="s_{process_id}" />
    <bpmn:sequenceFlow id="f1_{process_id}" sourceRef="s_{process_id}" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition id="wait_def">
        <bpmn:timeDuration>"PT10S"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2_{process_id}" sourceRef="wait" targetRef="bad" />
    {element}
    <bpmn:sequenceFlow id="f3_{process_id}" sourceRef="bad" targetRef="e_{process_id}" />
    <bpmn:endEvent id="e_{process_id}" />
  </bpmn:process>
  {extra_processes}
</bpmn:definitions>"""


RECURSE = """<bpmn:process id="recurse" isExecutable="true">
    <bpmn:startEvent id="rs" />
    <bpmn:sequenceFlow id="r1" sourceRef="rs" targetRef="again" />
    <bpmn:callActivity id="again" calledElement="recurse" />
    <bpmn:sequenceFlow id="r2" sourceRef="again" targetRef="re" />
    <bpmn:endEvent id="re" />
  </bpmn:process>"""

BAD_CASES = {
    "endless_loop": (
        '<bpmn:scriptTask id="bad"><bpmn:script>while True: pass</bpmn:script></bpmn:scriptTask>',
        "",
        {"script_budget_exceeded", "time_limit_exceeded"},
    ),
    "huge_allocation": (
        '<bpmn:scriptTask id="bad"><bpmn:script>t = "x" * 10**10</bpmn:script></bpmn:scriptTask>',
        "",
        {"script_budget_exceeded"},
    ),
    "self_call": (
        '<bpmn:callActivity id="bad" calledElement="recurse" />',
        RECURSE,
        {"step_limit_exceeded", "time_limit_exceeded"},
    ),
}


def scheduler_process(database_url: str, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(MODELS / "forms"),
        "TERUGKEER_COMMAND_SECONDS": str(COMMAND_SECONDS),
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


def test_stuck_cases_become_incidents_and_other_timers_fire_on_time(
    database_url: str, tmp_path: Path
) -> None:
    engine = Engine(database_url, clock=SystemClock(), forms_dir=MODELS / "forms")
    try:
        engine.deploy([MODELS / "short_timer.bpmn"])
        for name, (element, extra, _) in BAD_CASES.items():
            store_unchecked(engine, name, timer_then(name, element, extra))
        bad = {name: engine.start(name, {}, f"bad-{name}").id for name in BAD_CASES}
        bystander = engine.start("short_timer", {"wait_for": "PT11S"}, "bystander")
        (bystander_timer,) = engine.timers(bystander.id)

        scheduler = scheduler_process(database_url, tmp_path)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                settled = all(engine.instance(i).status == "error" for i in bad.values())
                if settled and engine.tasks(business_key="bystander"):
                    break
                assert scheduler.poll() is None, scheduler.communicate()[0]
                time.sleep(0.2)
            assert scheduler.poll() is None  # the scheduler is still running
        finally:
            scheduler.send_signal(signal.SIGINT)
            output = scheduler.communicate(timeout=30)[0]

        for name, instance_id in bad.items():
            case = engine.instance(instance_id)
            assert case.status == "error", (name, output)
            assert case.error_code in BAD_CASES[name][2], (name, case.error_message)
            assert case.error_element is not None
        assert [t.bpmn_id for t in engine.tasks(business_key="bystander")] == ["after_timer"]
        fired = next(e for e in engine.events(bystander.id) if e.kind == "timer_fired")
        late = fired.at - bystander_timer.due_at
        # Each stuck command held the scheduler for at most its budget, one after the other.
        assert late < timedelta(seconds=len(BAD_CASES) * COMMAND_SECONDS + SLACK_SECONDS), output
    finally:
        engine.database.dispose()
