"""A failing script puts only its instance in error; retry continues it; nothing is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Engine
from engine.errors import ConflictError, FormValidationError
from tests.engine.conftest import MODELS
from tests.engine.unchecked import store_unchecked

ESCAPES = {
    "import_os": "import os\nos.system('touch {marker}')",
    "open_file": "content = open('{marker}', 'w')",
    "subclasses": "x = ().__class__.__bases__[0].__subclasses__()",
    "dunder_import": "m = __import__('os')",
}


def test_failing_script_puts_instance_in_error_and_retry_continues(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "incident.bpmn"])
    case = engine.start("incident_case", {"prison_code": "PI-ZWL"}, "div")
    enter = engine.tasks(business_key="div")[0]

    failed = engine.complete(enter.id, {"divisor": 0}, "mmd")
    assert failed.status == "error"
    assert failed.error_element == "compute"
    assert "division by zero" in failed.error_message
    assert engine.instance(case.id).data["divisor"] == 0  # what the user entered is kept
    assert engine.tasks(business_key="div") == []

    resumed = engine.retry(case.id, data={"divisor": 4}, user="beheerder")
    assert resumed.status == "running" and resumed.error_message is None
    review = engine.tasks(business_key="div")[0]
    assert review.bpmn_id == "review"
    assert engine.instance(case.id).data["ratio"] == 2.5
    kinds = [e.kind for e in engine.events(case.id)]
    assert kinds.index("instance_error") < kinds.index("instance_retried")


def _escape_model(name: str, script: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d_{name}"
  targetNamespace="http://terugkeer.example/escape">
  <bpmn:process id="escape_{name}" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="escape" />
    <bpmn:scriptTask id="escape" name="Ontsnappen">
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="escape" targetRef="e" />
    <bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>"""


def test_escape_attempts_fail_and_put_only_that_instance_in_error(
    make_engine, tmp_path: Path
) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "incident.bpmn"])
    bystander = engine.start("incident_case", {}, "bystander")
    for name, template in ESCAPES.items():
        marker = tmp_path / f"{name}.txt"
        store_unchecked(
            engine, f"escape_{name}", _escape_model(name, template.format(marker=marker))
        )
        case = engine.start(f"escape_{name}", {}, f"escape-{name}")
        assert case.status == "error", name
        assert case.error_element == "escape"
        assert case.error_message
        assert not marker.exists()
    assert engine.instance(bystander.id).status == "running"
    assert engine.tasks(business_key="bystander")[0].bpmn_id == "enter"


def test_process_owner_corrects_case_data_with_a_reason_and_retry_uses_it(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "incident.bpmn"])
    case = engine.start("incident_case", {"prison_code": "PI-ZWL"}, "fix")
    engine.complete(engine.tasks(business_key="fix")[0].id, {"divisor": 0}, "mmd")
    assert [i.business_key for i in engine.incidents()] == ["fix"]
    assert engine.incidents("other_process") == []

    with pytest.raises(FormValidationError):
        engine.update_case_data(case.id, {"divisor": 5}, user="beheerder", reason=" ")
    changed = engine.update_case_data(
        case.id, {"divisor": 5}, user="beheerder", reason="Deler was 0 ingevuld"
    )
    assert changed.status == "error" and changed.data["divisor"] == 5

    resumed = engine.retry(case.id, user="beheerder")
    assert resumed.status == "running"
    assert engine.instance(case.id).data["ratio"] == 2.0
    assert engine.incidents() == []
    audit = [e for e in engine.events(case.id) if e.kind == "case_data_changed"]
    assert audit[0].actor == "beheerder"
    assert audit[0].detail == {"fields": ["divisor"], "reason": "Deler was 0 ingevuld"}


def test_corrected_case_data_is_saved_for_a_retry_elsewhere(make_engine) -> None:
    """Another process (a fresh engine: nothing cached) retries on the stored state."""
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "incident.bpmn"])
    case = engine.start("incident_case", {"prison_code": "PI-ZWL"}, "fix")
    engine.complete(engine.tasks(business_key="fix")[0].id, {"divisor": 0}, "mmd")
    engine.update_case_data(case.id, {"divisor": 5}, user="beheerder", reason="Deler was 0")

    elsewhere: Engine = make_engine(forms_dir=MODELS / "forms")
    resumed = elsewhere.retry(case.id, user="beheerder")
    assert resumed.status == "running"
    assert elsewhere.instance(case.id).data["ratio"] == 2.0


def test_case_data_of_a_running_case_is_not_changed_here(make_engine) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([MODELS / "incident.bpmn"])
    case = engine.start("incident_case", {"prison_code": "PI-ZWL"}, "running")
    with pytest.raises(ConflictError):
        engine.update_case_data(case.id, {"divisor": 5}, user="beheerder", reason="test")
