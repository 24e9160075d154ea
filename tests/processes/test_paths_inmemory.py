"""Every path of the Samenwerkingsmodel Nazorg models, run in memory (tests/processes/harness.py).

Dates: entry on Monday 4 May 2026 (5 May is a holiday every year, Ascension Day is 14 May and Whit
Monday 25 May 2026), so 2 working days after entry end on Thursday 7 May and 10 working days on
Wednesday 20 May. Section references are to seed/samenwerkingsmodel-nazorg.txt.
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

MAY_7_END = datetime(2026, 5, 7, 22, 0, tzinfo=UTC)  # end of the 2nd working day after entry
MAY_20_END = datetime(2026, 5, 20, 22, 0, tzinfo=UTC)  # end of the 10th working day after entry


def suspend_insurance(case: Case) -> None:
    case.complete(
        "care_suspend_insurance",
        {
            "care_insured": "yes",
            "care_insurance_suspended": True,
            "care_insurer": "Zilveren Kruis",
            "care_insurance_suspended_on": "2026-05-05",
        },
    )


def municipal_information(case: Case) -> None:
    case.complete(
        "municipal_information",
        {"municipal_contact_person": "A. Jansen", "municipal_exchanged_on": "2026-05-12"},
    )


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
    case.complete(
        "identity_document_apply",
        {
            "identity_document_requested_type": "id_card",
            "identity_document_photo_taken": True,
            "identity_document_applied_on": "2026-05-20",
        },
    )
    case.complete("identity_document_issue", {"identity_document_issue_result": "issued"})
    case.complete(
        "housing_register",
        {"housing_registered_as_seeker": True, "housing_registered_on": "2026-05-21"},
    )
    case.complete("housing_arrange", {"housing_arranged_type": "shelter"})
    case.complete(
        "work_income_activation",
        {
            "work_income_registered_with": "uwv",
            "uwv_office_code": "UWV-RDM",
            "work_income_placement_track_started": False,
        },
    )
    case.complete("work_income_uwv_assessment", {"work_income_uwv_outcome": "benefit_application"})
    case.complete("work_income_income_ready", {"work_income_income_arranged": "advance_ready"})
    case.complete(
        "debts_prepare_application",
        {"debts_financially_self_reliant": "partly", "debts_application_prepared_on": "2026-06-01"},
    )
    case.complete("debts_intake", {"debts_intake_outcome": "intake_scheduled"})
    case.complete(
        "care_consent",
        {
            "care_consent_given": "yes",
            "care_consent_date": "2026-05-25",
            "care_consent_scope": "Verslavingszorg Noord",
            "care_consent_document_reference": "DOS-123",
        },
    )
    case.complete(
        "care_inform_providers", {"care_providers_informed": True, "care_continuation": "continued"}
    )
    case.complete(
        "care_arrange_aftercare",
        {"care_aftercare": "arranged", "care_institution": "Verslavingszorg Noord"},
    )


NOTICE = {
    "notice_release_date": "2026-08-28",
    "notice_release_type": "end_of_sentence",
    "notice_probation_supervision": False,
    "notice_registered_at_prison_municipality": False,
}


def release_day(
    case: Case, statuses: dict[str, str] | None = None, notice: dict | None = None
) -> None:
    case.complete("release_notice", notice or NOTICE)
    case.complete(
        "care_reactivate_insurance",
        {"care_insurance_reactivated": "reactivated", "care_reactivated_on": "2026-08-28"},
    )
    for p in PROVISIONS:
        if f"{p}_release_status" in case.ready():
            case.complete(f"{p}_release_status", status(p, (statuses or {}).get(p, "arranged")))


def six_months(case: Case, value: str = "arranged") -> None:
    case.complete(
        "monitor_six_months",
        {**{f"monitor6_{p}": value for p in PROVISIONS}, "monitor6_reached": True},
    )


# ---------------------------------------------------------------------------------------------


def test_short_stay_runs_from_entry_to_six_months_after_release() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    assert case.data["stay_class"] == "short"
    assert case.ready() == ["entry_notification"]
    assert (
        case.due("entry_notification") == MAY_7_END
    )  # F, Informatie-uitwisseling 3: 2 working days
    assert case.organisation("entry_notification", "prison_code") == "PI-ZWL"

    case.complete("entry_notification", entry_notification())
    assert case.ready() == [
        "care_screening",
        "care_suspend_insurance",
        "debts_screening",
        "housing_screening",
        "identity_document_screening",
        "municipal_information",
        "work_income_screening",
    ]
    for task in ("identity_document_screening", "municipal_information"):
        assert case.due(task) == MAY_20_END  # 10 working days
    assert case.organisation("municipal_information", "municipality_code") == "GM0363"
    # the release-day timer waits (start of 28 August in Amsterdam)
    assert case.timers()["wait_known"] == datetime(2026, 8, 27, 22, 0, tzinfo=UTC)

    detention_work(case)
    assert case.ready() == []
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    assert case.ready() == [
        "care_reactivate_insurance",
        "debts_release_status",
        "housing_release_status",
        "identity_document_release_status",
        "release_notice",
        "work_income_release_status",
    ]
    assert case.due("release_notice") == datetime(2026, 8, 28, 22, 0, tzinfo=UTC)
    release_day(case, {"debts": "in_progress"})
    assert case.ready() == []
    data = case.data
    assert data["monitor_entry"] == {p: "not_arranged" for p in PROVISIONS}
    assert data["monitor_release"] == {
        **{p: "arranged" for p in PROVISIONS},
        "debts": "in_progress",
    }
    assert data["housing"]["status"] == "arranged" and data["housing"]["action_needed"] is True
    assert data["care"]["insurance_reactivated"] == "reactivated"
    assert data["care"]["insurance_suspended"] is True
    assert data["release_date"] == "2026-08-28"
    assert data["municipality_code"] == "GM0363"

    case.set_time(datetime(2027, 2, 27, 23, 0, 1, tzinfo=UTC))  # six months after release
    assert case.ready() == ["monitor_six_months"]
    assert case.organisation("monitor_six_months", "municipality_code") == "GM0363"
    six_months(case)
    assert case.done
    assert case.data["monitor_6m"] == {p: "arranged" for p in PROVISIONS}


def test_person_without_any_problem_needs_no_provision_work() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification(situation="not_needed"))
    suspend_insurance(case)
    for p in PROVISIONS:
        case.complete(f"{p}_screening", screening(p, needed=False))
    municipal_information(case)
    assert case.ready() == []  # no agreements, no actions; care waits for the release (insurance)
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    assert case.ready() == ["care_reactivate_insurance", "release_notice"]
    release_day(case)
    assert case.data["monitor_release"] == {p: "not_needed" for p in PROVISIONS}
    assert case.data["identity_document"]["screened"] is True


def test_very_short_stay_only_informs_each_other() -> None:
    case = Case(entry_data(expected_release_date="2026-05-12"))
    assert case.data["stay_class"] == "very_short"
    case.complete("entry_notification", entry_notification())
    assert case.ready() == ["very_short_alignment"]
    assert case.organisation("very_short_alignment", "municipality_code") == "GM0363"
    case.complete(
        "very_short_alignment",
        {"very_short_urgent": True, "very_short_urgent_matters": "Geen onderdak na ontslag."},
    )
    case.set_time(datetime(2026, 5, 11, 22, 0, 1, tzinfo=UTC))
    assert case.ready() == ["release_notice"]
    statuses = {f"notice_status_{p}": "not_arranged" for p in PROVISIONS}
    with pytest.raises(
        FormValidationError
    ):  # a very short stay must record the situation per provision
        case.complete(
            "release_notice",
            {**NOTICE, "notice_release_date": "2026-05-12", "stay_class": "very_short"},
        )
    case.complete(
        "release_notice",
        {
            **NOTICE,
            "notice_release_date": "2026-05-12",
            "stay_class": "very_short",
            **statuses,
            "notice_status_identity_document": "arranged",
        },
    )
    assert case.data["monitor_release"] == {
        **{p: "not_arranged" for p in PROVISIONS},
        "identity_document": "arranged",
    }
    case.set_time(datetime(2026, 11, 11, 23, 0, 1, tzinfo=UTC))
    assert case.ready() == ["monitor_six_months"]


def test_long_stay_track_placement_and_handover() -> None:
    case = Case(entry_data(expected_release_date="2027-03-01", probation_office_code=None))
    assert (
        case.data["stay_class"],
        case.data["track_long_stay"],
        case.data["handover_8_weeks"],
    ) == ("long", True, True)
    detention_work(case)
    assert case.ready() == ["request_risc"]
    case.complete(
        "request_risc", {"probation_office_code": "RN-ZWL", "risc_requested_on": "2026-05-15"}
    )
    assert case.ready() == ["risc_assessment"]
    assert case.organisation("risc_assessment", "probation_office_code") == "RN-ZWL"
    case.complete(
        "risc_assessment",
        {
            "risc_completed_on": "2026-06-01",
            "risc_recidivism_risk": "medium",
            "risc_advice": "Cognitieve vaardigheidstraining.",
        },
    )
    case.complete(
        "dr_plan",
        {
            "dr_plan_established_on": "2026-06-10",
            "dr_plan_municipality_consulted": True,
            "dr_plan_summary": "Plan met huisvesting en werk.",
        },
    )
    # E, Algemeen 2: placed in the district for the last four months (from 1 November 2026); the
    # check starts six weeks before (20 September) and is due when those months begin
    assert case.timers()["wait_known"] == datetime(2026, 9, 19, 22, 0, tzinfo=UTC)
    case.set_time(datetime(2026, 9, 19, 22, 0, 1, tzinfo=UTC))
    assert case.ready() == ["placement_check"]
    assert case.due("placement_check") == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    case.complete("placement_check", {"placement_status": "in_district"})
    # F, Informatie-uitwisseling 3: handover eight weeks before release (4 January 2027)
    assert case.timers()["wait_known"] == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
    case.set_time(datetime(2027, 1, 3, 23, 0, 1, tzinfo=UTC))
    assert case.ready() == ["handover_information"]
    assert case.due("handover_information") == datetime(
        2027, 1, 6, 23, 0, tzinfo=UTC
    )  # 2 working days
    case.complete(
        "handover_information",
        {
            **{f"handover_status_{p}": "in_progress" for p in PROVISIONS},
            "handover_summary": "Stand van zaken.",
            "handover_sent_on": "2027-01-04",
        },
    )
    assert case.timers()["wait_known"] == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)  # release day
    case.set_time(datetime(2027, 2, 28, 23, 0, 1, tzinfo=UTC))
    release_day(case, notice={**NOTICE, "notice_release_date": "2027-03-01"})
    assert case.data["monitor_release"]["housing"] == "arranged"


def test_release_date_unknown_then_set_moved_earlier_and_later() -> None:
    case = Case(entry_data(expected_release_date=None))
    assert case.data["stay_class"] == "short"  # provisional until the date is known
    assert "wait_known" not in case.timers() and case.waits_for("ontslagdatum_gewijzigd")
    case.complete("entry_notification", entry_notification())
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2026-08-20", "reason": "Vonnis"}
    )
    assert case.timers()["wait_known"] == datetime(2026, 8, 19, 22, 0, tzinfo=UTC)
    case.message(
        "ontslagdatum_gewijzigd",
        {"expected_release_date": "2026-07-15", "reason": "Strafvermindering"},
    )
    assert case.timers()["wait_known"] == datetime(2026, 7, 14, 22, 0, tzinfo=UTC)
    # moved later, to a remaining sentence of more than four months: now a long stay, and the first
    # deadline is the placement check, six weeks before the last four months (E, Algemeen 2)
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2026-10-20", "reason": "Nieuwe zaak"}
    )
    assert case.timers()["wait_known"] == datetime(2026, 5, 8, 22, 0, tzinfo=UTC)
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": None, "reason": "Hoger beroep"}
    )
    assert "wait_known" not in case.timers()
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2026-06-30", "reason": "Uitspraak"}
    )
    assert case.timers()["wait_known"] == datetime(2026, 6, 29, 22, 0, tzinfo=UTC)
    detention_work(case)
    case.set_time(datetime(2026, 6, 29, 22, 0, 1, tzinfo=UTC))
    assert "release_notice" in case.ready()
    release_day(case, notice={**NOTICE, "notice_release_date": "2026-06-30"})
    history = case.data["release_date_history"]
    assert [h["expected_release_date"] for h in history] == [
        "2026-08-20",
        "2026-07-15",
        "2026-10-20",
        None,
        "2026-06-30",
    ]
    assert case.data["expected_release_date"] == "2026-06-30"


def test_a_release_date_becoming_long_starts_the_handover_at_once() -> None:
    # pre-trial detention: the date comes late; 10 weeks remain, of which less than 8 are left
    case = Case(entry_data(expected_release_date=None, detention_start_date="2025-10-01"))
    case.complete("entry_notification", entry_notification())
    case.set_time(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2026-07-20", "reason": "Vonnis"}
    )
    # detained more than six months (E, Informatie-uitwisseling 1): handover eight weeks before
    # release, which is already past, so at once ("of zo snel mogelijk"); a remaining sentence under
    # four months: no long-stay track (no placement check)
    assert case.ready().count("handover_information") == 1 and "placement_check" not in case.ready()
    handover = case.task("handover_information").data
    assert (handover["stay_class"], handover["track_long_stay"], handover["handover_8_weeks"]) == (
        "long",
        False,
        True,
    )
    assert case.timers()["wait_known"] == datetime(
        2026, 7, 19, 22, 0, tzinfo=UTC
    )  # release day next


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
