"""A Camunda Modeler file with inline form fields deploys and runs like a spiff one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import Engine, FormValidationError
from tests.engine.conftest import MODELS

CAMUNDA_FILE = MODELS.parent / "deployment" / "models" / "camunda_reclassering.bpmn"


def test_camunda_model_deploys_and_runs(make_engine, clock) -> None:
    engine: Engine = make_engine(forms_dir=MODELS / "forms")
    (version,) = engine.deploy([CAMUNDA_FILE])
    assert version.process_id == "reclassering_advies"
    engine.start("reclassering_advies", {"probation_office_code": "RN-AMS"}, "advies-1")

    task = engine.tasks(business_key="advies-1")[0]
    assert (task.party, task.organisation, task.role) == (
        "probation",
        "RN-AMS",
        "probation_officer",
    )
    # dueDate "working_day_deadline(today(), 3)" on Monday 4 May 2026: end of Friday 8 May.
    assert task.due_at == datetime(2026, 5, 8, 22, 0, tzinfo=UTC)
    form = engine.form(task.id)
    assert form["schema"]["properties"]["advies"]["enum"] == ["positief", "negatief"]

    with pytest.raises(FormValidationError) as caught:
        engine.complete(task.id, {"aantal_contacten": -1}, "rw-1")
    assert set(caught.value.errors) == {"naam", "advies", "aantal_contacten"}

    done = engine.complete(
        task.id,
        {"naam": "J. Jansen", "advies": "positief", "akkoord": True, "startdatum": "2026-06-01"},
        "rw-1",
    )
    assert done.status == "completed"
    assert engine.instance(done.id).data["advies"] == "positief"
