"""Organisation fields through the JSON API on the real nazorg models: a prison caseworker who
names a municipality as the probation office of request_risc gets 422 with the field, and the case
stays as it was (the RISc is still to be requested from probation); on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from engine import ManualClock
from tests.processes.harness import entry_data, entry_notification
from tests.web.api.conftest import ApiClient, assert_problem, make_token
from tests.web.support import build_real_app, dispose, seed_accounts
from web.engine_access import current_engine


@pytest.fixture
def real_app(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = build_real_app(database_url, clock)
    seed_accounts(app)
    yield app
    dispose(app)


def test_rerouting_request_risc_to_a_municipality_is_refused(real_app: Flask) -> None:
    with real_app.app_context():
        engine = current_engine()
        data = entry_data(expected_release_date="2027-03-01", probation_office_code=None)
        instance = engine.start("nazorg_detentie", data, "NZ-ROUTE-1", user="mmd")
        notify = next(t for t in engine.tasks(instance_id=instance.id))
        engine.complete(notify.id, entry_notification(), "mmd")
        request = next(
            t for t in engine.tasks(instance_id=instance.id) if t.bpmn_id == "request_risc"
        )
        events_before = len(engine.events(instance.id))
    api = ApiClient(real_app.test_client(), make_token(real_app, "mmd"))

    refused = api.post(
        f"/api/v1/tasks/{request.id}/complete",
        json={"probation_office_code": "GM0599", "risc_requested_on": "2026-05-15"},
    )

    problem = assert_problem(refused, 422)
    assert problem["errors"] == {
        "probation_office_code": ["‘GM0599’ is not an active organisation of the kind Probation."]
    }
    (error,) = problem["field_errors"]
    assert (error["code"], error["params"]["value"], error["params"]["kind"]) == (
        "organisation_unknown",
        "GM0599",
        "probation",
    )
    case = api.get("/api/v1/cases/NZ-ROUTE-1").get_json()
    assert case["probation_office_code"] is None
    assert case["municipality_code"] == "GM0363"
    steps = {(t["step"], t["status"]) for t in case["tasks"]}
    assert ("request_risc", "ready") in steps
    assert not any(step == "risc_assessment" for step, _status in steps)
    with real_app.app_context():
        assert len(current_engine().events(instance.id)) == events_before
    # Rotterdam did not get the case
    municipality = ApiClient(real_app.test_client(), make_token(real_app, "rdam"))
    assert municipality.get("/api/v1/cases/NZ-ROUTE-1").status_code == 404

    accepted = api.post(
        f"/api/v1/tasks/{request.id}/complete",
        json={"probation_office_code": "RN-OOST", "risc_requested_on": "2026-05-15"},
    )
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    probation = ApiClient(real_app.test_client(), make_token(real_app, "reclassering"))
    assert probation.get("/api/v1/cases/NZ-ROUTE-1").status_code == 200
