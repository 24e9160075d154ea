"""What a command does to the workflow itself: run it on, and read its data as JSON values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow


def advance(
    workflow: BpmnWorkflow,
    before_run: Callable[[Any], None],
    on_completed: Callable[[Any], None],
) -> None:
    """Fire what is due, then run the engine until only user tasks and waiting events are left."""
    workflow.refresh_timers()
    workflow.do_engine_steps(will_complete_task=before_run, did_complete_task=on_completed)


def to_json_value(value: Any) -> Any:
    """Task data as plain JSON values (dates and decimals as strings)."""
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
