"""Production topology on PostgreSQL: ``terugkeer serve`` (gunicorn, two workers) and two
``terugkeer scheduler`` processes. A case registered over the API waits on a two-second timer that
one of the schedulers fires; the task after it is completed over the API. /readyz is 200 while a
scheduler beats, and 503 once the last one died and its heartbeat aged past the limit; /metrics
(behind its token) counts the commands, the timer and the requests by route."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import request

from config import Config, TestConfig
from engine import ManualClock
from tests.engine.test_timers import wait_until
from web import create_app
from web.accounts import create_user, ensure_organisation
from web.api import tokens
from web.engine_access import current_engine
from web.extensions import db
from web.serving import gunicorn_settings, prepare_metrics_folder

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "tests" / "engine" / "models" / "forms"
TERUGKEER = Path(sys.executable).parent / "terugkeer"
METRICS_TOKEN = "metrics-token-for-the-test"
READY_LIMIT_SECONDS = 3.0  # the schedulers beat every 0.5 s

TIMER_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="serve_timer_definitions" targetNamespace="http://terugkeer.example/serve-timer">
  <bpmn:process id="serve_timer" name="Binnenkomst met wachttijd" isExecutable="true">
    <bpmn:laneSet id="serve_timer_lanes">
      <bpmn:lane id="serve_timer_prison" name="Penitentiaire inrichting">
        <bpmn:flowNodeRef>arrived</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>two_seconds</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>after_timer</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="arrived" />
    <bpmn:sequenceFlow id="st1" sourceRef="arrived" targetRef="two_seconds" />
    <bpmn:intermediateCatchEvent id="two_seconds" name="Even wachten">
      <bpmn:timerEventDefinition id="two_seconds_timer">
        <bpmn:timeDuration>"PT2S"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="st2" sourceRef="two_seconds" targetRef="after_timer" />
    <bpmn:userTask id="after_timer" name="Melden na de wachttijd">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="notify.schema.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="st3" sourceRef="after_timer" targetRef="done" />
    <bpmn:endEvent id="done" />
  </bpmn:process>
</bpmn:definitions>
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(database_url: str, tmp_path: Path) -> str:
    """Deploy the timer process and make a prison caseworker with an API token; the token."""
    model = tmp_path / "serve_timer.bpmn"
    model.write_text(TIMER_PROCESS, encoding="utf-8")
    app = create_app(TestConfig(database_url, TERUGKEER_FORMS_DIR=FORMS))
    with app.app_context():
        current_engine().deploy([model])
        prison = ensure_organisation("PI-ZWL", "PI Zwolle", "prison")
        ensure_organisation("GM0363", "Gemeente Amsterdam", "municipality")
        user = create_user(
            "mmd", organisation=prison, roles=["caseworker"], password="not used here at all"
        )
        _, secret = tokens.create_token(user, "serve test", 30)
        db.session.commit()
        db.engine.dispose()
        current_engine().database.dispose()
    return secret


def start(args: list[str], env: dict[str, str], tmp_path: Path, name: str) -> subprocess.Popen:
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [str(TERUGKEER), *args], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path
    )


def call(base: str, path: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
            kind = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
    return status, json.loads(raw) if "json" in kind else raw.decode()


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text ``metrics`` (0 when absent)."""
    for line in metrics.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match[3])
    return 0.0


def logs(tmp_path: Path) -> str:
    return "\n".join(f"--- {p.name}\n{p.read_text()}" for p in sorted(tmp_path.glob("*.log")))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_serve_with_two_schedulers_fires_timers_and_reports_ready_and_metrics(
    database_url: str, tmp_path: Path
) -> None:
    token = prepare(database_url, tmp_path)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "SECRET_KEY": "a-secret-for-this-test-only",
        "TERUGKEER_FORMS_DIR": str(FORMS),
        "TERUGKEER_MAIN_PROCESS": "serve_timer",
        "TERUGKEER_METRICS_TOKEN": METRICS_TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "TERUGKEER_WEB_BIND": f"127.0.0.1:{port}",
        "TERUGKEER_WEB_WORKERS": "2",
        "TERUGKEER_WEB_THREADS": "2",
        "TERUGKEER_SCHEDULER_RECHECK_SECONDS": "0.5",
        "TERUGKEER_SCHEDULER_HEARTBEAT_SECONDS": "0.5",
        "TERUGKEER_READY_HEARTBEAT_SECONDS": str(READY_LIMIT_SECONDS),
    }
    env.pop("TERUGKEER_RUN_SCHEDULER", None)
    (tmp_path / "metrics").mkdir()
    schedulers = [start(["scheduler"], env, tmp_path, f"scheduler{n}") for n in (1, 2)]
    config = str(ROOT / "deploy" / "gunicorn.conf.py")
    server = start(["serve", "--config", config], env, tmp_path, "serve")
    try:
        assert wait_until(lambda: _answers(base), seconds=60), logs(tmp_path)
        assert call(base, "/healthz") == (200, {"status": "ok"})
        assert wait_until(lambda: _schedulers(base) == 2, seconds=30), logs(tmp_path)
        status, ready = call(base, "/readyz")
        assert (status, ready["status"]) == (200, "ready")
        assert ready["checks"]["processes"] == {"ok": True, "main_process": "serve_timer"}
        assert "postgres" not in json.dumps(ready)  # no database address

        status, case = call(
            base,
            "/api/v1/cases",
            token,
            {
                "name": "Eva Jansen",
                "birth_date": "1990-02-03",
                "bsn": "111222333",
                "entry_date": date.today().isoformat(),
                "municipality_code": "GM0363",
                "has_minor_children": False,
            },
        )
        assert status == 201, case
        # The task after the timer appears once a scheduler fired it.
        number = case["case_number"]
        assert wait_until(lambda: _open_tasks(base, token, number), seconds=30), logs(tmp_path)
        (task,) = _open_tasks(base, token, number)
        assert task["name"] == "Melden na de wachttijd"
        assert call(base, f"/api/v1/tasks/{task['id']}/claim", token, {})[0] == 200
        form = {"notified_on": date.today().isoformat()}
        done = call(base, f"/api/v1/tasks/{task['id']}/complete", token, form)
        assert done[0] == 200, done

        assert call(base, "/metrics")[0] == 401
        status, metrics = call(base, "/metrics", METRICS_TOKEN)
        assert status == 200
        for kind in ("start", "claim", "complete"):
            assert sample(metrics, "terugkeer_command_seconds_count", kind=kind, outcome="ok") == 1
        assert sample(metrics, "terugkeer_command_seconds_count", kind="timer") == 1
        assert sample(metrics, "terugkeer_timers_fired_total", outcome="ok") == 1
        assert sample(metrics, "terugkeer_timer_lateness_seconds_count") == 1
        assert sample(metrics, "terugkeer_timer_lateness_seconds_bucket", le="10.0") == 1
        assert (
            sample(
                metrics,
                "terugkeer_http_requests_total",
                route="/api/v1/tasks/<task_id>/complete",
                method="POST",
                status="200",
            )
            == 1
        )
        assert number not in metrics  # routes by URL rule, never the path
        assert sample(metrics, "terugkeer_cases_in_error") == 0
        assert sample(metrics, "terugkeer_scheduler_heartbeat_age_seconds") < READY_LIMIT_SECONDS

        # One scheduler stops cleanly: the other keeps the app ready.
        schedulers[0].send_signal(signal.SIGTERM)
        assert schedulers[0].wait(timeout=30) == 0
        assert call(base, "/readyz")[0] == 200
        # The last one dies without a word: once its heartbeat is older than the limit, not ready.
        schedulers[1].kill()
        schedulers[1].wait(timeout=30)
        assert wait_until(lambda: call(base, "/readyz")[0] == 503, seconds=30)
        status, ready = call(base, "/readyz")
        assert ready["status"] == "not ready"
        assert ready["checks"]["scheduler"]["ok"] is False
        assert ready["checks"]["scheduler"]["newest_heartbeat_age_seconds"] >= READY_LIMIT_SECONDS
        assert ready["checks"]["database"] == {"ok": True}
    finally:
        for process in [*schedulers, server]:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*schedulers, server]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    assert server.returncode == 0, logs(tmp_path)


def _answers(base: str) -> bool:
    try:
        return call(base, "/healthz")[0] == 200
    except OSError:
        return False


def _schedulers(base: str) -> int:
    """How many schedulers /readyz saw beat within the limit."""
    return call(base, "/readyz")[1]["checks"].get("scheduler", {}).get("schedulers", 0)


def _open_tasks(base: str, token: str, case_number: str) -> list[dict[str, Any]]:
    status, listing = call(base, "/api/v1/tasks", token)
    assert status == 200, listing
    return [task for task in listing["items"] if task["case_number"] == case_number]


def test_behind_the_configured_proxies_the_client_and_scheme_come_from_their_headers(
    database_url: str, clock: ManualClock
) -> None:
    forwarded = {
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "nazorg.example.nl",
    }
    seen = {}
    for proxies in (0, 1):
        app = create_app(
            TestConfig(database_url, TERUGKEER_CLOCK=clock, TERUGKEER_PROXY_COUNT=proxies)
        )
        app.add_url_rule("/probe", "probe", lambda: f"{request.remote_addr} {request.url}")
        seen[proxies] = app.test_client().get("/probe", headers=forwarded).get_data(as_text=True)
        with app.app_context():
            db.engine.dispose()
            current_engine().database.dispose()
    assert seen[0] == "127.0.0.1 http://localhost/probe"  # no proxy: the headers are ignored
    assert seen[1] == "203.0.113.7 https://nazorg.example.nl/probe"


def test_the_example_environment_file_holds_only_known_settings() -> None:
    lines = (ROOT / "deploy" / "terugkeer.env.example").read_text().splitlines()
    settings = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    config = Config(settings)
    unknown = [name for name in settings if not hasattr(config, name)]
    assert unknown == ["TERUGKEER_INSTANCE_DIR", "PROMETHEUS_MULTIPROC_DIR"]
    assert Path("/var/lib/terugkeer") == config.INSTANCE_DIR  # PROMETHEUS_: prometheus-client's
    assert config.SESSION_COOKIE_SECURE is True
    assert config.TERUGKEER_PROXY_COUNT == 1


def test_serve_keeps_the_metrics_files_of_running_processes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    prepare_metrics_folder()
    assert folder.is_dir()  # made when missing

    ended = subprocess.Popen(["true"])
    ended.wait()
    running = [folder / f"counter_{os.getpid()}.db", folder / f"histogram_{os.getpid()}.db"]
    gone = [folder / f"counter_{ended.pid}.db", folder / f"gauge_livesum_{ended.pid}.db"]
    for file in running + gone:
        file.write_bytes(b"")
    prepare_metrics_folder()
    assert sorted(folder.iterdir()) == sorted(running)


def test_serve_takes_its_address_workers_and_threads_from_the_settings(tmp_path: Path) -> None:
    config = Config(
        {
            "TERUGKEER_INSTANCE_DIR": str(tmp_path),
            "TERUGKEER_WEB_BIND": "0.0.0.0:8080",
            "TERUGKEER_WEB_WORKERS": "4",
            "TERUGKEER_WEB_THREADS": "8",
        }
    )
    settings = gunicorn_settings(config)
    assert (settings["bind"], settings["workers"], settings["threads"]) == (["0.0.0.0:8080"], 4, 8)
    assert settings["preload_app"] is False  # no database connection crosses a fork
    with pytest.raises(ValueError, match="TERUGKEER_PROXY_COUNT"):
        Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path), "TERUGKEER_PROXY_COUNT": "een"})
    with pytest.raises(ValueError, match="TERUGKEER_WEB_WORKERS"):
        Config({"TERUGKEER_INSTANCE_DIR": str(tmp_path), "TERUGKEER_WEB_WORKERS": "0"})
