"""Compact state of a finished case (issue 14): what a completed workflow needs to stay loadable
and to show its diagram, without its task tree.

A finished case's SpiffWorkflow state holds every task the case went through (several hundred,
with predicted and cancelled branches, three UUIDs each): about 35 KB compressed, read again
only to colour the case page's diagram, to pseudonymise the case (retention) and to refuse a
migration. What those need is, per process and BPMN element, its most pressing state. The
compact state keeps exactly that: per (sub)process the root task and one task per task spec,
the one whose state ``engine.runtime.projection.element_states`` would show (error, active,
waiting, completed), all children of the root, with fresh sequential ids, no data and no
timestamps (the audit events keep when everything happened; a timestamp per task, unique per
case, was a fifth of the compressed state). It is still SpiffWorkflow's own format, so every
reader loads it as before; the case data (the ``case_data`` column) and the task rows are
untouched, the audit events are archived apart (engine/store/case_archive.py).

Pure JSON in, JSON out: the same function compacts on save (``WorkflowCodec.dump_state``) and
in migrations ``0480_compact_finished`` and ``0490_smaller_finished`` (rows written before).

Stored, the compact state is packed (``pack``, migration ``0541_packed_finished``): its tasks'
fresh ids, numbered in order from each process's root, are left out, and each task is a list
``[task spec, state]`` (with its typename and triggered flag only when they are not "Task" and
false): a tenth of SpiffWorkflow's JSON of the same tasks, whose ids, keys, empty dicts and
parent and children lists follow from the tree's shape (a root with every kept task as its
child, numbered after it). ``unpack`` gives back the compact
state, equal to what ``compact_state`` made; the codec unpacks before it loads.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any
from uuid import UUID

COMPACTED_KEY = "compacted"
"""Marks a compacted state (readers ignore it)."""

# SpiffWorkflow's TaskState values, most pressing first, as element_states ranks them.
_RANKED_MASKS = (128, 16 | 32, 8, 64)  # ERROR, READY | STARTED, WAITING, COMPLETED


def _rank(state: int) -> int | None:
    for rank, mask in enumerate(_RANKED_MASKS):
        if state & mask:
            return rank
    return None


PACKED_KEY = "packed"
"""Marks a packed compact state (``pack``): it must be unpacked before it is loaded."""


def is_compacted(state: dict[str, Any]) -> bool:
    return bool(state.get(COMPACTED_KEY))


def is_packed(state: dict[str, Any]) -> bool:
    return bool(state.get(PACKED_KEY))


def compact_state(state: dict[str, Any]) -> dict[str, Any]:
    """The compact form of a completed workflow's serialized state (a new dict); a compacted
    state comes back equal."""
    ids = (str(UUID(int=n)) for n in itertools.count(1))
    subprocesses: dict[str, Any] = dict(state.get("subprocesses") or {})
    kept_subprocesses: dict[str, Any] = {}
    top = _compact_process(state, subprocesses, kept_subprocesses, ids)
    top["subprocesses"] = kept_subprocesses
    top["bpmn_events"] = state.get("bpmn_events") or []
    top[COMPACTED_KEY] = True
    for key in ("typename", "serializer_version"):
        if key in state:
            top[key] = state[key]
    return top


def _compact_process(
    process: dict[str, Any],
    subprocesses: dict[str, Any],
    kept_subprocesses: dict[str, Any],
    ids: Iterator[str],
) -> dict[str, Any]:
    tasks: dict[str, Any] = process["tasks"]
    chosen: dict[str, tuple[int, str]] = {}  # task spec -> (rank, task id)
    owners: list[str] = []  # tasks that own a subprocess with something to show
    for task_id, task in tasks.items():
        if task_id == process["root"]:
            continue
        if task_id in subprocesses:
            owners.append(task_id)
        rank = _rank(task["state"])
        if rank is None:
            continue
        known = chosen.get(task["task_spec"])
        if known is None or rank < known[0]:
            chosen[task["task_spec"]] = (rank, task_id)
    keep = [task_id for _rank_, task_id in chosen.values()]
    keep += [owner for owner in owners if owner not in keep]
    root_id = next(ids)
    renamed = {old: next(ids) for old in keep}
    children = []
    new_tasks: dict[str, Any] = {}
    root = tasks[process["root"]]
    new_tasks[root_id] = _bare(root, root_id, None, children)
    for old, new in renamed.items():
        new_tasks[new] = _bare(tasks[old], new, root_id, [])
        children.append(new)
        sub = subprocesses.get(old)
        if sub is not None:
            compacted = _compact_process(sub, subprocesses, kept_subprocesses, ids)
            if any(
                _rank(t["state"]) is not None
                for tid, t in compacted["tasks"].items()
                if tid != compacted["root"]
            ):
                compacted["parent_task_id"] = new
                compacted["spec"] = sub["spec"]
                kept_subprocesses[new] = compacted
    return {
        "typename": process.get("typename"),
        "data": {},
        "correlations": process.get("correlations") or {},
        "last_task": None,
        "success": process.get("success", True),
        "completed": process.get("completed", True),
        "root": root_id,
        "tasks": new_tasks,
    }


def _bare(task: dict[str, Any], new_id: str, parent: str | None, children: list[str]) -> dict:
    return {
        "id": new_id,
        "parent": parent,
        "children": children,
        "last_state_change": 0.0,  # read by nothing; the audit events keep every moment
        "state": task["state"],
        "task_spec": task["task_spec"],
        "triggered": task.get("triggered", False),
        "internal_data": {},
        "data": {},
        "delta": {},
        "typename": task.get("typename", "Task"),
    }


_PROCESS_KEYS = ("typename", "correlations", "success", "completed")


def pack(compact: dict[str, Any]) -> dict[str, Any]:
    """The packed form of a compact state (a new dict): ``[root id, owner id, spec, typename,
    correlations, success, completed, tasks]`` per process, the top one first (no owner, no
    spec), each task ``[task spec, state]`` (+ typename, triggered when not "Task", false), the
    root first, their ids counted on from the root's. A state of another shape comes back as it
    was (``unpack`` of the result always equals the compact state)."""
    if not is_compacted(compact) or is_packed(compact):
        return compact
    try:
        processes = [_pack_process(compact, None)]
        processes += [
            _pack_process(sub, owner) for owner, sub in (compact.get("subprocesses") or {}).items()
        ]
    except (KeyError, ValueError, TypeError):
        return compact
    packed = {
        PACKED_KEY: 1,
        COMPACTED_KEY: True,
        "typename": compact.get("typename"),
        "bpmn_events": compact.get("bpmn_events") or [],
        "processes": processes,
    }
    if "serializer_version" in compact:
        packed["serializer_version"] = compact["serializer_version"]
    return packed if unpack(packed) == compact else compact


def _number(task_id: str) -> int:
    return UUID(task_id).int


def _pack_process(process: dict[str, Any], owner: str | None) -> list[Any]:
    tasks = process["tasks"]
    root = tasks[process["root"]]
    packed_tasks = [_pack_task(root)]
    packed_tasks += [_pack_task(tasks[child]) for child in root["children"]]
    return [
        _number(process["root"]),
        None if owner is None else _number(owner),
        process.get("spec"),
        *(process.get(key) for key in _PROCESS_KEYS),
        packed_tasks,
    ]


def _pack_task(task: dict[str, Any]) -> list[Any]:
    packed = [task["task_spec"], task["state"]]
    if task.get("typename", "Task") != "Task" or task.get("triggered", False):
        packed += [task.get("typename", "Task"), task.get("triggered", False)]
    return packed


def unpack(state: dict[str, Any]) -> dict[str, Any]:
    """The compact state a packed one was made from (a new dict); any other state as it is."""
    if not is_packed(state):
        return state
    top, *subs = state["processes"]
    unpacked = _unpack_process(top)
    unpacked["subprocesses"] = {}
    for sub in subs:
        process = _unpack_process(sub)
        owner = str(UUID(int=sub[1]))
        process["parent_task_id"] = owner
        process["spec"] = sub[2]
        unpacked["subprocesses"][owner] = process
    unpacked["bpmn_events"] = state.get("bpmn_events") or []
    unpacked[COMPACTED_KEY] = True
    for key in ("typename", "serializer_version"):
        if key in state:
            unpacked[key] = state[key]
    return unpacked


def _unpack_process(packed: list[Any]) -> dict[str, Any]:
    root_number, _owner, _spec, typename, correlations, success, completed, tasks = packed
    root_id = str(UUID(int=root_number))
    children: list[str] = []
    new_tasks: dict[str, Any] = {}
    for number, (task_spec, task_state, *rest) in enumerate(tasks, root_number):
        task_id = str(UUID(int=number))
        task = {"task_spec": task_spec, "state": task_state}
        if rest:
            task["typename"], task["triggered"] = rest
        if number == root_number:
            new_tasks[task_id] = _bare(task, task_id, None, children)
        else:
            new_tasks[task_id] = _bare(task, task_id, root_id, [])
            children.append(task_id)
    return {
        "typename": typename,
        "data": {},
        "correlations": correlations,
        "last_task": None,
        "success": success,
        "completed": completed,
        "root": root_id,
        "tasks": new_tasks,
    }
