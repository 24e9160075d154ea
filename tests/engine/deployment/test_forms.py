"""engine/deployment/forms.py at deploy time: a form's ``x-class`` must be a data class and its
``x-organisation`` a kind of organisation (or false); a refused deploy names the model file, the
task, the form and the field; the shipped forms pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.deployment import SourceFile, parse_deployment
from engine.deployment.forms import check_keywords
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

ROOT = Path(__file__).resolve().parents[3]


def form_with(field: dict) -> SourceFile:
    schema = {
        "type": "object",
        "x-class": "basic",
        "properties": {"ok": {"type": "boolean", "x-class": "basic"}, "office": field},
    }
    return SourceFile("keywords.schema.json", json.dumps(schema).encode())


def deploy_form(field: dict) -> tuple[list[SourceFile], str]:
    text = model(linear(user_task(props={"formJsonSchemaFilename": "keywords.schema.json"})))
    return [deploy_text(text), form_with(field)], text


@pytest.mark.parametrize(
    ("field", "wording"),
    [
        (
            {"type": "string", "x-class": "medical"},
            "field properties/office has x-class 'medical', which is no data class "
            "(known: basic, identity, care, debts, criminal)",
        ),
        (
            {"type": "string", "x-class": "basic", "x-organisation": "bank"},
            "field properties/office has x-organisation 'bank', which is no kind of organisation",
        ),
        (
            {"type": "array", "items": {"type": "string", "x-organisation": True}},
            "field properties/office/items has x-organisation 'True'",
        ),
    ],
)
def test_an_unknown_class_or_organisation_kind_is_refused(field: dict, wording: str) -> None:
    files, text = deploy_form(field)
    error = refused(*files)
    problem = assert_problem(error, "model.bpmn", line_of(text, 'id="Task_1"'), "Task_1")
    assert problem.code in ("form_class_unknown", "form_organisation_unknown")
    assert problem.params["name"] == "keywords.schema.json"
    assert "form 'keywords.schema.json'" in str(problem) and wording in str(problem)


@pytest.mark.parametrize("kind", ["probation", "municipality", False])
def test_known_organisation_kinds_and_false_deploy(kind: object) -> None:
    files, _text = deploy_form({"type": "string", "x-class": "basic", "x-organisation": kind})
    [bundle] = parse_deployment([*files, *FORMS])
    assert (
        bundle.forms["keywords.schema.json"]["schema"]["properties"]["office"]["x-organisation"]
        == kind
    )


def test_the_shipped_forms_use_known_classes_and_kinds() -> None:
    for path in sorted((ROOT / "forms").glob("*.schema.json")):
        check_keywords(json.loads(path.read_text()), path.name)
