"""The request id of the command being run, for logs and audit events.

The caller (web/, per HTTP request) sets ``request_id`` around its work; the engine reads it when
it writes audit events, and ``RequestIdFilter`` puts it on every log record, the engine's
included. Nothing here knows about HTTP."""

from __future__ import annotations

import logging
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("terugkeer_request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Give each record a ``request_id`` attribute: the current one, or None outside a request
    (a record that brings its own keeps it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


def keep_case_data_out_of_logs() -> None:
    """SpiffWorkflow logs every task state change at INFO and DEBUG with the task's data (BSNs,
    care and debt information) as record attributes; only its warnings and errors may pass."""
    spiff = logging.getLogger("spiff")
    if spiff.level < logging.WARNING:
        spiff.setLevel(logging.WARNING)
