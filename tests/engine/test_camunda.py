"""Camunda Modeler files run as Camunda users expect: inline form fields, lanes, message catch
events fed by send_message, boundary and intermediate timers with bare ISO 8601 values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import (
    DeploymentError,
    Engine,
    FormValidationError,
    MessageNotDeliverableError,
    validate_form_data,
)
from engine.deployment import SourceFile
from tests.engine.conftest import MODELS

CAMUNDA_FILE = MODELS.parent / "deployment" / "models" / "camunda_reclassering.bpmn"


def test_camunda_model_deploys_and_runs(make_engine, clock) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    (version,) = engine.deploy([CAMUNDA_FILE])
    assert version.process_id == "reclassering_advies"
    engine.start("reclassering_advies", {"probation_office_code": "RN-AMS"}, "advies-1")

    task = engine.tasks(business_key="advies-1")[0]
    assert (task.party, task.organisation, task.role) == (
        "probation",
        "RN-AMS",
        "probation_officer",
    )
    # dueDate "working_day_deadline(today(), 3)" on Monday 4 May 2026: end of Friday 8 May.
    assert task.due_at == datetime(2026, 5, 8, 22, 0, tzinfo=UTC)
    form = engine.form(task.id)
    assert form["schema"]["properties"]["advies"]["enum"] == ["positief", "negatief"]

    with pytest.raises(FormValidationError) as caught:
        engine.complete(task.id, {"aantal_contacten": -1}, "rw-1")
    assert set(caught.value.errors) == {"naam", "advies", "aantal_contacten"}

    done = engine.complete(
        task.id,
        {"naam": "J. Jansen", "advies": "positief", "akkoord": True, "startdatum": "2026-06-01"},
        "rw-1",
    )
    assert done.status == "completed"
    assert engine.instance(done.id).data["advies"] == "positief"


# A Camunda Modeler 5 file (Camunda 7 platform) as the modeller saves it: two lanes, inline form
# fields, a boundary timer on the intake, a message catch and an intermediate timer, with bare
# ISO 8601 timer values (P2D, PT4H) as Camunda writes them.
UITSLAG_FILE = MODELS / "camunda_uitslag.bpmn"
START_DATA = {"probation_office_code": "RN-AMS", "municipality_code": "GM0363"}


def test_camunda_message_catch_runs_to_its_end_through_send_message(make_engine, clock) -> None:
    engine: Engine = make_engine()
    (version,) = engine.deploy([UITSLAG_FILE])
    assert version.process_id == "uitslag_advies"
    case = engine.start("uitslag_advies", START_DATA, "uitslag-1")

    (intake,) = engine.tasks(business_key="uitslag-1")
    assert (intake.bpmn_id, intake.party, intake.organisation) == (
        "Task_intake",
        "probation",
        "RN-AMS",
    )
    assert intake.due_at == clock.now() + timedelta(days=2)  # the boundary timer's due time
    form = engine.form(intake.id)["schema"]
    assert form["properties"]["risico"]["enum"] == ["laag", "hoog"]
    assert form["properties"]["gesprek_op"] == {
        "type": "string",
        "format": "date",
        "title": "Datum gesprek",
    }
    with pytest.raises(FormValidationError) as caught:
        engine.complete(intake.id, {"risico": "middel"}, "rw-1")
    assert set(caught.value.errors) == {"naam", "risico"}
    engine.complete(intake.id, {"naam": "J. Jansen", "risico": "laag"}, "rw-1")
    assert [t.bpmn_id for t in engine.timers(case.id) if t.status == "waiting"] == []

    payload = {"besluit": "akkoord", "toelichting": "Plaatsing in Amsterdam"}
    received = engine.send_message("uitslag_reclassering", "uitslag-1", payload)
    assert received.data["besluit"] == "akkoord"
    assert received.data["toelichting"] == "Plaatsing in Amsterdam"
    assert "payload" not in received.data and "Catch_uitslag_Response" not in received.data
    message_event = next(e for e in engine.events(case.id) if e.kind == "message_received")
    assert message_event.bpmn_id == "Catch_uitslag"

    (verwerken,) = engine.tasks(business_key="uitslag-1", status="ready")
    assert (verwerken.bpmn_id, verwerken.party, verwerken.organisation) == (
        "Task_verwerken",
        "municipality",
        "GM0363",
    )
    engine.complete(verwerken.id, {"verwerkt_door": "coördinator"}, "gm-1")
    (waiting,) = [t for t in engine.timers(case.id) if t.status == "waiting"]
    assert (waiting.bpmn_id, waiting.due_at) == ("Wait_afkoeling", clock.now() + timedelta(hours=4))
    assert engine.instance(case.id).status == "running"

    clock.advance(timedelta(hours=4, seconds=1))
    assert engine.fire_due_timers() == 1
    done = engine.instance(case.id)
    assert done.status == "completed"
    assert done.data["besluit"] == "akkoord" and done.data["verwerkt_door"] == "coördinator"


def test_camunda_boundary_timer_interrupts_the_intake(make_engine, clock) -> None:
    engine: Engine = make_engine()
    engine.deploy([UITSLAG_FILE])
    case = engine.start("uitslag_advies", START_DATA, "uitslag-2")
    (timer,) = engine.timers(case.id)
    assert (timer.bpmn_id, timer.due_at) == ("Timer_herinnering", clock.now() + timedelta(days=2))

    clock.advance(timedelta(days=2, seconds=1))
    assert engine.fire_due_timers() == 1
    (nabellen,) = engine.tasks(business_key="uitslag-2", status="ready")
    assert (nabellen.bpmn_id, nabellen.party) == ("Task_herinnering", "municipality")
    with pytest.raises(MessageNotDeliverableError):  # the intake and its path were cancelled
        engine.send_message("uitslag_reclassering", "uitslag-2", {"besluit": "akkoord"})
    engine.complete(nabellen.id, {"nagebeld": True}, "gm-1")
    assert engine.instance(case.id).status == "completed"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("${deadline}", "camunda_expression_unsupported"),
        ("P2X", "timer_duration_invalid"),
        ('"P2X"', "timer_duration_invalid"),
    ],
)
def test_camunda_timer_values_that_cannot_run_are_refused(make_engine, value, code) -> None:
    engine: Engine = make_engine()
    text = UITSLAG_FILE.read_text().replace(">P2D<", f">{value}<")
    with pytest.raises(DeploymentError) as caught:
        engine.deploy([SourceFile("camunda_uitslag.bpmn", text.encode())])
    (problem,) = caught.value.all_problems()
    line = text[: text.index(f">{value}<")].count("\n") + 1
    assert (problem.code, problem.file, problem.line, problem.element) == (
        code,
        "camunda_uitslag.bpmn",
        line,
        "Timer_herinnering",
    )
    assert engine.versions() == []


def test_a_camunda_timer_may_be_an_expression_on_case_data(make_engine, clock) -> None:
    engine: Engine = make_engine()
    text = UITSLAG_FILE.read_text().replace(">P2D<", ">herinner_na<")
    engine.deploy([SourceFile("camunda_uitslag.bpmn", text.encode())])
    case = engine.start("uitslag_advies", {**START_DATA, "herinner_na": "PT6H"}, "uitslag-3")
    (timer,) = engine.timers(case.id)
    assert timer.due_at == clock.now() + timedelta(hours=6)


def test_a_camunda_result_variable_takes_the_whole_payload(make_engine) -> None:
    engine: Engine = make_engine()
    text = UITSLAG_FILE.read_text().replace(
        'messageRef="Message_uitslag"',
        'messageRef="Message_uitslag" camunda:resultVariable="uitslag"',
    )
    engine.deploy([SourceFile("camunda_uitslag.bpmn", text.encode())])
    engine.start("uitslag_advies", START_DATA, "uitslag-4")
    (intake,) = engine.tasks(business_key="uitslag-4")
    engine.complete(intake.id, {"naam": "J. Jansen"}, "rw-1")
    case = engine.send_message("uitslag_reclassering", "uitslag-4", {"besluit": "afwijzing"})
    assert case.data["uitslag"] == {"besluit": "afwijzing"}
    assert "besluit" not in case.data


def test_a_camunda_timer_date_is_written_bare_with_its_time_zone(make_engine) -> None:
    engine: Engine = make_engine()
    text = UITSLAG_FILE.read_text().replace(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P2D</bpmn:timeDuration>',
        '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
        "2026-05-06T09:00:00+02:00</bpmn:timeDate>",
    )
    engine.deploy([SourceFile("camunda_uitslag.bpmn", text.encode())])
    case = engine.start("uitslag_advies", START_DATA, "uitslag-5")
    (timer,) = engine.timers(case.id)
    assert timer.due_at == datetime(2026, 5, 6, 7, 0, tzinfo=UTC)


# A Camunda Modeler 5 intake: the start event in the lane Gemeente carries the start form
# (camunda:formData) and the property role=manager, as Camunda Tasklist would show it.
AANMELDING_FILE = MODELS / "camunda_aanmelding.bpmn"


def test_a_camunda_start_event_s_form_data_is_the_start_form(make_engine) -> None:
    engine: Engine = make_engine()
    engine.deploy([AANMELDING_FILE])

    form = engine.start_form("aanmelding_huisvesting")

    assert form is not None
    assert (form.party, form.organisation_key, form.role) == (
        "municipality",
        "municipality_code",
        "manager",
    )
    properties = form.schema["properties"]
    assert list(properties) == ["naam", "woonsituatie", "urgent", "vrij_op"]
    assert properties["naam"] == {"type": "string", "title": "Naam cliënt", "maxLength": 80}
    assert properties["woonsituatie"]["enum"] == ["dakloos", "tijdelijk"]
    assert properties["urgent"]["default"] is False
    assert properties["vrij_op"]["format"] == "date"
    assert form.schema["required"] == ["naam", "woonsituatie"]
    assert form.ui is not None
    assert form.ui["woonsituatie"] == {"ui:enumNames": ["Dakloos", "Tijdelijk onderdak"]}


def test_a_camunda_start_form_checks_the_start_data_and_the_case_reaches_its_lane(
    make_engine,
) -> None:
    engine: Engine = make_engine()
    engine.deploy([AANMELDING_FILE])
    form = engine.start_form("aanmelding_huisvesting")
    assert form is not None

    with pytest.raises(FormValidationError) as caught:
        validate_form_data(form.schema, {"naam": "x" * 81, "woonsituatie": "kamer"})
    assert set(caught.value.errors) == {"naam", "woonsituatie"}

    data = {"naam": "Eva Jansen", "woonsituatie": "dakloos", "urgent": True}
    validate_form_data(form.schema, data)
    case = engine.start("aanmelding_huisvesting", {**data, "municipality_code": "GM0363"}, "am-1")

    (task,) = engine.tasks(business_key="am-1")
    assert (task.bpmn_id, task.party, task.organisation, task.role) == (
        "Task_beoordelen",
        "municipality",
        "GM0363",
        "manager",
    )
    assert engine.instance(case.id).data["woonsituatie"] == "dakloos"
    done = engine.complete(task.id, {"toegekend": True}, "gm-1")
    assert done.status == "completed"


def test_a_camunda_start_form_with_an_unknown_field_type_is_refused(make_engine) -> None:
    text = AANMELDING_FILE.read_text().replace('type="date"', 'type="datetime"')
    engine: Engine = make_engine()
    with pytest.raises(DeploymentError) as caught:
        engine.deploy([SourceFile("camunda_aanmelding.bpmn", text.encode())])
    (problem,) = caught.value.all_problems()
    assert (problem.code, problem.element) == ("form_field_type_unsupported", "Start_aanmelding")
    assert problem.params["part"] == "start_form"


def test_a_camunda_start_event_s_form_key_names_a_json_schema_start_form(make_engine) -> None:
    text = AANMELDING_FILE.read_text()
    start, rest = text.split("<camunda:formData>", 1)
    keyed = (
        start.replace(
            'name="Aanmelding ontvangen"',
            'name="Aanmelding ontvangen" camunda:formKey="intake.schema.json"',
        )
        + rest.split("</camunda:formData>", 1)[1]
    )
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    engine.deploy([SourceFile("camunda_aanmelding.bpmn", keyed.encode())])

    form = engine.start_form("aanmelding_huisvesting")

    assert form is not None
    assert (form.form, form.role) == ("intake.schema.json", "manager")
    assert form.schema["required"] == ["naam", "aanleiding"]
