"""From uploaded files to process bundles: dialects, XSD validation, error mapping, hashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import DurationTimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.deployment import (
    SourceFile,
    due_date_expression,
    form_name,
    parse_deployment,
    parsing,
    role_of,
    serializer_config,
)
from engine.errors import DeploymentError

MODELS = Path(__file__).parent / "models"
FORMS_DIR = MODELS / "forms"
SPIFF_FILES = ("nazorg.bpmn", "huisvesting.bpmn", "prioriteit.dmn")


def source(name: str, replace: tuple[str, str] | None = None) -> SourceFile:
    text = (MODELS / name).read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    return SourceFile(name, text.encode("utf-8"))


def spiff_files(**replacements: tuple[str, str]) -> list[SourceFile]:
    return [source(name, replacements.get(name.split(".")[0])) for name in SPIFF_FILES]


def line_of(name: str, marker: str) -> int:
    lines = (MODELS / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if marker in line)


@pytest.fixture(scope="module")
def bundles():
    return {b.process_id: b for b in parse_deployment(spiff_files(), forms_dir=FORMS_DIR)}


def test_spiff_model_parses_into_one_bundle_per_executable_process(bundles):
    assert set(bundles) == {"nazorg_main", "nazorg_huisvesting"}
    main = bundles["nazorg_main"]
    assert main.name == "Nazorg na detentie"
    assert main.dialect == "spiff"
    assert set(main.subprocess_specs) == {"nazorg_huisvesting"}
    assert len(main.content_hash) == 64
    assert [f.name for f in main.files] == [
        "afronden.schema.json",
        "huisvesting.bpmn",
        "huisvesting.schema.json",
        "intake.schema.json",
        "intake.uischema.json",
        "nazorg.bpmn",
        "prioriteit.dmn",
    ]


def test_bundle_holds_forms_of_all_user_tasks_including_called_processes(bundles):
    forms = bundles["nazorg_main"].forms
    assert set(forms) == {"intake.schema.json", "afronden.schema.json", "huisvesting.schema.json"}
    intake = json.loads((FORMS_DIR / "intake.schema.json").read_text())
    assert forms["intake.schema.json"]["schema"] == intake
    assert forms["intake.schema.json"]["ui"]["ui:order"][0] == "gemeente_van_terugkeer"
    assert forms["afronden.schema.json"]["ui"] is None
    assert set(bundles["nazorg_huisvesting"].forms) == {"huisvesting.schema.json"}


def test_lanes_timer_message_and_business_rule_are_in_the_spec(bundles):
    specs = bundles["nazorg_main"].spec.task_specs
    assert specs["Task_intake"].lane == "Penitentiaire inrichting"
    assert specs["Task_afronden"].lane == "Gemeente"
    assert isinstance(specs["Timer_herinnering"].event_definition, DurationTimerEventDefinition)
    catch = specs["Catch_bevestiging"].event_definition
    assert isinstance(catch, MessageEventDefinition)
    assert catch.name == "gemeente_bevestigt"
    assert specs["Rule_prioriteit"].dmnEngine.decision_table.id == "DecisionTable_prioriteit"
    assert specs["Call_huisvesting"].spec == "nazorg_huisvesting"


def test_task_helpers_read_spiff_properties(bundles):
    intake = bundles["nazorg_main"].spec.task_specs["Task_intake"]
    assert form_name(intake) == "intake.schema.json"
    assert due_date_expression(intake) == "working_day_deadline(today(), 5)"
    assert role_of(intake) == "casemanager"
    afronden = bundles["nazorg_main"].spec.task_specs["Task_afronden"]
    assert (due_date_expression(afronden), role_of(afronden)) == (None, None)


def test_bundle_runs_to_the_first_user_task(bundles):
    main = bundles["nazorg_main"]
    workflow = BpmnWorkflow(main.spec, main.subprocess_specs)
    workflow.do_engine_steps()
    [ready] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert ready.task_spec.bpmn_id == "Task_intake"


def test_forms_may_be_uploaded_instead_of_read_from_the_forms_dir(bundles):
    forms = [SourceFile(f"forms/{p.name}", p.read_bytes()) for p in sorted(FORMS_DIR.iterdir())]
    uploaded = {b.process_id: b for b in parse_deployment(spiff_files() + forms)}
    main = uploaded["nazorg_main"]
    assert main.content_hash == bundles["nazorg_main"].content_hash
    assert "forms/intake.schema.json" in [f.name for f in main.files]


def test_same_files_give_the_same_hash(bundles):
    again = {b.process_id: b for b in parse_deployment(spiff_files(), forms_dir=FORMS_DIR)}
    for process_id, bundle in bundles.items():
        assert again[process_id].content_hash == bundle.content_hash


def test_changed_task_name_changes_the_hash(bundles):
    renamed = spiff_files(nazorg=('name="Nazorgplan afronden"', 'name="Plan afronden"'))
    changed = {b.process_id: b for b in parse_deployment(renamed, forms_dir=FORMS_DIR)}
    assert changed["nazorg_main"].content_hash != bundles["nazorg_main"].content_hash
    assert changed["nazorg_huisvesting"].content_hash == bundles["nazorg_huisvesting"].content_hash


def test_a_layout_change_alone_changes_the_hash(bundles):
    """The drawing is part of a version: a shape moved in a modeler is a new version to deploy
    (and to export back to the repository), though what runs is the same."""
    moved = spiff_files(
        nazorg=(
            '<dc:Bounds x="242" y="182" width="36" height="36" />',
            '<dc:Bounds x="262" y="182" width="36" height="36" />',
        )
    )
    changed = {b.process_id: b for b in parse_deployment(moved, forms_dir=FORMS_DIR)}
    assert changed["nazorg_main"].content_hash != bundles["nazorg_main"].content_hash
    assert changed["nazorg_huisvesting"].content_hash == bundles["nazorg_huisvesting"].content_hash


def test_changed_form_or_decision_changes_the_hash(bundles, tmp_path):
    for form in FORMS_DIR.iterdir():
        (tmp_path / form.name).write_bytes(form.read_bytes())
    schema = json.loads((tmp_path / "huisvesting.schema.json").read_text())
    schema["properties"]["woonplek"]["title"] = "Waar gaat de cliënt wonen?"
    (tmp_path / "huisvesting.schema.json").write_text(json.dumps(schema))
    changed = {b.process_id: b for b in parse_deployment(spiff_files(), forms_dir=tmp_path)}
    assert changed["nazorg_huisvesting"].content_hash != bundles["nazorg_huisvesting"].content_hash
    assert changed["nazorg_main"].content_hash != bundles["nazorg_main"].content_hash
    dmn = spiff_files(prioriteit=("&gt;= 365", "&gt;= 180"))
    changed = {b.process_id: b for b in parse_deployment(dmn, forms_dir=FORMS_DIR)}
    assert changed["nazorg_main"].content_hash != bundles["nazorg_main"].content_hash


def test_camunda_modeler_file_with_inline_form_fields():
    [bundle] = parse_deployment([source("camunda_reclassering.bpmn")])
    assert (bundle.process_id, bundle.dialect) == ("reclassering_advies", "camunda")
    task = bundle.spec.task_specs["Task_advies"]
    name = "camunda/reclassering_advies/Task_advies.schema.json"
    assert form_name(task) == name
    assert role_of(task) == "probation_officer"
    assert due_date_expression(task) == "working_day_deadline(today(), 3)"
    schema = bundle.forms[name]["schema"]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["naam", "advies"]
    assert schema["properties"] == {
        "naam": {"type": "string", "title": "Naam cliënt", "maxLength": 80},
        "aantal_contacten": {
            "type": "integer",
            "title": "Aantal contacten",
            "default": 0,
            "minimum": 0,
        },
        "akkoord": {"type": "boolean", "title": "Cliënt akkoord"},
        "startdatum": {"type": "string", "format": "date", "title": "Startdatum toezicht"},
        "advies": {"type": "string", "title": "Advies", "enum": ["positief", "negatief"]},
    }
    assert bundle.forms[name]["ui"]["advies"] == {"ui:enumNames": ["Positief", "Negatief"]}


def test_camunda_form_name_survives_serialization():
    [bundle] = parse_deployment([source("camunda_reclassering.bpmn")])
    serializer = BpmnWorkflowSerializer(
        BpmnWorkflowSerializer.configure(serializer_config("camunda"))
    )
    restored = serializer.registry.restore(serializer.registry.convert(bundle.spec))
    task = restored.task_specs["Task_advies"]
    assert form_name(task) == "camunda/reclassering_advies/Task_advies.schema.json"
    assert role_of(task) == "probation_officer"


def test_camunda_unsupported_field_type_is_refused():
    replaced = ('type="date"', 'type="custom:datetime"')
    with pytest.raises(DeploymentError) as info:
        parse_deployment([source("camunda_reclassering.bpmn", replaced)])
    error = info.value
    line = line_of("camunda_reclassering.bpmn", 'id="Task_advies"')
    assert (error.file, error.line, error.element) == (
        "camunda_reclassering.bpmn",
        line,
        "Task_advies",
    )
    assert "custom:datetime" in str(error)


def test_xsd_violation_names_file_line_and_element():
    files = spiff_files(nazorg=('cancelActivity="false"', 'cancelActivity="soms"'))
    with pytest.raises(DeploymentError) as info:
        parse_deployment(files, forms_dir=FORMS_DIR)
    error = info.value
    line = line_of("nazorg.bpmn", 'id="Timer_herinnering"')
    assert (error.file, error.line, error.element) == ("nazorg.bpmn", line, "Timer_herinnering")
    assert "does not match the schema" in str(error)
    assert "cancelActivity" in str(error)


def test_spiffworkflow_errors_get_the_line_from_our_tree(monkeypatch):
    """Without our own lint, SpiffWorkflow's errors still name file, line and element."""
    monkeypatch.setattr(parsing, "lint_bpmn", lambda *args: [])
    files = spiff_files(
        nazorg=('calledElement="nazorg_huisvesting"', 'calledElement="bestaat_niet"')
    )
    with pytest.raises(DeploymentError) as info:
        parse_deployment(files, forms_dir=FORMS_DIR)
    line = line_of("nazorg.bpmn", 'id="Call_huisvesting"')
    error = info.value
    assert (error.file, error.line, error.element) == ("nazorg.bpmn", line, "Call_huisvesting")
    assert "bestaat_niet" in str(error)

    files = spiff_files(nazorg=(">bepaal_prioriteit<", ">onbekend<"))
    with pytest.raises(DeploymentError) as info:
        parse_deployment(files, forms_dir=FORMS_DIR)
    line = line_of("nazorg.bpmn", 'id="Rule_prioriteit"')
    error = info.value
    assert (error.file, error.line, error.element) == ("nazorg.bpmn", line, "Rule_prioriteit")
    assert "onbekend" in str(error)


def test_duplicate_process_ids_are_refused():
    copy = source("huisvesting.bpmn")
    files = spiff_files() + [SourceFile("kopie.bpmn", copy.content)]
    with pytest.raises(DeploymentError) as info:
        parse_deployment(files, forms_dir=FORMS_DIR)
    line = line_of("huisvesting.bpmn", 'id="nazorg_huisvesting"')
    error = info.value
    assert (error.file, error.line, error.element) == ("kopie.bpmn", line, "nazorg_huisvesting")


def test_unsupported_file_type_is_refused():
    with pytest.raises(DeploymentError) as info:
        parse_deployment([SourceFile("notities.txt", b"hallo")])
    assert info.value.file == "notities.txt"


def test_calling_a_process_of_the_other_dialect_is_refused():
    files = spiff_files(
        nazorg=('calledElement="nazorg_huisvesting"', 'calledElement="reclassering_advies"')
    )
    with pytest.raises(DeploymentError) as info:
        parse_deployment([*files, source("camunda_reclassering.bpmn")], forms_dir=FORMS_DIR)
    problem = next(
        p for p in info.value.problems or [info.value] if p.element == "Call_huisvesting"
    )
    assert "dialect" in str(problem)


def test_dmn_schema_violation_names_the_dmn_file_line_and_element():
    bad_policy = ("<decisionTable id=", '<decisionTable hitPolicy="SOMS" id=')
    files = spiff_files(prioriteit=bad_policy)
    with pytest.raises(DeploymentError) as info:
        parse_deployment(files, forms_dir=FORMS_DIR)
    problem = next(p for p in info.value.problems or [info.value] if p.file == "prioriteit.dmn")
    line = line_of("prioriteit.dmn", "<decisionTable")
    assert (problem.line, problem.element) == (line, "DecisionTable_prioriteit")
    assert "hitPolicy" in str(problem)


def test_dmn_file_without_a_decision_is_refused():
    empty = SourceFile(
        "leeg.dmn",
        b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="Leeg" '
        b'name="Leeg" namespace="http://example.org" />',
    )
    with pytest.raises(DeploymentError) as info:
        parse_deployment([*spiff_files(), empty], forms_dir=FORMS_DIR)
    assert (info.value.file, info.value.line) == ("leeg.dmn", 1)
    assert "exactly one decision" in str(info.value)


def test_camunda_form_key_names_an_uploaded_json_schema():
    text = source("camunda_reclassering.bpmn").content.decode()
    start, end = text.index("<camunda:formData>"), text.index("</camunda:formData>")
    text = text[:start] + text[end + len("</camunda:formData>") :]
    task = '<bpmn:userTask id="Task_advies"'
    text = text.replace(task, task + ' camunda:formKey="advies.schema.json"')
    form = SourceFile("advies.schema.json", b'{"type": "object"}')
    [bundle] = parse_deployment([SourceFile("camunda_reclassering.bpmn", text.encode()), form])
    assert form_name(bundle.spec.task_specs["Task_advies"]) == "advies.schema.json"
    assert bundle.forms == {"advies.schema.json": {"schema": {"type": "object"}, "ui": None}}
