"""Task forms from JSON Schema: which field each type becomes, and reading a submission back."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from config import TestConfig
from web import create_app
from web.tasks.formschema import build_fields, parse_submission

SCHEMA = {
    "type": "object",
    "required": ["status", "has_id", "count"],
    "properties": {
        "status": {
            "type": "string",
            "title": "Status",
            "oneOf": [
                {"const": "arranged", "title": "Geregeld"},
                {"const": "not_arranged", "title": "Niet geregeld"},
            ],
        },
        "has_id": {"type": "boolean", "title": "Geldig identiteitsbewijs"},
        "count": {"type": "integer", "title": "Aantal", "minimum": 0},
        "amount": {"type": "number", "title": "Bedrag"},
        "since": {"type": "string", "format": "date", "title": "Sinds"},
        "notes": {"type": "string", "title": "Toelichting"},
        "kind": {"type": "string", "enum": ["a", "b", "c", "d", "e", "f"]},
        "providers": {
            "type": "array",
            "title": "Zorgaanbieders",
            "items": {"type": "string", "enum": ["ggz", "verslavingszorg"]},
        },
        "address": {
            "type": "object",
            "title": "Adres",
            "required": ["city"],
            "properties": {"city": {"type": "string", "title": "Plaats"}},
        },
    },
    "allOf": [
        {
            "if": {"properties": {"status": {"const": "not_arranged"}}},
            "then": {
                "required": ["reason"],
                "properties": {"reason": {"type": "string", "title": "Reden"}},
            },
        }
    ],
}
UI = {
    "ui:order": ["status", "reason", "*"],
    "notes": {"ui:widget": "textarea", "ui:help": "Wat is er afgesproken?"},
    "kind": {"ui:enumNames": ["A", "B", "C", "D", "E", "F"]},
}


@pytest.fixture
def app(tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    return create_app(TestConfig(f"sqlite:///{tmp_path / 'x.sqlite'}"))


def test_each_type_gets_its_field(app: Flask) -> None:
    with app.test_request_context():
        fields = {f.name: f for f in build_fields(SCHEMA, UI)}
        order = [f.name for f in build_fields(SCHEMA, UI)]
    assert order[:2] == ["status", "reason"]  # ui:order, then the rest
    assert fields["status"].kind == "radio" and fields["status"].required
    assert fields["status"].options == [("arranged", "Geregeld"), ("not_arranged", "Niet geregeld")]
    assert fields["has_id"].kind == "radio"
    assert fields["has_id"].options == [("true", "Ja"), ("false", "Nee")]
    assert fields["count"].kind == "integer" and fields["amount"].kind == "number"
    assert fields["since"].kind == "date"
    assert fields["notes"].kind == "textarea" and fields["notes"].help == "Wat is er afgesproken?"
    assert fields["kind"].kind == "select" and fields["kind"].options[0] == ("a", "A")
    assert fields["providers"].kind == "checkboxes"
    assert fields["address"].kind == "group"
    assert [c.name for c in fields["address"].children] == ["address.city"]
    assert fields["address"].children[0].required
    assert fields["reason"].label == "Reden"


def test_a_submission_becomes_typed_data(app: Flask) -> None:
    form = MultiDict(
        [
            ("status", "not_arranged"),
            ("reason", "Geen woning beschikbaar"),
            ("has_id", "false"),
            ("count", "3"),
            ("amount", "12,5"),
            ("since", "2026-05-04"),
            ("notes", ""),
            ("providers", "ggz"),
            ("providers", "verslavingszorg"),
            ("address.city", "Zwolle"),
        ]
    )
    with app.test_request_context():
        data, errors, raw = parse_submission(SCHEMA, UI, form)
    assert errors == {}
    assert data == {
        "status": "not_arranged",
        "reason": "Geen woning beschikbaar",
        "has_id": False,
        "count": 3,
        "amount": 12.5,
        "since": "2026-05-04",
        "providers": ["ggz", "verslavingszorg"],
        "address": {"city": "Zwolle"},
    }
    assert raw["amount"] == "12,5"


def test_unreadable_values_are_errors_and_are_kept_as_typed(app: Flask) -> None:
    form = MultiDict([("count", "drie"), ("status", "bestaat-niet"), ("has_id", "misschien")])
    with app.test_request_context():
        data, errors, raw = parse_submission(SCHEMA, UI, form)
        fields = {f.name: f for f in build_fields(SCHEMA, UI, raw, errors)}
    assert data == {}
    assert set(errors) == {"count", "status", "has_id"}
    assert fields["count"].value == "drie"
    assert fields["count"].errors == ["Vul een geheel getal in, bijvoorbeeld 12."]


def test_defaults_fill_an_empty_form(app: Flask) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "default": 7}}}
    with app.test_request_context():
        assert build_fields(schema, None)[0].value == "7"


def test_a_new_form_is_prefilled_from_the_case(app: Flask) -> None:
    known = {"status": "arranged", "providers": ["ggz"], "has_id": False, "since": "2026-05-01"}
    ui = {**UI, "since": {"ui:options": {"defaultToday": True}}}
    with app.test_request_context():
        new = {f.name: f.value for f in build_fields(SCHEMA, ui, known=known)}
        typed = {f.name: f.value for f in build_fields(SCHEMA, ui, raw={"status": ""}, known=known)}
    assert new["status"] == "arranged" and new["providers"] == ["ggz"]
    assert new["has_id"] == "false" and new["since"] == "2026-05-01"
    assert typed["status"] == ""  # what was typed wins over the case


def test_a_date_field_may_default_to_today(app: Flask) -> None:
    ui = {"since": {"ui:options": {"defaultToday": True}}}
    today = date(2026, 5, 4)
    with app.test_request_context():
        fields = {f.name: f.value for f in build_fields(SCHEMA, ui, known={}, today=today)}
        plain = {f.name: f.value for f in build_fields(SCHEMA, None, known={}, today=today)}
    assert fields["since"] == "2026-05-04"
    assert plain["since"] == ""  # only where the UI schema asks for it
