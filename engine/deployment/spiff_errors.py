"""SpiffWorkflow's parse errors as problems of the catalogue, never with SpiffWorkflow's text.

The deployment lint (checks.py) finds what a process owner meets; SpiffWorkflow's parser is the
safety net behind it. Its messages are internal ("When looking for a task spec, we found two
items..."), so each known one maps to a code of engine/deployment/problems.py, and any other
becomes ``model_unreadable`` on the element SpiffWorkflow names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.deployment.problems import problem
from engine.deployment.xml_safety import XmlDocument
from engine.errors import DeploymentError

log = logging.getLogger(__name__)

Mapping = tuple[re.Pattern, Callable[[re.Match, etree._Element | None], tuple[str, dict]]]


def _kind(element: etree._Element | None) -> str:
    return etree.QName(element).localname if element is not None else "this"


_KNOWN: list[Mapping] = [
    (
        re.compile(r"There is no support implemented for this task type"),
        lambda m, el: ("element_unsupported", {"kind": _kind(el)}),
    ),
    (
        re.compile(r"A Service Task must have an operator"),
        lambda m, el: ("service_task_unsupported", {}),
    ),
    (re.compile(r"Data Store"), lambda m, el: ("data_store_unsupported", {})),
    (
        re.compile(r"Non-default exclusive outgoing sequence flow without condition"),
        lambda m, el: ("gateway_flow_without_condition", {}),
    ),
    (
        re.compile(r"Exactly one start event is required in a SubWorkflow Task; found (\d+)"),
        lambda m, el: ("subprocess_start_events", {"count": int(m[1])}),
    ),
    (
        re.compile(r"A SubWorkflow Must contain an End event"),
        lambda m, el: ("subprocess_end_missing", {}),
    ),
    (
        re.compile(r"Cannot resolve data(?:Input|Output)Association (.*)"),
        lambda m, el: ("data_association_unresolved", {"ref": m[1].strip()}),
    ),
    (
        re.compile(r"Conditional event definition with missing condition"),
        lambda m, el: ("expression_empty", {"what": "condition"}),
    ),
    (
        re.compile(r"Invalid Script Task\.\s+No Script Provided"),
        lambda m, el: ("expression_empty", {"what": "script"}),
    ),
    (
        re.compile(r'No DMN Diagram available with id "([^"]*)", Available DMN ids are: (.*)'),
        lambda m, el: ("decision_unknown", {"decision": m[1], "known": m[2] or "none"}),
    ),
    (re.compile(r"Unknown Time Specification"), lambda m, el: ("timer_missing", {})),
    (re.compile(r"No start event found"), lambda m, el: ("start_event_missing", {})),
    (
        re.compile(r"Process (\S+) is not executable"),
        lambda m, el: ("call_target_not_executable", {"process": m[1]}),
    ),
]


def from_validation(
    exc: ValidationException, docs: dict[str, XmlDocument], file: str | None = None
) -> DeploymentError:
    """A SpiffWorkflow ValidationException as a problem with file, line and element; `file`
    is the file being read, when SpiffWorkflow does not say."""
    text = str(exc.args[0]) if exc.args else ""
    file, element, line = locate(exc, docs, file)
    doc = docs.get(file) if file else None
    node = doc.ids.get(element) if doc is not None and element else None
    for pattern, mapping in _KNOWN:
        match = pattern.search(text)
        if match:
            code, parameters = mapping(match, node)
            return problem(code, file=file, line=line, element=element, **parameters)
    log.info("SpiffWorkflow refused %s (%s, %s): %s", file, element, line, text)
    return problem("model_unreadable", file=file, line=line, element=element)


def locate(
    exc: ValidationException, docs: dict[str, XmlDocument], file: str | None = None
) -> tuple[str | None, str | None, int | None]:
    """File, element and line of a SpiffWorkflow error (it leaves the line out for models)."""
    file = exc.file_name or file
    element = getattr(exc, "id", "") or None
    line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
    doc = docs.get(file) if file else None
    if doc is None and element:
        doc = next((d for d in docs.values() if element in d.ids), None)
    if doc is not None:
        file = doc.name
        if line is None and element:
            line = doc.line_of(element)
        if element is None and line:
            element = doc.element_at(line)
    return file, element, line


def unreadable(file: str, line: int | None, element: str | None, exc: Exception) -> DeploymentError:
    """A plain exception from SpiffWorkflow's parser (a KeyError, a TypeError...) as a problem."""
    log.info("SpiffWorkflow failed on %s (%s, %s): %r", file, element, line, exc)
    return problem("model_unreadable", file=file, line=line, element=element)
