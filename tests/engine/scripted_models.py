"""Tiny BPMN models around a script, a condition or a timer, run with the engine's script engine:
what the scripting tests (test_scripting.py, test_script_policy.py, test_script_limits.py) share."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingDayCalendar
from engine.clock import ManualClock, active_clock
from engine.scripting import RestrictedScriptEngine

BPMN_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="proc" isExecutable="true">
"""
BPMN_TAIL = """
  </bpmn:process>
</bpmn:definitions>
"""

MONDAY_4_MAY_2026 = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)


def linear(*elements: str) -> str:
    """A process start -> elements -> end; each element's first id attribute names it."""
    ids = ["start", *(re.search(r'id="([^"]+)"', e).group(1) for e in elements), "end"]
    flows = "\n".join(
        f'<bpmn:sequenceFlow id="flow{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False))
    )
    body = "\n".join(['<bpmn:startEvent id="start"/>', *elements, '<bpmn:endEvent id="end"/>'])
    return BPMN_HEAD + body + "\n" + flows + BPMN_TAIL


def script_task(script: str, task_id: str = "work", name: str = "Work") -> str:
    escaped = script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f'<bpmn:scriptTask id="{task_id}" name="{name}">'
        f"<bpmn:script>{escaped}</bpmn:script></bpmn:scriptTask>"
    )


def make_engine(clock: ManualClock | None = None, closures: tuple[str, ...] = ()):
    return RestrictedScriptEngine(
        WorkingDayCalendar(closures), clock or ManualClock(MONDAY_4_MAY_2026)
    )


def start(bpmn: str, data: dict | None = None, engine=None, dmn: str | None = None):
    """Parse, start and run a workflow until it waits or ends."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(bpmn.encode())
    if dmn:
        parser.add_dmn_str(dmn.encode())
    engine = engine or make_engine()
    workflow = BpmnWorkflow(parser.get_spec("proc"), {}, script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data or {})
    with active_clock(engine.clock):
        workflow.do_engine_steps()
    return workflow


def end_data(workflow: BpmnWorkflow) -> dict:
    assert workflow.is_completed()
    return workflow.get_tasks(spec_name="end")[0].data


def task_data(workflow: BpmnWorkflow, spec_name: str) -> dict:
    return workflow.get_tasks(spec_name=spec_name)[0].data


GATEWAY = (
    BPMN_HEAD
    + """
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="route"/>
    <bpmn:exclusiveGateway id="route" default="to_long"/>
    <bpmn:sequenceFlow id="to_short" sourceRef="route" targetRef="short">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression"
        >stay_days &lt; 14 and is_working_day(entry_date)</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="to_long" sourceRef="route" targetRef="long"/>
    <bpmn:scriptTask id="short"><bpmn:script>track = "short"</bpmn:script></bpmn:scriptTask>
    <bpmn:scriptTask id="long"><bpmn:script>track = "long"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f1" sourceRef="short" targetRef="end"/>
    <bpmn:sequenceFlow id="f2" sourceRef="long" targetRef="end"/>
    <bpmn:endEvent id="end"/>
"""
    + BPMN_TAIL
)
