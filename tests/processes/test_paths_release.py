"""The paths of the Samenwerkingsmodel Nazorg models around the release, run in memory
(tests/processes/harness.py): immediate and conditional releases, settling elsewhere, escalations
of missed deadlines, consent and the bounds of the release loop.

Dates as in test_paths_detention.py (tests/processes/nazorg_steps.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from SpiffWorkflow.exceptions import WorkflowException

from engine import FormValidationError
from tests.processes.harness import (
    PROVISIONS,
    Case,
    agreement,
    entry_data,
    entry_notification,
    escalation,
    screening,
    status,
)
from tests.processes.nazorg_steps import (
    MAY_7_END,
    MAY_20_END,
    NOTICE,
    detention_work,
    municipal_information,
    release_day,
    suspend_insurance,
)


def test_immediate_release_during_screening_hands_open_work_to_the_municipality() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification())
    suspend_insurance(case)
    case.complete("housing_screening", screening("housing", True))
    assert "housing_agreement" in case.ready()
    case.message(
        "directe_invrijheidstelling",
        {"release_date": "2026-05-08", "reason": "Schorsing voorlopige hechtenis"},
    )
    ready = case.ready()
    assert "release_notice" in ready
    assert not [
        t
        for t in ready
        if t.endswith("_screening") or t.endswith("_agreement") or t == "municipal_information"
    ]
    for p in PROVISIONS:
        if p != "care":
            assert f"{p}_takeover" in ready, p
    assert "care_reactivate_insurance" in ready
    assert case.organisation("housing_takeover", "municipality_code") == "GM0363"
    case.complete(
        "release_notice",
        {**NOTICE, "notice_release_date": "2026-05-08", "notice_release_type": "pretrial_ended"},
    )
    assert case.organisation("takeover_open_work", "municipality_code") == "GM0363"
    case.complete(
        "takeover_open_work",
        {"takeover_open_items": "Screening en huisvesting.", "takeover_contact_made": False},
    )
    case.complete(
        "care_reactivate_insurance",
        {"care_insurance_reactivated": "reactivated", "care_reactivated_on": "2026-05-08"},
    )
    for p in PROVISIONS:
        if f"{p}_takeover" in case.ready():
            case.complete(
                f"{p}_takeover",
                {**status(p, "in_progress"), f"{p}_takeover_actions": "Gemeente pakt het op."},
            )
    assert case.ready() == []
    assert case.data["housing"]["handed_over_to_municipality"] is True
    assert case.data["monitor_release"]["housing"] == "in_progress"
    assert case.data["release_info"]["immediate"] is True
    assert not case.waits_for("ontslagdatum_gewijzigd")


def test_immediate_release_before_the_entry_notification() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.message("directe_invrijheidstelling", {"reason": "Vrijgesproken"})
    assert case.ready() == ["release_notice"]
    assert case.task("release_notice").data["release_date"] == "2026-05-04"  # today by default
    case.complete("release_notice", {**NOTICE, "notice_release_date": "2026-05-04"})
    assert case.ready() == ["takeover_open_work"]


def test_conditional_release_informs_municipality_and_probation() -> None:
    """A conditional release first reported on the release day (announced before: see
    test_model_defects.py) still informs municipality and probation, after the release."""
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    with pytest.raises(
        FormValidationError
    ):  # VI without supervision, conditions and probation is refused
        case.complete("release_notice", {**NOTICE, "notice_release_type": "conditional_release"})
    release_day(
        case,
        notice={
            **NOTICE,
            "notice_release_type": "conditional_release",
            "notice_probation_supervision": True,
            "notice_special_conditions": "Meldplicht; contactverbod",
            "probation_office_code": "RN-ZWL",
        },
    )
    assert sorted(case.ready()) == ["supervision_municipality", "supervision_probation"]
    assert case.organisation("supervision_probation", "probation_office_code") == "RN-ZWL"
    assert case.organisation("supervision_municipality", "municipality_code") == "GM0363"
    case.complete(
        "supervision_municipality",
        {
            "supervision_municipality_alignment": "Wekelijks overleg.",
            "supervision_municipality_aligned_on": "2026-08-31",
        },
    )
    case.complete(
        "supervision_probation",
        {
            "supervision_started_on": "2026-08-28",
            "supervision_conditions_confirmed": "Meldplicht; contactverbod",
            "supervision_dr_plan": "drawn_up",
            "supervision_care_need": False,
            "supervision_municipality_contacted": True,
        },
    )
    assert "monitor_release" in case.data


def test_settling_elsewhere_accepted_moves_the_case_to_the_new_municipality() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    assert case.ready() == ["settlement_decision"]
    assert (
        case.organisation("settlement_decision", "municipality_code") == "GM0599"
    )  # the receiving one
    case.complete(
        "settlement_decision",
        {
            "settlement_decision_outcome": "accepted",
            "settlement_decision_reason": "Werk en familie in Rotterdam.",
            "settlement_decided_on": "2026-05-06",
        },
    )
    assert case.organisation("municipal_information", "municipality_code") == "GM0599"
    case.complete("housing_screening", screening("housing", True))
    assert case.organisation("housing_agreement", "municipality_code") == "GM0599"
    # the release branch follows: after an immediate release the new municipality takes over
    case.message("directe_invrijheidstelling", {"release_date": "2026-05-11"})
    case.complete("release_notice", {**NOTICE, "notice_release_date": "2026-05-11"})
    assert case.organisation("takeover_open_work", "municipality_code") == "GM0599"
    assert case.data["municipality_origin_code"] == "GM0363"


def test_settling_elsewhere_refused_returns_to_the_municipality_of_origin() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    case.complete(
        "settlement_decision",
        {
            "settlement_decision_outcome": "refused",
            "settlement_decision_reason": "Geen binding met de gemeente.",
            "settlement_decided_on": "2026-05-06",
        },
    )
    assert case.organisation("municipal_information", "municipality_code") == "GM0363"
    assert case.data["settlement_decision_reason"]


def test_settlement_decision_open_at_release_keeps_the_origin() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    case.message("directe_invrijheidstelling", {})
    assert "settlement_decision" not in case.ready()
    case.complete("release_notice", {**NOTICE, "notice_release_date": "2026-05-04"})
    assert case.organisation("takeover_open_work", "municipality_code") == "GM0363"
    case.complete(
        "takeover_open_work", {"takeover_open_items": "Alles.", "takeover_contact_made": False}
    )
    assert case.data["municipality_code"] == "GM0363"


@pytest.mark.parametrize(
    "late", ["entry_notification", "screening", "agreement", "municipal_information"]
)
def test_missed_detention_deadlines_are_escalated(late: str) -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    if late != "entry_notification":
        case.complete("entry_notification", entry_notification())
        suspend_insurance(case)
    if late == "agreement":
        for p in PROVISIONS:
            case.complete(f"{p}_screening", screening(p, True))
        municipal_information(case)
    if late == "screening":
        municipal_information(case)
    case.set_time(
        MAY_7_END.replace(second=1)
        if late == "entry_notification"
        else MAY_20_END.replace(second=1)
    )
    expected = {
        "entry_notification": ["entry_notification_escalation"],
        "screening": [f"{p}_screening_escalation" for p in PROVISIONS],
        "agreement": [f"{p}_agreement_escalation" for p in PROVISIONS],
        "municipal_information": ["municipal_information_escalation"],
    }[late]
    if late == "municipal_information":
        expected = expected + [f"{p}_screening_escalation" for p in PROVISIONS]
    escalations = [t for t in case.ready() if t.endswith("_escalation")]
    assert sorted(escalations) == sorted(expected)
    for task in escalations:
        assert case.task(task).task_spec.extensions["properties"]["role"] == "team_lead"
        case.complete(task, escalation(task))
    # the late work itself is still open (non-interrupting deadline)
    if late == "entry_notification":
        assert "entry_notification" in case.ready()


def test_missed_release_notice_and_handover_and_monitor_are_escalated() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.set_time(datetime(2026, 8, 28, 22, 0, 1, tzinfo=UTC))  # the release day is over
    assert "release_notice_escalation" in case.ready()
    case.complete("release_notice_escalation", escalation("release_notice_escalation"))
    release_day(case)
    case.set_time(datetime(2027, 3, 12, 23, 0, 1, tzinfo=UTC))  # 10 working days into the 6th month
    assert sorted(case.ready()) == ["monitor_six_months", "monitor_six_months_escalation"]


def test_missed_handover_is_escalated() -> None:
    case = Case(entry_data(expected_release_date="2027-03-01"))
    case.complete("entry_notification", entry_notification())
    case.set_time(datetime(2027, 1, 3, 23, 0, 1, tzinfo=UTC))
    assert "handover_information" in case.ready()
    case.set_time(datetime(2027, 1, 6, 23, 0, 1, tzinfo=UTC))
    assert "handover_information_escalation" in case.ready()


def test_care_consent_refused_shares_nothing_with_care_providers() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification())
    suspend_insurance(case)
    case.complete("care_screening", screening("care", True))
    case.complete("care_agreement", agreement("care"))
    case.complete("care_consent", {"care_consent_given": "no", "care_consent_notes": "Wil niet."})
    assert not [t for t in case.ready() if t.startswith("care_")]  # no informing of care providers
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    case.complete(
        "care_reactivate_insurance",
        {"care_insurance_reactivated": "reactivated", "care_reactivated_on": "2026-08-28"},
    )
    case.complete(
        "care_release_status",
        status("care", "not_arranged", "Geen toestemming voor zorgoverdracht."),
    )
    care = [t for t in case.workflow.get_tasks() if t.task_spec.bpmn_id == "care_record"][0].data
    assert care["care"]["consent_given"] == "no" and care["care_providers_informed"] is False


def test_debt_assistance_only_when_the_person_wants_it() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification())
    case.complete("debts_screening", {**screening("debts", True), "debts_wants_assistance": "no"})
    case.complete("debts_agreement", agreement("debts"))
    assert "debts_prepare_application" not in case.ready()
    with pytest.raises(
        FormValidationError
    ):  # debts without asking what the person wants is refused
        case.complete(
            "housing_screening",
            {
                **screening("housing", True),
                "housing_after_release": "not_available",
                "housing_action_needed": False,
            },
        )


def test_release_date_before_entry_is_refused() -> None:
    with pytest.raises(WorkflowException):
        Case(entry_data(expected_release_date="2026-05-01"))
    case = Case(entry_data(expected_release_date=None))
    with pytest.raises(WorkflowException):
        case.message("ontslagdatum_gewijzigd", {"expected_release_date": "2026-04-30"})


def test_the_release_loop_is_bounded() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    for i in range(50):
        case.message(
            "ontslagdatum_gewijzigd", {"expected_release_date": f"2026-08-{1 + i % 28:02d}"}
        )
    assert "manual_release" in case.ready()
    assert not case.waits_for("ontslagdatum_gewijzigd")
    case.complete(
        "manual_release",
        {
            "manual_release_date": "2026-09-15",
            "manual_release_immediate": False,
            "manual_release_reason": "Vastgesteld door de directeur.",
        },
    )
    assert "release_notice" in case.ready()


def test_messages_after_the_release_are_not_waited_for() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.message("directe_invrijheidstelling", {})
    assert not case.waits_for("ontslagdatum_gewijzigd") and not case.waits_for(
        "directe_invrijheidstelling"
    )


def test_unknown_release_date_with_new_municipality_and_immediate_release() -> None:
    case = Case(entry_data(expected_release_date=None))
    case.complete("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    case.complete(
        "settlement_decision",
        {
            "settlement_decision_outcome": "accepted",
            "settlement_decision_reason": "Familie in Rotterdam.",
            "settlement_decided_on": "2026-05-06",
        },
    )
    assert "wait_known" not in case.timers()  # still waiting for a release date
    case.message("directe_invrijheidstelling", {"release_date": "2026-05-15"})
    case.complete("release_notice", {**NOTICE, "notice_release_date": "2026-05-15"})
    assert case.organisation("takeover_open_work", "municipality_code") == "GM0599"
