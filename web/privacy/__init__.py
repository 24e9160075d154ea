"""Privacy: the one policy over classified case data (which user sees which class of which case),
the read audit and the AVG duties (a person's data export, pseudonymising closed cases).

Pages, the JSON API, drill-downs and exports ask ``case_view`` (web/privacy/policy.py) what to
show; the classes come from the forms (web/privacy/classes.py)."""

from web.privacy.policy import (
    CaseView,
    case_view,
    list_classes,
    masks_names,
    pseudonymised,
    role_classes,
    task_view,
)

__all__ = [
    "CaseView",
    "case_view",
    "list_classes",
    "masks_names",
    "pseudonymised",
    "role_classes",
    "task_view",
]
