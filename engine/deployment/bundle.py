"""The result of a deployment, and the one place that knows where task settings live on a spec.

Two dialects put things in different places: the spiffworkflow dialect keeps task properties
under ``extensions["properties"]``; the Camunda parser keeps ``camunda:properties`` flat in
``extensions`` and inline form fields on ``task_spec.form``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.camunda.specs.user_task import Form as CamundaForm
from SpiffWorkflow.camunda.specs.user_task import UserTask as CamundaUserTask
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.spiff_task import SpiffBpmnTask

from engine.deployment.camunda import CAMUNDA_MODELER_CONFIG, FormStartEvent

CAMUNDA_FORM_PREFIX = "camunda/"


@dataclass(frozen=True)
class SourceFile:
    """An uploaded file: its name (as uploaded, e.g. ``"nazorg.bpmn"``) and its bytes."""

    name: str
    content: bytes


@dataclass
class ProcessBundle:
    """One executable process, parsed and checked, with everything needed to run it."""

    process_id: str
    name: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, dict]  # form name -> {"schema": dict, "ui": dict | None}
    files: tuple[SourceFile, ...]  # the BPMN, DMN and form files this bundle came from
    content_hash: str
    dialect: str = "spiff"  # "spiff" or "camunda": selects the serializer config

    def user_task_specs(self) -> list:
        """Every user task spec in the process and its subprocesses."""
        return user_task_specs([self.spec, *self.subprocess_specs.values()])


def serializer_config(dialect: str) -> dict:
    """The SpiffWorkflow serializer config for specs parsed in `dialect`."""
    return CAMUNDA_MODELER_CONFIG if dialect == "camunda" else SPIFF_CONFIG


@cache
def _serializer(dialect: str) -> BpmnWorkflowSerializer:
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(serializer_config(dialect)))


def task_properties(task_spec: Any) -> dict[str, str]:
    """The modeller's properties on a task spec, in either dialect."""
    extensions = getattr(task_spec, "extensions", None) or {}
    properties = extensions.get("properties")
    if isinstance(properties, dict):
        return properties
    if isinstance(task_spec, SpiffBpmnTask):
        return {}
    return {key: value for key, value in extensions.items() if isinstance(value, str)}


def _property(task_spec: Any, name: str) -> str | None:
    value = task_properties(task_spec).get(name)
    return (value.strip() or None) if isinstance(value, str) else None


def user_task_specs(specs: list[BpmnProcessSpec]) -> list:
    """The user task specs of `specs`, in either dialect."""
    return [ts for spec in specs for ts in spec.task_specs.values() if isinstance(ts, UserTask)]


def camunda_form_name(process_id: str, task_id: str) -> str:
    return f"{CAMUNDA_FORM_PREFIX}{process_id}/{task_id}.schema.json"


def camunda_form(task_spec: Any) -> CamundaForm | None:
    """The Camunda ``formData``/``formKey`` of a Camunda user task or start event, if any."""
    if isinstance(task_spec, CamundaUserTask | FormStartEvent):
        return task_spec.form
    return None


def form_name(task_spec: Any) -> str | None:
    """The name of the form a user task or start event submits: a file name, or a synthetic
    Camunda name for inline form fields."""
    if isinstance(task_spec, CamundaUserTask | FormStartEvent):
        form = task_spec.form
        if form is not None and form.fields:
            return camunda_form_name(task_spec._wf_spec.name, task_spec.bpmn_id)
        return (form.key or None) if form is not None else None
    return _property(task_spec, "formJsonSchemaFilename")


def ui_form_name(task_spec: Any) -> str | None:
    """The UI schema file of a spiff-dialect user task, if it names one."""
    return _property(task_spec, "formUiSchemaFilename")


def due_date_expression(task_spec: Any) -> str | None:
    """The task's ``dueDate`` expression (a task property in both dialects), if any."""
    return _property(task_spec, "dueDate")


def role_of(task_spec: Any) -> str | None:
    """The ``role`` property that overrides the lane party's default role, if any."""
    return _property(task_spec, "role")


def loop_bound(task_spec: Any) -> int | None:
    """The ``loopBound`` property: how often a drawn loop may pass through this task."""
    value = _property(task_spec, "loopBound")
    return int(value) if value is not None and value.isdigit() else None


def content_hash(
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    forms: dict[str, dict],
    dialect: str,
    drawings: dict[str, str],
    converted: dict[str, dict] | None = None,
) -> str:
    """A version's identity: sha256 of a canonical JSON of what runs (the serialized specs and
    the forms) and of each of its processes as drawn (`drawings`, by process id: see
    drawing.process_drawing), so a change to the drawing alone makes a new version too.

    `converted` may carry serialized specs by name between calls for one deployment.
    """
    registry = _serializer(dialect).registry
    converted = {} if converted is None else converted

    def convert(each: BpmnProcessSpec) -> dict:
        key = f"{dialect}:{each.name}"
        if key not in converted:
            converted[key] = registry.convert(each)
        return converted[key]

    document = {
        "dialect": dialect,
        "spec": convert(spec),
        "subprocess_specs": {key: convert(value) for key, value in subprocess_specs.items()},
        "forms": forms,
        "drawings": drawings,
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
