"""Store a model as if it had slipped past the deployment checks: the runtime must hold anyway."""

from __future__ import annotations

from datetime import UTC, datetime

from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine import Engine
from engine.db.connect import write_transaction
from engine.runtime.codec import CODECS
from engine.store import versions


def store_unchecked(engine: Engine, process_id: str, xml: str) -> None:
    """Parse ``xml`` with SpiffWorkflow alone and store it as a version of ``process_id``."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode(), filename=f"{process_id}.bpmn")
    spec = parser.get_spec(process_id)
    codec = CODECS["spiff"]
    with write_transaction(engine.database) as conn:
        versions.insert_version(
            conn,
            process_id=process_id,
            name=process_id,
            content_hash=process_id,
            serializer_version=codec.version,
            dialect="spiff",
            specs=codec.dump_specs(spec, parser.get_subprocess_specs(process_id)),
            forms={},
            deployed_by="test",
            deployed_at=datetime.now(UTC),
            source_files=[],
        )


def process_xml(process_id: str, body: str, *, first: str = "x", last: str = "x") -> str:
    """A process: start, then ``body`` (elements from ``first`` to ``last``), then an end."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="d_{process_id}" targetNamespace="http://terugkeer.example/{process_id}">
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:startEvent id="start_{process_id}" />
    <bpmn:sequenceFlow id="in_{process_id}" sourceRef="start_{process_id}" targetRef="{first}" />
    {body}
    <bpmn:sequenceFlow id="out_{process_id}" sourceRef="{last}" targetRef="end_{process_id}" />
    <bpmn:endEvent id="end_{process_id}" />
  </bpmn:process>
</bpmn:definitions>"""
