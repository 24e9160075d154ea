"""Organisation fields checked where data enters the engine (engine/runtime/organisations.py): on
the real nazorg models, start data and task data that name an organisation of the wrong kind, or
none at all, are refused with the field and change nothing; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection

from engine import (
    Engine,
    FieldError,
    FormValidationError,
    ManualClock,
    NotFoundError,
    organisation_kind,
)
from tests.processes.harness import entry_data, entry_notification

ROOT = Path(__file__).resolve().parents[3]
DIRECTORY = {
    "PI-ZWL": "prison",
    "GM0363": "municipality",
    "GM0599": "municipality",
    "RN-ZWL": "probation",
    "UWV-ZWL": "uwv",
}


def directory(conn: Connection, kind: str, code: str) -> bool:
    assert isinstance(conn, Connection)  # asked on the command's own connection
    return DIRECTORY.get(code) == kind


@pytest.fixture
def engine(make_engine: Callable[..., Engine], clock: ManualClock) -> Engine:
    eng = make_engine(forms_dir=ROOT / "forms", organisations=directory)
    eng.deploy(sorted(p for p in (ROOT / "processes").iterdir() if p.suffix in (".bpmn", ".dmn")))
    return eng


def long_stay(engine: Engine, key: str = "NZ-ORG-1") -> int:
    """A long stay after the entry notification: the prison's request_risc is open."""
    instance = engine.start(
        "nazorg_detentie", entry_data(expected_release_date="2027-03-01"), key, user="mmd"
    )
    notify = next(
        t for t in engine.tasks(instance_id=instance.id) if t.bpmn_id == "entry_notification"
    )
    engine.complete(notify.id, entry_notification(), "mmd")
    return instance.id


def open_task(engine: Engine, instance_id: int, bpmn_id: str):  # type: ignore[no-untyped-def]
    return next(t for t in engine.tasks(instance_id=instance_id) if t.bpmn_id == bpmn_id)


def test_a_municipality_code_as_probation_office_is_refused_and_changes_nothing(
    engine: Engine,
) -> None:
    instance_id = long_stay(engine)
    request = open_task(engine, instance_id, "request_risc")
    before = engine.instance(instance_id)
    events_before = engine.events(instance_id)
    with pytest.raises(FormValidationError) as refused:
        engine.complete(
            request.id,
            {"probation_office_code": "GM0363", "risc_requested_on": "2026-05-15"},
            "mmd",
        )
    assert list(refused.value.errors) == ["probation_office_code"]
    assert refused.value.errors["probation_office_code"] == [
        FieldError(
            "organisation_unknown",
            {"field": "probation_office_code", "value": "GM0363", "kind": "probation"},
        )
    ]
    after = engine.instance(instance_id)
    assert after.data == before.data and after.updated_at == before.updated_at
    assert len(engine.events(instance_id)) == len(events_before)
    assert engine.task(request.id).status == "ready"
    assert "risc_assessment" not in {t.bpmn_id for t in engine.tasks(instance_id=instance_id)}

    engine.complete(
        request.id, {"probation_office_code": "RN-ZWL", "risc_requested_on": "2026-05-15"}, "mmd"
    )
    risc = open_task(engine, instance_id, "risc_assessment")
    assert (risc.party, risc.organisation) == ("probation", "RN-ZWL")


def test_an_unknown_code_and_a_schema_error_are_reported_together(engine: Engine) -> None:
    instance_id = long_stay(engine)
    request = open_task(engine, instance_id, "request_risc")
    with pytest.raises(FormValidationError) as refused:
        engine.complete(request.id, {"probation_office_code": "RN-NERGENS"}, "mmd")
    assert set(refused.value.errors) == {"probation_office_code", "risc_requested_on"}


def test_start_data_naming_a_prison_as_municipality_is_refused(engine: Engine) -> None:
    with pytest.raises(FormValidationError) as refused:
        engine.start("nazorg_detentie", entry_data(municipality_code="PI-ZWL"), "NZ-ORG-2")
    assert list(refused.value.errors) == ["municipality_code"]
    with pytest.raises(NotFoundError):
        engine.instance_by_key("NZ-ORG-2")


def test_a_settlement_request_to_an_unknown_municipality_is_refused(engine: Engine) -> None:
    instance = engine.start("nazorg_detentie", entry_data(), "NZ-ORG-3", user="mmd")
    notify = open_task(engine, instance.id, "entry_notification")
    with pytest.raises(FormValidationError) as refused:
        engine.complete(notify.id, entry_notification(settle_elsewhere="GM9999"), "mmd")
    assert list(refused.value.errors) == ["entry_requested_municipality_code"]


def test_the_kind_comes_from_the_schema_keyword_else_from_the_party_keys() -> None:
    assert organisation_kind("probation_office_code", {"type": "string"}) == "probation"
    assert organisation_kind("entry_requested_municipality_code", None) == "municipality"
    assert organisation_kind("reviewing_office", {"x-organisation": "uwv"}) == "uwv"
    assert organisation_kind("uwv_office_code", {"x-organisation": False}) is None
    assert organisation_kind("risc_requested_on", {"type": "string"}) is None
