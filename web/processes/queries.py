"""Reads for the process pages: versions with their running cases, the open cases of a version
and the forms each version holds. Lists read the engine's tables, never a workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from werkzeug.exceptions import NotFound

from engine import VersionInfo
from engine.db.models import HumanTask, ProcessInstance, ProcessVersion
from web.engine_access import current_engine
from web.extensions import db

OPEN_CASES_LIMIT = 500
"""At most this many open cases are listed for a selection on the migration page."""


@dataclass(frozen=True)
class ProcessSummary:
    process_id: str
    name: str
    latest: VersionInfo
    version_count: int
    open_cases: int


@dataclass(frozen=True)
class VersionRow:
    info: VersionInfo
    open_cases: int
    latest: bool
    same_as: int | None = None  # the older version with the same content (one put back)


@dataclass(frozen=True)
class OpenCase:
    instance_id: int
    business_key: str
    status: str
    started_at: datetime
    steps: tuple[str, ...]  # names of the open tasks


def overview() -> list[ProcessSummary]:
    """Every deployed process with its newest version, by name."""
    engine = current_engine()
    counts = engine.open_instance_counts()
    grouped: dict[str, list[VersionInfo]] = {}
    for info in engine.versions():
        grouped.setdefault(info.process_id, []).append(info)
    summaries = []
    for process_id, infos in grouped.items():
        latest = max(infos, key=lambda info: info.version)
        open_cases = sum(counts.get(info.id, 0) for info in infos)
        summaries.append(ProcessSummary(process_id, latest.name, latest, len(infos), open_cases))
    return sorted(summaries, key=lambda s: (s.name.lower(), s.process_id))


def version_rows(process_id: str) -> list[VersionRow]:
    """The versions of a process, newest first, with their running cases; 404 when none."""
    engine = current_engine()
    infos = engine.versions(process_id)
    if not infos:
        raise NotFound()
    counts = engine.open_instance_counts()
    newest = max(info.version for info in infos)
    first_with: dict[str, int] = {}
    for info in sorted(infos, key=lambda info: info.version):
        first_with.setdefault(info.content_hash, info.version)
    return [
        VersionRow(
            info,
            counts.get(info.id, 0),
            info.version == newest,
            same if (same := first_with[info.content_hash]) != info.version else None,
        )
        for info in sorted(infos, key=lambda info: info.version, reverse=True)
    ]


def version(process_id: str, number: int) -> VersionInfo:
    for info in current_engine().versions(process_id):
        if info.version == number:
            return info
    raise NotFound()


def latest_versions() -> list[VersionInfo]:
    """The newest version of every process."""
    newest: dict[str, VersionInfo] = {}
    for info in current_engine().versions():
        if info.process_id not in newest or info.version > newest[info.process_id].version:
            newest[info.process_id] = info
    return list(newest.values())


def form_names(version_ids: list[int]) -> dict[int, set[str]]:
    """Version id -> the names of the forms it holds (from the stored forms column)."""
    if not version_ids:
        return {}
    query = select(ProcessVersion.id, ProcessVersion.forms).where(
        ProcessVersion.id.in_(version_ids)
    )
    return {row.id: set(row.forms or {}) for row in db.session.execute(query)}


def open_cases(version_id: int, limit: int = OPEN_CASES_LIMIT) -> list[OpenCase]:
    """Running or failed cases on a version, oldest first, with their open steps."""
    query = (
        select(
            ProcessInstance.id,
            ProcessInstance.business_key,
            ProcessInstance.status,
            ProcessInstance.started_at,
        )
        .where(ProcessInstance.version_id == version_id, ProcessInstance.status != "completed")
        .order_by(ProcessInstance.started_at, ProcessInstance.id)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    steps: dict[int, list[str]] = {}
    if rows:
        tasks = select(HumanTask.instance_id, HumanTask.name).where(
            HumanTask.instance_id.in_([row.id for row in rows]), HumanTask.status == "ready"
        )
        for instance_id, name in db.session.execute(tasks.order_by(HumanTask.name)):
            steps.setdefault(instance_id, []).append(name)
    return [
        OpenCase(row.id, row.business_key, row.status, row.started_at, tuple(steps.get(row.id, ())))
        for row in rows
    ]
