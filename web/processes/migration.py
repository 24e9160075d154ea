"""Moving running cases to a newer version of their process. Cases stay on the version they
started on until a process owner moves them: choose the cases (all open ones of a version, or a
selection), see a dry-run report (which can move, which cannot and why), then migrate. The
engine writes one audit event ``instance_migrated`` per case moved."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from engine import ConflictError, MigrationCheck, NotFoundError
from web.cases.diagram import diagrams
from web.engine_access import current_engine
from web.extensions import db
from web.processes import queries
from web.processes.blueprint import bp

MAX_SELECTED = 5000

STATES = {
    "future": _l("komende"),
    "ready": _l("actieve"),
    "waiting": _l("wachtende"),
    "started": _l("lopende"),
    "completed": _l("afgeronde"),
    "error": _l("mislukte"),
    "cancelled": _l("vervallen"),
}


INTERNAL_SUFFIXES = re.compile(r"(\.BoundaryEventSplit|\.BoundaryEventJoin|\.EndJoin| \[child\])$")
"""Steps SpiffWorkflow adds around a BPMN element; a reason about them is about the element."""


def _step_reason(match: re.Match, names: dict[str, str]) -> str:
    state = STATES.get(match["state"], match["state"])
    element = INTERNAL_SUFFIXES.sub("", match["step"])
    return _(
        "De %(state)s stap ‘%(step)s’ (%(id)s) bestaat niet in de nieuwe versie.",
        state=state,
        step=names.get(element, element),
        id=element,
    )


REASONS: list[tuple[re.Pattern, Callable[[re.Match, dict[str, str]], str]]] = [
    (
        re.compile(r"^(?P<state>\w+) step '(?P<step>[^']+)' does not exist in the new version$"),
        _step_reason,
    ),
    (
        re.compile(r"^called process '(?P<process>[^']+)' is not part of the new version$"),
        lambda m, _names: _(
            "Deelproces ‘%(process)s’ zit niet in de nieuwe versie.", process=m["process"]
        ),
    ),
    (
        re.compile(r"^the case already runs on this version$"),
        lambda _m, _names: _("De zaak loopt al op deze versie."),
    ),
    (re.compile(r"^the case is completed$"), lambda _m, _names: _("De zaak is afgerond.")),
    (
        re.compile(r"^step '(?P<step>[^']+)' reads variable '(?P<variable>[^']+)', which the case"),
        lambda m, names: _(
            "Stap ‘%(step)s’ (%(id)s) leest variabele ‘%(variable)s’, die deze zaak niet heeft "
            "en die niets vóór die stap schrijft: de zaak zou daar vastlopen.",
            step=names.get(m["step"], m["step"]),
            id=m["step"],
            variable=m["variable"],
        ),
    ),
]


def explain(reason: str, names: dict[str, str]) -> str:
    """A migration reason from the engine in the user's language (unknown ones as they are)."""
    for pattern, text in REASONS:
        match = pattern.match(reason)
        if match:
            return text(match, names)
    return reason


def _numbers(process_id: str) -> tuple[list[queries.VersionRow], int | None, int]:
    rows = queries.version_rows(process_id)
    newest = rows[0].info.version
    choices = [row.info.version for row in rows if row.open_cases and not row.latest]
    source = request.values.get("van", type=int) or (choices[0] if choices else None)
    target = request.values.get("naar", type=int) or newest
    return rows, source, target


def _selected(source_id: int) -> list[int]:
    if request.form.get("scope") == "all":
        return current_engine().open_instances(source_id)
    ids = request.form.getlist("case", type=int)
    if len(ids) > MAX_SELECTED:
        raise BadRequest()
    return sorted(set(ids))


def _page(process_id: str, **extra: object) -> str:
    rows, source, target = _numbers(process_id)
    by_number = {row.info.version: row for row in rows}
    source_row = by_number.get(source) if source else None
    target_row = by_number.get(target)
    return render_template(
        "processes/migration.html",
        process_id=process_id,
        rows=rows,
        source=source_row,
        target=target_row,
        cases=queries.open_cases(source_row.info.id) if source_row else [],
        limit=queries.OPEN_CASES_LIMIT,
        **extra,
    )


@bp.get("/processen/<process_id>/migratie")
def migration(process_id: str) -> str:
    return _page(process_id)


def _report(checks: list[MigrationCheck], from_version_id: int) -> list[dict]:
    names = diagrams(from_version_id).names
    return [
        {"check": check, "reasons": list(dict.fromkeys(explain(r, names) for r in check.reasons))}
        for check in checks
    ]


@bp.post("/processen/<process_id>/migratie/proef")
def dry_run(process_id: str) -> str | Response:
    rows, source, target = _numbers(process_id)
    versions = {row.info.version: row.info for row in rows}
    if source not in versions or target not in versions:
        raise BadRequest()
    ids = _selected(versions[source].id)
    if not ids:
        flash(_("Kies een of meer zaken."), "error")
        return redirect(url_for(".migration", process_id=process_id, van=source, naar=target))
    try:
        checks = current_engine().migration_report(ids, versions[target].id)
    except NotFoundError as error:
        raise BadRequest() from error
    checks = [check for check in checks if check.from_version_id == versions[source].id]
    return _page(process_id, report=_report(checks, versions[source].id))


@bp.post("/processen/<process_id>/migratie")
def migrate(process_id: str) -> str | Response:
    rows, source, target = _numbers(process_id)
    versions = {row.info.version: row.info for row in rows}
    if source not in versions or target not in versions:
        raise BadRequest()
    ids = _selected(versions[source].id)
    back = url_for(".migration", process_id=process_id, van=source, naar=target)
    try:
        results = current_engine().migrate(ids, versions[target].id, user=current_user.username)
    except ConflictError:
        flash(_("Een zaak veranderde tijdens het migreren. Controleer het opnieuw."), "error")
        return redirect(back, code=303)
    except NotFoundError as error:
        raise BadRequest() from error
    db.session.commit()  # end this request's read transaction: read the cases as they are now
    moved = sum(1 for result in results if result.moved)
    text = ngettext(
        "%(num)d zaak is verplaatst naar versie %(target)d.",
        "%(num)d zaken zijn verplaatst naar versie %(target)d.",
        moved,
        target=target,
    )
    if moved < len(results):
        text += " " + ngettext(
            "%(num)d zaak kon niet mee.", "%(num)d zaken konden niet mee.", len(results) - moved
        )
    flash(text, "success" if moved else "info")
    return _page(process_id, report=_report(results, versions[source].id), done=True)
