"""/metrics: absent without TERUGKEER_METRICS_TOKEN, refused without that token, and with it the
engine's commands counted by kind and outcome, HTTP requests by URL rule (never a case number),
and the open and overdue tasks per organisation read at scrape time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock, NotFoundError
from tests.web.support import start_case
from web.engine_access import current_engine

TOKEN = "a-scraper-token"


def sample(metrics: str, name: str, **labels: str) -> float:
    """One sample's value in the Prometheus text ``metrics`` (0 when absent)."""
    for line in metrics.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if match and match[1] == name:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
            if all(found.get(key) == value for key, value in labels.items()):
                return float(match[3])
    return 0.0


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    return response.get_data(as_text=True)


def test_metrics_need_their_token(web_app: Flask) -> None:
    client = web_app.test_client()
    assert client.get("/metrics").status_code == 404  # no token configured: no metrics
    web_app.config["TERUGKEER_METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert (wrong.status_code, wrong.headers["WWW-Authenticate"]) == (401, 'Bearer realm="metrics"')
    assert "terugkeer_" not in wrong.get_data(as_text=True)


def test_commands_requests_and_tasks_are_counted(web_app: Flask, clock: ManualClock) -> None:
    web_app.config["TERUGKEER_METRICS_TOKEN"] = TOKEN
    client = web_app.test_client()
    before = scrape(client)
    case = start_case(web_app, "NZ-2026-METRIC")
    with web_app.app_context(), pytest.raises(NotFoundError):
        current_engine().claim("no-such-task", "mmd")
    client.get("/zaken/NZ-2026-METRIC")  # not signed in: redirected, counted by its URL rule
    clock.advance(timedelta(days=30))
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert grew("terugkeer_command_seconds_count", kind="start", outcome="ok") == 1
    assert grew("terugkeer_command_seconds_count", kind="claim", outcome="refused") == 1
    assert grew("terugkeer_http_requests_total", route="/zaken/<business_key>", status="302") == 1
    assert case.business_key not in after
    with web_app.app_context():
        open_tasks = current_engine().tasks(instance_id=case.id)
    assert open_tasks
    organisation = open_tasks[0].organisation
    assert sample(after, "terugkeer_open_tasks", organisation=organisation) == len(open_tasks)
    assert sample(after, "terugkeer_overdue_tasks", organisation=organisation) == sum(
        1 for task in open_tasks if task.due_at is not None
    )
    assert sample(after, "terugkeer_cases_in_error") == 0
