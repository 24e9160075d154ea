"""Deployments made in the browser. A model edited in the modeler, a form edited in the form
editor or an upload goes to the engine together with the other files it needs (the version's
subprocesses, decisions and forms), so each deployment is complete; the engine checks it
(Engine.deploy) and stores a new version only for what changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden, NotFound

from engine import DeploymentError, VersionInfo
from engine.deployment import SourceFile
from web.access import can_manage_process
from web.engine_access import current_engine
from web.processes import queries, sources
from web.processes.messages import translate


@dataclass(frozen=True)
class Problem:
    """One reason a deployment was refused, with where it is."""

    message: str
    file: str | None
    line: int | None
    element: str | None
    code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "element": self.element,
        }


def problems_of(error: DeploymentError) -> list[Problem]:
    """Every problem of a refused deployment (one error, or the several it lists), in the
    user's language where web/processes/messages.py knows it."""
    return translated(error.all_problems())


def translated(problems: list[DeploymentError]) -> list[Problem]:
    return [Problem(translate(p), p.file, p.line, p.element, p.code) for p in problems]


def _scope_guard(actor: Any) -> Callable[[str], None]:
    """Refuses (403) a new version of a process ``actor`` may not manage: a process owner of a
    municipality changes no national process, not even through a file it shares."""

    def check(process_id: str) -> None:
        if not can_manage_process(actor, process_id):
            raise Forbidden(
                _(
                    "U mag proces ‘%(process)s’ niet wijzigen: een landelijk proces rolt alleen "
                    "een procesbeheerder van een ministerie uit, een regionaal proces alleen die "
                    "van de eigen organisatie. Er is niets uitgerold.",
                    process=process_id,
                )
            )

    return check


def deploy(files: Iterable[SourceFile], actor: Any) -> list[VersionInfo]:
    """Deploy ``files`` as ``actor`` (a user): only processes within their scope may change."""
    return current_engine().deploy(
        list(files), user=actor.username, before_new_version=_scope_guard(actor)
    )


def outcome(info: VersionInfo) -> str:
    """What a deployment did to one process, in a sentence for the page."""
    if info.created and info.same_as is not None:
        return _(
            "%(name)s: versie %(version)d is uitgerold, met dezelfde inhoud als versie %(same)d.",
            name=info.name,
            version=info.version,
            same=info.same_as,
        )
    if info.created:
        return _("%(name)s: versie %(version)d is uitgerold.", name=info.name, version=info.version)
    return _(
        "%(name)s: geen wijziging, dit is versie %(version)d.", name=info.name, version=info.version
    )


def put_back(version: VersionInfo, actor: Any) -> list[VersionInfo]:
    """Deploy the files of ``version`` again: a new version of its process with that content
    (unless it is the newest already), checked as any deployment. DeploymentError says why a
    version the current checks refuse cannot be put back."""
    files = current_engine().version_files(version.id)
    return deploy([SourceFile(name, content) for name, content in files], actor)


def edited_files(version: VersionInfo, name: str, content: bytes) -> list[SourceFile]:
    """The files of ``version`` with ``name`` replaced by ``content``, completed with what they
    call (a file may hold processes beside the version's own); 404 for an unknown name."""
    files = current_engine().version_files(version.id)
    if name not in {file_name for file_name, _ in files}:
        raise NotFound()
    return complete_upload([SourceFile(n, content if n == name else c) for n, c in files])


def complete_upload(uploads: list[SourceFile]) -> list[SourceFile]:
    """The uploaded files plus what they need from the newest deployed versions: the files of
    the processes and decisions they call but do not define, and the form files of those
    versions (a form deployed from the form editor is then kept). An uploaded file always wins."""
    engine = current_engine()
    pool = [
        (info, name, content, sources.facts(content) if sources.is_model(name) else None)
        for info in queries.latest_versions()
        for name, content in engine.version_files(info.id)
    ]
    taken = {upload.name for upload in uploads}
    result = list(uploads)
    defined: set[str] = set()
    wanted: set[str] = set()
    for upload in uploads:
        found = sources.facts(upload.content)
        defined |= found.defines
        wanted |= found.refers
    used = {info for info, *_ in pool if info.process_id in defined}
    missing = wanted - defined
    while missing:
        ref = missing.pop()
        hits = [hit for hit in pool if hit[3] is not None and ref in hit[3].defines]
        for info, name, content, found in sorted(hits, key=lambda hit: hit[0].process_id != ref):
            if name in taken or found is None:
                continue
            taken.add(name)
            result.append(SourceFile(name, content))
            used.add(info)
            defined |= found.defines
            missing |= found.refers - defined
            break
    for info, name, content, _facts in pool:
        if info in used and sources.is_form(name) and name not in taken:
            taken.add(name)
            result.append(SourceFile(name, content))
    return result


@dataclass(frozen=True)
class FormChange:
    name: str
    schema: bytes
    ui_name: str | None = None
    ui: bytes | None = None


def form_targets(form_name: str) -> list[VersionInfo]:
    """The newest versions whose processes use ``form_name``, those holding most files first."""
    latest = queries.latest_versions()
    names = queries.form_names([info.id for info in latest])
    using = [info for info in latest if form_name in names.get(info.id, set())]
    engine = current_engine()
    sizes = {info.id: len(engine.version_files(info.id)) for info in using}
    return sorted(using, key=lambda info: (-sizes[info.id], info.process_id))


def deploy_form(change: FormChange, actor: Any) -> list[VersionInfo]:
    """A new version of every process that uses the form, in one deployment: the files of the
    newest versions using it (the versions holding most files first win a name), the form
    replaced, completed with what they call. DeploymentError says why it is refused."""
    targets = form_targets(change.name)
    if not targets:
        raise NotFound()
    engine = current_engine()
    files: dict[str, bytes] = {}
    for info in targets:
        for name, content in engine.version_files(info.id):
            files.setdefault(name, content)
    files[change.name] = change.schema
    if change.ui_name and change.ui is not None:
        files[change.ui_name] = change.ui
    plan = complete_upload([SourceFile(name, content) for name, content in files.items()])
    return deploy(plan, actor)
