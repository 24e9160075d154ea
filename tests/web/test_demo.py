"""Demo data: organisations, one user per role with generated passwords kept in the instance
folder, and cases at different stages; loading twice changes nothing."""

from __future__ import annotations

import os
import stat
import sys
import threading
from pathlib import Path

import pytest
from flask import Flask

from engine import ManualClock
from tests.web.support import build_app, dispose
from web import demo
from web.engine_access import current_engine
from web.models import ROLES, User, hash_password


def test_demo_data_is_idempotent(database_url: str, clock: ManualClock, tmp_path: Path) -> None:
    app: Flask = build_app(database_url, clock)
    messages: list[str] = []
    try:
        with app.app_context():
            first = demo.ensure_accounts(tmp_path)
            made = demo.ensure_cases(current_engine(), "sample_case", messages.append)
            second = demo.ensure_accounts(tmp_path)
            again = demo.ensure_cases(current_engine(), "sample_case", messages.append)
            users = {u.username: u for u in User.query.all()}
            engine = current_engine()
            stages = {
                len(engine.tasks(instance_id=engine.instance_by_key(key).id, status="completed"))
                for key in (f"NZ-DEMO-{n:03d}" for n in range(1, 13))
            }
    finally:
        dispose(app)

    assert made == 12 and again == 0 and messages == []
    assert first == second  # passwords printed again from the instance folder
    assert {role for u in users.values() for role in u.role_list} == set(ROLES)
    for username, password, _organisation, _roles in first:
        assert users[username].check_password(password)
    credentials = tmp_path / demo.CREDENTIALS_FILE
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert len(stages) > 2  # cases at different stages


def test_without_the_main_process_there_are_no_demo_cases(
    database_url: str, clock: ManualClock
) -> None:
    app = build_app(database_url, clock)
    messages: list[str] = []
    try:
        with app.app_context():
            assert demo.ensure_cases(current_engine(), "nazorg_detentie", messages.append) == 0
    finally:
        dispose(app)
    assert messages == ["Process nazorg_detentie is not deployed; no demo cases."]


def test_passwords_hashed_in_the_background_become_the_users_passwords(
    database_url: str, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: dict[str, tuple[str, str]] = {}
    niceness: list[int] = []

    def recorded(password: str) -> str:
        niceness.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        hashed[password] = (threading.current_thread().name, hash_password(password))
        return hashed[password][1]

    monkeypatch.setattr(demo, "hash_password", recorded)
    app = build_app(database_url, clock)
    try:
        assert demo.missing_users(database_url) == [name for name, *_ in demo.USERS]
        passwords = demo.DemoPasswords(["mmd.zwolle", "beheer"])
        with app.app_context():
            accounts = {
                name: password for name, password, *_ in demo.ensure_accounts(tmp_path, passwords)
            }
            users = {u.username: u for u in User.query.all()}
            assert all(users[name].check_password(accounts[name]) for name in accounts)
            stored = {name: user.password_hash for name, user in users.items()}
        assert demo.missing_users(database_url) == []
    finally:
        dispose(app)

    # The two prepared users got the hashes made in the background thread; the others were
    # hashed as usual.
    assert {name for name in accounts if accounts[name] in hashed} == {"mmd.zwolle", "beheer"}
    for name in ("mmd.zwolle", "beheer"):
        thread, made = hashed[accounts[name]]
        assert thread.startswith("demo-passwords") and stored[name] == made
    if sys.platform.startswith("linux"):  # the hashing thread gives way to the main thread
        assert niceness == [demo.GIVE_WAY_NICE] * 2
        assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) < demo.GIVE_WAY_NICE
