"""The model defects found when the models were checked rule by rule (issue 13), each as a
scenario that failed on the earlier models (tests/processes/harness.py, in memory).

Dates: entry on Monday 4 May 2026; 5 May is a holiday, so 5 working days after entry end on
Tuesday 12 May and 10 working days on Wednesday 20 May. Sections refer to
seed/samenwerkingsmodel-nazorg.txt; docs/processes.md traces each fix.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import FormValidationError
from tests.processes.harness import (
    FORMS,
    PROVISIONS,
    Case,
    agreement,
    entry_data,
    entry_notification,
    form_schema,
    screening,
)
from tests.processes.nazorg_steps import NOTICE, detention_work, release_day

MAY_12_END = datetime(2026, 5, 12, 22, 0, tzinfo=UTC)  # end of the 5th working day after entry
MAY_21 = datetime(2026, 5, 21, 7, 0, tzinfo=UTC)


def test_an_undecided_request_to_settle_elsewhere_does_not_freeze_the_screening() -> None:
    """C, 5 and 6: the receiving municipality decides; F, Informatie-uitwisseling 3: screening
    within 10 working days. An open decision may not hold the screening past its deadline."""
    case = Case(entry_data())
    case.complete("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    assert case.ready() == ["settlement_decision"]
    assert case.due("settlement_decision") == MAY_12_END
    case.set_time(MAY_21)
    screenings = [f"{p}_screening" for p in PROVISIONS if p != "care"]  # care: see below
    assert set(screenings) <= set(case.ready())
    assert "settlement_decision" not in case.ready()
    # the municipality of origin stays responsible (C, 5); the requested one's team lead is told
    assert case.organisation("municipal_information", "municipality_code") == "GM0363"
    assert case.organisation("settlement_decision_escalation", "municipality_code") == "GM0599"
    # the 10-working-day deadlines of the screening run and escalate
    assert "housing_screening_escalation" in case.ready()


def test_care_screening_does_not_wait_for_the_insurance_suspension() -> None:
    """F, Zorg 2: insurance suspended at the start of detention; F, Informatie-uitwisseling 3:
    screening within 10 working days, escalated when missed."""
    case = Case(entry_data())
    case.complete("entry_notification", entry_notification())
    assert {"care_suspend_insurance", "care_screening"} <= set(case.ready())
    assert case.due("care_suspend_insurance") == datetime(2026, 5, 7, 22, 0, tzinfo=UTC)
    case.set_time(MAY_21)
    assert "care_screening_escalation" in case.ready()


def debts_option(title_part: str) -> str:
    field = form_schema("entry_notification.schema.json")["properties"]["entry_situation_debts"]
    found = [o["const"] for o in field["oneOf"] if title_part.lower() in o["title"].lower()]
    assert len(found) == 1, [o["title"] for o in field["oneOf"]]
    return found[0]


def test_the_debt_situation_at_entry_reads_the_way_it_is_stored() -> None:
    """G, Monitoring: the entry measurement counts a provision as arranged. For debts the choice
    a coordinator reads as "debts present, nothing arranged" must be stored as not arranged."""
    field = form_schema("entry_notification.schema.json")["properties"]["entry_situation_debts"]
    titles = {o["const"]: o["title"] for o in field["oneOf"]}
    assert "aanwezig" not in titles["arranged"].lower()
    case = Case(entry_data())
    case.complete(
        "entry_notification",
        entry_notification(entry_situation_debts=debts_option("zonder regeling")),
    )
    assert case.data["monitor_entry"]["debts"] == "not_arranged"
    case = Case(entry_data())
    case.complete(
        "entry_notification",
        entry_notification(entry_situation_debts=debts_option("geen schulden")),
    )
    assert case.data["monitor_entry"]["debts"] == "not_needed"


ACTIONS_DURING_DETENTION = (
    "identity_document_issue",
    "housing_arrange",
    "work_income_income_ready",
    "care_arrange_aftercare",
)


def test_actions_during_detention_are_due_before_the_release() -> None:
    """E and F per provision: identity document, housing, income and care arranged at release.
    Due at the end of the second working day before the release (28 August 2026), so an overdue
    action is seen while a working day is left; the release itself ends the task."""
    case = Case(entry_data(expected_release_date="2026-08-28"))
    dues = {}
    complete = case.complete

    def complete_noting_due(bpmn_id: str, data: dict) -> None:
        if bpmn_id in ACTIONS_DURING_DETENTION:
            dues[bpmn_id] = case.due(bpmn_id)
        complete(bpmn_id, data)

    case.complete = complete_noting_due  # type: ignore[method-assign]
    detention_work(case)
    assert dues == {a: datetime(2026, 8, 26, 22, 0, tzinfo=UTC) for a in ACTIONS_DURING_DETENTION}


def test_very_short_alignment_is_due_before_the_release() -> None:
    """C, 2; E, Informatie-uitwisseling 1: release on 12 May; 5 May is a holiday."""
    case = Case(entry_data(expected_release_date="2026-05-12"))
    case.complete("entry_notification", entry_notification())
    assert case.due("very_short_alignment") == datetime(2026, 5, 8, 22, 0, tzinfo=UTC)


def test_taking_over_open_work_is_due_two_working_days_after_an_immediate_release() -> None:
    """F, Informatie-uitwisseling 3 (immediate release: the municipality takes over)."""
    case = Case(entry_data())
    case.complete("entry_notification", entry_notification())
    case.message("directe_invrijheidstelling", {"release_date": "2026-05-11"})
    case.complete("release_notice", {**NOTICE, "notice_release_date": "2026-05-11"})
    assert case.due("takeover_open_work") == datetime(2026, 5, 13, 22, 0, tzinfo=UTC)


def test_a_long_release_date_known_after_entry_starts_the_long_stay_track() -> None:
    """F, Algemeen 2 and A (fn 5): a long stay (remaining sentence at least four months) gets RISc
    and a D&R-plan with probation. A pre-trial detainee's date comes with the judgment, later."""
    case = Case(entry_data(expected_release_date=None))
    detention_work(case)
    assert "request_risc" not in case.ready()
    case.set_time(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2027-03-01", "reason": "Vonnis"}
    )
    assert case.ready() == ["request_risc"]
    case.complete(
        "request_risc", {"probation_office_code": "RN-ZWL", "risc_requested_on": "2026-06-02"}
    )
    assert case.ready() == ["risc_assessment"]


def test_a_short_stay_without_a_long_date_ends_without_the_long_stay_track() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    assert case.ready() == []
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    assert "request_risc" not in case.ready() and "release_notice" in case.ready()


def test_a_short_time_left_after_a_long_detention_is_not_a_very_short_stay() -> None:
    """C, 2 and F, Algemeen 3: "zeer kort verblijf" is a detention shorter than two weeks; E,
    Informatie-uitwisseling 1: detained more than six months gets the handover. Someone detained
    for eight months who enters this prison with ten days left is not very short."""
    case = Case(entry_data(detention_start_date="2025-09-14", expected_release_date="2026-05-14"))
    assert (case.data["stay_class"], case.data["handover_8_weeks"]) == ("long", True)
    case.complete("entry_notification", entry_notification())
    assert "very_short_alignment" not in case.ready()
    assert "handover_information" in case.ready()


def test_the_placement_check_is_done_before_the_last_four_months_begin() -> None:
    """E, Algemeen 2: a long-stay detainee is placed in or next to the district of settlement for
    (at least) the last four months; release 1 March 2027, so placed by 1 November 2026. The check
    starts six weeks before (20 September) and is due when the four months begin."""
    case = Case(entry_data(expected_release_date="2027-03-01"))
    assert case.timers()["wait_known"] == datetime(2026, 9, 19, 22, 0, tzinfo=UTC)
    case.set_time(datetime(2026, 9, 19, 22, 0, 1, tzinfo=UTC))
    assert "placement_check" in case.ready()
    assert case.due("placement_check") == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)


def test_form_titles_read_as_dutch() -> None:
    """Generated titles read "Status de huisvesting bij ontslag"; a coordinator reads them."""
    wrong = ("Status de ", "Status het ", "acties de ", "acties het ", "Screening de ")
    for path in sorted(FORMS.glob("*.json")):
        text = path.read_text("utf-8")
        assert not [w for w in wrong if w in text], path.name


def test_the_identity_document_is_due_before_the_first_leave() -> None:
    """F, Identiteitsbewijs 4 and the joint aim: a valid identity document when the person leaves
    the prison, also temporarily (leave). First leave on 15 June, release on 28 August."""
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification())
    case.complete(
        "identity_document_screening",
        {
            **screening("identity_document", True),
            "identity_document_first_leave_on": "2026-06-15",
        },
    )
    case.complete("identity_document_agreement", agreement("identity_document"))
    case.complete(
        "identity_document_apply",
        {
            "identity_document_requested_type": "id_card",
            "identity_document_photo_taken": True,
            "identity_document_applied_on": "2026-05-20",
        },
    )
    assert case.due("identity_document_issue") == datetime(2026, 6, 14, 22, 0, tzinfo=UTC)


VI_ANNOUNCED = {
    "expected_release_date": "2026-08-28",
    "reason": "VI-datum",
    "conditional_release": True,
    "special_conditions": "Meldplicht",
}
VI_NOTICE = {
    **NOTICE,
    "notice_release_type": "conditional_release",
    "notice_probation_supervision": True,
    "notice_special_conditions": "Meldplicht; contactverbod",
    "probation_office_code": "RN-ZWL",
}
PREPARED = {
    "supervision_dr_plan": "drawn_up",
    "supervision_care_need": True,
    "supervision_care_referral": "Aanmelding bij de verslavingszorg als bijzondere voorwaarde.",
    "supervision_municipality_contacted": True,
}


def test_a_conditional_release_is_passed_on_before_the_release() -> None:
    """F, Informatie-uitwisseling 3: a conditional track under probation's supervision is reported
    to the municipality and, at a conditional release, the (special) conditions; C, 3: probation
    aligns early with the municipality. Announced on 1 June, so passed on then, not on 28 August."""
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.set_time(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    case.message("ontslagdatum_gewijzigd", VI_ANNOUNCED)
    assert case.ready() == ["conditional_release_notice"]
    assert case.due("conditional_release_notice") == datetime(2026, 6, 3, 22, 0, tzinfo=UTC)
    notice = case.task("conditional_release_notice")
    assert notice.data["supervision_special_conditions"] == "Meldplicht"  # the form is prefilled
    case.complete(
        "conditional_release_notice",
        {
            "supervision_by_probation": True,
            "supervision_special_conditions": "Meldplicht; contactverbod",
            "probation_office_code": "RN-ZWL",
            "supervision_passed_on_on": "2026-06-02",
        },
    )
    assert case.ready() == ["conditional_municipality", "conditional_probation"]
    assert case.organisation("conditional_municipality", "municipality_code") == "GM0363"
    assert case.organisation("conditional_probation", "probation_office_code") == "RN-ZWL"
    case.complete("conditional_probation", PREPARED)
    case.complete(
        "conditional_municipality",
        {
            "supervision_municipality_alignment": "Woning en uitkering met de reclassering.",
            "supervision_municipality_aligned_on": "2026-06-10",
        },
    )
    # the release notice repeats the conditions; the municipality is not asked a second time
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    release_day(case, notice=VI_NOTICE)
    assert not {"supervision_municipality", "supervision_probation"} & set(case.ready())
    assert "monitor_release" in case.data


def test_a_conditional_release_without_supervision_informs_only_the_municipality() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.message("ontslagdatum_gewijzigd", {**VI_ANNOUNCED, "special_conditions": ""})
    case.complete(
        "conditional_release_notice",
        {
            "supervision_by_probation": False,
            "supervision_special_conditions": "Algemene voorwaarde: geen nieuw strafbaar feit.",
            "supervision_passed_on_on": "2026-05-06",
        },
    )
    assert case.ready() == []
    # a second announcement (the date moves) does not pass the same conditions on again
    case.message("ontslagdatum_gewijzigd", {**VI_ANNOUNCED, "expected_release_date": "2026-09-01"})
    assert case.ready() == []


def test_probation_supervising_draws_up_the_plan_and_leads_care() -> None:
    """F, Informatie-uitwisseling 4: under supervision after detention probation, as case manager,
    draws up the D&R-plan, and a care need is referred under the supervision (probation's)."""
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.message("ontslagdatum_gewijzigd", VI_ANNOUNCED)
    with pytest.raises(FormValidationError) as caught:  # supervision without a probation office
        case.complete(
            "conditional_release_notice",
            {
                "supervision_by_probation": True,
                "supervision_special_conditions": "Meldplicht",
                "supervision_passed_on_on": "2026-05-06",
            },
        )
    assert "probation_office_code" in caught.value.errors
    case.complete(
        "conditional_release_notice",
        {
            "supervision_by_probation": True,
            "supervision_special_conditions": "Meldplicht",
            "probation_office_code": "RN-ZWL",
            "supervision_passed_on_on": "2026-05-06",
        },
    )
    for missing in ("supervision_dr_plan", "supervision_care_referral"):
        with pytest.raises(FormValidationError) as caught:
            case.complete(
                "conditional_probation", {k: v for k, v in PREPARED.items() if k != missing}
            )
        assert missing in caught.value.errors
    # after an immediate conditional release the same is asked when supervision starts
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.message(
        "directe_invrijheidstelling", {"release_date": "2026-05-11", "conditional_release": True}
    )
    case.complete("release_notice", {**VI_NOTICE, "notice_release_date": "2026-05-11"})
    case.complete(
        "takeover_open_work",
        {"takeover_open_items": "Huisvesting loopt.", "takeover_contact_made": False},
    )
    supervision = {
        "supervision_started_on": "2026-05-11",
        "supervision_conditions_confirmed": "Meldplicht",
        **PREPARED,
    }
    with pytest.raises(FormValidationError) as caught:
        case.complete("supervision_probation", {**supervision, "supervision_care_referral": ""})
    assert "supervision_care_referral" in caught.value.errors
    case.complete("supervision_probation", supervision)
    assert case.data["supervision_care_referral"].startswith("Aanmelding")


def test_the_municipality_of_origin_lets_the_person_register_again_after_release() -> None:
    """C, 5: registered during detention in the municipality of the prison (e.g. for an identity
    document), the person can register again after the release: the municipality of origin sees
    to it, also when he settles elsewhere (here GM0599 accepted him)."""
    case = Case(entry_data(expected_release_date="2026-08-28"))
    case.complete("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    case.complete(
        "settlement_decision",
        {
            "settlement_decision_outcome": "accepted",
            "settlement_decision_reason": "Werk en familie in de gewenste gemeente.",
            "settlement_decided_on": "2026-05-06",
        },
    )
    detention_work(case)
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    release_day(case, notice={**NOTICE, "notice_registered_at_prison_municipality": True})
    assert case.ready() == ["brp_reregistration"]
    assert case.organisation("brp_reregistration", "municipality_code") == "GM0363"
    assert case.due("brp_reregistration") == datetime(2026, 9, 4, 22, 0, tzinfo=UTC)
    case.complete(
        "brp_reregistration",
        {"reregistration_status": "registered", "reregistration_means_arranged": True},
    )
    assert case.data["municipality_code"] == "GM0599"  # the municipality of return goes on
    case.set_time(datetime(2027, 2, 28, 8, 0, tzinfo=UTC))
    assert case.organisation("monitor_six_months", "municipality_code") == "GM0599"


def test_no_new_registration_when_the_person_stayed_registered_in_the_origin() -> None:
    case = Case(entry_data(expected_release_date="2026-08-28"))
    detention_work(case)
    case.set_time(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    release_day(case)
    assert case.ready() == []
