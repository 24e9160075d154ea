"""Fixtures for the process owners' pages: a process owner (ministry) beside the test accounts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.support import password_hash
from web.accounts import ensure_organisation
from web.extensions import db
from web.models import User

OWNER = "procesbeheer"


def add_process_owner(app: Flask, username: str = OWNER, code: str = "MIN-JV") -> None:
    with app.app_context():
        account = User(username=username, display_name="Pieter Bakker", active=True)
        account.organisation = ensure_organisation(code)
        account.role_list = ["process_owner"]
        account.password_hash = password_hash()
        db.session.add(account)
        db.session.commit()


@pytest.fixture
def owner(web_app: Flask, sign_in: Callable[[str], FlaskClient]) -> FlaskClient:
    """A test client signed in as a process owner."""
    add_process_owner(web_app)
    return sign_in(OWNER)
