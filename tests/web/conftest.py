"""Fixtures for the web tests: an app on the sample model with organisations and users of each
kind, and signed-in test clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ManualClock
from tests.web.support import PASSWORD, build_app, dispose, seed_accounts


@pytest.fixture
def web_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    """The app on ``database_url`` with the sample model deployed and the demo-like accounts."""
    app = build_app(database_url, clock)
    seed_accounts(app)
    yield app
    dispose(app)


@pytest.fixture
def sign_in(web_app: Flask) -> Callable[[str], FlaskClient]:
    """A test client signed in as ``username``."""

    def client_for(username: str) -> FlaskClient:
        client = web_app.test_client()
        response = client.post("/aanmelden", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    return client_for
