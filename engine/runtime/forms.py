"""Validating submitted task data against the task's JSON Schema (the one way for task forms)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
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

    def validate(
        self,
        schema: dict,
        data: dict[str, Any],
        context: Mapping[str, Any] | None = None,
        titles: Mapping[str, str] | None = None,
    ) -> None:
        """Raise FormValidationError unless ``data`` fits ``schema``. ``context`` (the case data)
        and ``titles`` (field titles) serve the ``x-after`` rule: a date field marked
        ``"x-after": "entry_date"`` may not lie before that date in the form or the case (also
        in the ``then``/``else`` branch of an ``allOf`` part that applies)."""
        validator = self._validator(schema)
        errors: dict[str, list[str]] = {}
        for error in validator.iter_errors(data):
            field, message = _describe(error)
            errors.setdefault(field, []).append(message)
        for field, message in _order_errors(schema, data, context or {}, titles or {}):
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


def _order_errors(
    schema: dict, data: Mapping[str, Any], context: Mapping[str, Any], titles: Mapping[str, str]
) -> list[tuple[str, str]]:
    found = []
    for field, spec in _ordering_rules(schema, data):
        other = spec.get("x-after") if isinstance(spec, dict) else None
        value = data.get(field)
        bound = data.get(other, context.get(other)) if other else None
        if not (_is_date(value) and _is_date(bound)) or value >= bound:
            continue
        label = titles.get(other) or _title(schema, other) or other
        shown = date.fromisoformat(bound[:10]).strftime("%-d-%-m-%Y")
        found.append((field, f"Deze datum ligt vóór {label.lower()} ({shown})."))
    return found


def _ordering_rules(schema: dict, data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(field, spec) of the schema's properties, and of the ``then`` (or ``else``) branches of
    its ``allOf`` parts whose ``if`` the data meets: ``"x-after"`` may depend on an answer
    (a document said to be valid may not have expired before the entry)."""
    found = list((schema.get("properties") or {}).items())
    for part in schema.get("allOf") or []:
        if not isinstance(part, dict) or not isinstance(part.get("if"), dict):
            continue
        branch = part.get("then" if Draft202012Validator(part["if"]).is_valid(data) else "else")
        if isinstance(branch, dict):
            found.extend((branch.get("properties") or {}).items())
    return found


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value[:10]))
    except ValueError:
        return False


def _title(schema: dict, field: str) -> str | None:
    spec = (schema.get("properties") or {}).get(field)
    return spec.get("title") if isinstance(spec, dict) else None


def field_titles(forms: Mapping[str, Any]) -> dict[str, str]:
    """Every field's title across a version's forms (the first one found wins)."""
    titles: dict[str, str] = {}
    for form in forms.values():
        for field, spec in ((form or {}).get("schema", {}).get("properties") or {}).items():
            if isinstance(spec, dict) and spec.get("title"):
                titles.setdefault(field, spec["title"])
    return titles


_SHARED = FormValidators()


def validate_form_data(
    schema: dict,
    data: dict[str, Any],
    context: Mapping[str, Any] | None = None,
    titles: Mapping[str, str] | None = None,
) -> None:
    """Check task data against a form's JSON Schema as ``Engine.complete`` does; raises
    FormValidationError with Dutch messages per field. Changes nothing."""
    _SHARED.validate(schema, data, context, titles)
