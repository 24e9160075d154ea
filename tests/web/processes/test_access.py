"""Only process owners see the process pages, deploy or migrate: 403 for anyone else signed in,
the sign-in page for someone who is not, and the same in the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.api.conftest import make_token
from tests.web.processes.conftest import OWNER, add_process_owner

ARGUMENTS = {
    "process_id": "sample_case",
    "number": 1,
    "name": "sample.bpmn",
}
FORM_NAME = {"processes.form": "notify.schema.json", "processes.deploy_form": "notify.schema.json"}
NOT_OWNERS = ("mmd", "ams", "landelijk", "beheer", "reclassering")


def routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) of the process owners' pages."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("processes."):
            continue
        values = {key: ARGUMENTS[key] for key in rule.arguments}
        if "name" in values and rule.endpoint in FORM_NAME:
            values["name"] = FORM_NAME[rule.endpoint]
        path = rule.build(values)[1]
        found.extend((method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def test_every_process_route_is_refused_to_anyone_but_a_process_owner(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    every = routes(web_app)
    assert len(every) >= 14
    for username in NOT_OWNERS:
        client = sign_in(username)
        for method, path in every:
            response = client.open(path, method=method, json={} if method == "POST" else None)
            assert response.status_code == 403, (username, method, path)
    page = sign_in("mmd").get("/processen")
    assert "U heeft geen toegang" in page.get_data(as_text=True)


def test_someone_not_signed_in_is_sent_to_the_sign_in_page(web_app: Flask) -> None:
    client = web_app.test_client()
    for method, path in routes(web_app):
        response = client.open(path, method=method)
        assert response.status_code in (302, 400), (method, path)
        if response.status_code == 302:
            assert "/aanmelden" in response.headers["Location"]


def test_a_process_owner_sees_the_menu_item_and_others_do_not(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    add_process_owner(web_app)
    assert 'href="/processen"' in sign_in(OWNER).get("/taken").get_data(as_text=True)
    assert 'href="/processen"' not in sign_in("mmd").get("/taken").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/processes"),
        ("POST", "/api/v1/processes/deployments"),
        ("POST", "/api/v1/processes/migrations"),
    ],
)
def test_the_process_api_is_for_process_owners_only(web_app: Flask, method: str, path: str) -> None:
    client = web_app.test_client()
    anonymous = client.open(path, method=method, json={})
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"
    for username in NOT_OWNERS:
        token = make_token(web_app, username)
        response = client.open(
            path, method=method, json={}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 403, (username, path)
        assert response.mimetype == "application/problem+json"
