"""Workflow state to JSON and back, without the specs (architecture principle 2).

Specs are stored once per version and kept in memory; an instance's state refers to them. Only
the serializer's documented extension point is used: a converter registered for BpmnWorkflow.
"""

from __future__ import annotations

import json
from copy import deepcopy
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

DIALECT_CONFIGS = {"spiff": SPIFF_CONFIG, "camunda": CAMUNDA_CONFIG}


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Writes a workflow without its specs; reads one whose specs the caller put in place."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


class WorkflowCodec:
    """One per dialect; safe to share between threads (it keeps no per-call state)."""

    def __init__(self, dialect: str) -> None:
        config = deepcopy(DIALECT_CONFIGS[dialect])
        config[BpmnWorkflow] = _SpeclessWorkflowConverter
        registry = BpmnWorkflowSerializer.configure(config)
        registry.register(
            date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"])
        )
        registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
        self._serializer = BpmnWorkflowSerializer(registry)
        self._spec_serializer = BpmnWorkflowSerializer(
            BpmnWorkflowSerializer.configure(deepcopy(config))
        )
        self.version = self._serializer.VERSION

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        return self._serializer.serialize_json(workflow)

    def load_state(
        self, state: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> BpmnWorkflow:
        dct = json.loads(state)
        found = dct.pop(BpmnWorkflowSerializer.VERSION_KEY, None)
        if found != self.version:
            raise ValueError(
                f"stored state has serializer version {found}, expected {self.version}"
            )
        dct["spec"] = spec
        dct["subprocess_specs"] = dict(subprocess_specs)
        return self._serializer.from_dict(dct)

    def dump_specs(
        self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> str:
        registry = self._spec_serializer.registry
        return json.dumps(
            {
                "spec": registry.convert(spec),
                "subprocess_specs": {
                    name: registry.convert(s) for name, s in subprocess_specs.items()
                },
            },
            sort_keys=True,
        )

    def load_specs(self, text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        dct: dict[str, Any] = json.loads(text)
        registry = self._spec_serializer.registry
        spec = registry.restore(dct["spec"])
        subprocess_specs = {
            name: registry.restore(s) for name, s in dct["subprocess_specs"].items()
        }
        return spec, subprocess_specs


CODECS = {dialect: WorkflowCodec(dialect) for dialect in DIALECT_CONFIGS}
