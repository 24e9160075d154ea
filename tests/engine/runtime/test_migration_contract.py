"""A migration's dry run checks the data contract against each case's current data: a case
already past the step that writes a variable the new version reads later cannot move."""

from __future__ import annotations

import json

from engine import Engine
from engine.deployment import SourceFile
from tests.engine.deployment.test_checks import model, user_task
from tests.engine.deployment.test_contract import flow, script

FIRST = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
SECOND = {"type": "object", "properties": {"done": {"type": "boolean"}}}


def version(first_form: dict, *, reads_priority: bool) -> list[SourceFile]:
    reader = "x = priority" if reads_priority else "x = ok"
    body = (
        '    <bpmn:startEvent id="Start_1" />\n'
        + user_task("First", {"formJsonSchemaFilename": "first.schema.json"})
        + user_task("Second", {"formJsonSchemaFilename": "second.schema.json"})
        + script("Use", reader)
        + '    <bpmn:endEvent id="End_1" />\n'
        + flow("f1", "Start_1", "First")
        + flow("f2", "First", "Second")
        + flow("f3", "Second", "Use")
        + flow("f4", "Use", "End_1")
    )
    return [
        SourceFile("proces.bpmn", model(body).encode()),
        SourceFile("first.schema.json", json.dumps(first_form).encode()),
        SourceFile("second.schema.json", json.dumps(SECOND).encode()),
    ]


def test_the_dry_run_names_cases_whose_data_lacks_what_a_step_ahead_reads(make_engine) -> None:
    engine: Engine = make_engine()
    [v1] = engine.deploy(version(FIRST, reads_priority=False))
    past = engine.start("proces", {}, "past")
    engine.complete(engine.tasks(business_key="past")[0].id, {"ok": True}, "m")
    before = engine.start("proces", {}, "before")

    with_priority = {
        "type": "object",
        "properties": {"ok": {"type": "boolean"}, "priority": {"type": "string"}},
        "required": ["ok", "priority"],
    }
    [v2] = engine.deploy(version(with_priority, reads_priority=True))
    assert v2.version == 2  # new cases are fine: First now writes priority

    report = {c.business_key: c for c in engine.migration_report([past.id, before.id], v2.id)}
    assert report["before"].can_move  # First, still ahead of it, writes priority
    assert report["past"].reasons == [
        "step 'Use' reads variable 'priority', which the case does not have and nothing before "
        "that step writes"
    ]
    moved = {c.business_key: c.moved for c in engine.migrate([past.id, before.id], v2.id, user="p")}
    assert moved == {"past": False, "before": True}
    assert engine.instance(past.id).version_id == v1.id
