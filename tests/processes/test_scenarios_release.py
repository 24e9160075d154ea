"""Scenario tests of the Samenwerkingsmodel Nazorg through the engine facade, on the paths through
the release branch (event-based gateway: messages and the milestone timer): messages move the
release date, and the monitor measurements land in the case data.

Dates as in test_scenarios_detention.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import (
    Engine,
    FieldError,
    FormValidationError,
    ManualClock,
    MessageNotDeliverableError,
)
from tests.processes.facade_case import Case, actions, release, screen_all
from tests.processes.harness import (
    PROVISIONS,
    entry_notification,
    screening,
)
from tests.processes.nazorg_steps import MAY_7_END, NOTICE


def test_short_stay_from_entry_to_six_months_after_release(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock, expected_release_date="2026-08-28")
    assert case.timers()["wait_known"] == datetime(2026, 8, 27, 22, 0, tzinfo=UTC)
    case.do("entry_notification", entry_notification())
    screen_all(case, True)
    actions(case)
    case.at(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    notice = case.task("release_notice")
    assert (notice.organisation, notice.due_at) == (
        "PI-ZWL",
        datetime(2026, 8, 28, 22, 0, tzinfo=UTC),
    )
    release(case, statuses={"debts": "in_progress"})
    data = case.data
    assert data["monitor_release"] == {
        **{p: "arranged" for p in PROVISIONS},
        "debts": "in_progress",
    }
    case.at(datetime(2027, 2, 27, 23, 0, 1, tzinfo=UTC))
    monitor = case.task("monitor_six_months")
    assert (monitor.organisation, monitor.due_at) == (
        "GM0363",
        datetime(2027, 3, 12, 23, 0, tzinfo=UTC),
    )
    case.do(
        "monitor_six_months",
        {**{f"monitor6_{p}": "arranged" for p in PROVISIONS}, "monitor6_reached": True},
    )
    assert case.status == "completed"
    assert case.data["monitor_6m"] == {p: "arranged" for p in PROVISIONS}


def test_person_without_any_problem(engine: Engine, clock: ManualClock) -> None:
    case = Case(engine, clock, expected_release_date="2026-08-28")
    case.do("entry_notification", entry_notification(situation="not_needed"))
    screen_all(case, False)
    assert case.ready() == []
    case.at(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    assert case.ready() == ["care_reactivate_insurance", "release_notice"]
    release(case)
    assert case.data["monitor_release"] == {p: "not_needed" for p in PROVISIONS}


def test_very_short_stay(engine: Engine, clock: ManualClock) -> None:
    case = Case(engine, clock, expected_release_date="2026-05-12")
    case.do("entry_notification", entry_notification())
    assert case.task("very_short_alignment").organisation == "GM0363"
    case.do("very_short_alignment", {"very_short_urgent": False})
    case.at(datetime(2026, 5, 11, 22, 0, 1, tzinfo=UTC))
    case.do(
        "release_notice",
        {
            **NOTICE,
            "notice_release_date": "2026-05-12",
            "stay_class": "very_short",
            **{f"notice_status_{p}": "not_arranged" for p in PROVISIONS},
        },
    )
    assert case.data["monitor_release"] == {p: "not_arranged" for p in PROVISIONS}


def test_long_stay_risc_placement_handover_and_missed_handover(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock, expected_release_date="2027-03-01")
    case.do("entry_notification", entry_notification())
    case.do("request_risc", {"probation_office_code": "RN-ZWL", "risc_requested_on": "2026-05-15"})
    risc = case.task("risc_assessment")
    assert (risc.party, risc.organisation, risc.role) == (
        "probation",
        "RN-ZWL",
        "probation_officer",
    )
    case.at(datetime(2026, 9, 19, 22, 0, 1, tzinfo=UTC))  # six weeks before the last four months
    assert case.task("placement_check").due_at == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
    case.at(datetime(2027, 1, 3, 23, 0, 1, tzinfo=UTC))
    assert case.task("handover_information").due_at == datetime(2027, 1, 6, 23, 0, tzinfo=UTC)
    case.at(datetime(2027, 1, 6, 23, 0, 1, tzinfo=UTC))
    assert case.task("handover_information_escalation").role == "team_lead"


def test_release_date_set_late_then_moved_earlier_and_later(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock, expected_release_date=None)
    assert "wait_known" not in case.timers()
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2026-08-20", "reason": "Vonnis"}
    )
    assert case.timers()["wait_known"] == datetime(2026, 8, 19, 22, 0, tzinfo=UTC)
    case.message(
        "ontslagdatum_gewijzigd",
        {"expected_release_date": "2026-07-15", "reason": "Strafvermindering"},
    )
    assert case.timers()["wait_known"] == datetime(2026, 7, 14, 22, 0, tzinfo=UTC)
    case.message(
        "ontslagdatum_gewijzigd", {"expected_release_date": "2026-07-31", "reason": "Nieuwe zaak"}
    )
    assert case.timers()["wait_known"] == datetime(2026, 7, 30, 22, 0, tzinfo=UTC)
    case.at(
        datetime(2026, 7, 14, 22, 0, 1, tzinfo=UTC)
    )  # the replaced release timer no longer fires
    assert "release_notice" not in case.ready()
    assert case.timers()["wait_known"] == datetime(2026, 7, 30, 22, 0, tzinfo=UTC)
    case.at(datetime(2026, 7, 30, 22, 0, 1, tzinfo=UTC))
    assert "release_notice" in case.ready()


def test_immediate_release_during_screening(engine: Engine, clock: ManualClock) -> None:
    case = Case(engine, clock, expected_release_date="2026-08-28")
    case.do("entry_notification", entry_notification())
    case.do("housing_screening", screening("housing", True))
    case.message(
        "directe_invrijheidstelling", {"release_date": "2026-05-08", "reason": "Schorsing"}
    )
    ready = case.ready()
    assert "housing_agreement" not in ready and "identity_document_screening" not in ready
    takeover = case.task("housing_takeover")
    assert (takeover.party, takeover.organisation) == ("municipality", "GM0363")
    case.do(
        "release_notice",
        {**NOTICE, "notice_release_date": "2026-05-08", "notice_release_type": "pretrial_ended"},
    )
    assert case.task("takeover_open_work").organisation == "GM0363"
    with pytest.raises(MessageNotDeliverableError):
        case.message("ontslagdatum_gewijzigd", {"expected_release_date": "2026-09-01"})


def test_conditional_release_informs_municipality_and_probation(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock, expected_release_date="2026-08-28")
    case.do("entry_notification", entry_notification())
    screen_all(case, False)
    case.at(datetime(2026, 8, 27, 22, 0, 1, tzinfo=UTC))
    release(
        case,
        notice={
            **NOTICE,
            "notice_release_type": "conditional_release",
            "notice_probation_supervision": True,
            "notice_special_conditions": "Meldplicht",
            "probation_office_code": "RN-ZWL",
        },
    )
    assert case.task("supervision_probation").organisation == "RN-ZWL"
    assert case.task("supervision_municipality").organisation == "GM0363"


def test_an_announced_conditional_release_is_passed_on_before_the_release(
    engine: Engine, clock: ManualClock
) -> None:
    """F, Informatie-uitwisseling 3 and 4; C, 3: the prison passes the conditions on when the
    conditional release is announced; municipality and probation align before the release."""
    case = Case(engine, clock, expected_release_date="2026-08-28")
    case.do("entry_notification", entry_notification())
    screen_all(case, False)
    clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    case.message(
        "ontslagdatum_gewijzigd",
        {
            "expected_release_date": "2026-08-28",
            "reason": "VI-datum",
            "conditional_release": True,
            "special_conditions": "Meldplicht",
        },
    )
    notice = case.task("conditional_release_notice")
    assert (notice.party, notice.organisation) == ("prison", "PI-ZWL")
    assert notice.due_at == datetime(2026, 6, 3, 22, 0, tzinfo=UTC)
    case.do(
        "conditional_release_notice",
        {
            "supervision_by_probation": True,
            "supervision_special_conditions": "Meldplicht; contactverbod",
            "probation_office_code": "RN-ZWL",
            "supervision_passed_on_on": "2026-06-02",
        },
    )
    assert case.task("conditional_municipality").organisation == "GM0363"
    probation = case.task("conditional_probation")
    assert (probation.party, probation.organisation) == ("probation", "RN-ZWL")


def test_missed_release_notice_and_six_month_monitor_are_escalated(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock, expected_release_date="2026-08-28")
    case.do("entry_notification", entry_notification())
    screen_all(case, False)
    case.at(datetime(2026, 8, 28, 22, 0, 1, tzinfo=UTC))
    assert case.task("release_notice_escalation").role == "team_lead"
    release(case)
    case.at(datetime(2027, 3, 12, 23, 0, 1, tzinfo=UTC))
    assert case.task("monitor_six_months_escalation").organisation == "GM0363"


def test_a_task_that_becomes_ready_after_its_deadline_shows_as_overdue(
    engine: Engine, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 5, 11, 7, 0, tzinfo=UTC))  # entered on 4 May, registered a week late
    case = Case(engine, clock)
    notify = case.task("entry_notification")
    assert notify.due_at == MAY_7_END  # overdue at once, not "no deadline"
    assert case.task("entry_notification_escalation").organisation == "PI-ZWL"


def test_a_date_before_entry_is_refused_at_the_field(engine: Engine, clock: ManualClock) -> None:
    case = Case(engine, clock)
    notify = case.task("entry_notification")
    engine.claim(notify.id, "mmd")
    with pytest.raises(FormValidationError) as caught:
        engine.complete(notify.id, entry_notification(entry_notified_on="2026-05-01"), "mmd")
    assert caught.value.errors == {
        "entry_notified_on": [
            FieldError(
                "after_date",
                {"field": "entry_notified_on", "other": "entry_date", "date": "2026-05-04"},
            )
        ]
    }
    assert case.task("entry_notification").id == notify.id  # nothing changed


def test_an_identity_document_said_valid_may_not_have_expired_before_entry(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    case.do("entry_notification", entry_notification())
    task = case.task("identity_document_screening")
    engine.claim(task.id, "mmd")
    valid = {**screening("identity_document", needed=False)}
    with pytest.raises(FormValidationError) as caught:
        engine.complete(task.id, {**valid, "identity_document_valid_until": "2020-03-01"}, "mmd")
    assert caught.value.errors == {
        "identity_document_valid_until": [
            FieldError(
                "after_date",
                {
                    "field": "identity_document_valid_until",
                    "other": "entry_date",
                    "date": "2026-05-04",
                },
            )
        ]
    }
    # Said to be missing: an expiry date in the past is what one expects.
    expired = {**screening("identity_document", needed=True)}
    engine.complete(task.id, {**expired, "identity_document_valid_until": "2020-03-01"}, "mmd")
    assert case.data["identity_document_valid_until"] == "2020-03-01"
