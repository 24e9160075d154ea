"""The models' own texts (task, event, lane and process names; form titles, labels, options and
help) in the user's language: English where the model gives it (engine/translations.py), Dutch
elsewhere. Pages use the language Flask-Babel chose (the session's choice, or the API request's
Accept-Language)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from flask import current_app, g
from flask_babel import get_locale

from engine import TaskInfo, localize_form
from web.engine_access import current_engine


def model_language() -> str:
    """The language model texts are shown in: the request's interface language."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def element_names(version_id: int) -> dict[str, str]:
    """Element id -> name in the user's language, for one process version (once per request)."""
    cache: dict[tuple[int, str], dict[str, str]] = g.setdefault("model_names", {})
    key = (version_id, model_language())
    if key not in cache:
        cache[key] = current_engine().element_names(version_id, key[1])
    return cache[key]


def element_name(version_id: int, element_id: str | None, fallback: str | None = None) -> str:
    """One element's name in the user's language; ``fallback`` (else the id) when unnamed."""
    found = element_names(version_id).get(element_id or "")
    return found or fallback or element_id or ""


def _by_dutch_name(version_id: int) -> dict[str, str]:
    """Dutch name -> name in the user's language, for what a task holds by name (its lane)."""
    cache: dict[tuple[int, str], dict[str, str]] = g.setdefault("model_names_by_dutch", {})
    key = (version_id, model_language())
    if key not in cache:
        dutch = current_engine().element_names(version_id)
        shown = element_names(version_id)
        cache[key] = {dutch[element]: shown[element] for element in dutch}
    return cache[key]


def localized_task(task: TaskInfo) -> TaskInfo:
    """The task with its name and its lane's name in the user's language."""
    lane = _by_dutch_name(task.version_id).get(task.lane, task.lane) if task.lane else task.lane
    return replace(task, name=element_name(task.version_id, task.bpmn_id, task.name), lane=lane)


def localized_tasks(tasks: Iterable[TaskInfo]) -> list[TaskInfo]:
    return [localized_task(task) for task in tasks]


def task_form(task: TaskInfo) -> dict[str, Any] | None:
    """The task's form with its texts in the user's language (None: the task has no form)."""
    return current_engine().form(task.id, model_language()) if task.form else None


def localized_forms(forms: Mapping[str, Any]) -> dict[str, Any]:
    """A version's forms by name with their texts in the user's language."""
    language = model_language()
    return {name: localize_form(form, language) for name, form in forms.items()}
