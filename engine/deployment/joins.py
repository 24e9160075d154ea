"""The parallel gateway that the engine's parsers and serializers use: SpiffWorkflow's, whose join
check reads the process's task table instead of walking its whole task tree.

Each time a task of a process completes, SpiffWorkflow asks every waiting parallel join of that
process whether all its inputs have arrived (``_check_threshold_unstructured``). SpiffWorkflow
answers by walking the whole task tree, every finished branch included, to find the join's own
tasks; the nazorg main process waits at such joins for months, so a long case pays a walk of its
history several times per command (about a tenth of the CPU of `make run`'s demo year,
docs/dashboard.md). Here the join's tasks are taken from the task table (``workflow.tasks``, a
flat dict holding the same tasks as the tree) and put in the walk's order by their places in the
tree; the check itself is SpiffWorkflow's, step for step. Where the walk would stop early (a
task deeper than ``DEPTH_LIMIT``) SpiffWorkflow's own check runs.

The class keeps SpiffWorkflow's name, so its specs are stored under the same type name: a stored
version reads back with this class (``JOIN_CONFIG``, registered after SpiffWorkflow's), whenever
it was deployed, and a version stored with it reads back in SpiffWorkflow alone.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.task_parsers import GatewayParser
from SpiffWorkflow.bpmn.serializer.default.task_spec import ParallelGatewayConverter
from SpiffWorkflow.bpmn.specs.defaults import ParallelGateway as SpiffParallelGateway
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

DEPTH_LIMIT = 900
"""Below this depth SpiffWorkflow's check runs (its walk stops at depth 1000)."""


class ParallelGateway(SpiffParallelGateway):
    """SpiffWorkflow's parallel gateway with a join check that does not walk the task tree."""

    def _check_threshold_unstructured(self, my_task: Task) -> bool:
        placed = _placed(my_task, self.name)
        if placed is None:
            return super()._check_threshold_unstructured(my_task)
        above_mine = {id(task) for task in _ancestors(my_task)}
        waiting_inputs = set(self.inputs)
        for _path, below_mine, task in placed:
            if below_mine:
                # A later pass of a loop through this join: its inputs are not waited for.
                _remove_nearest_input(task, waiting_inputs)
            elif id(task) in above_mine:
                continue  # an earlier pass of a loop through this join
            elif (
                task.parent.state == TaskState.COMPLETED and task.parent.task_spec in waiting_inputs
            ):
                waiting_inputs.remove(task.parent.task_spec)
        return not waiting_inputs


def _placed(my_task: Task, name: str) -> list[tuple[list[int], bool, Task]] | None:
    """The tasks of spec ``name`` in ``my_task``'s process, in the order of a depth-first walk
    of its task tree (by the child index at each level from the root), each with whether it lies
    below ``my_task``. None when one lies deeper than ``DEPTH_LIMIT``."""
    tasks = my_task.workflow.tasks
    placed: list[tuple[list[int], bool, Task]] = []
    for task in tasks.values():
        if task.task_spec.name != name:
            continue
        path: list[int] = []
        below_mine = False
        current = task
        while (parent_id := current._parent) is not None:
            parent = tasks[parent_id]
            path.append(parent._children.index(current.id))
            below_mine = below_mine or parent is my_task
            current = parent
            if len(path) > DEPTH_LIMIT:
                return None
        path.reverse()
        placed.append((path, below_mine, task))
    placed.sort(key=lambda item: item[0])
    return placed


def _ancestors(task: Task) -> list[Task]:
    found = []
    current = task.parent
    while current is not None:
        found.append(current)
        current = current.parent
    return found


def _remove_nearest_input(task: Task, waiting_inputs: set[Any]) -> None:
    """Remove from ``waiting_inputs`` the spec of ``task`` or of its nearest ancestor in it."""
    current: Task | None = task
    while current is not None:
        if current.task_spec in waiting_inputs:
            waiting_inputs.remove(current.task_spec)
            return
        current = current.parent


JOIN_PARSER_CLASSES = {full_tag("parallelGateway"): (GatewayParser, ParallelGateway)}
"""For a parser's ``OVERRIDE_PARSER_CLASSES``."""

JOIN_CONFIG = {ParallelGateway: ParallelGatewayConverter}
"""For a serializer config, after SpiffWorkflow's entries (the later class reads the type)."""
