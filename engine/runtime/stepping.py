"""What a command does to the workflow itself: run it on, and read its data as JSON values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


def advance(
    workflow: BpmnWorkflow,
    before_run: Callable[[Any], None],
    on_completed: Callable[[Any], None],
) -> None:
    """Fire what is due, then run the engine until only user tasks and waiting events are left.

    The same steps in the same order as SpiffWorkflow's ``do_engine_steps`` (3.2), whose rounds
    are followed here: per round the active subprocesses, deepest first, each until it has
    nothing left to run, then the top workflow, each time running the ready engine tasks in the
    order of SpiffWorkflow's walk of the task tree. What differs is how they are found:
    ``do_engine_steps`` walks the whole tree, every finished branch too, a dozen times per command
    and more for a long case. Here the processes' task tables are looked through and the few
    ready tasks put in the walk's order by their places in the tree (``ready_engine_tasks``);
    the case's task tables are looked through once, and again only after a task ran, so the many
    lookups of a round that find nothing cost nothing.
    After a subprocess's steps ``do_engine_steps`` also updates its parent task (a private call):
    a no-op for a call activity whose subprocess runs (it stays started) or has completed (its
    completion event made it ready already), so it is left out.
    """
    workflow.refresh_timers()
    case = _ReadyInCase(workflow)
    while _round(workflow, case, before_run, on_completed):
        pass
    workflow.refresh_timers()


class _ReadyInCase:
    """The ready engine tasks of the whole case, looked up once and again only after a task ran
    (nothing else changes a task's state between two lookups of ``advance``): most lookups of a
    round find nothing, and then need not look at any process on its own."""

    def __init__(self, top: BpmnWorkflow) -> None:
        self.top = top
        self._tasks: list[Task] | None = None

    def tasks(self) -> list[Task]:
        if self._tasks is None:
            self._tasks = ready_in_case(self.top)
        return self._tasks

    def ran(self) -> None:
        self._tasks = None


def _round(
    workflow: BpmnWorkflow,
    case: _ReadyInCase,
    before_run: Callable[[Any], None],
    on_completed: Callable[[Any], None],
) -> bool:
    active = workflow.get_active_subprocesses()
    for subprocess in sorted(active, key=lambda v: v.depth, reverse=True):
        while run_ready(case, subprocess, before_run, on_completed):
            pass
    ran = run_ready(case, workflow, before_run, on_completed)
    return ran > 0 or len(workflow.get_active_subprocesses()) > len(active)


def run_ready(
    case: _ReadyInCase,
    process: Any,
    before_run: Callable[[Any], None],
    on_completed: Callable[[Any], None],
) -> int:
    """Run the engine tasks ready in ``process`` and below it; how many ran."""
    ready = case.tasks()
    if not ready:
        return 0
    tasks = ready_engine_tasks(case.top, process, ready)
    if tasks:
        case.ran()
    for task in tasks:
        before_run(task)
        task.run()
        on_completed(task)
    return len(tasks)


def ready_in_case(top: BpmnWorkflow) -> list[Task]:
    """The ready tasks that are not user tasks in every process of the case."""
    return [
        task
        for table in (top, *top.subprocesses.values())
        for task in table.tasks.values()
        if task.state == TaskState.READY and not task.task_spec.manual
    ]


def ready_engine_tasks(
    top: BpmnWorkflow, process: Any, ready: list[Task] | None = None
) -> list[Task]:
    """The ready tasks that are not user tasks in ``process`` and the subprocesses below it, in
    the order ``process.get_tasks(state=READY)`` gives them (a depth-first walk of the tree that
    enters a subprocess before its task's children). ``ready``: ``ready_in_case(top)``, when the
    caller has it."""
    placed: list[tuple[tuple[int, ...], Task]] = []
    try:
        tables = {id(table) for table in _tables_below(top, process)}
        for task in ready_in_case(top) if ready is None else ready:
            if id(task.workflow) not in tables:
                continue
            position = _walk_position(top, process, task)
            if position is None:  # a place the walk treats specially: let it decide
                return _walked(process)
            if position is not _ELSEWHERE:
                placed.append((position, task))
    except TaskNotFoundException:  # a subprocess whose task left the tree: let the walk decide
        return _walked(process)
    placed.sort(key=lambda item: item[0])
    return [task for _, task in placed]


def _tables_below(top: BpmnWorkflow, process: Any) -> list[Any]:
    """``process`` and the subprocesses below it: the task tables whose tasks its walk can
    meet (the walk enters a subprocess from its task). TaskNotFoundException for a subprocess
    whose task left the tree."""
    if process is top:
        return [top, *top.subprocesses.values()]
    below: dict[int, bool] = {id(top): False, id(process): True}
    for sub in top.subprocesses.values():
        chain = []
        owner = sub
        while id(owner) not in below:  # climb to a process already placed
            chain.append(id(owner))
            owner = top.get_task_from_id(owner.parent_task_id).workflow
        for climbed in chain:
            below[climbed] = below[id(owner)]
    return [process, *(s for s in top.subprocesses.values() if below[id(s)] and s is not process)]


def _walked(process: Any) -> list[Task]:
    return [t for t in process.get_tasks(state=TaskState.READY) if not t.task_spec.manual]


_DEPTH_LIMIT = 900
"""Below this depth the tree is walked instead (SpiffWorkflow's walk stops at depth 1000)."""
_ELSEWHERE: tuple[int, ...] = (-2,)
"""The position of a task that is not in ``process`` nor below it."""


def _walk_position(top: BpmnWorkflow, process: Any, task: Task) -> tuple[int, ...] | None:
    """Where the walk from ``process``'s root meets ``task``: the child index at each level from
    the root, -1 for entering a subprocess (``_ELSEWHERE`` when the walk does not meet it); None
    where the walk would not simply descend (below a predicted task, near its depth limit)."""
    path: list[int] = []
    current = task
    while True:
        parent = current.parent
        if parent is None:  # the root of its (sub)process
            owner = current.workflow
            if owner is process:
                break
            if owner is top:
                return _ELSEWHERE
            path.append(-1)
            current = top.get_task_from_id(owner.parent_task_id)
            continue
        if parent.state < TaskState.FUTURE:
            return None  # the walk does not go below a predicted task
        path.append(parent.children.index(current))
        current = parent
        if len(path) > _DEPTH_LIMIT:
            return None
    path.reverse()
    return tuple(path)


def to_json_value(value: Any) -> Any:
    """Task data as plain JSON values (dates and decimals as strings)."""
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
