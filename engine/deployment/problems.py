"""Every kind of deployment problem: its code, the parameters it names, its English wording.

A refused deployment reports each problem as a DeploymentError with a code from this catalogue
and the parameters its wording names, so a caller (web/) can word it in its own language; the
English text here is the engine's own message (command line, logs). A test holds web/'s
translations to this list.
"""

from __future__ import annotations

from typing import Any

from engine.errors import DeploymentError

ENGLISH: dict[str, str] = {
    # files
    "file_twice": "file uploaded twice",
    "file_type_unsupported": "unsupported file type (use .bpmn, .dmn or .json)",
    "doctype_refused": "a DOCTYPE or entity declaration is not allowed in a model file",
    "xml_malformed": "not well-formed XML: {error}",
    "not_a_model": "not a BPMN or DMN file (root element {root} in namespace {namespace})",
    "schema_violation": "does not match the schema: {error}",
    "dialects_mixed": (
        "this file uses Camunda extensions here and spiffworkflow extensions at line "
        "{spiff_line} (element {spiff_element}); a file must be made in one dialect"
    ),
    "no_executable_process": (
        "this file holds no executable process: mark the process as executable (isExecutable)"
    ),
    "process_id_twice": "process id '{process}' is used twice (also in {other_file})",
    "dmn_decision_count": "a DMN file must hold exactly one decision (found {count})",
    "decision_id_twice": "decision id '{decision}' is used twice",
    "dmn_unreadable": (
        "this decision table cannot be read: check the input and output expressions and their types"
    ),
    # expressions
    "expression_empty": "{what} is empty",
    "expression_invalid": "{what} does not compile: {error}",
    "timer_missing": "timer event has no timeDate, timeDuration or timeCycle",
    "timer_not_text": "timer {kind} must give text (an ISO 8601 value in quotes), not {value}",
    "timer_duration_invalid": (
        'timer duration {value} is not an ISO 8601 duration such as "P3D" or "PT1H30M"'
    ),
    "timer_date_invalid": (
        'timer date {value} is not an ISO 8601 timestamp such as "2026-05-04T09:00:00+02:00"'
    ),
    "timer_date_naive": "timer date {value} has no time zone: add Z or an offset such as +02:00",
    "timer_cycle_invalid": (
        'timer cycle {value} is not an ISO 8601 repetition such as "R3/PT1H" or '
        '"R/2026-05-04T09:00:00Z/P1D"'
    ),
    "camunda_expression_unsupported": (
        "{what} {value} is a Camunda (JUEL) expression; this engine reads Python expressions "
        "(a variable by its name, e.g. deadline)"
    ),
    # structure
    "start_event_missing": "executable process has no start event",
    "id_reserved": "id '{id}' is reserved by SpiffWorkflow: rename it",
    "loop_bound_invalid": "loopBound must be a positive whole number, not '{value}'",
    "loop_unbounded": (
        "sequence flow from '{source}' back to '{target}' draws a loop; SpiffWorkflow stalls on "
        "long drawn loops: use a multi-instance or call activity, or mark a task in the loop "
        "with the property loopBound"
    ),
    "flow_source_unknown": (
        "sequence flow starts at '{ref}', which is not an element of the same process or subprocess"
    ),
    "flow_target_unknown": (
        "sequence flow ends at '{ref}', which is not an element of the same process or subprocess"
    ),
    "gateway_flow_without_condition": (
        "a sequence flow leaving an exclusive or inclusive gateway needs a condition unless it "
        "is the gateway's default flow"
    ),
    "subprocess_start_events": "a subprocess needs exactly one start event (found {count})",
    "subprocess_end_missing": "a subprocess needs an end event",
    "element_unsupported": "this engine does not run {kind} elements",
    "data_store_unsupported": (
        "data stores are not supported: keep what the process needs in the case data"
    ),
    "data_association_unresolved": "data association to '{ref}' refers to no data object",
    "service_task_unsupported": (
        "service tasks are not run by this engine: nothing would carry out the call; use a "
        "script task, or a user task for work people do"
    ),
    "send_task_unsupported": (
        "send tasks are not run by this engine: a message reaches another case only through "
        "the application (send_message); use a user task for a message people send"
    ),
    "model_unreadable": "this element cannot be read by the engine",
    # messages
    "message_ref_missing": "message catch event refers to no message (set messageRef)",
    "message_undefined": "message '{message}' is not defined in this file",
    "message_unnamed": "message '{message}' has no name; messages are routed by name",
    # call activities and decisions
    "call_target_missing": "call activity names no process (calledElement)",
    "call_target_unknown": "called process '{process}' is not in this deployment (known: {known})",
    "call_target_not_executable": "called process '{process}' is not executable",
    "call_dialect_mismatch": (
        "called process '{process}' is a {other} model; a process can only call processes of "
        "its own dialect ({own})"
    ),
    "call_recursive": (
        "call activity calls '{process}', which leads back to itself ({path}); a process may "
        "not call itself, directly or through other processes"
    ),
    "decision_missing": "business rule task names no decision",
    "decision_unknown": "unknown DMN decision '{decision}' (deployed decisions: {known})",
    # human tasks and forms
    "lane_missing": "{kind} lies in no lane; its lane names the party that works it",
    "lane_unknown": "lane '{lane}' of this {kind} names no party (known: {known})",
    "form_missing": (
        "user task has no form: set the property formJsonSchemaFilename (or, in Camunda "
        "Modeler, form fields or a formKey)"
    ),
    "form_file_missing": (
        "form file '{name}' not found among the uploaded files or in the forms directory"
    ),
    "form_not_json": "form file '{name}' is not valid JSON at line {json_line}: {error}",
    "form_not_object": "form file '{name}' must hold a JSON object",
    "form_schema_invalid": "form '{name}' is not a valid JSON Schema at {path}: {error}",
    "form_class_unknown": (
        "form '{name}': field {field} has x-class '{value}', which is no data class (known: "
        "{known})"
    ),
    "form_organisation_unknown": (
        "form '{name}': field {field} has x-organisation '{value}', which is no kind of "
        "organisation (known: {known}; false for a field that holds none)"
    ),
    "form_field_id_invalid": "form field id '{field}' is missing or not unique",
    "form_field_type_unsupported": (
        "form field '{field}': type '{type}' is not supported (supported: {supported})"
    ),
    "form_field_not_number": "form field '{field}': '{value}' is not a whole number",
    "form_field_not_boolean": "form field '{field}': '{value}' is not true or false",
    "form_field_constraint_unsupported": (
        "form field '{field}': constraint '{constraint}' is not supported"
    ),
    # the data contract (engine/deployment/contract.py)
    "variable_unwritten": (
        "variable '{variable}' is read by {reader} but not written on every path that reaches "
        "it (write it earlier, or declare it in the property optionalVariables)"
    ),
}

# A form problem may concern a task's start form or UI schema rather than its form.
PARTS = {"start_form": "start form", "ui_schema": "UI schema of this user task"}


def english(code: str, parameters: dict[str, Any]) -> str:
    """The English wording of a problem."""
    text = ENGLISH[code].format(**parameters)
    part = parameters.get("part")
    return f"{PARTS[part]}: {text}" if part in PARTS else text


def problem(
    code: str,
    *,
    file: str | None = None,
    line: int | None = None,
    element: str | None = None,
    **parameters: Any,
) -> DeploymentError:
    """A DeploymentError for one problem of the catalogue, worded in English."""
    return DeploymentError(
        english(code, parameters),
        code=code,
        params=parameters,
        file=file,
        line=line,
        element=element,
    )
