"""Every deployment problem the engine can report is worded in Dutch and in English from its code
and parameters, never left in the engine's English on a Dutch page."""

from __future__ import annotations

import string

from flask import Flask
from flask_babel import force_locale

from engine import DeploymentError
from engine.deployment.problems import ENGLISH, PARTS, problem
from web.processes.messages import TEXTS, translate

# Parameters a translation may leave out: "what" is translated itself; a lane's task kind is
# clear from the element the problem is shown on.
UNSHOWN = {"what", "lane_missing.kind", "lane_unknown.kind"}


def sample(code: str, **extra: object) -> DeploymentError:
    fields = {name for _, name, _, _ in string.Formatter().parse(ENGLISH[code]) if name}
    parameters = {**{name: f"<{name}>" for name in fields}, **extra}
    return problem(code, file="m.bpmn", line=3, element="E", **parameters)


def test_the_table_covers_the_catalogue() -> None:
    assert set(TEXTS) == set(ENGLISH)


def test_each_problem_is_worded_in_both_languages_with_its_parameters(web_app: Flask) -> None:
    for code in sorted(ENGLISH):
        found = sample(code)
        with web_app.test_request_context():
            with force_locale("nl"):
                dutch = translate(found)
            with force_locale("en"):
                english = translate(found)
        assert dutch != found.detail, code
        assert english != dutch, code
        for name, value in found.params.items():
            if name not in UNSHOWN and f"{code}.{name}" not in UNSHOWN:
                assert str(value) in dutch and str(value) in english, (code, name)


def test_a_start_form_or_ui_schema_problem_says_which(web_app: Flask) -> None:
    assert set(PARTS) == {"start_form", "ui_schema"}
    with web_app.test_request_context(), force_locale("nl"):
        start = translate(sample("form_file_missing", part="start_form"))
        timer = translate(sample("expression_invalid", what="timer expression (timeDate)"))
    assert start.startswith("Startformulier: Formulierbestand ‘<name>’ bestaat niet")
    assert timer.startswith("De timerexpressie (timeDate) is geen geldige expressie")
