"""Deployment: uploaded BPMN, DMN and form files in, checked process bundles out."""

from engine.deployment.bundle import (
    ProcessBundle,
    SourceFile,
    due_date_expression,
    form_name,
    loop_bound,
    role_of,
    serializer_config,
    task_properties,
    ui_form_name,
)
from engine.deployment.parsing import find_problems, parse_deployment

__all__ = [
    "ProcessBundle",
    "SourceFile",
    "due_date_expression",
    "find_problems",
    "form_name",
    "loop_bound",
    "parse_deployment",
    "role_of",
    "serializer_config",
    "task_properties",
    "ui_form_name",
]
