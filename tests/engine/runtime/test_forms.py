"""Form validation errors: a code and params per field, every problem in one round, no text."""

from __future__ import annotations

import pytest

from engine import FieldError, FieldErrorCode, FormValidationError, validate_form_data

SCHEMA = {
    "type": "object",
    "required": ["name", "status"],
    "properties": {
        "name": {"type": "string", "title": "Naam", "minLength": 2},
        "status": {"type": "string", "enum": ["open", "done"]},
        "born_on": {"type": "string", "format": "date"},
        "bsn": {"type": "string", "format": "bsn"},
        "nights": {"type": "integer", "maximum": 10},
        "postcode": {"type": "string", "pattern": "^[0-9]{4}[A-Z]{2}$"},
        "reported_on": {"type": "string", "format": "date", "x-after": "entry_date"},
        "contact": {
            "type": "object",
            "required": ["phone"],
            "properties": {"phone": {"type": "string", "maxLength": 3}},
        },
    },
}


def errors_of(data: dict, context: dict | None = None) -> dict[str, list[FieldError]]:
    with pytest.raises(FormValidationError) as caught:
        validate_form_data(SCHEMA, data, context)
    return caught.value.errors


def test_each_field_gets_a_code_and_its_params_with_the_cross_field_rule_in_the_same_round() -> (
    None
):
    errors = errors_of(
        {
            "status": "maybe",
            "born_on": "31-12-1990",
            "bsn": "123456789",
            "nights": 11,
            "postcode": "1234 ab",
            "reported_on": "2026-05-01",
            "contact": {},
        },
        context={"entry_date": "2026-05-04"},
    )
    assert errors == {
        "name": [FieldError("required", {"field": "name"})],
        "status": [FieldError("enum", {"field": "status"})],
        "born_on": [FieldError("format_date", {"field": "born_on"})],
        "bsn": [FieldError("format_bsn", {"field": "bsn"})],
        "nights": [FieldError("maximum", {"field": "nights", "limit": 10})],
        "postcode": [FieldError("pattern", {"field": "postcode", "pattern": "^[0-9]{4}[A-Z]{2}$"})],
        "reported_on": [
            FieldError(
                "after_date", {"field": "reported_on", "other": "entry_date", "date": "2026-05-04"}
            )
        ],
        "contact.phone": [FieldError("required", {"field": "phone"})],
    }


def test_a_nested_field_keeps_its_path_and_a_limit_its_value() -> None:
    errors = errors_of({"name": "A", "status": "open", "contact": {"phone": "0201"}})
    assert errors == {
        "name": [FieldError("min_length", {"field": "name", "limit": 2})],
        "contact.phone": [FieldError("max_length", {"field": "phone", "limit": 3})],
    }


def test_the_other_date_may_come_from_the_form_itself() -> None:
    schema = {
        "type": "object",
        "properties": {
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date", "x-after": "start"},
        },
    }
    with pytest.raises(FormValidationError) as caught:
        validate_form_data(schema, {"start": "2026-06-02", "end": "2026-06-01"})
    (error,) = caught.value.errors["end"]
    assert (error.code, error.params["other"], error.params["date"]) == (
        FieldErrorCode.AFTER_DATE,
        "start",
        "2026-06-02",
    )
    validate_form_data(schema, {"start": "2026-06-02", "end": "2026-06-02"})


def conditional_schema(expired_rule: str) -> dict:
    """A document's expiry date may not lie before the entry when the document is said to be
    valid (an ``allOf`` part's ``if`` with a ``format`` that conditions do not check)."""
    return {
        "type": "object",
        "properties": {"valid": {"type": "string"}, "expires_on": {"type": "string"}},
        "allOf": [
            {
                "if": {"properties": {"valid": {"const": "yes", "format": "date"}}},
                "then": {"properties": {"expires_on": {"x-after": expired_rule}}},
            }
        ],
    }


def test_each_allof_condition_is_checked_on_each_submission_with_its_own_schema() -> None:
    from engine.runtime.forms import FormValidators

    validators = FormValidators()
    first, second = conditional_schema("entry_date"), conditional_schema("release_date")
    context = {"entry_date": "2026-05-04", "release_date": "2026-01-01"}
    early = {"valid": "yes", "expires_on": "2026-03-01"}

    with pytest.raises(FormValidationError) as caught:
        validators.validate(first, early, context)
    assert caught.value.errors["expires_on"][0].params["other"] == "entry_date"
    validators.validate(first, {**early, "valid": "no"}, context)  # the condition fails now
    with pytest.raises(FormValidationError):
        validators.validate(first, early, context)  # and holds again
    validators.validate(second, early, context)  # its own rule: after the release date
