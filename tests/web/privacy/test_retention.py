"""web/privacy/retention.py with Engine.redact: closed cases past the retention period lose their
identity data everywhere the engine keeps it (case data, every task's data in the stored workflow)
and in the projections; newer cases and running ones are kept; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import ConflictError, ManualClock
from tests.web.support import close_case, start_case, stored_state
from web.cases.queries import case_by_key
from web.engine_access import current_engine
from web.privacy.retention import PSEUDONYMISED_KEY, pseudonymise_closed


def test_closed_cases_past_the_period_are_pseudonymised(
    web_app: Flask, clock: ManualClock, sign_in: Callable[[str], FlaskClient]
) -> None:
    close_case(web_app, "NZ-OUD", name="Oud Geval", bsn="123456782")
    clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    close_case(web_app, "NZ-NIEUW", name="Nieuw Geval")
    start_case(web_app, "NZ-LOOPT", name="Lopend Geval")
    # A closed case's workflow is stored compact (engine/store/compaction.py), without task data:
    # until the retention runs, the identity data lives on in the case data only.
    closed_state = json.loads(stored_state(web_app, "NZ-OUD"))
    assert closed_state["compacted"] is True and "Oud Geval" not in json.dumps(closed_state)
    clock.set(datetime(2028, 6, 1, 9, 0, tzinfo=UTC))

    with web_app.app_context():
        engine = current_engine()
        ended = engine.instance_by_key("NZ-OUD").ended_at
        assert pseudonymise_closed(engine, 24, dry_run=True).pseudonymised == ["NZ-OUD"]
        assert engine.instance_by_key("NZ-OUD").data["name"] == "Oud Geval"  # dry run
        run = pseudonymise_closed(engine, 24)
        assert run.pseudonymised == ["NZ-OUD"] and run.kept == 1

        old = engine.instance_by_key("NZ-OUD")
        assert old.data["name"] is None and old.data["bsn"] is None
        assert old.data["birth_date"] is None and old.data[PSEUDONYMISED_KEY] == "2028-06-01"
        assert old.data["housing_status"] == "arranged"  # figures stay
        assert old.status == "completed" and old.ended_at == ended
        assert "instance_redacted" in [e.kind for e in engine.events(old.id)]
        assert engine.element_states(old.id)  # the workflow still loads
        assert engine.instance_by_key("NZ-NIEUW").data["name"] == "Nieuw Geval"
        assert engine.instance_by_key("NZ-LOOPT").data["name"] == "Lopend Geval"
        assert pseudonymise_closed(engine, 24).pseudonymised == []  # done once
        with pytest.raises(ConflictError):
            engine.redact(engine.instance_by_key("NZ-LOOPT").id, {"name": None})

    with web_app.app_context():  # a new session: the projection as the retention left it
        projected = case_by_key("NZ-OUD")
        assert projected is not None and projected.person_name is None
        assert projected.birth_date is None
    state = stored_state(web_app, "NZ-OUD")
    assert "Oud Geval" not in state and "123456782" not in state
    page = sign_in("ams").get("/zaken/NZ-OUD").get_data(as_text=True)
    assert "Oud Geval" not in page and "123456782" not in page
