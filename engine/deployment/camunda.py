"""Camunda Modeler files as Camunda users expect them to run.

SpiffWorkflow's Camunda parser gets three things wrong for files drawn in Camunda Modeler 5
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
- A start event's ``camunda:formData`` (the start form Camunda Tasklist shows) and
  ``camunda:properties`` were dropped. Here the start event keeps them, read as a user task's
  are (``form``, and the properties as ``extensions``), so the start form is a deployment's
  start form as in the spiffworkflow dialect.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.serializer.default.task_spec import EventConverter
from SpiffWorkflow.bpmn.specs.defaults import StartEvent
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
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser, UserTaskParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.serializer.event_definition import MessageEventDefinitionConverter
from SpiffWorkflow.camunda.serializer.task_spec import UserTaskConverter
from SpiffWorkflow.camunda.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.camunda.specs.user_task import Form

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


class FormStartEvent(StartEvent):
    """A Camunda start event with its ``formData`` (a SpiffWorkflow camunda ``Form``, as a user
    task has; no fields and no key when the modeller drew none)."""

    def __init__(self, wf_spec: Any, bpmn_id: str, event_definition: Any, **kwargs: Any) -> None:
        form = kwargs.pop("form", None)
        super().__init__(wf_spec, bpmn_id, event_definition, **kwargs)
        self.form = form if form is not None else Form()


class FormStartEventConverter(EventConverter):
    """Serializes a `FormStartEvent`: an event with a form stored as a Camunda user task's."""

    def to_dict(self, spec: FormStartEvent) -> dict:
        dct = super().to_dict(spec)
        dct["form"] = UserTaskConverter.form_to_dict(self, spec.form)
        return dct

    def from_dict(self, dct: dict) -> FormStartEvent:
        dct["form"] = Form(init=dct["form"])
        return super().from_dict(dct)


class _StartEventParser(_EventParser, CamundaStartEventParser):
    """Reads the start event's form and properties with the Camunda user task parser's own
    methods (they read only the node, through the parser's public helpers)."""

    def create_task(self) -> FormStartEvent:
        task = super().create_task()
        task.form = UserTaskParser.get_form(self)  # type: ignore[arg-type]
        return task

    def get_enum_field(self, xml_field: Any) -> Any:
        return UserTaskParser.get_enum_field(self, xml_field)  # type: ignore[arg-type]

    def parse_extensions(self, node: Any = None) -> dict[str, str]:
        return CamundaTaskParser.parse_extensions(self, node)  # type: ignore[arg-type]


class _EndEventParser(_EventParser, CamundaEndEventParser):
    pass


class _IntermediateCatchEventParser(_EventParser, CamundaIntermediateCatchEventParser):
    pass


class _IntermediateThrowEventParser(_EventParser, CamundaIntermediateThrowEventParser):
    pass


class _BoundaryEventParser(_EventParser, CamundaBoundaryEventParser):
    pass


_EVENT_PARSERS = {
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
        full_tag("startEvent"): (_StartEventParser, FormStartEvent),
    }


# SpiffWorkflow's Camunda serializer config, knowing the message event and start event of this
# module (versions deployed before them keep SpiffWorkflow's own classes, which it still reads).
CAMUNDA_MODELER_CONFIG = {
    **deepcopy(CAMUNDA_CONFIG),
    VariablesMessageEventDefinition: MessageEventDefinitionConverter,
    FormStartEvent: FormStartEventConverter,
}
