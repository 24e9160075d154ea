"""Every refusal the engine can give is worded for the user in Dutch and in English from its
reason and params, never with the engine's English message."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

import engine
from engine import ConflictError, MessageNotDeliverableError, NotFoundError, RefusalReason
from web.engine_errors import REASONS, engine_error_text

ENGINE_SOURCE = Path(engine.__file__).parent


@pytest.fixture(scope="module")
def app() -> Flask:
    """An app with the web package's catalogues and nothing else."""
    app = Flask("web")
    Babel(app)
    return app


def reasons_raised_in_engine() -> set[str]:
    """Every ``reason=`` literal the engine's code passes to an error."""
    found = set()
    for path in ENGINE_SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            literal = isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant)
            if literal and node.arg == "reason" and isinstance(node.value.value, str):
                found.add(node.value.value)
    return found


def test_the_engine_gives_only_listed_reasons() -> None:
    raised = reasons_raised_in_engine()
    assert raised, "the scan found no reason at all"
    assert raised <= {reason.value for reason in RefusalReason}


PARAMS = {
    "process_id": "nazorg_detentie",
    "version_id": 7,
    "instance_id": 42,
    "business_key": "NZ-2026-7KQ4RM",
    "task_id": "t-1",
    "status": "completed",
    "message_name": "release_date_changed",
}


@pytest.mark.parametrize("reason", list(RefusalReason))
def test_every_reason_is_worded_in_dutch_and_english(app: Flask, reason: RefusalReason) -> None:
    assert reason in REASONS
    error = ConflictError("engine's own English text", reason=reason.value, **PARAMS)
    with app.test_request_context():
        with force_locale("nl"):
            dutch = engine_error_text(error)
        with force_locale("en"):
            english = engine_error_text(error)
    assert dutch != english
    for text in (dutch, english):
        assert "engine's own" not in text and "%(" not in text and "?" not in text


def test_values_fill_the_text_and_a_missing_one_does_not_break_it(app: Flask) -> None:
    with app.test_request_context(), force_locale("en"):
        claimed = ConflictError("x", reason="task_claimed", task_id="t", claimed_by="ams2")
        assert engine_error_text(claimed) == "This task is already claimed by ams2."
        waiting = MessageNotDeliverableError(
            "x", reason="not_waiting", business_key="NZ-1", message_name="m"
        )
        assert engine_error_text(waiting) == "Case NZ-1 is not waiting for the message ‘m’ now."
        assert engine_error_text(NotFoundError("x", reason="case_not_found")) == (
            "There is no case ?."
        )
        assert engine_error_text(NotFoundError("x")) == (
            "What you are looking for does not exist, or you may not see it."
        )
