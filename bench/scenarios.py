"""The cases the benchmarks replay: the same steps in memory and through the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.processes.harness import (
    PROVISIONS,
    agreement,
    entry_data,
    entry_notification,
    screening,
    status,
)

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "tests" / "engine" / "models"


@dataclass(frozen=True)
class Step:
    kind: str  # "complete" a user task, "time" moves the clock, "message" is sent
    target: str = ""  # the task's BPMN id, or the message name
    data: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    process_id: str
    files: list[Path]
    forms: Path
    start: datetime
    data: dict[str, Any]
    steps: list[Step]


def _do(bpmn_id: str, data: dict[str, Any]) -> Step:
    return Step("complete", bpmn_id, data)


SAMPLE = Scenario(
    name="sample",
    process_id="sample_case",
    files=[MODELS / "sample.bpmn", MODELS / "stay_class.dmn"],
    forms=MODELS / "forms",
    start=datetime(2026, 5, 4, 7, 0, tzinfo=UTC),
    data={"prison_code": "PI-ZWL", "municipality_code": "GM0363"},
    steps=[
        _do("register", {"entry_date": "2026-05-04", "stay_days": 200}),
        _do("notify_municipality", {"notified_on": "2026-05-05"}),
        _do("screen_housing", {"has_housing": True}),
        Step("message", "release_date_set", {"release_date": "2026-09-01"}),
        _do("release_notice", {"release_notice_sent": True}),
    ],
)


NAZORG = Scenario(
    name="nazorg (short stay)",
    process_id="nazorg_detentie",
    files=sorted((ROOT / "processes").glob("*.bpmn")) + sorted((ROOT / "processes").glob("*.dmn")),
    forms=ROOT / "forms",
    start=datetime(2026, 5, 4, 7, 0, tzinfo=UTC),
    data=entry_data(expected_release_date="2026-08-28"),
    steps=[
        _do("entry_notification", entry_notification()),
        _do(
            "care_suspend_insurance",
            {
                "care_insured": "yes",
                "care_insurance_suspended": True,
                "care_insurer": "Zilveren Kruis",
                "care_insurance_suspended_on": "2026-05-05",
            },
        ),
        *[_do(f"{p}_screening", screening(p, True)) for p in PROVISIONS],
        _do(
            "municipal_information",
            {"municipal_contact_person": "A. Jansen", "municipal_exchanged_on": "2026-05-12"},
        ),
        *[_do(f"{p}_agreement", agreement(p)) for p in PROVISIONS],
        _do(
            "identity_document_apply",
            {
                "identity_document_requested_type": "id_card",
                "identity_document_photo_taken": True,
                "identity_document_applied_on": "2026-05-20",
            },
        ),
        _do("identity_document_issue", {"identity_document_issue_result": "issued"}),
        _do(
            "housing_register",
            {"housing_registered_as_seeker": True, "housing_registered_on": "2026-05-21"},
        ),
        _do("housing_arrange", {"housing_arranged_type": "shelter"}),
        _do(
            "work_income_activation",
            {
                "work_income_registered_with": "uwv",
                "uwv_office_code": "UWV-RDM",
                "work_income_placement_track_started": False,
            },
        ),
        _do("work_income_uwv_assessment", {"work_income_uwv_outcome": "benefit_application"}),
        _do("work_income_income_ready", {"work_income_income_arranged": "advance_ready"}),
        _do(
            "debts_prepare_application",
            {
                "debts_financially_self_reliant": "partly",
                "debts_application_prepared_on": "2026-06-01",
            },
        ),
        _do("debts_intake", {"debts_intake_outcome": "intake_scheduled"}),
        _do(
            "care_consent",
            {
                "care_consent_given": "yes",
                "care_consent_date": "2026-05-25",
                "care_consent_scope": "Verslavingszorg Noord",
                "care_consent_document_reference": "DOS-123",
            },
        ),
        _do(
            "care_inform_providers",
            {"care_providers_informed": True, "care_continuation": "continued"},
        ),
        _do(
            "care_arrange_aftercare",
            {"care_aftercare": "arranged", "care_institution": "Verslavingszorg Noord"},
        ),
        Step("time", at=datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC)),
        _do(
            "release_notice",
            {
                "notice_release_date": "2026-08-28",
                "notice_release_type": "end_of_sentence",
                "notice_probation_supervision": False,
                "notice_registered_at_prison_municipality": False,
            },
        ),
        _do(
            "care_reactivate_insurance",
            {"care_insurance_reactivated": "reactivated", "care_reactivated_on": "2026-08-28"},
        ),
        *[_do(f"{p}_release_status", status(p)) for p in PROVISIONS],
        Step("time", at=datetime(2027, 2, 27, 23, 0, 1, tzinfo=UTC)),
        _do(
            "monitor_six_months",
            {**{f"monitor6_{p}": "arranged" for p in PROVISIONS}, "monitor6_reached": True},
        ),
    ],
)
