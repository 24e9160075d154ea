"""The model defects found when the models were checked rule by rule (issue 13), each as a
scenario that failed on the earlier models (tests/processes/harness.py, in memory).

Dates: entry on Monday 4 May 2026; 5 May is a holiday, so 5 working days after entry end on
Tuesday 12 May and 10 working days on Wednesday 20 May. Sections refer to
seed/samenwerkingsmodel-nazorg.txt; docs/processes.md traces each fix.
"""

from __future__ import annotations

from datetime import UTC, datetime

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
from tests.processes.test_paths_inmemory import NOTICE, detention_work

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
