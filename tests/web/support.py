"""Helpers shared by the web and browser tests."""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import Flask

from config import TestConfig
from engine import InstanceInfo, ManualClock
from engine.db.models import ProcessInstance
from web import create_app
from web.accounts import ensure_organisation
from web.engine_access import current_engine, stop_scheduler
from web.extensions import db
from web.models import User

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "tests" / "engine" / "models"
SAMPLE_FILES = [MODELS / "sample.bpmn", MODELS / "stay_class.dmn"]
PASSWORD = "correct horse battery"

ORGANISATIONS = (
    ("PI-ZWL", "PI Zwolle", "prison"),
    ("GM0363", "Gemeente Amsterdam", "municipality"),
    ("GM0599", "Gemeente Rotterdam", "municipality"),
    ("RN-OOST", "Reclassering Oost", "probation"),
    ("MIN-JV", "Ministerie van Justitie en Veiligheid", "ministry"),
)
USERS = (
    ("mmd", "Mira de Boer", "PI-ZWL", ["caseworker"]),
    ("pi.lead", "Anouk Mulder", "PI-ZWL", ["manager"]),
    ("ams", "Sanne Visser", "GM0363", ["coordinator"]),
    ("ams2", "Bas Kok", "GM0363", ["coordinator"]),
    ("ams.manager", "Fatima Yilmaz", "GM0363", ["manager"]),
    ("ams.admin", "Ali Beheer", "GM0363", ["admin"]),
    ("rdam", "Daan Smit", "GM0599", ["coordinator"]),
    ("reclassering", "Youssef El Amrani", "RN-OOST", ["probation_officer"]),
    ("landelijk", "Henk de Vries", "MIN-JV", ["manager"]),
    ("beheer", "Beheerder", "MIN-JV", ["admin"]),
)


def build_app(database_url: str, clock: ManualClock, **overrides: Any) -> Flask:
    config = TestConfig(
        database_url,
        TERUGKEER_CLOCK=clock,
        TERUGKEER_FORMS_DIR=MODELS / "forms",
        TERUGKEER_MAIN_PROCESS="sample_case",
        **overrides,
    )
    app = create_app(config)
    with app.app_context():
        current_engine().deploy(SAMPLE_FILES)
    return app


def build_real_app(database_url: str, clock: ManualClock, **overrides: Any) -> Flask:
    """The app on the shipped nazorg models (processes/ and forms/), deployed."""
    config = TestConfig(
        database_url, TERUGKEER_CLOCK=clock, TERUGKEER_FORMS_DIR=ROOT / "forms", **overrides
    )
    app = create_app(config)
    processes = ROOT / "processes"
    with app.app_context():
        current_engine().deploy(
            sorted(p for p in processes.iterdir() if p.suffix in (".bpmn", ".dmn"))
        )
    return app


@functools.cache
def password_hash() -> str:
    """One argon2 hash of PASSWORD for every test user (hashing costs about 50 ms each)."""
    return PasswordHasher().hash(PASSWORD)


def seed_accounts(app: Flask) -> None:
    with app.app_context():
        for code, name, kind in ORGANISATIONS:
            ensure_organisation(code, name, kind)
        for username, display_name, code, roles in USERS:
            account = User(username=username, display_name=display_name, active=True)
            account.organisation = ensure_organisation(code)
            account.role_list = roles
            account.password_hash = password_hash()
            db.session.add(account)
        db.session.commit()


def dispose(app: Flask) -> None:
    stop_scheduler(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def start_case(app: Flask, key: str = "NZ-TEST-1", **data: Any) -> InstanceInfo:
    """A sample case held by PI-ZWL and GM0363 (override with keyword arguments)."""
    values: dict[str, Any] = {
        "name": "Jan Jansen",
        "birth_date": "1990-01-02",
        "bsn": "111222333",
        "prison_code": "PI-ZWL",
        "municipality_code": "GM0363",
        "entry_date": "2026-05-04",
    }
    values.update(data)
    with app.app_context():
        return current_engine().start("sample_case", values, key, user="mmd")


def task_ids(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"/taken/([0-9a-f-]{36})", page)))


def to_screening(app: Flask, key: str = "NZ-TEST-1", **data: object) -> None:
    """Start a sample case and work the prison's steps, up to the municipality's screening."""
    instance = start_case(app, key, **data)
    with app.app_context():
        engine = current_engine()
        register = engine.tasks(instance_id=instance.id)[0]
        engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 40}, "mmd")
        notify = engine.tasks(instance_id=instance.id)[0]
        engine.complete(notify.id, {"notified_on": "2026-05-04"}, "mmd")


def close_case(app: Flask, key: str, started: InstanceInfo | None = None, **data: object) -> None:
    """Start a sample case (or take the ``started`` one) and work it to its end (the last step
    done at the clock's time)."""
    instance = started or start_case(app, key, **data)
    with app.app_context():
        engine = current_engine()
        steps = [
            {"entry_date": "2026-05-04", "stay_days": 200},
            {"notified_on": "2026-05-05"},
            {"has_housing": True},
        ]
        for step in steps:
            engine.complete(engine.tasks(instance_id=instance.id)[0].id, step, "mmd")
        engine.send_message("release_date_set", key, {"release_date": "2026-09-01"})
        last = engine.tasks(instance_id=instance.id)[0]
        assert engine.complete(last.id, {"release_notice_sent": True}, "mmd").status == "completed"


def finished_beside_running(
    app: Flask, clock: ManualClock, finished: str = "NZ-KLAAR", running: str = "NZ-LOOPT"
) -> InstanceInfo:
    """Close case ``finished``, then an hour later start case ``running`` and complete its first
    task: a finished case beside one still running. Returns the running one."""
    close_case(app, finished)
    clock.advance(timedelta(hours=1))
    started = start_case(app, running)
    with app.app_context():
        engine = current_engine()
        engine.complete(
            engine.tasks(instance_id=started.id)[0].id,
            {"entry_date": "2026-05-04", "stay_days": 200},
            "mmd",
        )
    return started


def stored_state(app: Flask, key: str) -> str:
    """The stored workflow of case ``key`` as the engine keeps it (case data, tasks' data)."""
    table = ProcessInstance.__table__
    with app.app_context():
        return db.session.scalar(sa.select(table.c.state).where(table.c.business_key == key))
