"""The data contract: a variable a model reads must be written on every path that reaches it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.deployment import SourceFile, parse_deployment
from engine.errors import DeploymentError
from tests.engine.deployment.test_checks import model, user_task

ROOT = Path(__file__).resolve().parents[3]
FORM = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}, "note": {"type": "string"}},
    "required": ["ok"],
}
START = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
FORMS = [
    SourceFile("form.schema.json", json.dumps(FORM).encode()),
    SourceFile("start.schema.json", json.dumps(START).encode()),
]
START_EVENT = (
    '    <bpmn:startEvent id="Start_1">\n'
    "      <bpmn:extensionElements><spiffworkflow:properties>\n"
    '        <spiffworkflow:property name="formJsonSchemaFilename" value="start.schema.json" />\n'
    "      </spiffworkflow:properties></bpmn:extensionElements>\n"
    "    </bpmn:startEvent>\n"
)


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return (
            f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>\n'
        )
    return (
        f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">\n'
        f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
        "</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>\n"
    )


def script(task_id: str, source: str, properties: str = "") -> str:
    extensions = ""
    if properties:
        extensions = (
            "<bpmn:extensionElements><spiffworkflow:properties>"
            f'<spiffworkflow:property name="optionalVariables" value="{properties}" />'
            "</spiffworkflow:properties></bpmn:extensionElements>"
        )
    return (
        f'    <bpmn:scriptTask id="{task_id}">{extensions}'
        f"<bpmn:script>{source}</bpmn:script></bpmn:scriptTask>\n"
    )


def deploy(body: str) -> list:
    return parse_deployment([SourceFile("proces.bpmn", model(body).encode()), *FORMS])


def problems(body: str) -> list[tuple[str | None, str]]:
    with pytest.raises(DeploymentError) as caught:
        deploy(body)
    found = caught.value.problems or [caught.value]
    return [(p.element, p.detail) for p in found]


def chain(*middle: str, reader: str) -> str:
    """Start_1 (start form: name) -> Task_1 (form: ok, note) -> reader -> End_1."""
    return (
        START_EVENT
        + user_task()
        + reader
        + '    <bpmn:endEvent id="End_1" />\n'
        + flow("f1", "Start_1", "Task_1")
        + flow("f2", "Task_1", "Reader")
        + flow("f3", "Reader", "End_1")
        + "".join(middle)
    )


def test_a_script_reading_what_the_form_and_start_data_write_is_accepted() -> None:
    assert deploy(chain(reader=script("Reader", "x = name if ok else 'nee'")))


def test_a_script_reading_a_field_no_form_writes_is_refused_naming_element_and_variable() -> None:
    found = problems(chain(reader=script("Reader", "x = settle_elsewhere")))
    assert len(found) == 1
    element, message = found[0]
    assert element == "Reader"
    assert "'settle_elsewhere'" in message and "script" in message


def test_an_optional_form_field_is_not_written_on_every_path() -> None:
    found = problems(chain(reader=script("Reader", "x = note")))
    assert found[0][0] == "Reader" and "'note'" in found[0][1]


def test_a_read_declared_optional_or_guarded_by_the_script_is_accepted() -> None:
    assert deploy(chain(reader=script("Reader", "x = 1", properties="note")))
    guarded = "try:\n    x = note\nexcept:\n    x = None"
    assert deploy(chain(reader=script("Reader", guarded)))


def test_a_variable_written_on_one_branch_only_is_refused_at_the_merge() -> None:
    body = (
        START_EVENT
        + '    <bpmn:exclusiveGateway id="Split" default="f_no" />\n'
        + script("Writer", "decided = True")
        + '    <bpmn:exclusiveGateway id="Merge" />\n'
        + script("Reader", "y = decided")
        + '    <bpmn:endEvent id="End_1" />\n'
        + flow("f1", "Start_1", "Split")
        + flow("f_yes", "Split", "Writer", "name == 'a'")
        + flow("f_no", "Split", "Merge")
        + flow("f2", "Writer", "Merge")
        + flow("f3", "Merge", "Reader")
        + flow("f4", "Reader", "End_1")
    )
    found = problems(body)
    assert [(element, "'decided'" in text) for element, text in found] == [("Reader", True)]


def test_both_branches_of_a_parallel_split_count_after_the_join() -> None:
    body = (
        START_EVENT
        + '    <bpmn:parallelGateway id="Split" />\n'
        + script("A", "a = 1")
        + script("B", "b = 2")
        + '    <bpmn:parallelGateway id="Join" />\n'
        + script("Reader", "c = a + b")
        + '    <bpmn:endEvent id="End_1" />\n'
        + flow("f1", "Start_1", "Split")
        + flow("f2", "Split", "A")
        + flow("f3", "Split", "B")
        + flow("f4", "A", "Join")
        + flow("f5", "B", "Join")
        + flow("f6", "Join", "Reader")
        + flow("f7", "Reader", "End_1")
    )
    assert deploy(body)


def test_a_condition_names_its_sequence_flow() -> None:
    body = (
        START_EVENT
        + '    <bpmn:exclusiveGateway id="Gate" default="f_no" />\n'
        + '    <bpmn:endEvent id="End_1" />\n'
        + '    <bpmn:endEvent id="End_2" />\n'
        + flow("f1", "Start_1", "Gate")
        + flow("f_yes", "Gate", "End_1", "wants_help == True")
        + flow("f_no", "Gate", "End_2")
    )
    [(element, message)] = problems(body)
    assert element == "f_yes" and "'wants_help'" in message and "condition" in message


def shipped(replace: dict[str, dict] | None = None) -> list[SourceFile]:
    files = [
        SourceFile(path.name, path.read_bytes())
        for path in sorted((ROOT / "processes").iterdir())
        if path.suffix in (".bpmn", ".dmn")
    ]
    for name, schema in (replace or {}).items():
        files.append(SourceFile(name, json.dumps(schema).encode()))
    return files


def test_the_shipped_processes_keep_the_contract() -> None:
    bundles = parse_deployment(shipped(), ROOT / "forms")
    assert {bundle.process_id for bundle in bundles} >= {"nazorg_detentie", "provision_debts"}


def test_removing_a_field_that_a_gateway_reads_is_refused_naming_the_reader() -> None:
    """Issue 11: removing entry_settle_elsewhere deployed and broke every new case."""
    schema = json.loads((ROOT / "forms" / "entry_notification.schema.json").read_text())
    del schema["properties"]["entry_settle_elsewhere"]
    schema["required"].remove("entry_settle_elsewhere")
    schema["allOf"] = [rule for rule in schema["allOf"] if "settle_elsewhere" not in str(rule)]
    with pytest.raises(DeploymentError) as caught:
        parse_deployment(shipped({"entry_notification.schema.json": schema}), ROOT / "forms")
    found = {(p.file, p.element, p.detail.split("'")[1]) for p in caught.value.problems}
    assert (
        "nazorg.bpmn",
        "flow_gw_settle_elsewhere_to_route_to_requested",
        "entry_settle_elsewhere",
    ) in found


CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://x">
  <bpmn:message id="Message_uitslag" name="uitslag" />
  <bpmn:process id="camunda_contract" isExecutable="true">
    <bpmn:startEvent id="Start_1">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="naam" type="string">
          <camunda:validation><camunda:constraint name="required" /></camunda:validation>
        </camunda:formField>
      </camunda:formData></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition>
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT5M</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Result">
      <bpmn:messageEventDefinition messageRef="Message_uitslag" camunda:resultVariable="uitslag" />
    </bpmn:intermediateCatchEvent>
    <bpmn:exclusiveGateway id="Gate" default="f_no" />
    <bpmn:endEvent id="End_1" />
    <bpmn:endEvent id="End_2" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start_1" targetRef="Wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="Result" />
    <bpmn:sequenceFlow id="f3" sourceRef="Result" targetRef="Gate" />
    <bpmn:sequenceFlow id="f_yes" sourceRef="Gate" targetRef="End_1">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">READ</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="Gate" targetRef="End_2" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_camunda_start_fields_result_variables_and_bare_timers_keep_the_contract() -> None:
    text = CAMUNDA.replace("READ", "naam != '' and uitslag is not None")
    assert parse_deployment([SourceFile("c.bpmn", text.encode())])
    text = CAMUNDA.replace("READ", "besluit == 'ja'")
    with pytest.raises(DeploymentError) as caught:
        parse_deployment([SourceFile("c.bpmn", text.encode())])
    [found] = caught.value.all_problems()
    assert (found.code, found.element, found.params["variable"]) == (
        "variable_unwritten",
        "f_yes",
        "besluit",
    )
