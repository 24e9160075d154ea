"""The data-flow analysis behind the data contract (engine/deployment/contract.py): per process,
what is written on every path to each element, and what each element reads and writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.deployment.checks import (
    CAMUNDA_NS,
    CATCHERS,
    SPIFF_NS,
    TIMERS,
    B,
    decision_ref,
    property_elements,
)
from engine.deployment.contract_sources import (
    conditionally_required,
    required_fields,
)
from engine.deployment.timers import looks_iso
from engine.deployment.variables import (
    equality_test,
    expression_usage,
    guarded_conjunction,
    script_usage,
)
from engine.deployment.xml_safety import XmlDocument

OPTIONAL_PROPERTY = "optionalVariables"
_NOT_NODES = {
    "sequenceFlow",
    "laneSet",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
    "ioSpecification",
    "extensionElements",
    "documentation",
    "incoming",
    "outgoing",
}
_SUBPROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
_SCOPED_EXPRESSIONS = {"completionCondition", "loopCardinality", "loopCondition", "condition"}


@dataclass(frozen=True)
class Read:
    variable: str
    what: str  # "condition", "script", "timer", "dueDate", "decision", "form", ...
    element: str
    line: int | None
    given: tuple[str, object] | None = None  # read only when this field has this value


@dataclass
class _Node:
    element: etree._Element
    reads: list[Read] = field(default_factory=list)
    writes: set[str] = field(default_factory=set)
    predecessors: list[tuple[str, str | None]] = field(default_factory=list)  # (source, condition)
    optional: set[str] = field(default_factory=set)


@dataclass
class ContractModel:
    """What the check needs beyond the BPMN files."""

    docs: Mapping[str, XmlDocument]
    forms: Mapping[str, dict]  # form name -> {"schema": ..., "ui": ...}
    task_forms: Mapping[str, str]  # (file, bpmn id) as "file#id" -> form name
    start_forms: Mapping[str, str]  # process id -> start form name
    conditional: dict[tuple[str, object], set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for form in self.forms.values():
            for (name, value), required in conditionally_required(form).items():
                self.conditional.setdefault((name, value), set()).update(required)


class DataFlow:
    def __init__(
        self,
        model: ContractModel,
        processes: dict[str, tuple[XmlDocument, etree._Element]],
        decisions: dict[str, tuple[set[str], set[str]]],
        case: tuple[set[str], set[str]] | None = None,
    ) -> None:
        self.model = model
        self.processes = processes
        self.decisions = decisions
        self.case = case  # a running case: the elements where it is, and its variables
        self.ends: dict[tuple[str, frozenset[str]], frozenset[str]] = {}
        self.missing: dict[tuple[str, Read], None] = {}
        self.missing_keys: set[tuple[str, str, str]] = set()

    def start_data(self, process_id: str, doc: XmlDocument, process: etree._Element) -> set[str]:
        form = self.model.start_forms.get(process_id)
        if form is not None:
            return required_fields(self.model.forms.get(form))
        nodes = self.nodes(doc, process)
        written = set().union(*(node.writes for node in nodes.values()))
        return {read.variable for node in nodes.values() for read in node.reads} - written

    def run(self, process_id: str, start: set[str]) -> frozenset[str]:
        """Check one process started with ``start``; what it has written at every end."""
        key = (process_id, frozenset(start))
        if key in self.ends:
            return self.ends[key]
        self.ends[key] = frozenset(start)  # a recursive call sees the start data only
        doc, process = self.processes[process_id]
        optional = optional_variables(process)
        self.ends[key] = frozenset(self.container(doc, process, set(start), optional))
        return self.ends[key]

    def run_case(self, process_id: str) -> None:
        """Check what lies ahead of a running case (``case``): from where it is, with its data."""
        doc, process = self.processes[process_id]
        self.container(doc, process, None, optional_variables(process))

    def container(
        self,
        doc: XmlDocument,
        container: etree._Element,
        start: set[str] | None,
        optional: set[str],
    ) -> set[str]:
        nodes = self.nodes(doc, container)
        before: dict[str, set[str] | None] = dict.fromkeys(nodes)
        after: dict[str, set[str] | None] = dict.fromkeys(nodes)
        changed = True
        while changed:
            changed = False
            for node_id, node in nodes.items():
                entering = self.entering(node_id, node, nodes, before, after, start)
                if entering is None or entering == before[node_id]:
                    continue
                before[node_id] = entering
                after[node_id] = entering | self.writes(doc, node, entering, optional)
                changed = True
        for node_id, node in nodes.items():
            available = before[node_id]
            if available is None:
                continue  # unreachable from a start event: nothing runs there
            for read in node.reads:
                seen = available if read.what != "condition" else after[node_id] or available
                if read.given is not None:
                    seen = seen | self.model.conditional.get(read.given, set())
                self.check(doc, read, seen, optional | node.optional)
        ends = [
            after[node_id]
            for node_id, node in nodes.items()
            if local_name(node.element) == "endEvent" and after[node_id] is not None
        ]
        return set.intersection(*ends) if ends else set(start or ())

    def entering(
        self,
        node_id: str,
        node: _Node,
        nodes: dict[str, _Node],
        before: dict[str, set[str] | None],
        after: dict[str, set[str] | None],
        start: set[str] | None,
    ) -> set[str] | None:
        local = local_name(node.element)
        if self.case is not None and node_id in self.case[0]:
            return set(self.case[1])
        if local == "startEvent" and not node.predecessors:
            return None if start is None else set(start)
        if local == "boundaryEvent":
            attached = node.element.get("attachedToRef", "")
            return before.get(attached)
        incoming = [
            after[p] | self.implied(condition, after[p])  # type: ignore[operator]
            for p, condition in node.predecessors
            if p in nodes and after[p] is not None
        ]
        if not incoming:
            return None
        if local == "parallelGateway" and len(node.predecessors) > 1:
            return set().union(*incoming)
        return set.intersection(*incoming)

    def implied(self, condition: str | None, available: set[str]) -> set[str]:
        """What a flow's condition ``field == value`` guarantees beyond the data before it: the
        fields a form requires when that field has that value (JSON Schema ``if``/``then``)."""
        test = equality_test(condition)
        if test is None or test[0] not in available:
            return set()
        return self.model.conditional.get(test, set())

    def writes(
        self, doc: XmlDocument, node: _Node, entering: set[str], optional: set[str]
    ) -> set[str]:
        local = local_name(node.element)
        if local == "callActivity":
            called = node.element.get("calledElement", "")
            if called not in self.processes:
                return node.writes
            return node.writes | self.run(called, entering)
        if local in _SUBPROCESSES:
            return node.writes | self.container(doc, node.element, entering, optional)
        return node.writes

    def check(self, doc: XmlDocument, read: Read, available: set[str], optional: set[str]) -> None:
        if read.variable in available or read.variable in optional:
            return
        key = (doc.name, read.element, read.variable)
        if key not in self.missing_keys:
            self.missing_keys.add(key)
            self.missing[(doc.name, read)] = None

    def nodes(self, doc: XmlDocument, container: etree._Element) -> dict[str, _Node]:
        nodes: dict[str, _Node] = {}
        flows = []
        for child in container:
            local, child_id = local_name(child), child.get("id")
            if local == "sequenceFlow":
                flows.append(child)
            elif local and child_id and local not in _NOT_NODES:
                nodes[child_id] = self.node(doc, child)
        for flow in flows:
            target = nodes.get(flow.get("targetRef", ""))
            source = flow.get("sourceRef", "")
            condition = flow.find(f"{B}conditionExpression")
            if target is not None:
                target.predecessors.append((source, None if condition is None else condition.text))
            if condition is not None and source in nodes:
                guard, guarded = guarded_conjunction(condition.text)
                for name in expression_usage(condition.text).reads:
                    given = guard if name in guarded else None
                    read = Read(name, "condition", flow.get("id", ""), condition.sourceline, given)
                    nodes[source].reads.append(read)
        return nodes

    def node(self, doc: XmlDocument, element: etree._Element) -> _Node:
        node = _Node(element, optional=optional_variables(element))
        element_id = element.get("id", "")
        local = local_name(element)

        def reads(what: str, names: Iterable[str], at: etree._Element) -> None:
            node.reads.extend(Read(name, what, element_id, at.sourceline) for name in names)

        if local == "scriptTask":
            script = element.find(f"{B}script")
            if script is not None:
                usage = script_usage(script.text)
                reads("script", usage.reads, script)
                node.writes |= usage.writes
        for name in ("preScript", "postScript"):
            for script in element.iterfind(f"{B}extensionElements/{{{SPIFF_NS}}}{name}"):
                usage = script_usage(script.text)
                reads(name, usage.reads - node.writes, script)
                node.writes |= usage.writes
        if local in ("userTask", "startEvent"):
            self.form(doc, element, node, reads)
        for inner in _own_parts(element):
            inner_local = local_name(inner)
            if inner_local in TIMERS and local != "startEvent":
                if not looks_iso(inner.text):  # a bare ISO 8601 value reads nothing
                    reads("timer", expression_usage(inner.text).reads, inner)
            elif inner_local in _SCOPED_EXPRESSIONS and inner.getparent() is not None:
                reads(inner_local, expression_usage(inner.text).reads, inner)
            elif inner.tag == f"{{{SPIFF_NS}}}messagePayload":
                reads("message payload", expression_usage(inner.text).reads, inner)
            elif inner.tag == f"{{{SPIFF_NS}}}messageVariable" and inner.text:
                node.writes.add(inner.text.strip())
            elif inner_local in ("signalEventDefinition", "messageEventDefinition"):
                self.event(doc, node, inner, reads)
                result = inner.get(f"{{{CAMUNDA_NS}}}resultVariable")
                if result and result.strip() and local in CATCHERS:
                    node.writes.add(result.strip())
        due = property_elements(element).get("dueDate")
        if due is not None:
            reads("dueDate", expression_usage(due.get("value")).reads, due)
        if local == "businessRuleTask":
            decision = self.decisions.get(decision_ref(element) or "")
            if decision is not None:
                reads("decision", decision[0], element)
                node.writes |= decision[1]
        if local == "callActivity":
            called = self.processes.get(element.get("calledElement", ""))
            if called is not None:
                inputs = called[1].iterfind(f"{B}ioSpecification/{B}dataInput")
                reads("call input", {i.get("name") or i.get("id") for i in inputs}, element)
        return node

    def event(self, doc: XmlDocument, node: _Node, definition: etree._Element, reads) -> None:
        """A signal or message whose definition carries a payload: thrown, it reads the payload
        expression; caught, it writes the variable."""
        ref = definition.get("signalRef") or definition.get("messageRef")
        target = doc.root.find(f"*[@id='{ref}']") if ref else None
        if target is None:
            return
        extensions = f"{B}extensionElements/{{{SPIFF_NS}}}"
        if local_name(node.element) in CATCHERS:
            variable = target.findtext(f"{extensions}variableName")
            if variable and variable.strip():
                node.writes.add(variable.strip())
        else:
            payload = target.find(f"{extensions}payloadExpression")
            if payload is not None:
                reads("payload", expression_usage(payload.text).reads, payload)

    def form(self, doc: XmlDocument, element: etree._Element, node: _Node, reads) -> None:
        name = self.model.task_forms.get(f"{doc.name}#{element.get('id')}")
        form = self.model.forms.get(name or "")
        if form is None:
            return
        schema = form.get("schema") or {}
        fields = set((schema.get("properties") or {}).keys())
        if local_name(element) == "userTask":
            node.writes |= required_fields(form)
        for spec in (schema.get("properties") or {}).values():
            bound = spec.get("x-after") if isinstance(spec, dict) else None
            if isinstance(bound, str) and bound not in fields:
                reads("form rule x-after", [bound], element)


def optional_variables(element: etree._Element) -> set[str]:
    found = property_elements(element).get(OPTIONAL_PROPERTY)
    if found is None:
        return set()
    return set((found.get("value") or "").replace(",", " ").split())


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return tag[len(B) :] if isinstance(tag, str) and tag.startswith(B) else ""


def _own_parts(element: etree._Element) -> Iterable[etree._Element]:
    """The element and what belongs to it, without the flow nodes of a subprocess's inside."""
    if local_name(element) not in _SUBPROCESSES:
        return element.iter(etree.Element)
    parts = [element]
    for child in element:
        if local_name(child) in ("extensionElements", "multiInstanceLoopCharacteristics"):
            parts.extend(child.iter(etree.Element))
    return parts
