"""The model side of the engine: deploying and checking process files, and reading the deployed
versions, their files, forms and names. ``Engine`` (engine/facade.py) offers these methods."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SQLEngine

from engine.clock import Clock
from engine.db.connect import read_transaction, write_transaction
from engine.deployment import SourceFile, parse_deployment
from engine.errors import DeploymentError, NotFoundError
from engine.runtime.definitions import DefinitionCache, StartForm
from engine.runtime.deploying import store_bundles
from engine.runtime.pipeline import Pipeline
from engine.store import instances, versions
from engine.store.records import VersionInfo
from engine.translations import localize_form, names_in

FileLike = str | Path | SourceFile


class ModelCatalogue:
    """Deployments and deployed versions; the attributes are set by ``Engine.__init__``."""

    database: SQLEngine
    clock: Clock
    forms_dir: Path | None
    _definitions: DefinitionCache
    _pipeline: Pipeline

    def deploy(
        self,
        files: Iterable[FileLike],
        *,
        user: str = "system",
        restore_older: bool = True,
        before_new_version: Callable[[str], None] | None = None,
    ) -> list[VersionInfo]:
        """Check and store the processes in ``files``; a process equal to its newest version keeps
        it. One equal to an older version gets a new version with that version's content
        (``same_as``), or without ``restore_older`` keeps the older version's number.

        ``before_new_version`` is called with the id of each process that is about to get a new
        version; an exception it raises refuses the whole deployment (nothing is stored).
        """
        bundles = parse_deployment([_source(f) for f in files], self.forms_dir)
        with write_transaction(self.database) as conn:
            stored, rows = store_bundles(
                conn,
                bundles,
                user,
                self.clock.now(),
                restore_older=restore_older,
                before_new_version=before_new_version,
            )
            self._pipeline.append_events(conn, rows)
            return stored

    def check(self, files: Iterable[FileLike]) -> list[DeploymentError]:
        """Every problem a deployment of ``files`` would be refused for (none: it would deploy);
        a dry run that stores nothing (the modeler's lint)."""
        try:
            parse_deployment([_source(f) for f in files], self.forms_dir)
        except DeploymentError as error:
            return error.problems or [error]
        return []

    def versions(self, process_id: str | None = None) -> list[VersionInfo]:
        with read_transaction(self.database) as conn:
            return versions.list_versions(conn, process_id)

    def version_files(self, version_id: int) -> list[tuple[str, bytes]]:
        """The BPMN, DMN and form files a version was deployed from."""
        with read_transaction(self.database) as conn:
            if versions.get(conn, version_id) is None:
                raise NotFoundError(
                    f"process version {version_id} does not exist",
                    reason="version_not_found",
                    version_id=version_id,
                )
            return versions.source_files(conn, version_id)

    def version_forms(self, version_id: int, language: str | None = None) -> dict[str, Any]:
        """The forms of a version by name: {"schema": ..., "ui": ...}; with ``language``, their
        texts in that language where the forms give them (engine/translations.py), else Dutch."""
        with read_transaction(self.database) as conn:
            forms = self._definitions.get(conn, version_id).forms
        return {name: localize_form(form, language) for name, form in forms.items()}

    def element_names(self, version_id: int, language: str | None = None) -> dict[str, str]:
        """Every named element of a version (tasks, events, lanes, processes, pools) by id, in
        ``language`` where the model names it so (``terugkeer:name-en``), else in Dutch."""
        with read_transaction(self.database) as conn:
            return names_in(self._definitions.names(conn, version_id), language)

    def start_form(self, process_id: str, language: str | None = None) -> StartForm | None:
        """The start form of the newest version of a process (texts in ``language`` where the
        form gives them); None when it has none."""
        with read_transaction(self.database) as conn:
            version_id = versions.pick(conn, process_id)
            if version_id is None:
                raise NotFoundError(
                    f"process {process_id!r} is not deployed",
                    reason="process_not_deployed",
                    process_id=process_id,
                )
            found = self._definitions.get(conn, version_id).start_form
        if found is None or not language:
            return found
        form = localize_form({"schema": found.schema, "ui": found.ui}, language) or {}
        return replace(found, schema=form["schema"], ui=form["ui"])

    def open_instance_counts(self) -> dict[int, int]:
        """Running or failed instances per version id."""
        with read_transaction(self.database) as conn:
            return versions.running_counts(conn)

    def open_instances(self, version_id: int) -> list[int]:
        """Ids of the instances still open on a version (candidates for migration)."""
        with read_transaction(self.database) as conn:
            return instances.ids_on_version(conn, version_id)


def _source(item: FileLike) -> SourceFile:
    if isinstance(item, SourceFile):
        return item
    path = Path(item)
    return SourceFile(path.name, path.read_bytes())
