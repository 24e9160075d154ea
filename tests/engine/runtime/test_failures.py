"""Every failure while a command runs the workflow is recorded: the case goes in error at the
failing step with an incident code, nothing but engine errors reaches the caller, and retry
after a fix continues the case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import ConflictError, Engine, FormValidationError, ManualClock
from tests.engine.conftest import MODELS
from tests.engine.unchecked import process_xml, store_unchecked

PARALLEL_MULTI_INSTANCE = """
    <bpmn:scriptTask id="x" name="Per adres">
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>addresses</bpmn:loopDataInputRef>
        <bpmn:loopDataOutputRef>checked</bpmn:loopDataOutputRef>
        <bpmn:inputDataItem id="address" name="address" />
        <bpmn:outputDataItem id="ok" name="ok" />
      </bpmn:multiInstanceLoopCharacteristics>
      <bpmn:script>ok = len(address) &gt; 0</bpmn:script>
    </bpmn:scriptTask>
"""

SERVICE_TASK = """
    <bpmn:serviceTask id="x" name="Vraag gegevens op">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="http/GetRequest" resultVariable="answer" />
      </bpmn:extensionElements>
    </bpmn:serviceTask>
"""


MESSAGE_THEN_SCRIPT = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  id="d_msg" targetNamespace="http://terugkeer.example/msg">
  <bpmn:message id="days_message" name="days_known" />
  <bpmn:process id="msg_case" isExecutable="true">
    <bpmn:startEvent id="msg_start" />
    <bpmn:sequenceFlow id="m1" sourceRef="msg_start" targetRef="wait_days" />
    <bpmn:intermediateCatchEvent id="wait_days">
      <bpmn:messageEventDefinition id="wait_days_def" messageRef="days_message" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="m2" sourceRef="wait_days" targetRef="x" />
    <bpmn:scriptTask id="x"><bpmn:script>weeks = days // 7</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="m3" sourceRef="x" targetRef="msg_end" />
    <bpmn:endEvent id="msg_end" />
  </bpmn:process>
</bpmn:definitions>"""


def test_form_value_that_is_no_duration_puts_the_case_in_error_at_the_timer(
    make_engine, clock: ManualClock
) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "form_timer.bpmn"])
    case = engine.start("form_timer", {}, "ft-1")
    plan = engine.tasks(business_key="ft-1")[0]

    failed = engine.complete(plan.id, {"wait_for": "three days"}, "mmd")

    assert (failed.status, failed.error_element, failed.error_code) == (
        "error",
        "wait",
        "timer_invalid",
    )
    assert failed.error_params["detail"]
    stored = engine.instance(case.id)
    assert (stored.status, stored.error_code, stored.error_element) == (
        "error",
        "timer_invalid",
        "wait",
    )
    assert stored.data["wait_for"] == "three days"  # what the user entered is kept
    assert engine.tasks(business_key="ft-1") == []  # the completion itself counted
    error_events = [e for e in engine.events(case.id) if e.kind == "instance_error"]
    assert [e.bpmn_id for e in error_events] == ["wait"]

    resumed = engine.retry(case.id, data={"wait_for": "P3D"}, user="beheerder")

    assert (resumed.status, resumed.error_code, resumed.error_message) == ("running", None, None)
    assert resumed.data["wait_for"] == "P3D"
    (timer,) = engine.timers(case.id)
    assert timer.due_at == clock.now() + timedelta(days=3)
    clock.advance(timedelta(days=3, seconds=1))
    assert engine.fire_due_timers() == 1
    assert [t.bpmn_id for t in engine.tasks(business_key="ft-1")] == ["after"]


def test_parallel_multi_instance_without_its_collection_is_an_incident(make_engine) -> None:
    engine: Engine = make_engine()
    store_unchecked(engine, "mi_case", process_xml("mi_case", PARALLEL_MULTI_INSTANCE))

    failed = engine.start("mi_case", {}, "mi-1")

    assert (failed.status, failed.error_element, failed.error_code) == (
        "error",
        "x",
        "collection_invalid",
    )
    resumed = engine.retry(failed.id, data={"addresses": ["Dorpsstraat 1", ""]}, user="beheerder")
    assert resumed.status == "completed"
    assert resumed.data["checked"] == [True, False]


def test_service_task_nothing_can_run_is_an_incident_not_a_raw_error(make_engine) -> None:
    engine: Engine = make_engine()
    store_unchecked(engine, "service_case", process_xml("service_case", SERVICE_TASK))
    bystander = engine.start("service_case", {}, "svc-0")

    failed = engine.start("service_case", {}, "svc-1")

    assert (failed.status, failed.error_element, failed.error_code) == (
        "error",
        "x",
        "service_failed",
    )
    again = engine.retry(failed.id, user="beheerder")  # nothing fixed: it fails again, recorded
    assert (again.status, again.error_code) == ("error", "service_failed")
    assert engine.instance(bystander.id).status == "error"
    kinds = [e.kind for e in engine.events(failed.id)]
    assert kinds.count("instance_error") == 2 and "instance_retried" in kinds


def test_a_message_whose_payload_breaks_the_next_step_is_an_incident(make_engine) -> None:
    engine: Engine = make_engine()
    store_unchecked(engine, "msg_case", MESSAGE_THEN_SCRIPT)
    case = engine.start("msg_case", {}, "msg-1")

    failed = engine.send_message("days_known", "msg-1", {"days": "three weeks"})

    assert (failed.status, failed.error_element, failed.error_code) == (
        "error",
        "x",
        "script_failed",
    )
    assert failed.error_params["error"] == "TypeError"
    kinds = [e.kind for e in engine.events(case.id)]
    assert kinds.index("message_received") < kinds.index("instance_error")  # the message counted
    resumed = engine.retry(case.id, data={"days": 21}, user="beheerder")
    assert (resumed.status, resumed.data["weeks"]) == ("completed", 3)


def test_bad_input_is_refused_and_changes_nothing(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "form_timer.bpmn"])
    case = engine.start("form_timer", {}, "ft-2")
    plan = engine.tasks(business_key="ft-2")[0]
    before = [e.kind for e in engine.events(case.id)]

    with pytest.raises(FormValidationError):
        engine.complete(plan.id, {"wait_for": 3}, "mmd")
    with pytest.raises(ConflictError) as not_in_error:
        engine.retry(case.id, user="beheerder")

    assert not_in_error.value.code == "conflict"
    assert not_in_error.value.params == {"reason": "not_in_error", "instance_id": case.id}
    assert engine.instance(case.id).status == "running"
    assert [e.kind for e in engine.events(case.id)] == before
    assert engine.tasks(business_key="ft-2")[0].id == plan.id


def test_a_failing_script_names_its_error_and_line(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "incident.bpmn"])
    engine.start("incident_case", {}, "inc-1")
    enter = engine.tasks(business_key="inc-1")[0]

    failed = engine.complete(enter.id, {"divisor": 0}, "mmd")

    assert (failed.error_code, failed.error_element) == ("script_failed", "compute")
    assert failed.error_params == {
        "error": "ZeroDivisionError",
        "detail": "division by zero",
        "line": 1,
    }


def _script(code: str) -> str:
    return f'<bpmn:scriptTask id="x"><bpmn:script>{code}</bpmn:script></bpmn:scriptTask>'


MISSING_VARIABLE = _script("y = adres + 1")
MISSING_KEY = _script('y = persoon["postcode"]')
CONDITION_ON_MISSING = """
    <bpmn:exclusiveGateway id="x" default="otherwise" />
    <bpmn:sequenceFlow id="risky" sourceRef="x" targetRef="y">
      <bpmn:conditionExpression>risico &gt; 3</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="otherwise" sourceRef="x" targetRef="y" />
    <bpmn:scriptTask id="y"><bpmn:script>z = 1</bpmn:script></bpmn:scriptTask>
"""


def test_what_the_case_data_lacks_is_named_in_the_params(make_engine) -> None:
    engine: Engine = make_engine()
    store_unchecked(engine, "missing_name", process_xml("missing_name", MISSING_VARIABLE))
    store_unchecked(engine, "missing_key", process_xml("missing_key", MISSING_KEY))
    store_unchecked(engine, "gateway", process_xml("gateway", CONDITION_ON_MISSING, last="y"))

    variable = engine.start("missing_name", {}, "mn-1")
    key = engine.start("missing_key", {"persoon": {}}, "mk-1")
    condition = engine.start("gateway", {}, "gw-1")

    assert (variable.error_code, variable.error_params["name"]) == ("script_failed", "adres")
    assert (key.error_code, key.error_params["key"]) == ("script_failed", "postcode")
    assert (condition.error_code, condition.error_element) == ("model_error", "x")
    assert condition.error_params["name"] == "risico"
