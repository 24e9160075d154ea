"""Starting a case of any deployed process that has a start form (a form on its start event),
e.g. a process a process owner uploaded. Who may start it follows the start event's lane
(web/access.py can_start); the starter's organisation becomes the lane party's organisation,
so the first tasks reach it. The main process keeps its own page (the entry notification)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from engine import StartForm, VersionInfo
from web.access import can_start
from web.engine_access import current_engine
from web.model_texts import element_name, model_language


@dataclass(frozen=True)
class Startable:
    info: VersionInfo  # the newest version: new cases start on it
    form: StartForm


def startable(user: Any) -> list[Startable]:
    """The processes ``user`` may start, by name; names and start forms in the user's language
    where the models give it."""
    engine = current_engine()
    newest: dict[str, VersionInfo] = {}
    for info in engine.versions():
        if info.process_id not in newest or info.version > newest[info.process_id].version:
            newest[info.process_id] = info
    named = [
        replace(info, name=element_name(info.id, info.process_id, info.name))
        for info in newest.values()
    ]
    found = []
    for info in sorted(named, key=lambda info: (info.name.lower(), info.process_id)):
        form = engine.start_form(info.process_id, model_language())
        if form is not None and can_start(user, form):
            found.append(Startable(info, form))
    return found


def find(user: Any, process_id: str) -> Startable | None:
    return next((each for each in startable(user) if each.info.process_id == process_id), None)


def start_data(form: StartForm, data: dict[str, Any], organisation_code: str) -> dict[str, Any]:
    """The submitted data with the starter's organisation under the lane party's key (unless the
    form asked for it)."""
    if form.organisation_key and not data.get(form.organisation_key):
        return {**data, form.organisation_key: organisation_code}
    return data
