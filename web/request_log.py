"""Logs: the handler every command sets up (text or one JSON object a line), and one line per
HTTP request.

A request's line (logger ``terugkeer.request``) holds its request id, the user's id (never a
name, never a BSN), the route as the app's URL rule (``/taken/<task_id>``, not the path with
its ids), the method, the status and the duration in ms. The request id is the client's
``X-Request-ID`` when that is well formed, else a new one; the response carries it back. While
the request runs it is in engine/logcontext.py: every log line of the request (the engine's
command lines included) and every audit event it writes carry it."""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import IO

from flask import Flask, Response, g, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

from engine.logcontext import RequestIdFilter, request_id

LOG_FORMATS = ("text", "json")
HEADER = "X-Request-ID"
HANDLER_NAME = "terugkeer"
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
QUIET = {"apscheduler": logging.WARNING, "spiff": logging.WARNING}  # every wake-up, every step

log = logging.getLogger("terugkeer.request")


class TextFormatter(logging.Formatter):
    """One readable line; the request id at the end when there is one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        current = getattr(record, "request_id", None)
        return f"{line} [request {current}]" if current else line


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return TextFormatter()


def log_handler(log_format: str, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing to ``stream`` (standard error) in ``log_format`` (text or json), each
    record with its request id."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"TERUGKEER_LOG_FORMAT: {log_format!r} is not one of text, json")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(formatter(log_format))
    return handler


def configure_logging(log_format: str) -> None:
    """Log INFO and above to standard error in ``log_format``, replacing what an earlier call
    set up. Like ``logging.basicConfig``, nothing changes when the root logger has handlers of
    someone else's (a test runner's)."""
    root = logging.getLogger()
    ours = [h for h in root.handlers if h.get_name() == HANDLER_NAME]
    if len(ours) < len(root.handlers):
        return
    for old in ours:
        root.removeHandler(old)
    root.addHandler(log_handler(log_format))
    root.setLevel(logging.INFO)
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)


def incoming_id(value: str | None) -> str:
    """The client's request id when well formed (8 to 128 letters, digits, ``.``, ``_``,
    ``:``, ``-``), else a new one."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


def register_request_log(app: Flask) -> None:
    """Log each request of ``app``; its id is set before any other hook of the app runs."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.after_request(_finish)
    app.teardown_request(_end)


def _begin() -> None:
    g.request_id = incoming_id(request.headers.get(HEADER))
    g.request_started = time.perf_counter()
    g.request_id_token = request_id.set(g.request_id)


def _user_id() -> int | None:
    token = g.get("api_token")
    if token is not None:
        return token.user.id
    if current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _finish(response: Response) -> Response:
    current = g.get("request_id") or incoming_id(None)
    response.headers[HEADER] = current
    started = g.get("request_started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else None
    log.info(
        "%s %s %s",
        request.method,
        route or "(no route)",
        response.status_code,
        extra={
            "request_id": current,
            "user_id": _user_id(),
            "route": route,
            "method": request.method,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return response


def _end(_error: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id.reset(token)
