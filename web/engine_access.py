"""The one Engine per app, and the timer scheduler that may run beside it."""

from __future__ import annotations

import atexit
from collections.abc import Iterable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine as SQLEngine

from engine import (
    CommandLimits,
    Engine,
    Projector,
    ScriptLimits,
    TimerRetry,
    calendar_from_setting,
)
from engine.scheduler import TimerScheduler
from web.cases.projection import project_case
from web.dashboard.feed import DashboardFeed, FeedWorker
from web.metrics.instruments import record_command
from web.models import is_organisation
from web.notifications.outbox import record_releases

ENGINE_KEY = "terugkeer_engine"
SCHEDULER_KEY = "terugkeer_scheduler"
FEED_KEY = "terugkeer_dashboard_feed"
NOTIFICATIONS_KEY = "terugkeer_notifications"  # the mail dispatcher (web/notifications/)


def build_engine(
    database: str | SQLEngine,
    settings: Mapping[str, Any],
    *,
    projectors: Iterable[Projector] = (),
    project_cases: bool = True,
) -> Engine:
    """An Engine with the calendar, forms folder and clock from ``settings``, the cases projector
    registered (the projection that must agree with each command, in its transaction), the
    notification outbox's sink (an immediate release becomes an outbox row in its command), the
    organisations table as the directory that organisation fields are checked against, and the
    command limits, and its commands counted for /metrics.

    The dashboard is projected outside the commands, from the audit events: ``dashboard_feed``
    (run by ``start_scheduler``, ``terugkeer scheduler`` and the simulator). ``projectors`` are
    added after the cases projector (the simulator's, which notes the tasks its commands open).
    Without ``project_cases`` the cases projector is left out: for a simulation that projects its
    cases once at the end (web/simulation/runner.py, ``project_cases``)."""
    forms_dir = settings.get("TERUGKEER_FORMS_DIR")
    calendar = calendar_from_setting(settings.get("TERUGKEER_CLOSURE_DAYS"))
    engine = Engine(
        database,
        clock=settings.get("TERUGKEER_CLOCK"),
        calendar=calendar,
        forms_dir=Path(forms_dir) if forms_dir else None,
        projectors=[*([project_case] if project_cases else []), *projectors],
        event_sinks=[record_releases],
        organisations=is_organisation,
        limits=command_limits(settings),
        timer_retry=timer_retry(settings),
    )
    engine.add_command_observer(record_command)  # commands and timers counted (web/metrics/)
    return engine


def dashboard_feed(engine: Engine) -> DashboardFeed:
    """The dashboard's projection from the audit events of ``engine``'s database."""
    return DashboardFeed(engine.database, engine.calendar)


def start_feed_worker(engine: Engine, settings: Mapping[str, Any]) -> FeedWorker:
    """Keep the dashboard up to date in a background thread of this process."""
    worker = FeedWorker(
        dashboard_feed(engine),
        poll_seconds=settings.get("TERUGKEER_DASHBOARD_POLL_SECONDS", 1.0),
    )
    worker.start()
    return worker


def command_limits(settings: Mapping[str, Any]) -> CommandLimits:
    """The engine's command limits from the TERUGKEER_* settings (config.py); defaults for any
    that ``settings`` lacks."""
    defaults = CommandLimits()
    return CommandLimits(
        scripts=ScriptLimits(
            iterations=settings.get("TERUGKEER_SCRIPT_ITERATIONS", defaults.scripts.iterations),
            seconds=settings.get("TERUGKEER_COMMAND_SECONDS", defaults.scripts.seconds),
        ),
        engine_steps=settings.get("TERUGKEER_ENGINE_STEPS", defaults.engine_steps),
        lock_timeout_ms=settings.get("TERUGKEER_LOCK_TIMEOUT_MS", defaults.lock_timeout_ms),
        statement_timeout_ms=settings.get(
            "TERUGKEER_STATEMENT_TIMEOUT_MS", defaults.statement_timeout_ms
        ),
    )


def timer_retry(settings: Mapping[str, Any]) -> TimerRetry:
    """How a failing timer is tried again, from the TERUGKEER_TIMER_RETRY_* settings."""
    default = TimerRetry()
    return TimerRetry(
        limit=settings.get("TERUGKEER_TIMER_RETRY_LIMIT", default.limit),
        first_delay=_seconds(settings, "TERUGKEER_TIMER_RETRY_SECONDS", default.first_delay),
        max_delay=_seconds(settings, "TERUGKEER_TIMER_RETRY_MAX_SECONDS", default.max_delay),
    )


def _seconds(settings: Mapping[str, Any], name: str, default: timedelta) -> timedelta:
    value = settings.get(name)
    return default if value is None else timedelta(seconds=value)


def new_scheduler(engine: Engine, settings: Mapping[str, Any]) -> TimerScheduler:
    """A timer scheduler with the TERUGKEER_SCHEDULER_* settings."""
    return TimerScheduler(
        engine,
        recheck_seconds=settings.get("TERUGKEER_SCHEDULER_RECHECK_SECONDS", 5.0),
        heartbeat_seconds=settings.get("TERUGKEER_SCHEDULER_HEARTBEAT_SECONDS", 10.0),
    )


def current_engine() -> Engine:
    """The engine of the app handling the current request or command."""
    return current_app.extensions[ENGINE_KEY]


def current_scheduler() -> TimerScheduler | None:
    """The in-process timer scheduler, or None when this app does not run one."""
    return current_app.extensions.get(SCHEDULER_KEY)


def start_scheduler(app: Flask) -> TimerScheduler:
    """Run a timer scheduler in this process until it exits."""
    scheduler = new_scheduler(app.extensions[ENGINE_KEY], app.config)
    scheduler.start()
    app.extensions[SCHEDULER_KEY] = scheduler
    app.extensions[FEED_KEY] = start_feed_worker(app.extensions[ENGINE_KEY], app.config)
    atexit.register(stop_scheduler, app)
    return scheduler


def stop_scheduler(app: Flask) -> None:
    """Stop this process's mail dispatcher, timer scheduler and dashboard feed, if it runs them."""
    for key in (NOTIFICATIONS_KEY, SCHEDULER_KEY):
        running = app.extensions.pop(key, None)
        if running is not None:
            running.shutdown()
    worker = app.extensions.pop(FEED_KEY, None)
    if worker is not None:
        worker.stop()
