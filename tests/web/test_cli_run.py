"""``terugkeer run`` through click's CliRunner on SQLite, serving replaced by a stand-in: the
demo year (shortened), the demo accounts with the passwords hashed while the year loads, and a
second start that neither simulates nor hashes again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from web import demo
from web.cli import main
from web.models import User
from web.simulation import command as simulation


def start(tmp_path: Path) -> tuple[str, list[Flask]]:
    served: list[Flask] = []
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'instance' / 'terugkeer.sqlite'}",
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_RUN_SCHEDULER": None,
        "TERUGKEER_FORMS_DIR": None,
        "SECRET_KEY": None,
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "run", lambda app, **_options: served.append(app))
        result = CliRunner().invoke(main, ["run", "--no-scheduler"], env=env)
    assert result.exit_code == 0, result.output
    return result.output, served


def printed_passwords(output: str) -> dict[str, str]:
    names = "|".join(re.escape(name) for name, *_ in demo.USERS)
    return dict(re.findall(rf"^  ({names}) +(\S+) ", output, flags=re.MULTILINE))


def test_run_loads_the_demo_year_and_accounts_then_serves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulation, "RUN_CASES", 3)
    monkeypatch.setattr(simulation, "RUN_DAYS", 20)
    hashed: list[str] = []

    def recorded(password: str) -> str:
        hashed.append(password)
        return original(password)

    original = demo.hash_password
    monkeypatch.setattr(demo, "hash_password", recorded)

    output, served = start(tmp_path)

    assert "Simulated 3 cases" in output and len(served) == 1
    passwords = printed_passwords(output)
    assert sorted(passwords) == sorted(name for name, *_ in demo.USERS)
    assert sorted(hashed) == sorted(passwords.values())  # every one hashed beforehand
    with served[0].app_context():
        assert all(User.by_username(n).check_password(p) for n, p in passwords.items())

    hashed.clear()
    again, _ = start(tmp_path)
    assert "Simulated data present (3 cases); not simulating again." in again
    assert printed_passwords(again) == passwords and hashed == []
