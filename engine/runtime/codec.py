"""Workflow state to JSON and back, without the specs (architecture principle 2).

Specs are stored once per version and kept in memory; an instance's state refers to them. Only
the serializer's documented extension point is used: a converter registered for BpmnWorkflow.

Writing is incremental: each task's JSON is kept and written again only when the task changed
(its state, children, data or internal data, or its parent's state), so a command's cost follows
what it changed, not the case's history. A change to a task's data that leaves its state and its
keys alone is not seen: whoever makes one calls ``forget``. A task's children change only as
tasks join or leave its process's task table (SpiffWorkflow's BPMN tasks gain a child only by
creating it and lose one only by removing it from the table), so those are what is looked at,
not every task's children. The result equals SpiffWorkflow's own serialization
(``full_state``) while the workflow runs; tests hold the two together. A completed workflow is
written in its compact form, packed (engine/store/compaction.py), made from its tasks' specs
and states alone.
"""

from __future__ import annotations

import contextlib
import json
import threading
import weakref
from collections.abc import Iterator, Mapping
from copy import deepcopy
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec

from engine.deployment import serializer_config
from engine.store.compaction import compact_state, pack, unpack

DIALECT_CONFIGS = {dialect: serializer_config(dialect) for dialect in ("spiff", "camunda")}


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Writes a workflow without its specs; reads one whose specs the caller put in place."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


class WorkflowCodec:
    """One per dialect and thread (see CODECS)."""

    def __init__(self, dialect: str) -> None:
        config = deepcopy(DIALECT_CONFIGS[dialect])
        config[BpmnWorkflow] = _SpeclessWorkflowConverter
        registry = BpmnWorkflowSerializer.configure(config)
        registry.register(
            date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
        )
        registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
        self._serializer = BpmnWorkflowSerializer(registry)
        self._spec_serializer = BpmnWorkflowSerializer(
            BpmnWorkflowSerializer.configure(deepcopy(config))
        )
        self.version = self._serializer.VERSION
        self._encode = self._serializer._encoder_cls().encode  # one encoder, made once
        self._task_json: weakref.WeakKeyDictionary[BpmnWorkflow, dict[int, _Entry]] = (
            weakref.WeakKeyDictionary()
        )

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as JSON, re-encoding only the tasks that changed; a completed
        workflow in its compact form, packed (engine/store/compaction.py)."""
        if workflow.completed:
            self._task_json.pop(workflow, None)
            return json.dumps(pack(compact_state(self._finished_state(workflow))))
        return self._dump_tree(workflow)

    def _finished_state(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """What ``compact_state`` reads of a finished workflow's state, as its JSON has it: per
        process its own fields and per task its spec, state, triggered flag and typename, made
        from the workflow without encoding every task's data (tests hold the result to the
        compact form of SpiffWorkflow's serialization)."""
        registry = self._serializer.registry
        typenames = registry.typenames

        def process_fields(process: Any, **extra: Any) -> dict[str, Any]:
            return {
                "typename": typenames[type(process)],
                "correlations": process.correlations,
                "success": process.success,
                "completed": process.completed,
                "root": str(process.task_tree.id),
                "tasks": {
                    str(task_id): {
                        "state": task.state,
                        "task_spec": task.task_spec.name,
                        "triggered": task.triggered,
                        "typename": typenames[type(task)],
                    }
                    for task_id, task in process.tasks.items()
                },
                **extra,
            }

        with self._encoder_mode():
            state = process_fields(workflow, bpmn_events=registry.convert(workflow.bpmn_events))
            state[BpmnWorkflowSerializer.VERSION_KEY] = self.version
            state["subprocesses"] = {
                str(task_id): process_fields(
                    sub, parent_task_id=str(sub.parent_task_id), spec=sub.spec.name
                )
                for task_id, sub in workflow.subprocesses.items()
            }
            return json.loads(self._encode(state))  # JSON's values (lists, string keys)

    @contextlib.contextmanager
    def _encoder_mode(self) -> Iterator[None]:
        """As ``serialize_json`` does: objects convert inside json.dumps, not before."""
        registry = self._serializer.registry
        registry._encoder_mode = True
        try:
            yield
        finally:
            registry._encoder_mode = False

    def forget(self, workflow: BpmnWorkflow) -> None:
        """Encode every task of ``workflow`` again at its next dump: for a change the
        fingerprints cannot see (a value replaced in a task's data, its keys unchanged)."""
        self._task_json.pop(workflow, None)

    def _dump_tree(self, workflow: BpmnWorkflow) -> str:
        known = self._task_json.get(workflow)
        if known is None:
            known = self._task_json[workflow] = {}
        processes = [workflow, *workflow.subprocesses.values()]
        stale = _stale_tasks(processes, known)
        fresh: dict[int, _Entry] = {}
        registry = self._serializer.registry
        with self._encoder_mode():
            subprocesses = ",".join(
                f'"{task_id}":'
                + self._process_json(
                    sub,
                    known,
                    stale,
                    fresh,
                    {"parent_task_id": str(sub.parent_task_id), "spec": sub.spec.name},
                )
                for task_id, sub in workflow.subprocesses.items()
            )
            top = self._process_json(
                workflow,
                known,
                stale,
                fresh,
                {"bpmn_events": registry.convert(workflow.bpmn_events)},
                tail=f',"subprocesses":{{{subprocesses}}}',
            )
        known.clear()
        known.update(fresh)
        return top

    def full_state(self, workflow: BpmnWorkflow) -> str:
        """SpiffWorkflow's own serialization of the state: what ``dump_state`` must equal."""
        return self._serializer.serialize_json(workflow)

    def _process_json(
        self,
        process: Any,
        known: dict[int, _Entry],
        stale: set[int],
        fresh: dict[int, _Entry],
        extra: dict[str, Any],
        tail: str = "",
    ) -> str:
        registry = self._serializer.registry
        shell = {
            "typename": registry.typenames[type(process)],
            "data": registry.convert(registry.clean(process.data)),
            "correlations": process.correlations,
            "last_task": str(process.last_task.id) if process.last_task is not None else None,
            "success": process.success,
            "completed": process.completed,
            "root": str(process.task_tree.id),
            **extra,
        }
        if process is process.top_workflow:
            shell[BpmnWorkflowSerializer.VERSION_KEY] = self.version
        tasks = []
        encode, convert, get = self._encode, registry.convert, known.get
        for task_id, task in process.tasks.items():
            key = id(task)
            cached = get(key)
            if key in stale or cached is None:
                parent = task.parent
                cached = _Entry(
                    task_id,
                    _own_fingerprint(task),
                    f'"{task_id}":{encode(convert(task))}',
                    id(parent) if parent is not None else None,
                )
            fresh[key] = cached
            tasks.append(cached.json)
        head = self._encode(shell)
        return f'{head[:-1]},"tasks":{{{",".join(tasks)}}}{tail}}}'

    def load_state(
        self, state: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> BpmnWorkflow:
        dct = unpack(json.loads(state))
        found = dct.pop(BpmnWorkflowSerializer.VERSION_KEY, None)
        if found != self.version:
            raise ValueError(
                f"stored state has serializer version {found}, expected {self.version}"
            )
        dct["spec"] = spec
        dct["subprocess_specs"] = dict(subprocess_specs)
        return self._serializer.from_dict(dct)

    def dump_specs(
        self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> str:
        registry = self._spec_serializer.registry
        return json.dumps(
            {
                "spec": registry.convert(spec),
                "subprocess_specs": {
                    name: registry.convert(s) for name, s in subprocess_specs.items()
                },
            },
            sort_keys=True,
        )

    def load_specs(self, text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        dct: dict[str, Any] = json.loads(text)
        registry = self._spec_serializer.registry
        spec = registry.restore(dct["spec"])
        subprocess_specs = {
            name: registry.restore(s) for name, s in dct["subprocess_specs"].items()
        }
        return spec, subprocess_specs


class _Entry(NamedTuple):
    """A task's JSON as last written, keyed by the task object's id() (which hashes faster than
    its UUID). The UUID object is kept so that a new task at a freed task's address is never
    taken for it (not the task itself: a task refers to its workflow, the key of _task_json)."""

    task_id: Any
    fingerprint: tuple
    json: str
    parent: int | None  # id() of the task's parent when it was written


def _own_fingerprint(task: Any) -> tuple:
    """What the task's own JSON follows, apart from its children and its parent's data."""
    return (
        task.state,
        task.last_state_change,
        task.triggered,
        id(task.data),
        len(task.data),
        len(task.internal_data),
    )


def _stale_tasks(processes: list[Any], known: dict[int, _Entry]) -> set[int]:
    """The tasks (by id()) whose JSON must be written again: a new task, a task whose own
    fingerprint changed, a task that gained or lost a child (a task joined or left the tables)
    and a task whose parent's state changed (its data may have changed with it)."""
    stale: set[int] = set()
    moved = []
    seen = set()
    get = known.get
    for process in processes:
        for task_id, task in process.tasks.items():
            key = id(task)
            seen.add(key)
            cached = get(key)
            if cached is None or cached.task_id is not task_id:
                stale.add(key)
                if cached is not None and cached.parent is not None:
                    stale.add(cached.parent)  # the task that was at this address left
                parent = task.parent
                if parent is not None:
                    stale.add(id(parent))
                continue
            fingerprint = _own_fingerprint(task)
            before = cached.fingerprint
            if fingerprint != before:
                stale.add(key)
                if fingerprint[:2] != before[:2]:
                    moved.append(task)
    for key, entry in known.items():
        if key not in seen and entry.parent is not None:
            stale.add(entry.parent)
    for task in moved:
        stale.update(id(child) for child in task.children)
    return stale


class _PerThreadCodecs(Mapping[str, WorkflowCodec]):
    """A codec per dialect and thread: the serializer's registry switches modes while writing."""

    def __init__(self) -> None:
        self._local = threading.local()

    def __getitem__(self, dialect: str) -> WorkflowCodec:
        codecs = getattr(self._local, "codecs", None)
        if codecs is None:
            codecs = self._local.codecs = {}
        if dialect not in codecs:
            if dialect not in DIALECT_CONFIGS:
                raise KeyError(dialect)
            codecs[dialect] = WorkflowCodec(dialect)
        return codecs[dialect]

    def __iter__(self) -> Iterator[str]:
        return iter(DIALECT_CONFIGS)

    def __len__(self) -> int:
        return len(DIALECT_CONFIGS)


CODECS = _PerThreadCodecs()
