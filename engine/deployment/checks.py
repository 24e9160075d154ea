"""Engine-specific lint at deploy time: what SpiffWorkflow accepts but Terugkeer cannot run.

Model-level checks work on the XML (so every problem has a line); task checks (lanes, forms)
work on the parsed specs through the same helpers the runtime uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask

from engine.deployment.bundle import SourceFile, form_name
from engine.deployment.forms import FormError, FormStore, collect_form
from engine.deployment.problems import problem
from engine.deployment.timers import (
    bare_iso_value,
    constant_of,
    is_camunda_el,
    looks_iso,
    timer_value_problem,
)
from engine.deployment.xml_safety import XmlDocument
from engine.errors import DeploymentError
from engine.parties import PARTIES, party_for_lane
from engine.script_policy import check_expression, check_script

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
B = f"{{{BPMN_NS}}}"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS, "camunda": CAMUNDA_NS}

CONTAINERS = {"process", "subProcess", "transaction", "adHocSubProcess"}
FLOW_NODES = {
    *CONTAINERS - {"process"},
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "task",
    "userTask",
    "manualTask",
    "scriptTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
    "callActivity",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
}
# Elements that need an implementation this engine does not have: refused, with the reason.
UNSUPPORTED = {
    "serviceTask": "service_task_unsupported",
    "sendTask": "send_task_unsupported",
    "dataStoreReference": "data_store_unsupported",
    "dataStore": "data_store_unsupported",
}
CATCHERS = {"startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask"}
TIMERS = ("timeDate", "timeDuration", "timeCycle")
LOOP_EXPRESSIONS = {"completionCondition", "loopCardinality", "loopCondition"}
# Task spec names SpiffWorkflow creates itself: a BPMN node with one of these ids is silently
# replaced by the internal spec (a start event with id "Start" yields a process that does nothing).
RESERVED_IDS = {"Start", "End", "StartEventSplit", "StartEventJoin"}
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")

Processes = dict[str, tuple[XmlDocument, etree._Element]]


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag[len(B) :] if isinstance(tag, str) and tag.startswith(B) else ""


def _activity(element: etree._Element) -> etree._Element:
    """The nearest enclosing flow node of an expression element, for error reports."""
    for ancestor in element.iterancestors():
        name = _local(ancestor)
        if ancestor.get("id") and not name.endswith(("EventDefinition", "LoopCharacteristics")):
            return ancestor
    return element.getparent()


def is_executable(process: etree._Element) -> bool:
    """SpiffWorkflow's reading: a process without isExecutable counts as executable."""
    return process.get("isExecutable", "true") == "true"


def property_elements(element: etree._Element) -> dict[str, etree._Element]:
    """Task property elements by name, spiffworkflow or camunda dialect."""
    found = element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property"
        " | ./bpmn:extensionElements/camunda:properties/camunda:property",
        namespaces=NS,
    )
    return {prop.get("name"): prop for prop in found if prop.get("name")}


def decision_ref(task: etree._Element) -> str | None:
    if task.get(f"{{{CAMUNDA_NS}}}decisionRef") is not None:
        return task.get(f"{{{CAMUNDA_NS}}}decisionRef")
    found = task.find(f"{B}extensionElements/{{{SPIFF_NS}}}calledDecisionId")
    return found.text.strip() if found is not None and found.text else None


class _Lint:
    """Collects the problems of one BPMN file."""

    def __init__(self, doc: XmlDocument, processes: Processes, decisions: set[str]) -> None:
        self.doc = doc
        self.processes = processes
        self.decisions = decisions
        self.messages = {m.get("id"): m.get("name") for m in doc.root.iter(f"{B}message")}
        self.problems: list[DeploymentError] = []

    def fail(
        self, code: str, owner: etree._Element, at: etree._Element | None = None, **parameters
    ) -> None:
        line = (at if at is not None else owner).sourceline
        self.problems.append(
            problem(code, file=self.doc.name, line=line, element=owner.get("id"), **parameters)
        )

    def compiles(
        self,
        what: str,
        source: str | None,
        owner: etree._Element,
        at: etree._Element,
        check: Callable[[str], str | None] = check_expression,
    ) -> bool:
        if source is None or not source.strip():
            self.fail("expression_empty", owner, at, what=what)
            return False
        if self.doc.dialect == "camunda" and is_camunda_el(source):
            value = source.strip()
            self.fail("camunda_expression_unsupported", owner, at, what=what, value=value)
            return False
        error = check(source.strip())
        if error:
            self.fail("expression_invalid", owner, at, what=what, error=error)
            return False
        return True

    def run(self) -> list[DeploymentError]:
        for store in self.doc.root.iter(f"{B}dataStore"):
            self.fail("data_store_unsupported", store)
        executable = [p for p in self.doc.root.iter(f"{B}process") if is_executable(p)]
        if not executable:
            self.fail("no_executable_process", self.doc.root)  # on the definitions element
        for process in executable:
            if process.find(f"{B}startEvent") is None:
                self.fail("start_event_missing", process)
            for element in process.iter(etree.Element):
                element_id = element.get("id") or ""
                if element_id in RESERVED_IDS or element_id.endswith(RESERVED_SUFFIXES):
                    self.fail("id_reserved", element, id=element_id)
                self.element(element)
        return self.problems

    def element(self, el: etree._Element) -> None:
        local = _local(el)
        if local in CONTAINERS:
            self.loops(el)
            self.flows(el)
        if local in UNSUPPORTED:
            self.fail(UNSUPPORTED[local], el)
        elif local in TIMERS:
            self.timer(local, el)
        elif local == "timerEventDefinition" and not any(
            el.find(f"{B}{t}") is not None for t in TIMERS
        ):
            self.fail("timer_missing", _activity(el), el)
        elif local == "conditionExpression":
            self.compiles("condition", el.text, el.getparent(), el)
        elif local == "condition" and _local(el.getparent()) == "conditionalEventDefinition":
            self.compiles("condition", el.text, _activity(el), el)
        elif local in LOOP_EXPRESSIONS:
            self.compiles(local, el.text, _activity(el), el)
        elif local == "scriptTask":
            script = el.find(f"{B}script")
            self.compiles(
                "script", None if script is None else script.text, el, script, check_script
            )
        elif local == "extensionElements":
            self.extensions(el)
        elif local == "messageEventDefinition" or local == "receiveTask":
            self.message(el)
        elif local == "callActivity":
            self.call(el)
        elif local == "businessRuleTask":
            ref = decision_ref(el)
            if not ref:
                self.fail("decision_missing", el)
            elif ref not in self.decisions:
                known = ", ".join(sorted(self.decisions)) or "none"
                self.fail("decision_unknown", el, decision=ref, known=known)

    def timer(self, kind: str, el: etree._Element) -> None:
        """A timer expression compiles; a constant one is an ISO 8601 value of its kind."""
        owner, text = _activity(el), el.text
        if self.doc.dialect == "camunda" and (
            bare_iso_value(kind, text) is not None or looks_iso(text)
        ):
            text = f'"{(text or "").strip()}"'  # Camunda Modeler writes the value bare
        if not self.compiles(f"timer expression ({kind})", text, owner, el):
            return
        constant, value = constant_of(text or "")
        found = timer_value_problem(kind, value) if constant else None
        if found is not None:
            code, parameters = found
            self.fail(code, owner, el, **parameters)

    def extensions(self, ext: etree._Element) -> None:
        owner = ext.getparent()
        for name in ("preScript", "postScript"):
            for script in ext.iterfind(f"{{{SPIFF_NS}}}{name}"):
                self.compiles(name, script.text, owner, script, check_script)
        for payload in ext.iterfind(f"{{{SPIFF_NS}}}messagePayload"):
            self.compiles("message payload", payload.text, owner, payload)
        props = property_elements(owner)
        if "dueDate" in props:
            self.compiles("dueDate", props["dueDate"].get("value"), owner, props["dueDate"])
        if "loopBound" in props:
            bound = (props["loopBound"].get("value") or "").strip()
            if not (bound.isdigit() and int(bound) > 0):
                self.fail("loop_bound_invalid", owner, props["loopBound"], value=bound)

    def message(self, el: etree._Element) -> None:
        owner = el.getparent() if _local(el) == "messageEventDefinition" else el
        if _local(el) == "receiveTask" and el.get("messageRef") is None:
            return  # a receive task may carry a messageEventDefinition child instead
        ref = el.get("messageRef")
        catching = _local(owner) in CATCHERS
        if not ref:
            if catching:
                self.fail("message_ref_missing", owner, el)
            return
        if ref not in self.messages:
            self.fail("message_undefined", owner, el, message=ref)
        elif not (self.messages[ref] or "").strip():
            self.fail("message_unnamed", owner, el, message=ref)

    def call(self, el: etree._Element) -> None:
        called = el.get("calledElement")
        target = self.processes.get(called or "")
        if not called:
            self.fail("call_target_missing", el)
        elif target is None:
            known = ", ".join(sorted(self.processes)) or "none"
            self.fail("call_target_unknown", el, process=called, known=known)
        elif not is_executable(target[1]):
            self.fail("call_target_not_executable", el, process=called)
        elif target[0].dialect != self.doc.dialect:
            own, other = self.doc.dialect, target[0].dialect
            self.fail("call_dialect_mismatch", el, process=called, other=other, own=own)

    def flows(self, container: etree._Element) -> None:
        """Each sequence flow joins two flow nodes of its own process or subprocess."""
        nodes = {child.get("id") for child in container if _local(child) in FLOW_NODES}
        for flow in container.iterfind(f"{B}sequenceFlow"):
            for end, code in (
                ("sourceRef", "flow_source_unknown"),
                ("targetRef", "flow_target_unknown"),
            ):
                ref = flow.get(end, "")
                if ref not in nodes:
                    self.fail(code, flow, ref=ref)

    def loops(self, container: etree._Element) -> None:
        """Refuse a cycle of sequence flows unless every cycle passes a task with loopBound."""
        nodes: dict[str, etree._Element] = {}
        edges: dict[str, list[tuple[str, etree._Element | None]]] = {}
        for child in container:
            local, child_id = _local(child), child.get("id")
            if not local or not child_id:
                continue
            if local == "sequenceFlow":
                edges.setdefault(child.get("sourceRef", ""), []).append(
                    (child.get("targetRef", ""), child)
                )
            elif local == "boundaryEvent":
                nodes[child_id] = child
                edges.setdefault(child.get("attachedToRef", ""), []).append((child_id, None))
            elif local not in ("laneSet", "dataObject", "textAnnotation", "association"):
                nodes[child_id] = child
        open_nodes = [n for n, el in nodes.items() if "loopBound" not in property_elements(el)]
        for source, target, flow in _back_edges(open_nodes, edges):
            owner = flow if flow is not None else nodes[source]
            self.fail("loop_unbounded", owner, source=source, target=target)


def _back_edges(
    nodes: list[str], edges: dict[str, list[tuple[str, etree._Element | None]]]
) -> Iterable[tuple[str, str, etree._Element | None]]:
    """Edges that close a cycle among `nodes` (iterative depth-first search from the entries,
    so the reported edge is the one drawn back, not an arbitrary edge of the cycle)."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    members = set(nodes)
    targets = {target for outgoing in edges.values() for target, _ in outgoing}
    entries = [node for node in nodes if node not in targets]
    for root in entries + list(nodes):
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(edges.get(root, ())))]
        while stack:
            node, children = stack[-1]
            for target, flow in children:
                if target not in members:
                    continue
                if state.get(target) == 1:
                    yield node, target, flow
                elif target not in state:
                    state[target] = 1
                    stack.append((target, iter(edges.get(target, ()))))
                    break
            else:
                state[node] = 2
                stack.pop()


def lint_bpmn(doc: XmlDocument, processes: Processes, decisions: set[str]) -> list[DeploymentError]:
    """Every deploy-time problem in one BPMN file's executable processes."""
    return _Lint(doc, processes, decisions).run()


def check_human_tasks(
    specs: list, docs: dict[str, XmlDocument], store: FormStore
) -> tuple[dict[str, dict], dict[str, SourceFile], list[DeploymentError]]:
    """Lanes and forms of every user and manual task in `specs`.

    Returns the forms by form name, the form files used, and the problems found.
    """
    forms: dict[str, dict] = {}
    files: dict[str, SourceFile] = {}
    problems: list[DeploymentError] = []
    for spec in specs:
        doc = docs.get(spec.file)
        for task in spec.task_specs.values():
            found: list[tuple[str, dict]] = []
            if isinstance(task, StartEvent) and form_name(task) is not None:
                try:  # a start form: the data a case starts with (and field titles)
                    collect_form(task, store, forms, files)
                except FormError as exc:
                    found.append((exc.code, {**exc.params, "part": "start_form"}))
            elif not isinstance(task, UserTask | ManualTask):
                continue
            else:
                lane = lane_problem(task)
                found.extend([lane] if lane else [])
                if isinstance(task, UserTask):
                    try:
                        collect_form(task, store, forms, files)
                    except FormError as exc:
                        found.append((exc.code, exc.params))
            line = doc.line_of(task.bpmn_id) if doc else None
            problems.extend(
                problem(code, file=spec.file, line=line, element=task.bpmn_id, **parameters)
                for code, parameters in found
            )
    return forms, files, problems


def lane_problem(task) -> tuple[str, dict] | None:
    """Why the lane of a user or manual task names no party (a problem code and its
    parameters), or None when it does."""
    kind = "user task" if isinstance(task, UserTask) else "manual task"
    if not task.lane:
        return "lane_missing", {"kind": kind}
    if party_for_lane(task.lane) is None:
        known = ", ".join(party.label for party in PARTIES)
        return "lane_unknown", {"lane": task.lane, "kind": kind, "known": known}
    return None
