"""Every form validation error code the engine can give is worded in Dutch and in English from
its code and params (web/form_errors.py): no code falls back to the general sentence, the English
is translated, and a rule naming another field names it by its label in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale

from engine import FieldError, FieldErrorCode
from web.form_errors import described, word

# Params as the engine gives them (engine/errors.py, FieldErrorCode). A new FieldErrorCode fails
# test_every_code_has_an_example until it is added here, and then the tests below until
# web/form_errors.py words it in Dutch and English.
EXAMPLES: dict[FieldErrorCode, dict[str, Any]] = {
    FieldErrorCode.REQUIRED: {},
    FieldErrorCode.TYPE: {"type": "integer"},
    FieldErrorCode.ENUM: {},
    FieldErrorCode.MIN_LENGTH: {"limit": 2},
    FieldErrorCode.MAX_LENGTH: {"limit": 80},
    FieldErrorCode.MINIMUM: {"limit": 0},
    FieldErrorCode.MAXIMUM: {"limit": 365},
    FieldErrorCode.PATTERN: {"pattern": "^[0-9]{4}$"},
    FieldErrorCode.FORMAT_DATE: {},
    FieldErrorCode.FORMAT_DATE_TIME: {},
    FieldErrorCode.FORMAT_EMAIL: {},
    FieldErrorCode.FORMAT_BSN: {},
    FieldErrorCode.FORMAT: {"format": "uri"},
    FieldErrorCode.NOT_ALLOWED: {},
    FieldErrorCode.AFTER_DATE: {"other": "entry_date", "date": "2026-05-04"},
    FieldErrorCode.ORGANISATION_UNKNOWN: {"value": "GM0599", "kind": "municipality"},
    FieldErrorCode.REASON_REQUIRED: {},
    FieldErrorCode.NOTHING_TO_CHANGE: {},
    FieldErrorCode.INVALID: {"keyword": "multipleOf"},
}
LABELS = {"nl": {"entry_date": "Datum van binnenkomst"}, "en": {"entry_date": "Date of entry"}}


def both_languages(app: Flask, code: str, params: dict[str, Any]) -> tuple[str, str]:
    error = FieldError(code, {"field": "x", **params})
    with app.test_request_context():
        with force_locale("nl"):
            dutch = word(error, LABELS["nl"])
        with force_locale("en"):
            english = word(error, LABELS["en"])
    return dutch, english


def test_every_code_has_an_example() -> None:
    assert set(EXAMPLES) == set(FieldErrorCode)


@pytest.mark.parametrize("code", list(FieldErrorCode), ids=str)
def test_each_code_is_worded_in_dutch_and_english(web_app: Flask, code: FieldErrorCode) -> None:
    general = both_languages(web_app, "a_code_nobody_knows", {})
    dutch, english = both_languages(web_app, code, EXAMPLES[code])
    assert dutch and english and english != dutch, code
    if code is not FieldErrorCode.INVALID:
        assert dutch != general[0] and english != general[1], code
    for value in ("limit", "value"):
        if value in EXAMPLES[code]:
            assert str(EXAMPLES[code][value]) in dutch and str(EXAMPLES[code][value]) in english


def test_the_other_field_and_its_date_are_named_in_the_reader_s_language(web_app: Flask) -> None:
    dutch, english = both_languages(web_app, "after_date", EXAMPLES[FieldErrorCode.AFTER_DATE])
    assert dutch == "Deze datum ligt vóór ‘Datum van binnenkomst’ (4 mei 2026)."
    assert english == "This date is before ‘Date of entry’ (4 May 2026)."
    dutch, english = both_languages(web_app, "organisation_unknown", {"value": "X", "kind": "uwv"})
    assert "soort UWV" in dutch and "kind UWV" in english


def test_the_api_entry_keeps_path_label_code_and_params_beside_the_text(web_app: Flask) -> None:
    errors = {"contact.phone": [FieldError("max_length", {"field": "phone", "limit": 3})]}
    with web_app.test_request_context(), force_locale("en"):
        (entry,) = described(errors, {"phone": "Telephone"})
    assert entry == {
        "field": "contact.phone",
        "label": "Telephone",
        "code": "max_length",
        "params": {"field": "phone", "limit": 3},
        "message": "Too long: at most 3.",
    }
