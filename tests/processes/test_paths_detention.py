"""The paths of the Samenwerkingsmodel Nazorg models during detention, run in memory
(tests/processes/harness.py): short, very short and long stays and a release date that changes.

Dates: entry on Monday 4 May 2026 (5 May is a holiday every year, Ascension Day is 14 May and Whit
Monday 25 May 2026), so 2 working days after entry end on Thursday 7 May and 10 working days on
Wednesday 20 May. Section references are to seed/samenwerkingsmodel-nazorg.txt.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import FormValidationError
from tests.processes.harness import (
    PROVISIONS,
    Case,
    entry_data,
    entry_notification,
    screening,
)
from tests.processes.nazorg_steps import (
    MAY_7_END,
    MAY_20_END,
    NOTICE,
    detention_work,
    municipal_information,
    release_day,
    six_months,
    suspend_insurance,
)


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
