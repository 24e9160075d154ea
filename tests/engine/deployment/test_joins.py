"""The engine's parallel gateway (engine/deployment/joins.py): made by both dialects' parsers,
read back for SpiffWorkflow's stored specs, and its join check answers as SpiffWorkflow's does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import ParallelGateway as SpiffParallelGateway
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from config import ROOT
from engine.deployment.joins import ParallelGateway
from engine.deployment.parsing import new_parser
from engine.runtime.codec import WorkflowCodec
from tests.engine.conftest import MODELS
from tests.web.dashboard.test_simulation import deployed, run

PARALLEL = MODELS / "parallel.bpmn"

LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="loop_definitions" targetNamespace="http://terugkeer.example/loop">
  <bpmn:process id="join_loop" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="count" />
    <bpmn:scriptTask id="count"><bpmn:script>rounds = 0</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="left" />
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="right" />
    <bpmn:userTask id="left" />
    <bpmn:userTask id="right" />
    <bpmn:sequenceFlow id="f5" sourceRef="left" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="right" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="again" />
    <bpmn:scriptTask id="again"><bpmn:script>rounds = rounds + 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f8" sourceRef="again" targetRef="choice" />
    <bpmn:exclusiveGateway id="choice" default="done" />
    <bpmn:sequenceFlow id="back" sourceRef="choice" targetRef="split">
      <bpmn:conditionExpression>rounds &lt; 3</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="done" sourceRef="choice" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[bool, bool]]]:
    """Every join check of the engine's gateway, with SpiffWorkflow's answer beside it."""
    seen: list[tuple[bool, bool]] = []
    ours = ParallelGateway._check_threshold_unstructured

    def both(self: ParallelGateway, my_task: Task) -> bool:
        answer = ours(self, my_task)
        seen.append((answer, SpiffParallelGateway._check_threshold_unstructured(self, my_task)))
        return answer

    monkeypatch.setattr(ParallelGateway, "_check_threshold_unstructured", both)
    yield seen


def _gateways(spec) -> list:  # type: ignore[no-untyped-def]
    return [t for t in spec.task_specs.values() if isinstance(t, SpiffParallelGateway)]


@pytest.mark.parametrize("dialect", ["spiff", "camunda"])
def test_both_dialects_parse_parallel_gateways_as_the_engines(dialect: str) -> None:
    parser = new_parser(dialect)
    parser.add_bpmn_file(str(PARALLEL))
    gateways = _gateways(parser.get_spec("parallel_case"))

    assert gateways and all(type(g) is ParallelGateway for g in gateways)


@pytest.mark.parametrize("dialect", ["spiff", "camunda"])
def test_a_spec_stored_with_spiffworkflows_gateway_reads_back_as_the_engines(
    dialect: str,
) -> None:
    """Versions deployed before the engine had its own gateway run with it, and its gateways
    are stored as SpiffWorkflow's (the same type name and fields)."""
    plain = CamundaParser() if dialect == "camunda" else SpiffBpmnParser()
    plain.add_bpmn_file(str(PARALLEL))
    before = plain.get_spec("parallel_case")
    codec = WorkflowCodec(dialect)
    stored = codec.dump_specs(before, {})
    engine_parser = new_parser(dialect)
    engine_parser.add_bpmn_file(str(PARALLEL))

    assert all(type(g) is SpiffParallelGateway for g in _gateways(before))
    assert all(type(g) is ParallelGateway for g in _gateways(codec.load_specs(stored)[0]))
    ours = codec.dump_specs(engine_parser.get_spec("parallel_case"), {})
    assert _stored_gateways(stored) and _stored_gateways(ours) == _stored_gateways(stored)


def _stored_gateways(text: str) -> dict:
    specs = json.loads(text)["spec"]["task_specs"]
    return {name: spec for name, spec in specs.items() if spec["typename"] == "ParallelGateway"}


def test_a_join_passed_in_a_loop_answers_as_spiffworkflows(
    answers: list[tuple[bool, bool]],
) -> None:
    """A loop through a split and its join: the checks of a later pass meet the join's tasks of
    the earlier passes (the branches of SpiffWorkflow's check for loops)."""
    parser = new_parser("spiff")
    parser.add_bpmn_str(LOOP.encode(), "loop.bpmn")
    workflow = BpmnWorkflow(parser.get_spec("join_loop"))
    workflow.do_engine_steps()
    for _round in range(3):
        for name in ("right", "left"):
            (task,) = workflow.get_tasks(state=TaskState.READY, spec_name=name)
            task.run()
            workflow.do_engine_steps()

    assert workflow.completed and workflow.data["rounds"] == 3
    assert len(answers) >= 6 and {ours for ours, _ in answers} == {True, False}
    assert all(ours == spiff for ours, spiff in answers)


def test_the_join_checks_of_simulated_cases_answer_as_spiffworkflows(
    database_url: str, answers: list[tuple[bool, bool]]
) -> None:
    """The nazorg models over simulated months: every join check gives SpiffWorkflow's answer."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the models' joins do not depend on the database")
    result = run(deployed(database_url), cases=10, days=120, unsafe_commit=True)

    assert result.completed > 100 and not result.problems
    assert len(answers) > 200 and {ours for ours, _ in answers} == {True, False}
    assert all(ours == spiff for ours, spiff in answers)


def test_the_shipped_models_have_parallel_joins() -> None:
    """What the check above exercises: the nazorg process joins parallel branches."""
    parser = new_parser("spiff")
    parser.add_bpmn_files(sorted(str(p) for p in Path(ROOT / "processes").glob("*.bpmn")))
    parser.add_dmn_files(sorted(str(p) for p in Path(ROOT / "processes").glob("*.dmn")))
    joins = [g for g in _gateways(parser.get_spec("nazorg_detentie")) if len(g.inputs) > 1]

    assert joins and all(type(g) is ParallelGateway for g in joins)
