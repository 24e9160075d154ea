"""Moving running instances to another version of their process (issue 5).

An instance can move when every task in its tree that was reached (finished, active or waiting,
or definitely coming) names a task spec that the target version has, in the same (sub)process.
Predicted branches (MAYBE/LIKELY) through steps the target lacks are dropped: SpiffWorkflow
grows a task's children from its spec again when the task completes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Connection

from engine.db.connect import read_transaction
from engine.deployment.contract import case_problems
from engine.deployment.forms import FormStore
from engine.deployment.parsing import classify
from engine.deployment.xml_safety import XmlDocument
from engine.errors import ConflictError, NotFoundError
from engine.runtime.command import Action, Command
from engine.runtime.definitions import Definition, DefinitionCache
from engine.runtime.pipeline import Pipeline
from engine.runtime.projection import element_states
from engine.store import human_tasks, instances, versions


@dataclass(frozen=True)
class MigrationCheck:
    instance_id: int
    business_key: str
    from_version_id: int
    to_version_id: int
    reasons: list[str] = field(default_factory=list)
    moved: bool = False

    @property
    def can_move(self) -> bool:
        return not self.reasons


def version_problems(head: Any, target: Any, to_version_id: int) -> list[str]:
    """Reasons on the level of versions: the target must be another version of the same process."""
    if target is None:
        return [f"version {to_version_id} does not exist"]
    if target.process_id != head.process_id:
        return [f"version {to_version_id} belongs to process {target.process_id!r}"]
    if target.id == head.version_id:
        return ["the case already runs on this version"]
    if head.status == "completed":
        return ["the case is completed"]
    return []


def migration_report(
    conn: Connection, definitions: DefinitionCache, instance_ids: list[int], to_version_id: int
) -> list[MigrationCheck]:
    """Which instances could move to ``to_version_id``, and why not: the versions, the steps
    the case has reached, and the data contract from where the case is."""
    checks = []
    target = definitions.get(conn, to_version_id)
    target_info = versions.get(conn, to_version_id)
    contract: TargetContract | None = None
    for instance_id in instance_ids:
        head = instances.head_with_state(conn, instance_id)
        if head is None:
            raise NotFoundError(
                f"instance {instance_id} does not exist",
                reason="instance_not_found",
                instance_id=instance_id,
            )
        source = definitions.get(conn, head.version_id)
        workflow = source.codec.load_state(head.state, source.spec, source.subprocess_specs)
        reasons = version_problems(head, target_info, to_version_id)
        reasons += migration_problems(workflow, target) if not reasons else []
        if not reasons:
            if contract is None:
                contract = TargetContract(
                    head.process_id, versions.source_files(conn, target.version_id)
                )
            reasons += contract.problems(workflow, instances.stored(conn, instance_id)[1])
        checks.append(
            MigrationCheck(instance_id, head.business_key, head.version_id, to_version_id, reasons)
        )
    return checks


def move_to(check: MigrationCheck, target: Definition, script_engine: Any) -> Action:
    def action(command: Command) -> None:
        if command.definition.version_id != check.from_version_id:
            raise ConflictError(
                f"instance {check.instance_id} changed version meanwhile",
                reason="version_changed",
                instance_id=check.instance_id,
            )
        problems = migration_problems(command.workflow, target)
        if problems:
            raise ConflictError(
                "; ".join(problems),
                reason="migration_refused",
                instance_id=check.instance_id,
            )
        source = command.definition
        state, pruned_parents = prune_predictions(source.codec.dump_state(command.workflow), target)
        workflow = target.codec.load_state(state, target.spec, target.subprocess_specs)
        workflow.script_engine = script_engine
        repredict(workflow, pruned_parents)
        command.workflow, command.definition = workflow, target
        open_tasks = workflow.get_tasks(state=TaskState.READY, manual=True)
        human_tasks.relabel(
            command.conn,
            target.version_id,
            {str(t.id): t.task_spec.bpmn_name or t.task_spec.bpmn_id for t in open_tasks},
        )
        command.record(
            "instance_migrated", from_version_id=source.version_id, to_version_id=target.version_id
        )

    return action


def migrate_instances(
    pipeline: Pipeline,
    definitions: DefinitionCache,
    script_engine: Any,
    instance_ids: Iterable[int],
    to_version_id: int,
    user: str,
) -> list[MigrationCheck]:
    """Move each instance that can move; one transaction and one audit event per instance."""
    with read_transaction(pipeline.database) as conn:
        checks = migration_report(conn, definitions, list(instance_ids), to_version_id)
        target = definitions.get(conn, to_version_id)
    results = []
    for check in checks:
        if check.can_move:
            pipeline.execute(check.instance_id, user, move_to(check, target, script_engine))
            check = replace(check, moved=True)
        results.append(check)
    return results


def migration_problems(workflow: BpmnWorkflow, target: Definition) -> list[str]:
    """Why ``workflow`` cannot continue on ``target``; empty when it can."""
    problems = []
    spaces = [(workflow, target.spec)]
    for subprocess in workflow.subprocesses.values():
        spec = target.subprocess_specs.get(subprocess.spec.name)
        if spec is None:
            problems.append(
                f"called process {subprocess.spec.name!r} is not part of the new version"
            )
            continue
        spaces.append((subprocess, spec))
    for process, spec in spaces:
        for task in process.tasks.values():
            if task.task_spec.name in spec.task_specs or task.has_state(TaskState.PREDICTED_MASK):
                continue
            state = TaskState.get_name(task.state).lower()
            problems.append(
                f"{state} step {task.task_spec.bpmn_id or task.task_spec.name!r} "
                f"does not exist in the new version"
            )
    return sorted(set(problems))


class TargetContract:
    """A target version's models, read once per dry run, to check each case's data against the
    data contract from where the case is (docs/modelling.md, "The data contract")."""

    def __init__(self, process_id: str, files: list[tuple[str, bytes]]) -> None:
        self.process_id = process_id
        self.docs: dict[str, XmlDocument] = {}
        forms: dict[str, bytes] = {}
        for name, content in files:
            if name.lower().endswith(".json"):
                forms[name] = content
            else:
                doc = XmlDocument.parse(name, content)
                classify(doc)
                self.docs[name] = doc
        self.store = FormStore(forms, None)

    def problems(self, workflow: BpmnWorkflow, case_data: dict[str, Any]) -> list[str]:
        """Why the case would fail on the target: a step ahead reads a variable it lacks."""
        positions = {
            bpmn_id
            for states in element_states(workflow).values()
            for bpmn_id, state in states.items()
            if state != "completed"
        }
        found = case_problems(self.docs, self.store, self.process_id, positions, set(case_data))
        return [
            f"step '{element}' reads variable '{variable}', which the case does not have and "
            "nothing before that step writes"
            for element, variable in sorted(found)
        ]


def prune_predictions(state: str, target: Definition) -> tuple[str, set[str]]:
    """The stored state without predicted tasks whose spec the target version lacks, and the
    ids of the tasks that lost children that way (to be predicted again on the new specs)."""
    document = json.loads(state)
    parents = _prune(document, target.spec.task_specs)
    for subprocess in document.get("subprocesses", {}).values():
        spec = target.subprocess_specs.get(subprocess["spec"])
        if spec is not None:
            parents |= _prune(subprocess, spec.task_specs)
    return json.dumps(document), parents


def repredict(workflow: BpmnWorkflow, parent_ids: set[str]) -> None:
    """Grow the branches the new version has below tasks whose old predictions were dropped
    (e.g. a renamed boundary timer on a task not reached yet)."""
    for parent_id in parent_ids:
        task = workflow.get_task_from_id(UUID(parent_id))
        if task is not None and not task.has_state(TaskState.FINISHED_MASK):
            # SpiffWorkflow predicts children only for the states in ``mask``: the task's own.
            task.task_spec._predict(task, mask=task.state)


def _prune(process: dict, task_specs: dict) -> set[str]:
    tasks = process["tasks"]
    parents: set[str] = set()
    removed: set[str] = set()
    doomed = [
        tid
        for tid, task in tasks.items()
        if task["task_spec"] not in task_specs and task["state"] & TaskState.PREDICTED_MASK
    ]
    while doomed:
        tid = doomed.pop()
        task = tasks.pop(tid, None)
        if task is None:
            continue
        removed.add(tid)
        doomed.extend(task["children"])
        parent = tasks.get(task["parent"]) if task["parent"] else None
        if parent is not None and tid in parent["children"]:
            parent["children"].remove(tid)
            parents.add(task["parent"])
    return parents - removed
