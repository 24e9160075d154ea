"""The one place that knows the case-data keys of the process models.

Pages, the cases projection and access control read a case's data only through this module, so a
change in the models (processes/, forms/) is a change here and nowhere else. Keys follow the
nazorg models (main process ``nazorg_detentie``: start data, the five provision processes, the
monitor measurements); where the sample model in tests/engine/models differs, both are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

MAIN_PROCESS = "nazorg_detentie"

# Start data of the entry notification (F, Informatie-uitwisseling 2 and footnote 12).
NAME = "name"
BIRTH_DATE = "birth_date"
BSN = "bsn"
PRISON = "prison_code"
ENTRY_DATE = "entry_date"
EXPECTED_RELEASE_DATE = "expected_release_date"
MUNICIPALITY = "municipality_code"
PROBATION_OFFICE = "probation_office_code"
UWV_OFFICE = "uwv_office_code"
HAS_MINOR_CHILDREN = "has_minor_children"
REMARKS = "remarks"  # Bijzonderheden of the registration (no task form asks it)

# Free texts about the person's whole situation: the registration's remarks and those of the
# entry notification to the municipality. Task pages show them beside every form.
SITUATION_KEYS = (
    REMARKS,
    "entry_expected_problems",
    "entry_municipal_involvement",
    "entry_special_remarks",
)

# Organisation codes of the parties that hold a case (engine/parties.py, docs/modelling.md).
PARTY_KEYS = (PRISON, MUNICIPALITY, PROBATION_OFFICE, UWV_OFFICE)

STAY_CLASS = "stay_class"
RELEASE_DATE = "release_date"
RELEASE_INFO = "release_info"  # the release signal's payload: {"release_date", "immediate", ...}

PROVISIONS = ("identity_document", "housing", "work_income", "debts", "care")
PROVISION_LABELS = {
    "identity_document": _l("Identiteitsbewijs"),
    "housing": _l("Huisvesting"),
    "work_income": _l("Werk en inkomen"),
    "debts": _l("Schulden"),
    "care": _l("Zorg"),
}

# Monitor measurements (G, Monitoring; annex 2): {provision: status} per moment.
MOMENTS = ("entry", "now", "release", "6m")
MOMENT_LABELS = {
    "entry": _l("Bij binnenkomst"),
    "now": _l("Nu"),
    "release": _l("Bij ontslag"),
    "6m": _l("6 maanden na ontslag"),
}
MONITOR_KEYS = {"entry": "monitor_entry", "release": "monitor_release", "6m": "monitor_6m"}

STATUSES = ("arranged", "in_progress", "not_arranged", "not_needed", "unknown")
STATUS_LABELS = {
    "arranged": _l("Geregeld"),
    "in_progress": _l("In behandeling"),
    "not_arranged": _l("Niet geregeld"),
    "not_needed": _l("Niet nodig"),
    "unknown": _l("Onbekend"),
}

STAY_CLASS_LABELS = {
    "very_short": _l("Zeer kort verblijf (korter dan 2 weken)"),
    "short": _l("Kort verblijf"),
    "long": _l("Lang verblijf"),
}

# Special categories of data (domain.md, "What happened after 2011"): shown only to the roles
# that need them and only with the person's recorded consent. A category's data are the case
# data keys that start with its prefix (the provision processes name their data that way).
SPECIAL_CATEGORIES = ("care", "debts")
CATEGORY_LABELS = {"care": _l("zorg"), "debts": _l("schulden")}
CONSENT_KEYS = {
    "care": ("care_consent_given", "care_consent"),
    "debts": ("debts_consent_given", "debts_wants_assistance", "debts_consent"),
}
YES_WORDS = frozenset({"yes", "ja", "true", "given", "gegeven"})

# Case data that the case page shows in its own sections, not in the data list.
SHOWN_ELSEWHERE = frozenset(
    {NAME, BIRTH_DATE, BSN, *PARTY_KEYS, ENTRY_DATE, EXPECTED_RELEASE_DATE, RELEASE_DATE}
    | {HAS_MINOR_CHILDREN}
    | {STAY_CLASS, RELEASE_INFO, *MONITOR_KEYS.values(), *PROVISIONS}
)


def text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    return str(value)


def as_date(value: Any) -> date | None:
    """A date from case data ("YYYY-MM-DD" or a timestamp's date part); None when unreadable."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def release_date(data: Mapping[str, Any]) -> date | None:
    """The actual release date: set by the release notice (or the release signal's payload)."""
    found = as_date(data.get(RELEASE_DATE))
    if found is None and isinstance(data.get(RELEASE_INFO), Mapping):
        found = as_date(data[RELEASE_INFO].get("release_date"))
    return found


def organisations(data: Mapping[str, Any]) -> set[str]:
    """The codes of the organisations the case data names as its parties."""
    return {code for key in PARTY_KEYS if (code := text(data, key))}


def consent(data: Mapping[str, Any], category: str) -> bool:
    """Whether the person's consent for ``category`` is recorded in the case data."""
    for key in CONSENT_KEYS.get(category, ()):
        value = data.get(key)
        if value is True or (isinstance(value, str) and value.strip().lower() in YES_WORDS):
            return True
    return False


def category_of_key(key: str) -> str | None:
    """The special category a case-data key belongs to (``care_needs``, ``entry_situation_care``,
    ``care``), or None."""
    if key in SPECIAL_CATEGORIES:
        return key
    provision = provision_of_step(key)
    return provision if provision in SPECIAL_CATEGORIES else None


def provision_of_step(bpmn_id: str) -> str | None:
    """The basic provision a task belongs to, from its element id (``housing_screening``)."""
    for provision in PROVISIONS:
        if is_step_of(bpmn_id, provision):
            return provision
    return None


def is_step_of(bpmn_id: str, provision: str) -> bool:
    """Whether an element id names a step of ``provision`` (what step_patterns match in SQL)."""
    return bpmn_id.startswith(provision + "_") or bpmn_id.endswith("_" + provision)


def step_patterns(provision: str) -> tuple[str, str]:
    """SQL LIKE patterns for the element ids of a provision's steps (see provision_of_step)."""
    escaped = provision.replace("_", r"\_")
    return escaped + r"\_%", r"%\_" + escaped


def normalise_status(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if value is True:
        return "arranged"
    if value is False:
        return "not_arranged"
    if isinstance(value, Mapping):
        return normalise_status(value.get("status"))
    return str(value).strip().lower()[:32] or None


def provision_statuses(data: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(moment, provision) -> status, from the monitor measurements and the provision records."""
    found: dict[tuple[str, str], str] = {}
    for moment, key in MONITOR_KEYS.items():
        measured = data.get(key)
        if isinstance(measured, Mapping):
            for provision in PROVISIONS:
                status = normalise_status(measured.get(provision))
                if status:
                    found[(moment, provision)] = status
    released = release_date(data) is not None
    for provision in PROVISIONS:
        recorded = normalise_status(data.get(provision))
        # A provision that was not needed is recorded at once; only after the release is the
        # record also the status at release.
        if recorded and released and ("release", provision) not in found:
            found[("release", provision)] = recorded
        now = recorded or _current_status(data, provision)
        if now:
            found[("now", provision)] = now
    return found


def _current_status(data: Mapping[str, Any], provision: str) -> str | None:
    """Before the release: the provision's own status key, else what its screening found."""
    own = normalise_status(data.get(f"{provision}_status"))
    if own:
        return own
    needed = data.get(f"{provision}_action_needed")
    if needed is False:
        return "not_needed"
    if needed is True:
        return "in_progress"
    return None
