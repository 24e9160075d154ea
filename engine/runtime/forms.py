"""Validating submitted task data against the task's JSON Schema (the one way for task forms)."""

from __future__ import annotations

import threading
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from engine.bsn import is_valid_bsn
from engine.errors import FormValidationError

FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("bsn")
def _bsn(value: object) -> bool:
    return not isinstance(value, str) or is_valid_bsn(value)


_MESSAGES = {
    "required": "Dit veld is verplicht.",
    "type": "Deze waarde heeft niet het juiste type.",
    "enum": "Kies een van de opties.",
    "const": "Kies een van de opties.",
    "oneOf": "Kies een van de opties.",
    "minLength": "Deze tekst is te kort.",
    "maxLength": "Deze tekst is te lang.",
    "minimum": "Deze waarde is te laag.",
    "maximum": "Deze waarde is te hoog.",
    "pattern": "Deze waarde heeft niet de juiste vorm.",
    "additionalProperties": "Dit veld hoort niet bij dit formulier.",
}
_FORMAT_MESSAGES = {
    "date": "Vul een geldige datum in (JJJJ-MM-DD).",
    "date-time": "Vul een geldig tijdstip in.",
    "email": "Vul een geldig e-mailadres in.",
    "bsn": "Dit is geen geldig BSN (de elfproef klopt niet).",
}


class FormValidators:
    """Compiled validators, one per schema object (schemas of a version never change)."""

    def __init__(self) -> None:
        self._validators: dict[int, tuple[dict, Draft202012Validator]] = {}
        self._lock = threading.Lock()

    def validate(self, schema: dict, data: dict[str, Any]) -> None:
        validator = self._validator(schema)
        errors: dict[str, list[str]] = {}
        for error in validator.iter_errors(data):
            field, message = _describe(error)
            errors.setdefault(field, []).append(message)
        if errors:
            raise FormValidationError(errors)

    def _validator(self, schema: dict) -> Draft202012Validator:
        entry = self._validators.get(id(schema))
        if entry is not None and entry[0] is schema:
            return entry[1]
        validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        with self._lock:
            self._validators[id(schema)] = (schema, validator)
        return validator


def _describe(error: ValidationError) -> tuple[str, str]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    field = ".".join(p for p in path if p) or "_form"
    if error.validator == "format":
        return field, _FORMAT_MESSAGES.get(
            error.validator_value, "Deze waarde heeft niet de juiste vorm."
        )
    return field, _MESSAGES.get(error.validator, "Deze waarde is ongeldig.")


_SHARED = FormValidators()


def validate_form_data(schema: dict, data: dict[str, Any]) -> None:
    """Check task data against a form's JSON Schema as ``Engine.complete`` does; raises
    FormValidationError with Dutch messages per field. Changes nothing."""
    _SHARED.validate(schema, data)
