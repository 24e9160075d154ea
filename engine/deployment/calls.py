"""Call activities that lead back to their own process: refused at deploy.

A process that calls itself, directly or through other processes, starts a new copy of itself
in the same command until the step limit stops it; nothing a case can do ends that, so the
deployment is refused instead. The call graph is read from the XML of the whole deployment.
"""

from __future__ import annotations

from lxml import etree

from engine.deployment.checks import BPMN_NS, Processes, is_executable
from engine.deployment.problems import problem
from engine.errors import DeploymentError

_CALL = f"{{{BPMN_NS}}}callActivity"


def _calls(process: etree._Element) -> list[etree._Element]:
    """The call activities of a process, its subprocesses included."""
    return [call for call in process.iter(_CALL) if call.get("calledElement")]


def recursive_calls(processes: Processes) -> list[DeploymentError]:
    """One problem per call activity through which a process reaches itself again."""
    graph = {
        pid: [call.get("calledElement") for call in _calls(process)]
        for pid, (_, process) in processes.items()
        if is_executable(process)
    }
    problems = []
    for pid, (doc, process) in processes.items():
        if pid not in graph:
            continue
        for call in _calls(process):
            path = _path_back(call.get("calledElement"), pid, graph)
            if path is not None:
                problems.append(
                    problem(
                        "call_recursive",
                        file=doc.name,
                        line=call.sourceline,
                        element=call.get("id"),
                        process=call.get("calledElement"),
                        path=" → ".join([pid, *path]),
                    )
                )
    return problems


def _path_back(start: str, home: str, graph: dict[str, list[str]]) -> list[str] | None:
    """The shortest chain of calls from `start` to `home` (both included), or None."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        if node == home:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return list(reversed(path))
        for target in graph.get(node, ()):
            if target not in previous:
                previous[target] = node
                queue.append(target)
    return None
