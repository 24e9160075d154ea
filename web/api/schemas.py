"""What the JSON API accepts: marshmallow schemas for query strings and request bodies. They
validate every request and, through apispec, make the OpenAPI document (web/api/openapi.py).

The rules of the entry notification are the page's (web/cases/registration.py); a message's
payload follows docs/processes.md.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from marshmallow import (
    EXCLUDE,
    INCLUDE,
    Schema,
    ValidationError,
    pre_load,
    validates,
    validates_schema,
)

from web.api.inputs import (
    ApiSchema,
    Choice,
    Day,
    Object,
    Text,
    Whole,
    YesNo,
    between,
    length,
    one_of,
)
from web.cases import fields as case_fields
from web.cases import registration
from web.models import organisation_options

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
CASE_STATUSES = ("running", "completed", "error")
ASSIGNMENTS = ("mine", "unassigned")

RELEASE_DATE_CHANGED = "ontslagdatum_gewijzigd"
IMMEDIATE_RELEASE = "directe_invrijheidstelling"


# Query strings


class QuerySchema(ApiSchema):
    class Meta:
        unknown = EXCLUDE  # e.g. a cache buster


class PageQuery(QuerySchema):
    page = Whole(load_default=1, validate=between(1, MAX_PAGE), metadata={"description": "From 1."})
    per_page = Whole(load_default=DEFAULT_PER_PAGE, validate=between(1, MAX_PER_PAGE))


class CaseQuery(PageQuery):
    person = Text(
        validate=length(100),
        metadata={"description": "Part of the person's name or of the case number."},
    )
    status = Choice(validate=one_of(CASE_STATUSES))


class TaskQuery(PageQuery):
    assignment = Choice(
        validate=one_of(ASSIGNMENTS),
        metadata={"description": "mine: claimed by me; unassigned: by nobody; default: both."},
    )
    step = Text(validate=length(100), metadata={"description": "The task's element id."})
    provision = Choice(validate=one_of(case_fields.PROVISIONS))
    person = Text(
        validate=length(100),
        metadata={"description": "Part of the person's name or of the case number."},
    )


# Bodies


class EntrySchema(ApiSchema):
    """A new detention (the entry notification), registered by a caseworker of the prison.

    The prison is the user's organisation; the rules are the page's (web/cases/registration.py).
    """

    name = Text(required=True, validate=length(200, 1), metadata={"example": "Karel Appel"})
    birth_date = Day(required=True, metadata={"example": "1985-03-12"})
    bsn = Text(
        required=True,
        validate=length(20),
        metadata={
            "description": "Nine digits that pass the eleven test (spaces, dots allowed).",
            "example": "111222333",
        },
    )
    entry_date = Day(
        required=True, metadata={"description": "Not in the future.", "example": "2026-05-01"}
    )
    expected_release_date = Day(
        load_default=None, allow_none=True, metadata={"example": "2026-09-30"}
    )
    municipality_code = Text(
        required=True,
        validate=length(32),
        metadata={"description": "The municipality of origin.", "example": "GM0363"},
    )
    probation_office_code = Text(load_default=None, allow_none=True, validate=length(32))
    has_minor_children = YesNo(
        required=True, allow_none=True, metadata={"description": "null: unknown.", "example": False}
    )
    remarks = Text(load_default=None, allow_none=True, validate=length(2000))

    @pre_load
    def _normalise_bsn(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("bsn"), str):
            data = {**data, "bsn": registration.normalise_bsn(data["bsn"])}
        return data

    @validates("name")
    def _name(self, value: str, data_key: str) -> None:
        if not value.strip():
            raise ValidationError(_("Vul de naam in."))

    @validates("bsn")
    def _bsn(self, value: str, data_key: str) -> None:
        _refuse(registration.bsn_problem(value))

    @validates("municipality_code")
    def _municipality(self, value: str, data_key: str) -> None:
        if value not in {code for code, _label in organisation_options("municipality")}:
            raise ValidationError(_("Geen bekende gemeente."))

    @validates("probation_office_code")
    def _probation(self, value: str | None, data_key: str) -> None:
        if value is not None and value not in {c for c, _name in organisation_options("probation")}:
            raise ValidationError(_("Geen bekende reclasseringsorganisatie."))

    @validates_schema(skip_on_field_errors=False)
    def _dates(self, data: dict[str, Any], **_kwargs: Any) -> None:
        entry = data.get("entry_date")
        problems = {
            "entry_date": registration.entry_date_problem(entry) if entry else None,
            "birth_date": (
                registration.birth_date_problem(data["birth_date"], entry)
                if data.get("birth_date")
                else None
            ),
            "expected_release_date": (
                registration.release_date_problem(data["expected_release_date"], entry)
                if data.get("expected_release_date")
                else None
            ),
        }
        found = {name: [str(problem)] for name, problem in problems.items() if problem}
        if found:
            raise ValidationError(found)


def _refuse(problem: object | None) -> None:
    if problem is not None:
        raise ValidationError(str(problem))


class FormData(Schema):
    """The task's form data: an object that the task's JSON Schema (``form.schema`` of the task)
    validates when the task is completed."""

    class Meta:
        unknown = INCLUDE


class ReleaseDateChangedPayload(ApiSchema):
    expected_release_date = Day(
        required=True,
        allow_none=True,
        metadata={
            "description": "null when the release date is unknown again.",
            "example": "2026-09-30",
        },
    )
    reason = Text(
        required=True, validate=length(500, 1), metadata={"example": "Vonnis hoger beroep"}
    )
    conditional_release = YesNo()
    special_conditions = Text(validate=length(2000))


class ImmediateReleasePayload(ApiSchema):
    release_date = Day(metadata={"description": "Default today; not in the future."})
    reason = Text(validate=length(500))
    conditional_release = YesNo()
    special_conditions = Text(validate=length(2000))


class ReleaseDateChangedMessage(ApiSchema):
    """The prison reports a new expected release date (or that it is unknown again)."""

    name = Choice(required=True, validate=one_of([RELEASE_DATE_CHANGED]))
    payload = Object(ReleaseDateChangedPayload, required=True)


class ImmediateReleaseMessage(ApiSchema):
    """The prison reports that the person was released at once."""

    name = Choice(required=True, validate=one_of([IMMEDIATE_RELEASE]))
    payload = Object(ImmediateReleasePayload, load_default=dict)


MESSAGES: dict[str, type[Schema]] = {
    RELEASE_DATE_CHANGED: ReleaseDateChangedMessage,
    IMMEDIATE_RELEASE: ImmediateReleaseMessage,
}
"""The messages the API delivers, by name, with the payload each carries."""


def load_message(body: Any) -> dict[str, Any]:
    """A message body, validated by the schema its name chooses."""
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str) or name not in MESSAGES:
        known = ", ".join(sorted(MESSAGES))
        problem = _("Geen bericht dat deze API aflevert; een van: %(known)s.", known=known)
        raise ValidationError({"name": [problem]})
    return MESSAGES[name]().load(body)
