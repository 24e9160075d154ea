"""Fixtures for the JSON API tests: clients that send a personal token of a given user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from web.api import tokens
from web.extensions import db
from web.models import User


class ApiClient:
    """A test client that authenticates every request with ``token`` and asks for English
    (the API answers in Dutch unless Accept-Language asks for English)."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept-Language": "en",
            **(headers or {}),
        }

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.post(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


def make_token(app: Flask, username: str, name: str = "test", days: int = 90) -> str:
    with app.app_context():
        user = User.by_username(username)
        assert user is not None
        _token, secret = tokens.create_token(user, name, days)
        db.session.commit()
        return secret


@pytest.fixture
def api(web_app: Flask) -> Callable[[str], ApiClient]:
    """An API client acting as ``username`` (a fresh token each time)."""

    def client_for(username: str) -> ApiClient:
        return ApiClient(web_app.test_client(), make_token(web_app, username))

    return client_for


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    """An RFC 9457 problem details document with ``status``; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["instance"] == response.request.path
    assert body.get("detail")
    if status == 422:
        assert isinstance(body["errors"], dict) and body["errors"]
        assert all(isinstance(m, list) and m for m in body["errors"].values())
    return body
