"""Workflow state round trip: save, load, compare (specs stay out of the state)."""

from __future__ import annotations

import gc
import json
import weakref
from datetime import UTC, date, datetime
from decimal import Decimal

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine import ManualClock, WorkingDayCalendar
from engine.runtime.codec import CODECS
from engine.scripting import RestrictedScriptEngine
from engine.store.compaction import compact_state, pack
from tests.engine.conftest import MODELS


def sample_specs():  # type: ignore[no-untyped-def]
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(MODELS / "sample.bpmn")])
    parser.add_dmn_files([str(MODELS / "stay_class.dmn")])
    return parser.get_spec("sample_case"), parser.get_subprocess_specs("sample_case")


def snapshot(workflow: BpmnWorkflow) -> list[tuple]:
    return sorted(
        (str(t.id), t.task_spec.name, t.state, json.dumps(t.data, sort_keys=True, default=str))
        for t in workflow.get_tasks()
    )


def test_state_round_trip_keeps_every_task_and_its_data() -> None:
    codec = CODECS["spiff"]
    spec, subprocess_specs = sample_specs()
    clock = ManualClock(datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    workflow = BpmnWorkflow(
        spec, subprocess_specs, script_engine=RestrictedScriptEngine(WorkingDayCalendar(), clock)
    )
    workflow.do_engine_steps()
    task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
    task.data.update({"entry_date": date(2026, 5, 4), "stay_days": 20, "amount": Decimal("12.50")})
    task.run()
    workflow.do_engine_steps()

    state = codec.dump_state(workflow)
    restored = codec.load_state(state, spec, subprocess_specs)
    restored.script_engine = workflow.script_engine

    assert snapshot(restored) == snapshot(workflow)
    assert codec.dump_state(restored) == state
    assert '"spec"' not in state and "subprocess_specs" not in state
    ready = restored.get_tasks(state=TaskState.READY, manual=True)[0]
    assert ready.data["entry_date"] == date(2026, 5, 4)
    assert ready.data["amount"] == Decimal("12.50")


def test_specs_round_trip() -> None:
    codec = CODECS["spiff"]
    spec, subprocess_specs = sample_specs()
    text = codec.dump_specs(spec, subprocess_specs)
    spec2, subs2 = codec.load_specs(text)
    assert codec.dump_specs(spec2, subs2) == text
    assert set(subs2) == set(subprocess_specs)


def test_incremental_writing_equals_a_full_serialization_at_every_step() -> None:
    from tests.processes.harness import PROVISIONS, Case, agreement, entry_data, entry_notification
    from tests.processes.harness import screening as screening_data

    codec = CODECS["spiff"]
    case = Case(entry_data(expected_release_date="2026-08-28"))

    def check() -> None:
        incremental = json.loads(codec.dump_state(case.workflow))
        assert incremental == json.loads(codec.full_state(case.workflow))

    check()
    case.complete("entry_notification", entry_notification())
    check()
    case.complete(
        "care_suspend_insurance",
        {
            "care_insured": "yes",
            "care_insurance_suspended": True,
            "care_insurer": "Zilveren Kruis",
            "care_insurance_suspended_on": "2026-05-05",
        },
    )
    for provision in PROVISIONS:
        case.complete(f"{provision}_screening", screening_data(provision, True))
        check()
    for provision in PROVISIONS:
        case.complete(f"{provision}_agreement", agreement(provision))
        check()
    case.message(
        "ontslagdatum_gewijzigd",
        {"release_date_change": {"expected_release_date": "2026-08-14", "reason": "strafkorting"}},
    )
    check()
    case.set_time(datetime(2026, 8, 13, 22, 0, 1, tzinfo=UTC))
    check()
    restored = codec.load_state(codec.dump_state(case.workflow), *harness_specs())
    assert snapshot(restored) == snapshot(case.workflow)


def harness_specs():  # type: ignore[no-untyped-def]
    from tests.processes.harness import specs

    return specs()


def test_the_codec_lets_go_of_workflows_nobody_holds() -> None:
    """The codec keeps each workflow's task JSON beside it, weakly: a workflow the engine dropped
    (its cache evicted it) must not live on through what the codec kept of it."""
    codec = CODECS["spiff"]
    spec, subprocess_specs = sample_specs()
    clock = ManualClock(datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    workflow = BpmnWorkflow(
        spec, subprocess_specs, script_engine=RestrictedScriptEngine(WorkingDayCalendar(), clock)
    )
    workflow.do_engine_steps()
    codec.dump_state(workflow)
    gone = weakref.ref(workflow)
    del workflow
    gc.collect()
    assert gone() is None


PARALLEL_THEN_TASK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://terugkeer.example/codec">
  <bpmn:process id="joined" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="branch_a" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="branch_b" />
    <bpmn:userTask id="branch_a" />
    <bpmn:userTask id="branch_b" />
    <bpmn:sequenceFlow id="f4" sourceRef="branch_a" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="branch_b" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="after" />
    <bpmn:userTask id="after" />
    <bpmn:sequenceFlow id="f7" sourceRef="after" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


REPEATED_TASK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://terugkeer.example/codec">
  <bpmn:process id="repeated" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="each" />
    <bpmn:userTask id="each">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:loopCardinality>2</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="each" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


def joined_workflow(tmp_path, model: str = PARALLEL_THEN_TASK) -> BpmnWorkflow:  # type: ignore[no-untyped-def]
    path = tmp_path / "model.bpmn"
    path.write_text(model)
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(path)])
    (process_id,) = parser.get_process_ids()
    clock = ManualClock(datetime(2026, 5, 4, 7, 0, tzinfo=UTC))
    workflow = BpmnWorkflow(
        parser.get_spec(process_id),
        script_engine=RestrictedScriptEngine(WorkingDayCalendar(), clock),
    )
    workflow.do_engine_steps()
    return workflow


def run_user_task(workflow: BpmnWorkflow, bpmn_id: str):  # type: ignore[no-untyped-def]
    (task,) = [
        t
        for t in workflow.get_tasks(state=TaskState.READY, manual=True)
        if t.task_spec.bpmn_id == bpmn_id
    ]
    task.run()
    workflow.do_engine_steps()
    return task


def assert_incremental_equals_full(workflow: BpmnWorkflow) -> None:
    codec = CODECS["spiff"]
    assert json.loads(codec.dump_state(workflow)) == json.loads(codec.full_state(workflow))


def test_incremental_writing_sees_a_task_lose_children_while_its_state_stays(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Reset inside a parallel branch after the join: when the join runs again, SpiffWorkflow
    drops the children of the join task the first pass completed, which stays completed. Only
    its children changed; it must be written again all the same."""
    workflow = joined_workflow(tmp_path)
    first_a = run_user_task(workflow, "branch_a")
    run_user_task(workflow, "branch_b")
    assert_incremental_equals_full(workflow)
    joins = [t for t in workflow.tasks.values() if t.task_spec.bpmn_id == "join"]
    completed = next(t for t in joins if t.state == TaskState.COMPLETED)
    assert completed.children

    workflow.reset_from_task_id(first_a.id)
    assert_incremental_equals_full(workflow)
    before = (completed.state, completed.last_state_change)
    run_user_task(workflow, "branch_a")

    assert (completed.state, completed.last_state_change) == before
    assert not completed.children  # dropped: the case is as SpiffWorkflow made it, not as before
    assert_incremental_equals_full(workflow)


def test_incremental_writing_sees_a_task_gain_a_child_while_its_state_stays(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from SpiffWorkflow.task import Task

    workflow = joined_workflow(tmp_path)
    assert_incremental_equals_full(workflow)
    split = next(t for t in workflow.tasks.values() if t.task_spec.bpmn_id == "split")
    before = (split.state, split.last_state_change, len(split.children))

    Task(workflow, workflow.spec.task_specs["after"], split, state=TaskState.MAYBE)

    assert (split.state, split.last_state_change) == before[:2]
    assert len(split.children) == before[2] + 1
    assert_incremental_equals_full(workflow)


def test_a_finished_workflow_is_written_as_the_compact_form_of_its_full_serialization(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """A finished workflow's state is compacted from its tasks' specs and states alone, not
    from every task encoded; it must equal what compacting SpiffWorkflow's own serialization
    gives, also after a reset dropped and rebuilt part of the tree."""
    codec = CODECS["spiff"]
    workflow = joined_workflow(tmp_path)
    first_a = run_user_task(workflow, "branch_a")
    run_user_task(workflow, "branch_b")
    codec.dump_state(workflow)
    run_user_task(workflow, "after")
    assert workflow.completed

    def expected() -> dict:
        return pack(compact_state(json.loads(codec.full_state(workflow))))

    assert json.loads(codec.dump_state(workflow)) == expected()
    workflow.reset_from_task_id(first_a.id)
    run_user_task(workflow, "branch_a")
    run_user_task(workflow, "after")
    assert json.loads(codec.dump_state(workflow)) == expected()

    workflow = joined_workflow(tmp_path, REPEATED_TASK)  # its instances are triggered tasks
    run_user_task(workflow, "each")
    codec.dump_state(workflow)
    run_user_task(workflow, "each")
    assert workflow.completed
    assert any(task.triggered for task in workflow.tasks.values())
    assert json.loads(codec.dump_state(workflow)) == expected()
