"""Camunda Modeler files as Camunda users expect them to run.

SpiffWorkflow's Camunda parser gets two things wrong for files drawn in Camunda Modeler 5
(Camunda 7 platform), so this module extends it through its documented extension points
(``OVERRIDE_PARSER_CLASSES`` and the serializer config):

- A message catch event reads a message payload of the shape ``{"payload": ..., "result_var":
  ...}`` that only its own throw events make, so a message delivered from outside raised
  ``KeyError: 'payload'`` and the case waited forever. Here, as when Camunda correlates a
  message with variables, the payload's fields become case variables (or, when the modeller set
  ``camunda:resultVariable``, the payload lands under that one name).
- Camunda writes timer values bare (``PT5M``, ``2026-05-04T09:00:00Z``, ``R3/PT1H``), while
  SpiffWorkflow evaluates the text as an expression. A bare ISO 8601 value is read as the
  constant it means; anything else stays an expression (the lint refuses JUEL ``${...}``).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition

from engine.deployment.timers import bare_iso_value

_TIMER_KINDS = {
    TimeDateEventDefinition: "timeDate",
    DurationTimerEventDefinition: "timeDuration",
    CycleTimerEventDefinition: "timeCycle",
}


class VariablesMessageEventDefinition(MessageEventDefinition):
    """A Camunda message event whose caught payload becomes case variables."""

    def update_internal_data(self, my_task: Any, event: Any) -> None:
        my_task.internal_data[self.name] = event.payload

    def update_task_data(self, my_task: Any) -> None:
        payload = my_task.internal_data.get(self.name)
        if payload is None:
            return
        if self.result_var:
            my_task.data[self.result_var] = payload
        elif isinstance(payload, dict):
            my_task.set_data(**payload)


class _EventParser:
    """What every Camunda event parser here does differently: messages and timer values."""

    def parse_message_event(self, message_event: Any) -> VariablesMessageEventDefinition:
        parsed = super().parse_message_event(message_event)  # type: ignore[misc]
        return VariablesMessageEventDefinition(
            parsed.name,
            parsed.correlation_properties,
            expression=parsed.expression,
            result_var=parsed.result_var,
        )

    def parse_timer_event(self, event: Any) -> Any:
        parsed = super().parse_timer_event(event)  # type: ignore[misc]
        kind = _TIMER_KINDS.get(type(parsed))
        value = bare_iso_value(kind, parsed.expression) if kind else None
        if value is not None:
            parsed.expression = f'"{value}"'
        return parsed


class _StartEventParser(_EventParser, CamundaStartEventParser):
    pass


class _EndEventParser(_EventParser, CamundaEndEventParser):
    pass


class _IntermediateCatchEventParser(_EventParser, CamundaIntermediateCatchEventParser):
    pass


class _IntermediateThrowEventParser(_EventParser, CamundaIntermediateThrowEventParser):
    pass


class _BoundaryEventParser(_EventParser, CamundaBoundaryEventParser):
    pass


_EVENT_PARSERS = {
    "startEvent": _StartEventParser,
    "endEvent": _EndEventParser,
    "intermediateCatchEvent": _IntermediateCatchEventParser,
    "intermediateThrowEvent": _IntermediateThrowEventParser,
    "boundaryEvent": _BoundaryEventParser,
}


class CamundaModelerParser(CamundaParser):
    """SpiffWorkflow's Camunda parser with the event parsers of this module."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        **{
            full_tag(tag): (parser, CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag(tag)][1])
            for tag, parser in _EVENT_PARSERS.items()
        },
    }


# SpiffWorkflow's Camunda serializer config, knowing the message event of this module (versions
# deployed before it keep SpiffWorkflow's own class, which the config still reads).
CAMUNDA_MODELER_CONFIG = {
    **deepcopy(CAMUNDA_CONFIG),
    VariablesMessageEventDefinition: MessageEventDefinitionConverter,
}
