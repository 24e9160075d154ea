"""Every kind of model that used to hang, fail raw or fail late (issue "Engine robustness", Why)
goes through the real deploy path: it is refused at deploy with file, line and element, or it
runs, ending completed or as an incident on its own case. Nothing but the engine's own errors
reaches the caller."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine import EngineError
from engine.deployment import SourceFile
from engine.deployment.problems import ENGLISH
from tests.engine.conftest import MODELS
from tests.engine.runtime.test_failures import PARALLEL_MULTI_INSTANCE, SERVICE_TASK
from tests.engine.unchecked import process_xml

CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"\n  '


def script(source: str) -> str:
    return f'<bpmn:scriptTask id="x"><bpmn:script>{source}</bpmn:script></bpmn:scriptTask>'


def timer(expression: str) -> str:
    return (
        '<bpmn:intermediateCatchEvent id="x"><bpmn:timerEventDefinition id="x_def">'
        f"<bpmn:timeDuration>{expression}</bpmn:timeDuration>"
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    )


def mixed() -> str:
    text = process_xml("why", '<bpmn:task id="x" camunda:asyncBefore="true" />')
    text = text.replace("xmlns:spiffworkflow", f"{CAMUNDA}xmlns:spiffworkflow")
    spiff = (
        '<bpmn:manualTask id="y"><bpmn:extensionElements>'
        "<spiffworkflow:preScript>a = 1</spiffworkflow:preScript>"
        "</bpmn:extensionElements></bpmn:manualTask>"
    )
    return text.replace("</bpmn:process>", f"{spiff}\n  </bpmn:process>")


def dangling() -> str:
    text = process_xml("why", script("a = 1"))
    return text.replace('targetRef="end_why"', 'targetRef="nergens"')


def mutual() -> str:
    other = process_xml("other", '<bpmn:callActivity id="y" calledElement="why" />')
    body = other[other.index("<bpmn:process") : other.index("</bpmn:definitions>")]
    text = process_xml("why", '<bpmn:callActivity id="x" calledElement="other" />')
    return text.replace("</bpmn:definitions>", body + "</bpmn:definitions>")


MODELS_OF_THE_ISSUE: dict[str, tuple[Callable[[], str], str]] = {
    # kind: (the BPMN file, what must happen: "refused", "incident" or "completed")
    "endless loop script": (lambda: process_xml("why", script("while True: pass")), "incident"),
    "huge allocation": (lambda: process_xml("why", script('t = "x" * 10**10')), "incident"),
    "self-calling call activity": (
        lambda: process_xml("why", '<bpmn:callActivity id="x" calledElement="why" />'),
        "refused",
    ),
    "call activities calling each other": (mutual, "refused"),
    "parallel multi-instance without its collection": (
        lambda: process_xml("why", PARALLEL_MULTI_INSTANCE),
        "incident",
    ),
    "service task": (lambda: process_xml("why", SERVICE_TASK), "refused"),
    "send task": (lambda: process_xml("why", '<bpmn:sendTask id="x" />'), "refused"),
    "constant timer garbage": (lambda: process_xml("why", timer('"garbage"')), "refused"),
    "mixed spiff and camunda namespaces": (mixed, "refused"),
    "data store": (
        lambda: process_xml("why", script("a = 1")).replace(
            "</bpmn:process>", '<bpmn:dataStoreReference id="store" />\n  </bpmn:process>'
        ),
        "refused",
    ),
    "dangling flow": (dangling, "refused"),
    "no executable process": (
        lambda: process_xml("why", script("a = 1")).replace(
            'isExecutable="true"', 'isExecutable="false"'
        ),
        "refused",
    ),
    "datetime.strptime and strftime in a script": (
        lambda: process_xml(
            "why",
            script('d = datetime.strptime("04-05-2026", "%d-%m-%Y").date().strftime("%Y/%m/%d")'),
        ),
        "completed",
    ),
}


@pytest.mark.parametrize("kind", list(MODELS_OF_THE_ISSUE))
def test_each_model_kind_is_refused_at_deploy_or_runs_to_a_recorded_end(
    make_engine, kind: str
) -> None:
    engine = make_engine(forms_dir=MODELS / "forms")
    text, expected = MODELS_OF_THE_ISSUE[kind][0](), MODELS_OF_THE_ISSUE[kind][1]
    try:
        engine.deploy([SourceFile("why.bpmn", text.encode())])
    except EngineError as refusal:
        assert expected == "refused", f"{kind}: {refusal}"
        lines = text.splitlines()
        for problem in refusal.all_problems():
            assert problem.file == "why.bpmn" and problem.code in ENGLISH, str(problem)
            assert problem.line is not None and problem.element is not None, str(problem)
            # the line is where the element (or its offending part) starts
            near = "\n".join(lines[problem.line - 1 : problem.line + 2])
            assert f'id="{problem.element}"' in near, str(problem)
        assert engine.versions() == []
        return
    assert expected != "refused", f"{kind} deployed"
    try:
        case = engine.start("why", {}, "why-1")
    except EngineError as failure:  # the engine's own error; the case must still be recorded
        case = engine.instance_by_key("why-1")
        assert case.status == "error", failure
    case = engine.instance(case.id)
    if expected == "incident":
        assert (case.status, case.error_element) == ("error", "x"), kind
        assert case.error_code
    else:
        assert case.status == "completed", (kind, case.error_message)
        assert case.data.get("d") == "2026/05/04"


def test_a_form_value_that_is_no_duration_ends_as_an_incident_at_its_timer(make_engine) -> None:
    engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "form_timer.bpmn"])
    engine.start("form_timer", {}, "why-timer")
    (plan,) = engine.tasks(business_key="why-timer")
    case = engine.complete(plan.id, {"wait_for": "three days"}, "mmd")
    assert (case.status, case.error_element) == ("error", "wait")


def test_a_camunda_modeler_message_catch_receives_its_message(make_engine) -> None:
    engine = make_engine()
    engine.deploy([MODELS / "camunda_uitslag.bpmn"])
    data = {"probation_office_code": "RN-AMS", "municipality_code": "GM0363"}
    engine.start("uitslag_advies", data, "why-msg")
    (intake,) = engine.tasks(business_key="why-msg")
    engine.complete(intake.id, {"naam": "J. Jansen"}, "rw-1")
    case = engine.send_message("uitslag_reclassering", "why-msg", {"besluit": "akkoord"})
    assert case.status == "running" and case.data["besluit"] == "akkoord"
