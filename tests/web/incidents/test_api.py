"""The incident console in the JSON API: process owners only; list, correct with a reason,
retry."""

from __future__ import annotations

from flask import Flask

from tests.web.api.conftest import make_token
from tests.web.incidents.test_views import broken_case
from tests.web.processes.conftest import OWNER, add_process_owner


def test_the_api_lists_corrects_and_retries_cases_in_error(
    web_app: Flask,
) -> None:
    instance_id = broken_case(web_app)
    add_process_owner(web_app)
    owner_token = make_token(web_app, OWNER)
    caseworker_token = make_token(web_app, "mmd")
    client = web_app.test_client()
    owner = {"Authorization": f"Bearer {owner_token}"}

    caseworker = {"Authorization": f"Bearer {caseworker_token}"}
    denied = client.get("/api/v1/incidents", headers=caseworker)
    assert denied.status_code == 403
    [item] = client.get("/api/v1/incidents", headers=owner).get_json()["items"]
    found = (item["instance_id"], item["case_number"], item["element"])
    assert found == (instance_id, "INC-1", "compute")

    no_reason = client.post(
        f"/api/v1/incidents/{instance_id}/data", json={"changes": {"divisor": 4}}, headers=owner
    )
    assert no_reason.status_code == 422
    changed = client.post(
        f"/api/v1/incidents/{instance_id}/data",
        json={"changes": {"divisor": 4}, "reason": "Volgens dossier"},
        headers=owner,
    )
    assert changed.status_code == 200 and changed.get_json()["variables"]["divisor"] == 4
    retried = client.post(
        "/api/v1/incidents/retry", json={"instance_ids": [instance_id]}, headers=owner
    ).get_json()
    assert retried == {"continued": [instance_id], "failed": [], "refused": [], "skipped": []}
    again = client.post(
        f"/api/v1/incidents/{instance_id}/data",
        json={"changes": {"divisor": 5}, "reason": "x"},
        headers=owner,
    )
    assert again.status_code == 409  # no longer in error
