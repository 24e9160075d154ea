"""Organisation fields: data that hands a case to an organisation is checked where it enters the
engine (task completion and start data), whichever channel sent it.

A form field declares the kind of organisation it expects with the schema keyword
``"x-organisation": "probation"`` (a party code of engine/parties.py); a field without the
keyword that carries a party's organisation key (``municipality_code``, or a name ending in it
such as ``entry_requested_municipality_code``) expects that party's kind, because the lanes route
tasks by those keys. ``"x-organisation": false`` says a field holds no organisation.

The engine keeps no organisations of its own: the application gives the Engine an
``OrganisationDirectory`` that answers, on the command's connection, whether a code is an active
organisation of a kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Connection

from engine.errors import FieldError, FieldErrorCode, FormValidationError
from engine.parties import party_of_key

OrganisationDirectory = Callable[[Connection, str, str], bool]
"""(connection, kind, code) -> whether ``code`` is an active organisation of ``kind``."""


def organisation_kind(field: str, spec: Any) -> str | None:
    """The kind of organisation ``field`` (its schema ``spec``, if any) expects, or None."""
    declared = spec.get("x-organisation") if isinstance(spec, Mapping) else None
    if declared is False:
        return None
    if isinstance(declared, str) and declared:
        return declared
    party = party_of_key(field)
    return party.code if party is not None else None


def organisation_errors(
    schema: Mapping[str, Any] | None,
    data: Mapping[str, Any],
    is_organisation: Callable[[str, str], bool],
) -> dict[str, list[FieldError]]:
    """Field -> error (``organisation_unknown``) for every organisation code in ``data`` that
    is not an active organisation of the kind its field expects."""
    properties = (schema or {}).get("properties") or {}
    errors: dict[str, list[FieldError]] = {}
    for field, value in data.items():
        if not isinstance(value, str) or not value:
            continue
        kind = organisation_kind(field, properties.get(field))
        if kind is None or is_organisation(kind, value):
            continue
        params = {"field": field, "value": value, "kind": kind}
        errors[field] = [FieldError(FieldErrorCode.ORGANISATION_UNKNOWN, params)]
    return errors


def check_organisations(
    directory: OrganisationDirectory | None,
    conn: Connection,
    schema: Mapping[str, Any] | None,
    data: Mapping[str, Any],
) -> None:
    """Raise FormValidationError naming each field whose organisation code ``directory`` does
    not know for the field's kind; nothing when no directory was given."""
    if directory is None:
        return
    errors = organisation_errors(schema, data, lambda kind, code: directory(conn, kind, code))
    if errors:
        raise FormValidationError(errors)
