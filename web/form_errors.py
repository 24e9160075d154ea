"""The engine's form validation errors (a code and params per field, engine/errors.py
FieldErrorCode) worded in the user's language: one place for the task page, the start form, the
form preview and the API. A rule naming another field (``after_date``) names it by its label in
the user's language (the models' English titles, docs/modelling.md "Translations")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from engine import FieldError, FieldErrorCode
from web.admin.forms import KIND_LABELS

Labels = Mapping[str, str]

MESSAGES = {
    FieldErrorCode.REQUIRED: _l("Dit veld is verplicht."),
    FieldErrorCode.TYPE: _l("Deze waarde heeft niet het juiste type."),
    FieldErrorCode.ENUM: _l("Kies een van de opties."),
    FieldErrorCode.MIN_LENGTH: _l("Dit is te kort: ten minste %(limit)s."),
    FieldErrorCode.MAX_LENGTH: _l("Dit is te lang: ten hoogste %(limit)s."),
    FieldErrorCode.MINIMUM: _l("Deze waarde is te laag: ten minste %(limit)s."),
    FieldErrorCode.MAXIMUM: _l("Deze waarde is te hoog: ten hoogste %(limit)s."),
    FieldErrorCode.PATTERN: _l("Deze waarde heeft niet de juiste vorm."),
    FieldErrorCode.FORMAT_DATE: _l("Vul een geldige datum in (JJJJ-MM-DD)."),
    FieldErrorCode.FORMAT_DATE_TIME: _l("Vul een geldig tijdstip in."),
    FieldErrorCode.FORMAT_EMAIL: _l("Vul een geldig e-mailadres in."),
    FieldErrorCode.FORMAT_BSN: _l("Dit is geen geldig BSN (de elfproef klopt niet)."),
    FieldErrorCode.FORMAT: _l("Deze waarde heeft niet de juiste vorm."),
    FieldErrorCode.NOT_ALLOWED: _l("Dit veld hoort niet bij dit formulier."),
    FieldErrorCode.AFTER_DATE: _l("Deze datum ligt vóór ‘%(other)s’ (%(date)s)."),
    FieldErrorCode.ORGANISATION_UNKNOWN: _l(
        "‘%(value)s’ is geen actieve organisatie van de soort %(kind)s."
    ),
    FieldErrorCode.REASON_REQUIRED: _l("Geef een reden op."),
    FieldErrorCode.NOTHING_TO_CHANGE: _l("Er is niets te wijzigen."),
    FieldErrorCode.INVALID: _l("Deze waarde is ongeldig."),
}


def label_of(labels: Labels, path: str) -> str:
    """A field's label in the user's language: by its path, else its key, else the key."""
    key = path.rsplit(".", 1)[-1]
    return str(labels.get(path) or labels.get(key) or key)


def _shown_date(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]), "d MMMM yyyy")
    except ValueError:
        return str(value)


def word(error: FieldError, labels: Labels | None = None) -> str:
    """One error as a sentence in the user's language."""
    labels = labels or {}
    params = error.params
    message = MESSAGES.get(error.code, MESSAGES[FieldErrorCode.INVALID])
    if error.code == FieldErrorCode.AFTER_DATE:
        other = label_of(labels, str(params.get("other", "")))
        return str(message) % {"other": other, "date": _shown_date(params.get("date"))}
    if error.code == FieldErrorCode.ORGANISATION_UNKNOWN:
        kind = params.get("kind", "")
        shown = KIND_LABELS.get(kind, kind)
        return str(message) % {"value": params.get("value", ""), "kind": shown}
    if "limit" in params:
        return str(message) % {"limit": params["limit"]}
    return str(message)


def worded(errors: Mapping[str, list[FieldError]], labels: Labels | None = None) -> dict:
    """{field path: [sentence, ...]} as the pages show them beside each field."""
    return {path: [word(error, labels) for error in found] for path, found in errors.items()}


def merge(
    into: dict[str, list[str]], errors: Mapping[str, list[FieldError]], labels: Labels
) -> None:
    """Add the engine's errors to ``into`` (the fields a page could not even read), keeping what
    is there for a field: every error in one round, one message list per field."""
    for path, messages in worded(errors, labels).items():
        into.setdefault(path, messages)


def described(errors: Mapping[str, list[FieldError]], labels: Labels | None = None) -> list[dict]:
    """The API's ``field_errors``: per problem the field's path and label, the engine's code and
    params, and the sentence in the request's language."""
    labels = labels or {}
    return [
        {
            "field": path,
            "label": label_of(labels, path),
            "code": error.code,
            "params": dict(error.params),
            "message": word(error, labels),
        }
        for path, found in errors.items()
        for error in found
    ]
