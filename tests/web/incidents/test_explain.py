"""Every incident code the engine can give is explained to the process owner in Dutch and in
English from its code and parameters: no code falls back to the general sentence, and no
sentence repeats Python's exception text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from lxml import html

from engine import IncidentCode
from tests.engine.unchecked import process_xml, store_unchecked
from tests.web.processes.conftest import OWNER, add_process_owner
from web.engine_access import current_engine
from web.incidents.explain import explain

# Parameters as the engine gives them (docs/engine.md, "Incident codes"); each code is also
# explained without any. A new IncidentCode fails test_every_code_has_examples until it is
# added here, and then the tests below until web/incidents/explain.py words it.
EXAMPLES: dict[IncidentCode, list[dict[str, Any]]] = {
    IncidentCode.SCRIPT_FAILED: [
        {"error": "NameError", "detail": "name 'adres' is not defined", "line": 1, "name": "adres"},
        {"error": "KeyError", "detail": "'postcode'", "line": 2, "key": "postcode"},
        {"error": "ZeroDivisionError", "detail": "division by zero", "line": 1},
        {"error": "AssertionError", "detail": "AssertionError", "line": 4},
        {"error": "TypeError", "detail": "unsupported operand type(s) for //", "line": 1},
        {"error": "ValueError", "detail": "invalid literal for int()", "line": 1},
        {"error": "AttributeError", "detail": "'dict' object has no attribute 'x'", "line": 1},
        {"error": "IndexError", "detail": "list index out of range", "line": 3},
        {"error": "SyntaxError", "detail": "invalid syntax (<string>, line 1)", "line": 1},
        {"error": "RuntimeError", "detail": "something unforeseen", "line": 7},
        {"error": "RuntimeError", "detail": "something unforeseen", "line": None},
    ],
    IncidentCode.SCRIPT_NOT_ALLOWED: [{"detail": 'Line 1: "import os" is not allowed.'}],
    IncidentCode.SCRIPT_BUDGET_EXCEEDED: [
        {"budget": "iterations", "limit": 1_000_000},
        {"budget": "size", "limit": 1_000_000},
        {"budget": "memory", "limit": None},
    ],
    IncidentCode.SCRIPT_TOO_DEEP: [],
    IncidentCode.TIME_LIMIT_EXCEEDED: [{"seconds": 3.0}, {"seconds": 0.5}],
    IncidentCode.STEP_LIMIT_EXCEEDED: [{"limit": 1000}],
    IncidentCode.TIMER_INVALID: [{"detail": "Invalid duration: three days"}],
    IncidentCode.COLLECTION_INVALID: [{"detail": "'NoneType' object is not iterable"}],
    IncidentCode.SERVICE_FAILED: [{"detail": "NotImplementedError: http/GetRequest"}],
    IncidentCode.MODEL_ERROR: [
        {"error": "NameError", "detail": "name 'risico' is not defined", "name": "risico"},
        {"error": "WorkflowException", "detail": "No conditions satisfied for gateway"},
    ],
    IncidentCode.COMMAND_FAILED: [{"error": "IntegrityError"}],
    IncidentCode.TIMER_FAILED: [
        {"attempts": 5, "error": "OperationalError: database is locked"},
        {"attempts": 1, "error": "the timer was due but its event did not fire"},
    ],
}

PYTHON_TEXT = re.compile(r"\b\w+(Error|Exception)\b|Traceback|NoneType|<string>|object has no")


def both_languages(app: Flask, code: str | None, params: dict[str, Any]) -> tuple[str, str]:
    with app.test_request_context():
        with force_locale("nl"):
            dutch = explain(code, params, "English message for the log").summary
        with force_locale("en"):
            english = explain(code, params, "English message for the log").summary
    return dutch, english


def test_every_code_has_examples() -> None:
    assert set(EXAMPLES) == set(IncidentCode)


@pytest.mark.parametrize("code", list(IncidentCode), ids=str)
def test_each_code_is_explained_in_dutch_and_english(web_app: Flask, code: IncidentCode) -> None:
    general = both_languages(web_app, "a_code_nobody_knows", {})
    for params in [*EXAMPLES[code], {}]:
        dutch, english = both_languages(web_app, code, params)
        assert dutch not in general and english not in general, (code, params)
        assert english != dutch, (code, params)  # the English text is translated
        for text in (dutch, english):
            assert not PYTHON_TEXT.search(text), (code, params, text)
            for value in (params.get("detail"), params.get("error")):
                assert not value or value not in text, (code, params, text)


def test_the_variable_and_numbers_are_named_in_the_reader_s_language(web_app: Flask) -> None:
    missing = {"error": "NameError", "detail": "name 'adres' is not defined", "name": "adres"}
    dutch, english = both_languages(web_app, "script_failed", missing)
    assert "‘adres’" in dutch and "‘adres’" in english
    dutch, english = both_languages(
        web_app, "script_budget_exceeded", {"budget": "iterations", "limit": 1_000_000}
    )
    assert "1.000.000" in dutch and "1,000,000" in english
    dutch, english = both_languages(web_app, "timer_failed", {"attempts": 5, "error": "x"})
    assert "5 keer" in dutch and "5 times" in english
    assert "once" in both_languages(web_app, "timer_failed", {"attempts": 1, "error": "x"})[1]


def test_a_case_without_a_code_reads_as_the_engine_reads_it(web_app: Flask) -> None:
    assert both_languages(web_app, None, {}) == both_languages(web_app, "model_error", {})


RECURSION = """
    <bpmn:scriptTask id="x" name="Bereken schuldpositie">
      <bpmn:script>def total(n):
    return total(n + 1)
debt = total(0)</bpmn:script>
    </bpmn:scriptTask>
"""


def test_the_console_explains_an_incident_the_engine_gave_in_either_language(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    with web_app.app_context():
        engine = current_engine()
        store_unchecked(engine, "deep_case", process_xml("deep_case", RECURSION))
        case = engine.start("deep_case", {}, "DIEP-1")
    assert case.error_code == "script_too_deep"
    add_process_owner(web_app)
    owner = sign_in(OWNER)

    def summaries() -> list[str]:
        pages = (owner.get("/incidenten"), owner.get(f"/incidenten/{case.id}"))
        found = []
        for page in pages:
            tree = html.fromstring(page.get_data(as_text=True))
            found += [e.text_content().strip() for e in tree.find_class("notice-error")]
        return found

    assert (
        summaries()
        == [
            "Het script roept een functie te vaak in zichzelf aan (een herhaling zonder einde?) en "
            "is gestopt."
        ]
        * 2
    )
    owner.post("/taal", data={"language": "en"})
    assert (
        summaries()
        == [
            "The script calls a function within itself too often (a repetition without end?) and "
            "was stopped."
        ]
        * 2
    )
