"""Data classes: what kind of personal data a case-data key, a task or a value is.

The forms say it: every property of a form or start schema carries ``"x-class"`` (``basic``,
``identity``, ``care``, ``debts`` or ``criminal``), and a form's root ``"x-class"`` is the class
of its task (what the task's name and existence reveal). A form without the keyword (one a
process owner uploads, the test models) gets the class these rules give; the same rules give the
class of keys no form asks for (the process's own variables) and of elements without a form
(timers, call activities):

- ``identity``: who the person is and where they live (name, birth date, BSN, addresses,
  children);
- ``care`` and ``debts``: the keys and elements of those provisions (``care_needs``,
  ``notice_status_care``, ``care_arrange_aftercare``), special categories (AVG art. 9);
- ``criminal``: the RISc, the detention and re-integration plan and probation supervision
  (AVG art. 10);
- ``basic``: the rest (dates, statuses of the other provisions, organisation codes).

A value can reveal a class too: a list or choice whose value names a provision of a class
(``municipal_running_trajectories: ["care", "debts"]``) is that class's data (``value_class``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from engine import DATA_CLASSES
from web.cases import fields

CLASSES = DATA_CLASSES  # what a form may declare is checked at deploy time
SPECIAL = frozenset({"care", "debts", "criminal"})
CLASS_LABELS = {
    "basic": _l("basisgegevens"),
    "identity": _l("naam, geboortedatum, BSN en adres"),
    "care": _l("zorg"),
    "debts": _l("schulden"),
    "criminal": _l("strafrechtelijke gegevens (RISc, plan van aanpak, toezicht)"),
}

IDENTITY_KEYS = frozenset(
    {
        fields.NAME,
        fields.BIRTH_DATE,
        fields.BSN,
        fields.HAS_MINOR_CHILDREN,
        "entry_address",
        "entry_residence",
        "entry_minor_children_info",
        "municipal_minor_children_info",
        "notice_address_after_release",
    }
)
CRIMINAL_PREFIXES = ("risc_", "dr_plan_", "supervision_", "conditions_")
CRIMINAL_KEYS = frozenset(
    {
        "notice_special_conditions",
        "notice_probation_supervision",
        "special_conditions",  # in release_info, the release signal's payload
        "conditional_release",
        "release_conditional_expected",  # a conditional release announced with the date
        "release_special_conditions_expected",
    }
)
CRIMINAL_ELEMENTS = frozenset(
    {"risc_assessment", "dr_plan", "supervision_probation", "supervision_municipality"}
)


def default_key_class(key: str) -> str:
    """The class of a case-data key by the rules above (no ``x-class`` in its form)."""
    if key in IDENTITY_KEYS:
        return "identity"
    category = fields.category_of_key(key)
    if category is not None:
        return category
    if key in CRIMINAL_KEYS or key.startswith(CRIMINAL_PREFIXES):
        return "criminal"
    return "basic"


def default_element_class(bpmn_id: str) -> str:
    """The class of a task, timer or call activity by its element id (no form says it)."""
    provision = fields.provision_of_step(bpmn_id)
    if provision in fields.SPECIAL_CATEGORIES:
        return provision
    return "criminal" if bpmn_id in CRIMINAL_ELEMENTS else "basic"


def _declared(spec: Any) -> str | None:
    found = spec.get("x-class") if isinstance(spec, Mapping) else None
    return found if found in CLASSES else None


def key_classes(forms: Mapping[str, Any]) -> dict[str, str]:
    """Case-data key -> class, from the properties of a version's forms (the first form that
    asks for a key and declares a class wins; otherwise the rule)."""
    found: dict[str, str] = {}
    for form in forms.values():
        schema = (form or {}).get("schema") or {}
        for key, spec in (schema.get("properties") or {}).items():
            declared = _declared(spec)
            if declared is not None:
                found.setdefault(key, declared)
    return found


def key_class(key: str, declared: Mapping[str, str]) -> str:
    return declared.get(key) or default_key_class(key)


def element_class(bpmn_id: str | None, form: Mapping[str, Any] | None = None) -> str:
    """The class of a task (its form's root ``x-class``, else the rule) or other element."""
    declared = _declared((form or {}).get("schema"))
    if declared is not None:
        return declared
    return default_element_class(bpmn_id or "")


def value_class(value: Any) -> set[str]:
    """The special classes a value names (a provision of a class, alone or in a list)."""
    items = value if isinstance(value, list) else [value]
    return {item for item in items if isinstance(item, str) and item in fields.SPECIAL_CATEGORIES}
