"""The engine's stepping (engine/runtime/stepping.py) runs the same tasks in the same order as
SpiffWorkflow's ``do_engine_steps``, and finds the ready tasks in the order of SpiffWorkflow's
walk of the task tree, over whole cases of the shipped nazorg models and the sample model."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from bench.scenarios import NAZORG, SAMPLE, Scenario, Step
from engine.calendar import WorkingDayCalendar
from engine.clock import ManualClock, active_clock
from engine.runtime import stepping
from engine.scripting import RestrictedScriptEngine

IMMEDIATE_RELEASE = Scenario(
    name="nazorg, released at once during the screenings",
    process_id=NAZORG.process_id,
    files=NAZORG.files,
    forms=NAZORG.forms,
    start=NAZORG.start,
    data=NAZORG.data,
    steps=[
        *NAZORG.steps[:4],
        Step(
            "message",
            "directe_invrijheidstelling",
            {"release_date": "2026-05-08", "reason": "Schorsing"},
        ),
        *[step for step in NAZORG.steps if step.kind == "time"],
    ],
)


def replay(scenario: Scenario, steps: str) -> list[str]:
    """The scenario in memory, run on with SpiffWorkflow's ``do_engine_steps`` or the engine's
    ``advance``; the engine tasks in the order they ran."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(p) for p in scenario.files if p.suffix == ".bpmn"])
    parser.add_dmn_files([str(p) for p in scenario.files if p.suffix == ".dmn"])
    clock = ManualClock(scenario.start)
    workflow = BpmnWorkflow(
        parser.get_spec(scenario.process_id),
        parser.get_subprocess_specs(scenario.process_id),
        script_engine=RestrictedScriptEngine(WorkingDayCalendar(), clock),
    )
    workflow.task_tree.data.update(scenario.data)
    ran: list[str] = []

    def record(task: Any) -> None:
        ran.append(f"{task.workflow.spec.name}/{task.task_spec.name}")

    def run_on() -> None:
        if steps == "spiff":
            workflow.refresh_timers()
            workflow.do_engine_steps(did_complete_task=record)
        else:
            stepping.advance(workflow, lambda _task: None, record)

    with active_clock(clock):
        run_on()
        for step in scenario.steps:
            if step.kind == "complete":
                task = next(
                    t
                    for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                    if t.task_spec.bpmn_id == step.target
                )
                task.data.update(step.data)
                task.run()
            elif step.kind == "time":
                clock.set(step.at)
            else:
                event = BpmnEvent(MessageEventDefinition(step.target), payload=step.data)
                workflow.send_event(event)
            run_on()
    return ran


@pytest.fixture
def walk_checked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every lookup of ready tasks is compared with SpiffWorkflow's walk, also one that found
    nothing in the whole case without looking at the process; their sizes are kept."""
    found = stepping.ready_engine_tasks
    run_ready = stepping.run_ready
    sizes: list[int] = []

    def walked(process: Any) -> list:
        return [t for t in process.get_tasks(state=TaskState.READY) if not t.task_spec.manual]

    def checked(top: BpmnWorkflow, process: Any, ready: list | None = None) -> list:
        tasks = found(top, process, ready)
        assert [t.id for t in tasks] == [t.id for t in walked(process)]
        sizes.append(len(tasks))
        return tasks

    def checked_run(case: Any, process: Any, before_run: Any, on_completed: Any) -> int:
        nothing = not walked(process)
        ran = run_ready(case, process, before_run, on_completed)
        assert (ran == 0) == nothing
        return ran

    monkeypatch.setattr(stepping, "ready_engine_tasks", checked)
    monkeypatch.setattr(stepping, "run_ready", checked_run)
    return sizes


@pytest.mark.parametrize("scenario", [SAMPLE, NAZORG, IMMEDIATE_RELEASE], ids=lambda s: s.name)
def test_the_same_steps_as_do_engine_steps(scenario: Scenario, walk_checked: list[int]) -> None:
    ours = replay(scenario, "engine")
    assert ours == replay(scenario, "spiff")
    assert len(ours) > 10


def test_several_ready_tasks_are_put_in_the_walks_order(walk_checked: list[int]) -> None:
    replay(NAZORG, "engine")
    assert max(walk_checked) > 1


def test_a_subprocess_interrupted_by_a_message_runs_the_same(walk_checked: list[int]) -> None:
    ours = replay(IMMEDIATE_RELEASE, "engine")
    assert any("release" in name.lower() for name in ours)
    assert ours == replay(IMMEDIATE_RELEASE, "spiff")
