"""The building blocks of the API's input schemas: marshmallow fields and validators whose
messages are the app's (Dutch, English through the catalogue, as ``Accept-Language`` asks), and
the check that a JSON body holds nothing the databases refuse."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf, Range

MAX_JSON_DEPTH = 20

COMMON = {
    "required": _l("Dit veld is verplicht."),
    "null": _l("Dit veld mag niet leeg zijn."),
}


class ApiSchema(Schema):
    """Refuses unknown fields (``unknown`` = RAISE, marshmallow's default)."""

    error_messages = {
        "unknown": _l("Dit veld is onbekend."),
        "type": _l("Verwacht een JSON-object."),
    }


class Text(fields.String):
    """A string that can be stored (see ``usable``)."""

    default_error_messages = {
        **COMMON,
        "invalid": _l("Vul tekst in."),
        "unusable": _l("Bevat tekens die niet kunnen worden opgeslagen."),
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not usable(text):
            raise self.make_error("unusable")
        return text


class Day(fields.Date):
    default_error_messages = {
        **COMMON,
        "invalid": _l("Vul een geldige datum in (JJJJ-MM-DD)."),
        "format": _l("Vul een geldige datum in (JJJJ-MM-DD)."),
    }


class YesNo(fields.Boolean):
    default_error_messages = {**COMMON, "invalid": _l("Kies true of false.")}


class Whole(fields.Integer):
    default_error_messages = {
        **COMMON,
        "invalid": _l("Vul een geheel getal in."),
        "too_large": _l("Dit getal is te groot."),
    }


class Choice(fields.String):
    default_error_messages = {**COMMON, "invalid": _l("Kies een van de opties.")}


class Object(fields.Nested):
    default_error_messages = {**COMMON, "type": _l("Verwacht een JSON-object.")}


def length(maximum: int, minimum: int | None = None) -> Length:
    if minimum:
        return Length(minimum, maximum, error=_l("Tussen {min} en {max} tekens."))
    return Length(max=maximum, error=_l("Ten hoogste {max} tekens."))


def between(minimum: int, maximum: int) -> Range:
    return Range(minimum, maximum, error=_l("Tussen {min} en {max}."))


def one_of(choices: Sequence[str]) -> OneOf:
    return OneOf(choices, error=_l("Kies een van: {choices}."))


def usable(text: str) -> bool:
    """No NUL characters and no unpaired surrogates: the databases refuse both."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_problems(value: Any, path: str = "", depth: int = 0) -> dict[str, list[str]]:
    """Where a request body holds what cannot be stored: unusable strings (also as keys),
    non-finite numbers, or nesting deeper than MAX_JSON_DEPTH."""
    where = path or "_schema"
    if depth > MAX_JSON_DEPTH:
        return {where: [_("Te diep genest.")]}
    if isinstance(value, str):
        unusable = _("Bevat tekens die niet kunnen worden opgeslagen.")
        return {} if usable(value) else {where: [unusable]}
    if isinstance(value, float) and not math.isfinite(value):
        return {where: [_("Geen eindig getal.")]}
    problems: dict[str, list[str]] = {}
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not usable(str(key)):
                problems[where] = [
                    _("Een veldnaam bevat tekens die niet kunnen worden opgeslagen.")
                ]
                continue
            problems.update(json_problems(item, f"{path}.{key}" if path else str(key), depth + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            name = f"{path}.{index}" if path else str(index)
            problems.update(json_problems(item, name, depth + 1))
    return problems
