"""``/metrics`` in Prometheus's text format, for a scraper that sends
``Authorization: Bearer <TERUGKEER_METRICS_TOKEN>``; without that setting the page does not
exist (404). Not signed in, not audited: it shows counts only, no case data."""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from engine.db.connect import read_transaction
from web.engine_access import current_engine, dashboard_feed
from web.health.views import heartbeat_ages
from web.metrics.queries import tasks_by_organisation

bp = Blueprint("metrics", __name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
NO_ORGANISATION = "none"


@bp.get("/metrics")
def metrics() -> Response:
    token = current_app.config.get("TERUGKEER_METRICS_TOKEN")
    if not token:
        abort(404)
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return Response(
            "a metrics token is needed\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"'},
            mimetype="text/plain",
        )
    scraped = CollectorRegistry()
    scraped.register(DatabaseGauges(read_gauges()))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(scraped)  # every worker's and scheduler's counters, summed
        body = generate_latest(scraped)
    else:
        body = generate_latest(REGISTRY) + generate_latest(scraped)
    return Response(body, 200, {"Content-Type": CONTENT_TYPE})


def read_gauges() -> list[Metric]:
    """The gauges read from the database now: cases in error, open and overdue tasks per
    organisation, how far the dashboard's projection is behind, the schedulers' heartbeats."""
    engine = current_engine()
    open_tasks = GaugeMetricFamily(
        "terugkeer_open_tasks", "Open tasks per organisation.", labels=["organisation"]
    )
    overdue = GaugeMetricFamily(
        "terugkeer_overdue_tasks",
        "Open tasks past their due time per organisation.",
        labels=["organisation"],
    )
    with read_transaction(engine.database) as conn:
        rows = tasks_by_organisation(conn, engine.clock.now())
    for organisation, count, late in rows:
        open_tasks.add_metric([organisation or NO_ORGANISATION], count)
        overdue.add_metric([organisation or NO_ORGANISATION], late)
    ages = heartbeat_ages()
    found = [
        GaugeMetricFamily(
            "terugkeer_cases_in_error", "Cases in error (incidents).", value=engine.incident_count()
        ),
        open_tasks,
        overdue,
        GaugeMetricFamily(
            "terugkeer_schedulers", "Schedulers with a heartbeat row.", value=len(ages)
        ),
    ]
    dashboard = dashboard_feed(engine).state()
    found += [
        GaugeMetricFamily(
            "terugkeer_dashboard_events_behind",
            "Audit events the dashboard has not projected yet.",
            value=dashboard.behind,
        ),
        GaugeMetricFamily(
            "terugkeer_dashboard_failed_runs",
            "Failed runs in a row of the dashboard's projection (0: it works).",
            value=dashboard.attempts,
        ),
    ]
    if ages:
        found.append(
            GaugeMetricFamily(
                "terugkeer_scheduler_heartbeat_age_seconds",
                "Seconds since the newest scheduler heartbeat.",
                value=min(ages),
            )
        )
    return found


class DatabaseGauges(Collector):
    def __init__(self, gauges: list[Metric]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[Metric]:
        yield from self.gauges
