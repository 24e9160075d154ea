"""Models that used to deploy and fail only when a case reached them (or failed at deploy with a
raw exception or SpiffWorkflow's own words) are refused at deploy: each problem names its code,
file, line and element, and its message is ours."""

from __future__ import annotations

import pytest

from engine import Engine
from engine.deployment import SourceFile, find_problems, parse_deployment
from engine.deployment.problems import ENGLISH
from engine.errors import DeploymentError
from tests.engine.deployment.test_checks import (
    FORMS,
    assert_problem,
    deploy_text,
    line_of,
    linear,
    model,
    refused,
    user_task,
)

CAMUNDA_NS = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
# Phrases from SpiffWorkflow's own messages that a process owner must never see.
SPIFF_TEXTS = ("task spec", "operator", "has no implementation", "KeyError", "Traceback")


def only_problem(error: DeploymentError, code: str) -> DeploymentError:
    problems = error.all_problems()
    assert [p.code for p in problems] == [code], [str(p) for p in problems]
    assert problems[0].code in ENGLISH
    for text in SPIFF_TEXTS:
        assert text not in str(error)
    return problems[0]


def timer(kind: str, expression: str) -> str:
    return (
        '    <bpmn:intermediateCatchEvent id="Timer_1">\n'
        '      <bpmn:timerEventDefinition id="TimerDef_1">\n'
        f"        <bpmn:{kind}>{expression}</bpmn:{kind}>\n"
        "      </bpmn:timerEventDefinition>\n"
        "    </bpmn:intermediateCatchEvent>\n"
    )


@pytest.mark.parametrize(
    ("kind", "expression", "code"),
    [
        ("timeDuration", '"garbage"', "timer_duration_invalid"),
        ("timeDuration", '"P3X"', "timer_duration_invalid"),
        ("timeDuration", "3", "timer_not_text"),
        ("timeDate", '"garbage"', "timer_date_invalid"),
        ("timeDate", '"P1D"', "timer_date_invalid"),
        ("timeDate", '"2026-05-04T09:00:00"', "timer_date_naive"),
        ("timeCycle", '"garbage"', "timer_cycle_invalid"),
        ("timeCycle", '"PT1H"', "timer_cycle_invalid"),
    ],
)
def test_a_constant_timer_that_is_no_iso_8601_value_is_refused(kind, expression, code):
    text = model(linear(timer(kind, expression)))
    problem = only_problem(refused(deploy_text(text)), code)
    line = line_of(text, f"<bpmn:{kind}>")
    assert_problem(problem, "model.bpmn", line, "Timer_1")
    if code != "timer_not_text":
        assert problem.params["value"] == expression


@pytest.mark.parametrize(
    ("kind", "expression"),
    [
        ("timeDuration", '"PT1H30M"'),
        ("timeDuration", '"P3D"'),
        ("timeDate", '"2026-05-04T09:00:00+02:00"'),
        ("timeDate", '"2026-05-04T07:00:00Z"'),
        ("timeCycle", '"R3/PT1H"'),
        ("timeCycle", '"R/2026-05-04T09:00:00Z/P1D"'),
        ("timeDate", "working_day_deadline(today(), 2)"),  # not a constant: checked when it runs
    ],
)
def test_valid_and_computed_timer_expressions_deploy(kind, expression):
    [bundle] = parse_deployment([deploy_text(model(linear(timer(kind, expression)))), *FORMS])
    assert bundle.process_id == "proces"


@pytest.mark.parametrize(
    ("element", "code"),
    [
        ('    <bpmn:serviceTask id="Task_x" />\n', "service_task_unsupported"),
        ('    <bpmn:sendTask id="Task_x" />\n', "send_task_unsupported"),
    ],
)
@pytest.mark.parametrize("dialect", ["spiff", "camunda"])
def test_service_and_send_tasks_are_refused(element, code, dialect):
    if dialect == "camunda":
        element = element.replace("/>", 'camunda:class="org.example.Call" />')
    text = model(linear(element))
    if dialect == "camunda":
        text = text.replace("<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA_NS}")
    problem = only_problem(refused(deploy_text(text)), code)
    assert_problem(problem, "model.bpmn", line_of(text, 'id="Task_x"'), "Task_x")


def test_data_stores_are_refused_with_file_line_and_element():
    body = (
        linear(user_task())
        + '    <bpmn:dataStoreReference id="Store_ref" dataStoreRef="Store" />\n'
    )
    text = model(body, defs='\n  <bpmn:dataStore id="Store" name="archief" />')
    error = refused(deploy_text(text))
    assert [p.code for p in error.all_problems()] == ["data_store_unsupported"] * 2
    assert_problem(error, "model.bpmn", line_of(text, 'id="Store"'), "Store")
    assert_problem(error, "model.bpmn", line_of(text, 'id="Store_ref"'), "Store_ref")
    assert "has no implementation" not in str(error)


def test_a_file_that_uses_both_dialects_is_refused_and_says_where():
    task = user_task().replace('name="Taak"', 'name="Taak" camunda:assignee="demo"')
    text = model(linear(task)).replace("<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA_NS}")
    problem = only_problem(refused(deploy_text(text)), "dialects_mixed")
    line = line_of(text, 'id="Task_1"')
    assert_problem(problem, "model.bpmn", line, "Task_1")
    spiff_line = line_of(text, "<spiffworkflow:properties>")
    assert problem.params == {"spiff_line": spiff_line, "spiff_element": "Task_1"}


def test_a_spiff_model_that_only_declares_the_camunda_namespace_deploys_as_spiff():
    """The KeyError of old: a spiffworkflow decision reference in a file that declares the
    Camunda namespace was handed to the Camunda parser."""
    rule = (
        '    <bpmn:businessRuleTask id="Rule_1">\n'
        "      <bpmn:extensionElements>\n"
        "        <spiffworkflow:calledDecisionId>onbekend</spiffworkflow:calledDecisionId>\n"
        "      </bpmn:extensionElements>\n"
        "    </bpmn:businessRuleTask>\n"
    )
    text = model(linear(rule)).replace("<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA_NS}")
    problem = only_problem(refused(deploy_text(text)), "decision_unknown")
    assert_problem(problem, "model.bpmn", line_of(text, 'id="Rule_1"'), "Rule_1")

    text = model(linear(user_task())).replace(
        "<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA_NS}"
    )
    [bundle] = parse_deployment([deploy_text(text), *FORMS])
    assert bundle.dialect == "spiff"
    assert set(bundle.forms) == {"form.schema.json"}


def test_a_file_without_an_executable_process_says_so():
    text = model(linear(user_task())).replace('isExecutable="true"', 'isExecutable="false"')
    problem = only_problem(refused(deploy_text(text)), "no_executable_process")
    line = line_of(text, "<bpmn:definitions")
    assert_problem(problem, "model.bpmn", line, "Definitions_proces")
    assert "executable" in str(problem)


def test_a_dangling_flow_is_reported_on_the_flow():
    body = linear(user_task()) + (
        '    <bpmn:sequenceFlow id="Flow_los" sourceRef="Task_1" targetRef="Nergens" />\n'
        '    <bpmn:sequenceFlow id="Flow_wees" sourceRef="Niemand" targetRef="End_1" />\n'
    )
    text = model(body)
    error = refused(deploy_text(text))
    assert sorted(p.code for p in error.all_problems()) == [
        "flow_source_unknown",
        "flow_target_unknown",
    ]
    target = assert_problem(error, "model.bpmn", line_of(text, 'id="Flow_los"'), "Flow_los")
    assert target.params == {"ref": "Nergens"}
    source = assert_problem(error, "model.bpmn", line_of(text, 'id="Flow_wees"'), "Flow_wees")
    assert source.params == {"ref": "Niemand"}
    assert "task spec" not in str(error)


def test_a_process_that_calls_itself_is_refused():
    call = '    <bpmn:callActivity id="Call_zelf" calledElement="proces" />\n'
    text = model(linear(call))
    problem = only_problem(refused(deploy_text(text)), "call_recursive")
    assert_problem(problem, "model.bpmn", line_of(text, 'id="Call_zelf"'), "Call_zelf")
    assert problem.params == {"process": "proces", "path": "proces → proces"}


def test_processes_that_call_each_other_are_refused_on_each_call():
    first = model(linear('    <bpmn:callActivity id="Call_b" calledElement="tweede" />\n'))
    middle = linear('    <bpmn:callActivity id="Call_c" calledElement="derde" />\n')
    second = model(middle.replace("_1", "_2"), pid="tweede")
    last = linear('    <bpmn:callActivity id="Call_a" calledElement="proces" />\n')
    third = model(last.replace("_1", "_3"), pid="derde")
    files = [
        deploy_text(first, "a.bpmn"),
        deploy_text(second, "b.bpmn"),
        deploy_text(third, "c.bpmn"),
    ]
    error = refused(*files)
    assert [p.code for p in error.all_problems()] == ["call_recursive"] * 3
    problem = assert_problem(error, "a.bpmn", line_of(first, 'id="Call_b"'), "Call_b")
    assert problem.params["path"] == "proces → tweede → derde → proces"
    assert_problem(error, "c.bpmn", line_of(third, 'id="Call_a"'), "Call_a")


def test_a_call_chain_without_a_cycle_deploys():
    first = model(linear('    <bpmn:callActivity id="Call_b" calledElement="tweede" />\n'))
    second = model(linear(user_task()).replace("_1", "_2"), pid="tweede")
    bundles = parse_deployment(
        [deploy_text(first, "a.bpmn"), deploy_text(second, "b.bpmn"), *FORMS]
    )
    assert {bundle.process_id for bundle in bundles} == {"proces", "tweede"}


def test_find_problems_lists_every_problem_with_code_and_place():
    text = model(linear('    <bpmn:serviceTask id="Task_s" />\n', timer("timeDuration", '"x"')))
    problems = find_problems([deploy_text(text), *FORMS])
    assert [(p.code, p.file, p.line, p.element) for p in problems] == [
        ("service_task_unsupported", "model.bpmn", line_of(text, 'id="Task_s"'), "Task_s"),
        ("timer_duration_invalid", "model.bpmn", line_of(text, "<bpmn:timeDuration>"), "Timer_1"),
    ]
    assert find_problems([deploy_text(model(linear(user_task()))), *FORMS]) == []


def test_every_refusal_through_the_engine_is_a_deployment_error(make_engine) -> None:
    engine: Engine = make_engine()
    kinds = [
        model(linear(timer("timeDuration", '"garbage"'))),
        model(linear('    <bpmn:serviceTask id="Task_x" />\n')),
        model(linear('    <bpmn:callActivity id="Call_zelf" calledElement="proces" />\n')),
        model(linear(user_task())).replace('isExecutable="true"', 'isExecutable="false"'),
    ]
    for text in kinds:
        with pytest.raises(DeploymentError) as caught:
            engine.deploy([SourceFile("model.bpmn", text.encode()), *FORMS])
        (problem,) = caught.value.all_problems()
        assert None not in (problem.file, problem.line, problem.element)
    assert engine.versions() == []


def test_a_camunda_expression_language_condition_is_refused_with_a_hint():
    body = (
        '    <bpmn:startEvent id="Start_1" />\n'
        '    <bpmn:exclusiveGateway id="Gateway_1" default="Flow_nee" />\n'
        '    <bpmn:endEvent id="End_ja" />\n'
        '    <bpmn:endEvent id="End_nee" />\n'
        '    <bpmn:sequenceFlow id="Flow_0" sourceRef="Start_1" targetRef="Gateway_1" />\n'
        '    <bpmn:sequenceFlow id="Flow_ja" sourceRef="Gateway_1" targetRef="End_ja">\n'
        "      <bpmn:conditionExpression>${akkoord}</bpmn:conditionExpression>\n"
        "    </bpmn:sequenceFlow>\n"
        '    <bpmn:sequenceFlow id="Flow_nee" sourceRef="Gateway_1" targetRef="End_nee" />\n'
    )
    text = model(body).replace("<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA_NS}")
    problem = only_problem(refused(deploy_text(text)), "camunda_expression_unsupported")
    line = line_of(text, "<bpmn:conditionExpression")
    assert_problem(problem, "model.bpmn", line, "Flow_ja")
    assert problem.params == {"what": "condition", "value": "${akkoord}"}
