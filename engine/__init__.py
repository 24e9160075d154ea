"""Terugkeer's process engine: a library with one facade, usable without Flask."""

from engine.calendar import WorkingDayCalendar, calendar_from_setting
from engine.clock import ManualClock, SystemClock
from engine.deployment.forms import DATA_CLASSES
from engine.errors import (
    BusyError,
    CommandFailedError,
    ConflictError,
    DeploymentError,
    EngineError,
    FieldError,
    FieldErrorCode,
    FormValidationError,
    Incident,
    IncidentCode,
    MessageNotDeliverableError,
    NotFoundError,
    RefusalReason,
    ScriptError,
)
from engine.facade import Engine
from engine.runtime.command import CaseChange, EventSink, Projector
from engine.runtime.definitions import StartForm
from engine.runtime.firing import TimerRetry
from engine.runtime.forms import validate_form_data
from engine.runtime.limits import CommandLimits
from engine.runtime.migration import MigrationCheck
from engine.runtime.organisations import OrganisationDirectory, organisation_kind
from engine.script_limits import ScriptLimits
from engine.store.records import (
    EventInfo,
    HeartbeatInfo,
    InstanceInfo,
    TaskInfo,
    TimerInfo,
    VersionInfo,
)
from engine.translations import localize_form, translated_bpmn

__all__ = [
    "DATA_CLASSES",
    "BusyError",
    "CommandFailedError",
    "CommandLimits",
    "Incident",
    "IncidentCode",
    "RefusalReason",
    "ScriptLimits",
    "CaseChange",
    "Projector",
    "ConflictError",
    "DeploymentError",
    "Engine",
    "EngineError",
    "EventInfo",
    "EventSink",
    "FieldError",
    "FieldErrorCode",
    "FormValidationError",
    "HeartbeatInfo",
    "InstanceInfo",
    "OrganisationDirectory",
    "organisation_kind",
    "localize_form",
    "translated_bpmn",
    "ManualClock",
    "MigrationCheck",
    "MessageNotDeliverableError",
    "NotFoundError",
    "ScriptError",
    "StartForm",
    "SystemClock",
    "TaskInfo",
    "TimerInfo",
    "TimerRetry",
    "VersionInfo",
    "WorkingDayCalendar",
    "calendar_from_setting",
    "validate_form_data",
]
