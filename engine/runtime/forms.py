"""Validating submitted task data against the task's JSON Schema (the one way for task forms)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from engine.bsn import is_valid_bsn
from engine.errors import FieldError, FieldErrorCode, FormValidationError

FORMAT_CHECKER = FormatChecker()


@FORMAT_CHECKER.checks("bsn")
def _bsn(value: object) -> bool:
    return not isinstance(value, str) or is_valid_bsn(value)


_CODES = {
    "required": FieldErrorCode.REQUIRED,
    "type": FieldErrorCode.TYPE,
    "enum": FieldErrorCode.ENUM,
    "const": FieldErrorCode.ENUM,
    "oneOf": FieldErrorCode.ENUM,
    "minLength": FieldErrorCode.MIN_LENGTH,
    "minItems": FieldErrorCode.MIN_LENGTH,
    "maxLength": FieldErrorCode.MAX_LENGTH,
    "maxItems": FieldErrorCode.MAX_LENGTH,
    "minimum": FieldErrorCode.MINIMUM,
    "exclusiveMinimum": FieldErrorCode.MINIMUM,
    "maximum": FieldErrorCode.MAXIMUM,
    "exclusiveMaximum": FieldErrorCode.MAXIMUM,
    "pattern": FieldErrorCode.PATTERN,
    "additionalProperties": FieldErrorCode.NOT_ALLOWED,
}
_LIMITS = {
    FieldErrorCode.MIN_LENGTH: "limit",
    FieldErrorCode.MAX_LENGTH: "limit",
    FieldErrorCode.MINIMUM: "limit",
    FieldErrorCode.MAXIMUM: "limit",
    FieldErrorCode.PATTERN: "pattern",
    FieldErrorCode.TYPE: "type",
}
_FORMAT_CODES = {
    "date": FieldErrorCode.FORMAT_DATE,
    "date-time": FieldErrorCode.FORMAT_DATE_TIME,
    "email": FieldErrorCode.FORMAT_EMAIL,
    "bsn": FieldErrorCode.FORMAT_BSN,
}


class FormValidators:
    """Compiled validators, one per schema object (schemas of a version never change)."""

    def __init__(self) -> None:
        self._validators: dict[tuple[int, bool], tuple[dict, Draft202012Validator]] = {}
        self._lock = threading.Lock()

    def validate(
        self,
        schema: dict,
        data: dict[str, Any],
        context: Mapping[str, Any] | None = None,
    ) -> None:
        """Raise FormValidationError unless ``data`` fits ``schema``, with every error at once.
        ``context`` (the case data) serves the ``x-after`` rule: a date field marked
        ``"x-after": "entry_date"`` may not lie before that date in the form or the case (also
        in the ``then``/``else`` branch of an ``allOf`` part that applies)."""
        validator = self._validator(schema)
        errors: dict[str, list[FieldError]] = {}
        for error in validator.iter_errors(data):
            field, found = _describe(error)
            errors.setdefault(field, []).append(found)
        for field, found in _order_errors(schema, data, context or {}, self._condition):
            errors.setdefault(field, []).append(found)
        if errors:
            raise FormValidationError(errors)

    def _validator(self, schema: dict) -> Draft202012Validator:
        return self._compiled(schema, FORMAT_CHECKER)

    def _condition(self, schema: dict) -> Draft202012Validator:
        """The validator of an ``allOf`` part's ``if`` (formats not checked there)."""
        return self._compiled(schema, None)

    def _compiled(self, schema: dict, checker: FormatChecker | None) -> Draft202012Validator:
        key = (id(schema), checker is not None)
        entry = self._validators.get(key)
        if entry is not None and entry[0] is schema:
            return entry[1]
        validator = Draft202012Validator(schema, format_checker=checker)
        with self._lock:
            self._validators[key] = (schema, validator)
        return validator


def _describe(error: ValidationError) -> tuple[str, FieldError]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    parts = [p for p in path if p]
    field = ".".join(parts) or "_form"
    params: dict[str, Any] = {"field": parts[-1] if parts else "_form"}
    if error.validator == "format":
        code = _FORMAT_CODES.get(str(error.validator_value), FieldErrorCode.FORMAT)
        if code is FieldErrorCode.FORMAT:
            params["format"] = str(error.validator_value)
        return field, FieldError(code, params)
    code = _CODES.get(str(error.validator), FieldErrorCode.INVALID)
    if code in _LIMITS:
        params[_LIMITS[code]] = error.validator_value
    elif code is FieldErrorCode.INVALID:
        params["keyword"] = str(error.validator)
    return field, FieldError(code, params)


def _order_errors(
    schema: dict,
    data: Mapping[str, Any],
    context: Mapping[str, Any],
    condition: Callable[[dict], Draft202012Validator],
) -> list[tuple[str, FieldError]]:
    found = []
    for field, spec in _ordering_rules(schema, data, condition):
        other = spec.get("x-after") if isinstance(spec, dict) else None
        value = data.get(field)
        bound = data.get(other, context.get(other)) if other else None
        if not (_is_date(value) and _is_date(bound)) or value >= bound:
            continue
        params = {"field": field, "other": other, "date": bound[:10]}
        found.append((field, FieldError(FieldErrorCode.AFTER_DATE, params)))
    return found


def _ordering_rules(
    schema: dict, data: Mapping[str, Any], condition: Callable[[dict], Draft202012Validator]
) -> list[tuple[str, Any]]:
    """(field, spec) of the schema's properties, and of the ``then`` (or ``else``) branches of
    its ``allOf`` parts whose ``if`` the data meets: ``"x-after"`` may depend on an answer
    (a document said to be valid may not have expired before the entry)."""
    found = list((schema.get("properties") or {}).items())
    for part in schema.get("allOf") or []:
        if not isinstance(part, dict) or not isinstance(part.get("if"), dict):
            continue
        branch = part.get("then" if condition(part["if"]).is_valid(data) else "else")
        if isinstance(branch, dict):
            found.extend((branch.get("properties") or {}).items())
    return found


def _is_date(value: Any) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value[:10]))
    except ValueError:
        return False


_SHARED = FormValidators()


def validate_form_data(
    schema: dict,
    data: dict[str, Any],
    context: Mapping[str, Any] | None = None,
) -> None:
    """Check task data against a form's JSON Schema as ``Engine.complete`` does; raises
    FormValidationError with a FieldError (code and params, no text) per problem of each
    field. Changes nothing."""
    _SHARED.validate(schema, data, context)
