"""The steps of a nazorg case that the path tests (test_paths_*.py, in memory) and the scenario
tests (test_scenarios_*.py, through the facade) share: what is filled in during detention, on the
release day and six months after, with the dates of their deadlines."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.processes.harness import (
    PROVISIONS,
    Case,
    agreement,
    entry_notification,
    screening,
    status,
)

MAY_7_END = datetime(2026, 5, 7, 22, 0, tzinfo=UTC)  # end of the 2nd working day after entry
MAY_20_END = datetime(2026, 5, 20, 22, 0, tzinfo=UTC)  # end of the 10th working day after entry

SUSPEND_INSURANCE = {
    "care_insured": "yes",
    "care_insurance_suspended": True,
    "care_insurer": "Zilveren Kruis",
    "care_insurance_suspended_on": "2026-05-05",
}
MUNICIPAL_INFORMATION = {
    "municipal_contact_person": "A. Jansen",
    "municipal_exchanged_on": "2026-05-12",
}
ACTIONS: tuple[tuple[str, dict], ...] = (
    (
        "identity_document_apply",
        {
            "identity_document_requested_type": "id_card",
            "identity_document_photo_taken": True,
            "identity_document_applied_on": "2026-05-20",
        },
    ),
    ("identity_document_issue", {"identity_document_issue_result": "issued"}),
    (
        "housing_register",
        {"housing_registered_as_seeker": True, "housing_registered_on": "2026-05-21"},
    ),
    ("housing_arrange", {"housing_arranged_type": "shelter"}),
    (
        "work_income_activation",
        {
            "work_income_registered_with": "uwv",
            "uwv_office_code": "UWV-RDM",
            "work_income_placement_track_started": False,
        },
    ),
    ("work_income_uwv_assessment", {"work_income_uwv_outcome": "benefit_application"}),
    ("work_income_income_ready", {"work_income_income_arranged": "advance_ready"}),
    (
        "debts_prepare_application",
        {"debts_financially_self_reliant": "partly", "debts_application_prepared_on": "2026-06-01"},
    ),
    ("debts_intake", {"debts_intake_outcome": "intake_scheduled"}),
    (
        "care_consent",
        {
            "care_consent_given": "yes",
            "care_consent_date": "2026-05-25",
            "care_consent_scope": "Verslavingszorg Noord",
            "care_consent_document_reference": "DOS-123",
        },
    ),
    ("care_inform_providers", {"care_providers_informed": True, "care_continuation": "continued"}),
    (
        "care_arrange_aftercare",
        {"care_aftercare": "arranged", "care_institution": "Verslavingszorg Noord"},
    ),
)
"""The actions during detention after the agreements, in order: (task, form data)."""
NOTICE = {
    "notice_release_date": "2026-08-28",
    "notice_release_type": "end_of_sentence",
    "notice_probation_supervision": False,
    "notice_registered_at_prison_municipality": False,
}
REACTIVATE_INSURANCE = {
    "care_insurance_reactivated": "reactivated",
    "care_reactivated_on": "2026-08-28",
}


def suspend_insurance(case: Case) -> None:
    case.complete("care_suspend_insurance", SUSPEND_INSURANCE)


def municipal_information(case: Case) -> None:
    case.complete("municipal_information", MUNICIPAL_INFORMATION)


def detention_work(case: Case, needed: bool = True) -> None:
    """Entry notification (if open), screening and agreements, the actions during detention."""
    if "entry_notification" in case.ready():
        case.complete("entry_notification", entry_notification())
    suspend_insurance(case)
    for p in PROVISIONS:
        case.complete(f"{p}_screening", screening(p, needed))
    municipal_information(case)
    if not needed:
        return
    for p in PROVISIONS:
        case.complete(f"{p}_agreement", agreement(p))
    for bpmn_id, data in ACTIONS:
        case.complete(bpmn_id, data)


def release_day(
    case: Case, statuses: dict[str, str] | None = None, notice: dict | None = None
) -> None:
    case.complete("release_notice", notice or NOTICE)
    case.complete("care_reactivate_insurance", REACTIVATE_INSURANCE)
    for p in PROVISIONS:
        if f"{p}_release_status" in case.ready():
            case.complete(f"{p}_release_status", status(p, (statuses or {}).get(p, "arranged")))


def six_months(case: Case, value: str = "arranged") -> None:
    case.complete(
        "monitor_six_months",
        {**{f"monitor6_{p}": value for p in PROVISIONS}, "monitor6_reached": True},
    )
