"""The counters and histograms each process keeps: engine commands (through the engine's command
observer), timers and HTTP requests. Label values come from fixed sets (command kinds, URL rules,
status codes), never from a path or case data."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import Counter, Histogram

from engine.runtime.observing import CommandReport

COMMAND_SECONDS = Histogram(
    "terugkeer_command_seconds",
    "Engine commands by kind and outcome (ok, refused, failed), with their duration.",
    ["kind", "outcome"],
)
TIMERS_FIRED = Counter(
    "terugkeer_timers_fired",
    "Timers the scheduler claimed, by outcome (ok: fired; failed: to be tried again or an "
    "incident).",
    ["outcome"],
)
TIMER_LATENESS = Histogram(
    "terugkeer_timer_lateness_seconds",
    "How long after its due time a timer was fired.",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600, 24 * 3600),
)
HTTP_REQUESTS = Counter(
    "terugkeer_http_requests",
    "HTTP requests by route (the URL rule), method and status.",
    ["route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "terugkeer_http_request_seconds", "HTTP request duration by route.", ["route"]
)
UNMATCHED = "<unmatched>"  # the route of a request no URL rule matched (404s, 405s)


def record_command(report: CommandReport) -> None:
    """The engine's command observer (web/engine_access.py wires it)."""
    COMMAND_SECONDS.labels(report.kind, report.outcome).observe(report.seconds)
    if report.kind == "timer":
        TIMERS_FIRED.labels(report.outcome).inc()
        if report.lateness is not None:
            TIMER_LATENESS.observe(report.lateness.total_seconds())


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _finished(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
    HTTP_REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    if started is not None:
        HTTP_SECONDS.labels(route).observe(time.perf_counter() - started)
    return response


def count_requests(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_finished)
