"""Deploy-time lint: each refused model names the file, the line and the element."""

from __future__ import annotations

import json
import re

import pytest

from engine.deployment import SourceFile, parse_deployment
from engine.errors import DeploymentError

FLOW_NODES = (
    "startEvent|endEvent|userTask|manualTask|scriptTask|task|businessRuleTask|callActivity"
    "|exclusiveGateway|parallelGateway|intermediateCatchEvent|intermediateThrowEvent|boundaryEvent"
)
FORM = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
FORMS = (SourceFile("form.schema.json", json.dumps(FORM).encode()),)


def model(body: str, *, lane: str | None = "Gemeente", pid: str = "proces", defs: str = "") -> str:
    """A spiffworkflow-dialect BPMN file around `body`; every flow node lies in `lane`."""
    ids = re.findall(rf'<bpmn:(?:{FLOW_NODES}) id="([^"]+)"', body)
    lanes = ""
    if lane is not None:
        refs = "".join(f"\n        <bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in ids)
        lanes = (
            f'\n    <bpmn:laneSet id="LaneSet_{pid}">\n'
            f'      <bpmn:lane id="Lane_{pid}" name="{lane}">{refs}\n      </bpmn:lane>\n'
            "    </bpmn:laneSet>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'id="Definitions_{pid}" targetNamespace="http://bpmn.io/schema/bpmn">{defs}\n'
        f'  <bpmn:process id="{pid}" isExecutable="true">{lanes}\n'
        f"{body}"
        "  </bpmn:process>\n"
        "</bpmn:definitions>\n"
    )


def user_task(task_id: str = "Task_1", props: dict[str, str] | None = None, inner: str = "") -> str:
    props = {"formJsonSchemaFilename": "form.schema.json"} if props is None else props
    lines = "".join(
        f'\n          <spiffworkflow:property name="{k}" value="{v}" />' for k, v in props.items()
    )
    return (
        f'    <bpmn:userTask id="{task_id}" name="Taak">\n'
        "      <bpmn:extensionElements>\n"
        f"        <spiffworkflow:properties>{lines}\n        </spiffworkflow:properties>\n"
        f"      </bpmn:extensionElements>{inner}\n"
        "    </bpmn:userTask>\n"
    )


def linear(*middle: str) -> str:
    """Start_1 -> each element in `middle` (by its id) -> End_1, with the sequence flows."""
    ids = ["Start_1"] + [re.search(r'id="([^"]+)"', m).group(1) for m in middle] + ["End_1"]
    flows = "".join(
        f'    <bpmn:sequenceFlow id="Flow_{a}_{b}" sourceRef="{a}" targetRef="{b}" />\n'
        for a, b in zip(ids, ids[1:], strict=False)
    )
    return (
        '    <bpmn:startEvent id="Start_1" />\n'
        + "".join(middle)
        + '    <bpmn:endEvent id="End_1" />\n'
        + flows
    )


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def refused(*files: SourceFile, forms_dir=None) -> DeploymentError:
    with pytest.raises(DeploymentError) as info:
        parse_deployment([*files, *FORMS], forms_dir=forms_dir)
    return info.value


def assert_problem(error: DeploymentError, file: str, line: int, element: str) -> DeploymentError:
    """The problem about `element` names file and line, and the raised message says so too."""
    problems = error.problems or [error]
    matching = [p for p in problems if p.element == element]
    assert matching, f"no problem about {element}: {error}"
    problem = matching[0]
    assert (problem.file, problem.line, problem.element) == (file, line, element)
    for text in (str(problem), str(error)):
        assert f"file {file}" in text
        assert f"line {line}" in text
        assert f"element {element}" in text
    return problem


def deploy_text(text: str, name: str = "model.bpmn") -> SourceFile:
    return SourceFile(name, text.encode())


def test_a_clean_model_deploys():
    [bundle] = parse_deployment([deploy_text(model(linear(user_task()))), *FORMS])
    assert bundle.process_id == "proces"
    assert bundle.forms["form.schema.json"] == {"schema": FORM, "ui": None}


def test_missing_start_event():
    text = model('    <bpmn:endEvent id="End_1" />\n')
    line = line_of(text, "<bpmn:process")
    problem = assert_problem(refused(deploy_text(text)), "model.bpmn", line, "proces")
    assert "no start event" in str(problem)


def test_unknown_called_process():
    call = '    <bpmn:callActivity id="Call_1" calledElement="bestaat_niet" />\n'
    text = model(linear(call))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Call_1"'), "Call_1"
    )
    assert "bestaat_niet" in str(problem)


def test_unknown_dmn_decision():
    rule = (
        '    <bpmn:businessRuleTask id="Rule_1">\n'
        "      <bpmn:extensionElements>\n"
        "        <spiffworkflow:calledDecisionId>onbekend</spiffworkflow:calledDecisionId>\n"
        "      </bpmn:extensionElements>\n"
        "    </bpmn:businessRuleTask>\n"
    )
    text = model(linear(rule))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Rule_1"'), "Rule_1"
    )
    assert "onbekend" in str(problem)


def test_timer_expression_that_does_not_compile():
    timer = (
        '    <bpmn:intermediateCatchEvent id="Timer_1">\n'
        '      <bpmn:timerEventDefinition id="TimerDef_1">\n'
        '        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P1D" +</bpmn:timeDuration>\n'
        "      </bpmn:timerEventDefinition>\n"
        "    </bpmn:intermediateCatchEvent>\n"
    )
    text = model(linear(timer))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, "<bpmn:timeDuration"), "Timer_1"
    )
    assert "timer expression" in str(problem)


def test_condition_that_does_not_compile():
    body = (
        '    <bpmn:startEvent id="Start_1" />\n'
        '    <bpmn:exclusiveGateway id="Gateway_1" default="Flow_nee" />\n'
        '    <bpmn:endEvent id="End_ja" />\n'
        '    <bpmn:endEvent id="End_nee" />\n'
        '    <bpmn:sequenceFlow id="Flow_0" sourceRef="Start_1" targetRef="Gateway_1" />\n'
        '    <bpmn:sequenceFlow id="Flow_ja" sourceRef="Gateway_1" targetRef="End_ja">\n'
        "      <bpmn:conditionExpression>akkoord ==</bpmn:conditionExpression>\n"
        "    </bpmn:sequenceFlow>\n"
        '    <bpmn:sequenceFlow id="Flow_nee" sourceRef="Gateway_1" targetRef="End_nee" />\n'
    )
    text = model(body)
    line = line_of(text, "<bpmn:conditionExpression")
    problem = assert_problem(refused(deploy_text(text)), "model.bpmn", line, "Flow_ja")
    assert "condition does not compile" in str(problem)


def test_script_that_imports_os_is_refused():
    script = (
        '    <bpmn:scriptTask id="Script_1">\n'
        "      <bpmn:script>import os\nos.system('true')</bpmn:script>\n"
        "    </bpmn:scriptTask>\n"
    )
    text = model(linear(script))
    line = line_of(text, "<bpmn:script>")
    problem = assert_problem(refused(deploy_text(text)), "model.bpmn", line, "Script_1")
    assert "import" in str(problem)


def test_pre_script_and_due_date_are_compiled_too():
    inner = (
        "\n      <bpmn:extensionElements>\n"
        "        <spiffworkflow:preScript>x = (</spiffworkflow:preScript>\n"
        "      </bpmn:extensionElements>"
    )
    task = '    <bpmn:manualTask id="Manual_1">' + inner + "\n    </bpmn:manualTask>\n"
    due = user_task("Task_due", {"formJsonSchemaFilename": "form.schema.json", "dueDate": "today("})
    text = model(linear(task, due))
    error = refused(deploy_text(text))
    line = line_of(text, "<spiffworkflow:preScript")
    assert "preScript" in str(assert_problem(error, "model.bpmn", line, "Manual_1"))
    line = line_of(text, 'name="dueDate"')
    assert "dueDate" in str(assert_problem(error, "model.bpmn", line, "Task_due"))


def test_user_task_form_file_missing():
    task = user_task(props={"formJsonSchemaFilename": "weg.schema.json"})
    text = model(linear(task))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1"
    )
    assert "weg.schema.json" in str(problem)


def test_user_task_without_form_property():
    text = model(linear(user_task(props={})))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1"
    )
    assert "formJsonSchemaFilename" in str(problem)


def test_ui_schema_missing():
    props = {"formJsonSchemaFilename": "form.schema.json", "formUiSchemaFilename": "weg.ui.json"}
    text = model(linear(user_task(props=props)))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1"
    )
    assert "UI schema" in str(problem)
    assert "weg.ui.json" in str(problem)


def test_invalid_json_schema():
    bad = SourceFile("bad.schema.json", b'{"type": "objekt"}')
    text = model(linear(user_task(props={"formJsonSchemaFilename": "bad.schema.json"})))
    error = refused(deploy_text(text), bad)
    problem = assert_problem(error, "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1")
    assert "not a valid JSON Schema" in str(problem)
    assert "bad.schema.json" in str(problem)


def test_form_file_that_is_not_json():
    bad = SourceFile("kapot.schema.json", b'{"type": "object",\n "x": }')
    text = model(linear(user_task(props={"formJsonSchemaFilename": "kapot.schema.json"})))
    problem = assert_problem(
        refused(deploy_text(text), bad), "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1"
    )
    assert "not valid JSON at line 2" in str(problem)


def test_form_name_cannot_escape_the_forms_directory(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    (tmp_path / "secret.json").write_text(json.dumps(FORM))
    text = model(linear(user_task(props={"formJsonSchemaFilename": "../secret.json"})))
    line = line_of(text, 'id="Task_1"')
    problem = assert_problem(
        refused(deploy_text(text), forms_dir=forms), "model.bpmn", line, "Task_1"
    )
    assert "not found" in str(problem)


def test_lane_that_maps_to_no_party():
    text = model(linear(user_task()), lane="Afdeling Onbekend")
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1"
    )
    assert "Afdeling Onbekend" in str(problem)


def test_user_task_without_lane():
    text = model(linear(user_task()), lane=None)
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1"
    )
    assert "no lane" in str(problem)


def test_back_edge_loop_is_refused():
    body = (
        '    <bpmn:startEvent id="Start_1" />\n'
        + user_task("Task_1")
        + '    <bpmn:exclusiveGateway id="Gateway_opnieuw" default="Flow_klaar" />\n'
        '    <bpmn:endEvent id="End_1" />\n'
        '    <bpmn:sequenceFlow id="Flow_0" sourceRef="Start_1" targetRef="Task_1" />\n'
        '    <bpmn:sequenceFlow id="Flow_1" sourceRef="Task_1" targetRef="Gateway_opnieuw" />\n'
        '    <bpmn:sequenceFlow id="Flow_terug" sourceRef="Gateway_opnieuw" targetRef="Task_1">\n'
        "      <bpmn:conditionExpression>not ok</bpmn:conditionExpression>\n"
        "    </bpmn:sequenceFlow>\n"
        '    <bpmn:sequenceFlow id="Flow_klaar" sourceRef="Gateway_opnieuw" targetRef="End_1" />\n'
    )
    text = model(body)
    line = line_of(text, 'id="Flow_terug"')
    problem = assert_problem(refused(deploy_text(text)), "model.bpmn", line, "Flow_terug")
    assert "loopBound" in str(problem)
    bounded = text.replace(
        '<spiffworkflow:property name="formJsonSchemaFilename"',
        '<spiffworkflow:property name="loopBound" value="5" />\n'
        '          <spiffworkflow:property name="formJsonSchemaFilename"',
    )
    [bundle] = parse_deployment([deploy_text(bounded), *FORMS])
    assert bundle.process_id == "proces"


def test_loop_through_a_boundary_event_is_a_loop_too():
    inner = (
        '    <bpmn:boundaryEvent id="Timer_b" attachedToRef="Task_1" cancelActivity="true">\n'
        '      <bpmn:timerEventDefinition id="TimerDef_b">\n'
        '        <bpmn:timeDuration>"PT1H"</bpmn:timeDuration>\n'
        "      </bpmn:timerEventDefinition>\n"
        "    </bpmn:boundaryEvent>\n"
        '    <bpmn:sequenceFlow id="Flow_herhaal" sourceRef="Timer_b" targetRef="Task_1" />\n'
    )
    text = model(linear(user_task()) + inner)
    line = line_of(text, 'id="Flow_herhaal"')
    assert_problem(refused(deploy_text(text)), "model.bpmn", line, "Flow_herhaal")


def test_message_catch_event_needs_a_named_message():
    catch = (
        '    <bpmn:intermediateCatchEvent id="Catch_1">\n'
        '      <bpmn:messageEventDefinition id="MsgDef_1" messageRef="Message_1" />\n'
        "    </bpmn:intermediateCatchEvent>\n"
    )
    text = model(linear(catch), defs='\n  <bpmn:message id="Message_1" />')
    line = line_of(text, 'id="MsgDef_1"')
    problem = assert_problem(refused(deploy_text(text)), "model.bpmn", line, "Catch_1")
    assert "no name" in str(problem)


def test_all_problems_are_reported_together():
    call = '    <bpmn:callActivity id="Call_1" calledElement="nergens" />\n'
    first = model(linear(call))
    task = user_task(props={"formJsonSchemaFilename": "weg.json"})
    second = model(linear(task), lane="Niemand", pid="tweede")
    error = refused(deploy_text(first, "a.bpmn"), deploy_text(second, "b.bpmn"))
    found = sorted((p.file, p.element) for p in error.problems)
    assert found == [("a.bpmn", "Call_1"), ("b.bpmn", "Task_1"), ("b.bpmn", "Task_1")]
    assert "3 problems" in str(error)
    assert [p["element"] for p in error.as_dict()["problems"]] == [
        p.element for p in error.problems
    ]


def test_ids_that_spiffworkflow_reserves_are_refused():
    text = model(linear(user_task()).replace('"Start_1"', '"Start"'))
    problem = assert_problem(
        refused(deploy_text(text)), "model.bpmn", line_of(text, 'id="Start"'), "Start"
    )
    assert "reserved" in str(problem)


def test_loop_bound_must_be_a_positive_whole_number():
    task = user_task(props={"formJsonSchemaFilename": "form.schema.json", "loopBound": "veel"})
    text = model(linear(task))
    line = line_of(text, 'name="loopBound"')
    problem = assert_problem(refused(deploy_text(text)), "model.bpmn", line, "Task_1")
    assert "positive whole number" in str(problem)
