"""Timer expressions at deploy time: a constant must be an ISO 8601 value of the timer's kind.

A timer expression is evaluated on the case data when the timer starts waiting; when it is a
constant (a quoted string), what it gives is known now, and a value SpiffWorkflow cannot read
would only fail once a case reaches the timer. Camunda Modeler users write the value bare
(``PT5M``, not ``"PT5M"``): `bare_iso_value` recognises those.
"""

from __future__ import annotations

import ast
import re
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_CAMUNDA_EL = re.compile(r"^\s*[$#]\{.*\}\s*$", re.S)
_ISO_START = re.compile(r"^(P[0-9T]|R[0-9]*/|[0-9]{4}-[0-9]{2})")


def constant_of(expression: str) -> tuple[bool, object]:
    """Whether `expression` is a literal constant, and its value when it is."""
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return False, None
    if not isinstance(node, ast.Constant):
        return False, None
    return True, node.value


def timer_value_problem(kind: str, value: object) -> tuple[str, dict] | None:
    """The problem code and parameters when constant `value` cannot serve a `kind` timer
    (``timeDate``, ``timeDuration`` or ``timeCycle``), or None when it can."""
    shown = repr(value) if not isinstance(value, str) else f'"{value}"'
    if not isinstance(value, str):
        return "timer_not_text", {"kind": kind, "value": shown}
    text = value.strip()
    try:
        if kind == "timeDuration":
            if not text.upper().startswith("P"):
                raise ValueError(text)
            TimerEventDefinition.parse_iso_duration(text)
        elif kind == "timeDate":
            when = TimerEventDefinition.parse_time_or_duration(text)
            if not isinstance(when, datetime):
                raise ValueError(text)
            if "W" not in text.upper() and datetime.fromisoformat(text).tzinfo is None:
                return "timer_date_naive", {"value": shown}
        else:
            if not text.upper().startswith("R"):
                raise ValueError(text)
            TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception:  # SpiffWorkflow's parsers raise plain Exception, ValueError, TypeError...
        code = {"timeDuration": "timer_duration_invalid", "timeDate": "timer_date_invalid"}
        return code.get(kind, "timer_cycle_invalid"), {"value": shown}
    return None


def bare_iso_value(kind: str, text: str | None) -> str | None:
    """`text` when it is an unquoted ISO 8601 value for a `kind` timer, as Camunda Modeler
    users write them (``PT5M``, ``2026-05-04T09:00:00Z``, ``R3/PT1H``); else None."""
    if text is None or not text.strip():
        return None
    problem = timer_value_problem(kind, text.strip())
    return text.strip() if problem is None or problem[0] == "timer_date_naive" else None


def looks_iso(text: str | None) -> bool:
    """Whether bare `text` is meant as an ISO 8601 value (``P2X``: a duration, if a wrong one)
    rather than an expression: it starts as a duration, a repetition or a date does."""
    return text is not None and _ISO_START.match(text.strip()) is not None


def is_camunda_el(text: str | None) -> bool:
    """Whether `text` is a Camunda expression language (JUEL) expression such as ``${due}``."""
    return text is not None and _CAMUNDA_EL.match(text) is not None
