"""What the facade returns: plain, immutable records, never ORM objects or workflows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class VersionInfo:
    id: int
    process_id: str
    version: int
    name: str
    content_hash: str
    deployed_by: str
    deployed_at: datetime
    created: bool = False
    same_as: int | None = None  # a new version with the files of this older version number


@dataclass(frozen=True)
class InstanceInfo:
    id: int
    process_id: str
    version_id: int
    business_key: str
    status: str
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    error_message: str | None = None
    error_element: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    error_code: str | None = None  # with error_params: what a user interface translates
    error_params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TaskInfo:
    id: str
    instance_id: int
    version_id: int
    business_key: str
    process_id: str
    bpmn_id: str
    name: str
    lane: str | None
    party: str | None
    organisation: str | None
    role: str | None
    form: str | None
    status: str
    created_at: datetime
    due_at: datetime | None
    claimed_by: str | None
    claimed_at: datetime | None
    completed_by: str | None
    completed_at: datetime | None


@dataclass(frozen=True)
class EventInfo:
    id: int
    instance_id: int | None
    version_id: int | None
    at: datetime
    actor: str
    kind: str
    task_id: str | None
    bpmn_id: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True)
class TimerInfo:
    id: str
    instance_id: int
    bpmn_id: str
    due_at: datetime
    status: str
    fired_at: datetime | None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class HeartbeatInfo:
    """A timer scheduler's last sign of life (wall-clock time, whatever the engine's clock)."""

    id: str
    host: str
    pid: int
    started_at: datetime
    beat_at: datetime
