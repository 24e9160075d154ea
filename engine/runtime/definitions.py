"""Deployed specs kept in memory by version id; they never change once stored."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from sqlalchemy import Connection

from engine.deployment.bundle import form_name, role_of
from engine.errors import NotFoundError
from engine.parties import party_for_lane
from engine.runtime.codec import CODECS, WorkflowCodec
from engine.store import versions
from engine.translations import Names, element_names


@dataclass(frozen=True)
class StartForm:
    """The form a case of a process starts with, and who fills it in: the party of the start
    event's lane (its organisation key gets the starter's organisation) and the role (the
    ``role`` property, else the party's default role; None: any case role)."""

    version_id: int
    form: str
    schema: dict[str, Any]
    ui: dict[str, Any] | None
    party: str | None
    organisation_key: str | None
    role: str | None


@dataclass(frozen=True)
class Definition:
    version_id: int
    dialect: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, Any]

    @functools.cached_property
    def start_form(self) -> StartForm | None:
        """The process's start form (the data a case starts with), if it has one."""
        for start_event in self.spec.start.outputs:
            name = form_name(start_event)
            form = self.forms.get(name) if name else None
            if form is not None:
                party = party_for_lane(getattr(start_event, "lane", None))
                return StartForm(
                    self.version_id,
                    name,
                    form["schema"],
                    form.get("ui"),
                    party.code if party else None,
                    party.organisation_key if party else None,
                    role_of(start_event) or (party.default_role if party else None),
                )
        return None

    @property
    def start_schema(self) -> dict[str, Any] | None:
        """The JSON Schema of the process's start form, if any."""
        return self.start_form.schema if self.start_form else None

    @property
    def codec(self) -> WorkflowCodec:
        return CODECS[self.dialect]


class DefinitionCache:
    def __init__(self) -> None:
        self._by_version: dict[int, Definition] = {}
        self._names: dict[int, Names] = {}
        self._lock = threading.Lock()

    def names(self, conn: Connection, version_id: int) -> Names:
        """The names of a version's elements per language, read from its BPMN files."""
        found = self._names.get(version_id)
        if found is not None:
            return found
        if versions.get(conn, version_id) is None:
            raise NotFoundError(
                f"process version {version_id} does not exist",
                reason="version_not_found",
                version_id=version_id,
            )
        names = element_names(versions.source_files(conn, version_id))
        with self._lock:
            return self._names.setdefault(version_id, names)

    def get(self, conn: Connection, version_id: int) -> Definition:
        found = self._by_version.get(version_id)
        if found is not None:
            return found
        row = versions.load_definition(conn, version_id)
        if row is None:
            raise NotFoundError(
                f"process version {version_id} does not exist",
                reason="version_not_found",
                version_id=version_id,
            )
        spec, subprocess_specs = CODECS[row.dialect].load_specs(row.specs)
        definition = Definition(row.id, row.dialect, spec, subprocess_specs, row.forms)
        with self._lock:
            return self._by_version.setdefault(version_id, definition)
