"""Scenario tests of the Samenwerkingsmodel Nazorg through the engine facade: the clock moves, tasks
are offered to the right organisation with the right deadline, timers fire and escalate, messages
move the release date, and the monitor measurements land in the case data.

Entry on Monday 4 May 2026, 09:00 in Amsterdam (the `clock` fixture of tests/conftest.py); 5 May
is a holiday, so 2 working days end on Thursday 7 May and 10 working days on Wednesday 20 May.
Section references are to seed/samenwerkingsmodel-nazorg.txt.
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
    TaskInfo,
)
from tests.processes.harness import (
    PROVISIONS,
    agreement,
    entry_data,
    entry_notification,
    escalation,
    screening,
    status,
)

MAY_7_END = datetime(2026, 5, 7, 22, 0, tzinfo=UTC)
MAY_20_END = datetime(2026, 5, 20, 22, 0, tzinfo=UTC)
NOTICE = {
    "notice_release_date": "2026-08-28",
    "notice_release_type": "end_of_sentence",
    "notice_probation_supervision": False,
    "notice_registered_at_prison_municipality": False,
}


class Case:
    """One case driven through the facade."""

    def __init__(self, engine: Engine, clock: ManualClock, key: str = "case-1", **data) -> None:
        self.engine, self.clock, self.key = engine, clock, key
        self.id = engine.start("nazorg_detentie", entry_data(**data), business_key=key).id

    def tasks(self) -> list[TaskInfo]:
        return self.engine.tasks(business_key=self.key, limit=200)

    def ready(self) -> list[str]:
        return sorted(t.bpmn_id for t in self.tasks())

    def task(self, bpmn_id: str) -> TaskInfo:
        found = [t for t in self.tasks() if t.bpmn_id == bpmn_id]
        assert len(found) == 1, f"{bpmn_id}: {self.ready()}"
        return found[0]

    def do(self, bpmn_id: str, data: dict, user: str = "medewerker") -> None:
        task = self.task(bpmn_id)
        if task.claimed_by != user:
            self.engine.claim(task.id, user)
        self.engine.complete(task.id, data, user)

    def message(self, name: str, payload: dict) -> None:
        self.engine.send_message(name, self.key, payload)

    def at(self, moment: datetime) -> int:
        self.clock.set(moment)
        return self.engine.fire_due_timers()

    def timers(self) -> dict[str, datetime]:
        return {t.bpmn_id: t.due_at for t in self.engine.timers(self.id) if t.status == "waiting"}

    @property
    def data(self) -> dict:
        return self.engine.instance(self.id).data

    @property
    def status(self) -> str:
        return self.engine.instance(self.id).status


def suspend_insurance(case: Case) -> None:
    case.do(
        "care_suspend_insurance",
        {
            "care_insured": "yes",
            "care_insurance_suspended": True,
            "care_insurer": "Zilveren Kruis",
            "care_insurance_suspended_on": "2026-05-05",
        },
    )


def screen_all(case: Case, needed: bool) -> None:
    suspend_insurance(case)
    for p in PROVISIONS:
        case.do(f"{p}_screening", screening(p, needed))
    case.do(
        "municipal_information",
        {"municipal_contact_person": "A. Jansen", "municipal_exchanged_on": "2026-05-12"},
    )


def actions(case: Case) -> None:
    for p in PROVISIONS:
        case.do(f"{p}_agreement", agreement(p), user="coordinator")
    case.do(
        "identity_document_apply",
        {
            "identity_document_requested_type": "id_card",
            "identity_document_photo_taken": True,
            "identity_document_applied_on": "2026-05-20",
        },
    )
    case.do("identity_document_issue", {"identity_document_issue_result": "issued"})
    case.do(
        "housing_register",
        {"housing_registered_as_seeker": True, "housing_registered_on": "2026-05-21"},
    )
    case.do("housing_arrange", {"housing_arranged_type": "shelter"})
    case.do(
        "work_income_activation",
        {
            "work_income_registered_with": "uwv",
            "uwv_office_code": "UWV-RDM",
            "work_income_placement_track_started": False,
        },
    )
    assert case.task("work_income_uwv_assessment").organisation == "UWV-RDM"
    case.do("work_income_uwv_assessment", {"work_income_uwv_outcome": "benefit_application"})
    case.do("work_income_income_ready", {"work_income_income_arranged": "advance_ready"})
    case.do(
        "debts_prepare_application",
        {"debts_financially_self_reliant": "partly", "debts_application_prepared_on": "2026-06-01"},
    )
    case.do("debts_intake", {"debts_intake_outcome": "intake_scheduled"})
    case.do(
        "care_consent",
        {
            "care_consent_given": "yes",
            "care_consent_date": "2026-05-25",
            "care_consent_scope": "Verslavingszorg Noord",
            "care_consent_document_reference": "DOS-123",
        },
    )
    case.do(
        "care_inform_providers", {"care_providers_informed": True, "care_continuation": "continued"}
    )
    case.do(
        "care_arrange_aftercare",
        {"care_aftercare": "arranged", "care_institution": "Verslavingszorg Noord"},
    )


def release(case: Case, notice: dict | None = None, statuses: dict | None = None) -> None:
    case.do("release_notice", notice or NOTICE)
    case.do(
        "care_reactivate_insurance",
        {"care_insurance_reactivated": "reactivated", "care_reactivated_on": "2026-08-28"},
    )
    for p in PROVISIONS:
        if f"{p}_release_status" in case.ready():
            case.do(f"{p}_release_status", status(p, (statuses or {}).get(p, "arranged")))


# ---------------------------------------------------------------------------------------------
# Paths that do not depend on the release branch's event-based gateway


def test_entry_notification_goes_to_the_prison_within_two_working_days(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    notify = case.task("entry_notification")
    assert (notify.party, notify.organisation, notify.role) == ("prison", "PI-ZWL", "caseworker")
    assert notify.due_at == MAY_7_END  # F, Informatie-uitwisseling 3
    case.do("entry_notification", entry_notification())
    assert case.ready() == [
        "care_screening",
        "care_suspend_insurance",
        "debts_screening",
        "housing_screening",
        "identity_document_screening",
        "municipal_information",
        "work_income_screening",
    ]
    info = case.task("municipal_information")
    assert (info.party, info.organisation, info.role, info.due_at) == (
        "municipality",
        "GM0363",
        "coordinator",
        MAY_20_END,
    )
    assert case.task("housing_screening").due_at == MAY_20_END
    assert case.data["monitor_entry"] == {p: "not_arranged" for p in PROVISIONS}


def test_missed_entry_notification_is_escalated_to_the_prison(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    assert case.at(datetime(2026, 5, 7, 21, 59, tzinfo=UTC)) == 0
    assert case.at(datetime(2026, 5, 7, 22, 0, 1, tzinfo=UTC)) == 1
    esc = case.task("entry_notification_escalation")
    assert (esc.party, esc.organisation, esc.role) == ("prison", "PI-ZWL", "team_lead")
    assert "entry_notification" in case.ready()  # the work goes on; it is overdue
    assert case.task("entry_notification").due_at < clock.now()
    case.do(
        "entry_notification_escalation",
        escalation("entry_notification_escalation"),
        user="teamleider",
    )
    case.do("entry_notification", entry_notification())
    assert "municipal_information" in case.ready()


def test_missed_screening_and_exchange_are_escalated_after_ten_working_days(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    case.do("entry_notification", entry_notification())
    suspend_insurance(case)
    for p in PROVISIONS:
        case.do(f"{p}_screening", screening(p, True))
    assert (
        case.at(datetime(2026, 5, 20, 22, 0, 1, tzinfo=UTC)) >= 1
    )  # one command fires all due timers
    ready = case.ready()
    assert "municipal_information_escalation" in ready
    for p in PROVISIONS:
        assert f"{p}_agreement_escalation" in ready
        esc = case.task(f"{p}_agreement_escalation")
        assert (esc.party, esc.organisation, esc.role) == ("municipality", "GM0363", "team_lead")
    with pytest.raises(FormValidationError):
        case.do(
            "housing_agreement_escalation", {"housing_agreement_escalation_measure": "contacted"}
        )


def test_settling_elsewhere_accepted_offers_the_work_to_the_new_municipality(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    case.do("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    decision = case.task("settlement_decision")
    assert (decision.party, decision.organisation) == ("municipality", "GM0599")  # C, 6
    case.do(
        "settlement_decision",
        {
            "settlement_decision_outcome": "accepted",
            "settlement_decision_reason": "Werk en familie in Rotterdam.",
            "settlement_decided_on": "2026-05-06",
        },
        user="coordinator-rdam",
    )
    assert case.task("municipal_information").organisation == "GM0599"
    case.do("housing_screening", screening("housing", True))
    assert case.task("housing_agreement").organisation == "GM0599"


def test_settling_elsewhere_refused_returns_to_the_municipality_of_origin(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    case.do("entry_notification", entry_notification(settle_elsewhere="GM0599"))
    with pytest.raises(FormValidationError):  # a reason is required
        case.do(
            "settlement_decision",
            {"settlement_decision_outcome": "refused", "settlement_decided_on": "2026-05-06"},
        )
    case.do(
        "settlement_decision",
        {
            "settlement_decision_outcome": "refused",
            "settlement_decision_reason": "Geen binding met de gemeente.",
            "settlement_decided_on": "2026-05-06",
        },
    )
    assert case.task("municipal_information").organisation == "GM0363"


def test_care_consent_refused_shares_nothing_with_care_providers(
    engine: Engine, clock: ManualClock
) -> None:
    case = Case(engine, clock)
    case.do("entry_notification", entry_notification())
    suspend_insurance(case)
    case.do("care_screening", screening("care", True))
    case.do("care_agreement", agreement("care"))
    with pytest.raises(FormValidationError):  # consent must say where the signed form is
        case.do("care_consent", {"care_consent_given": "yes", "care_consent_date": "2026-05-25"})
    case.do("care_consent", {"care_consent_given": "no"})
    assert not [t for t in case.ready() if t.startswith("care_")]


def test_form_validation_protects_the_case_data(engine: Engine, clock: ManualClock) -> None:
    case = Case(engine, clock)
    with pytest.raises(FormValidationError):  # a field the form does not declare
        case.do("entry_notification", {**entry_notification(), "municipality_code": "GM0599"})
    with pytest.raises(
        FormValidationError
    ):  # settling elsewhere needs the municipality and a reason
        case.do("entry_notification", entry_notification(entry_settle_elsewhere=True))
    with pytest.raises(FormValidationError):  # a municipality code is GM + 4 digits
        case.do("entry_notification", entry_notification(settle_elsewhere="Rotterdam"))
    assert case.ready() == ["entry_notification"]


# ---------------------------------------------------------------------------------------------
# Paths through the release branch (event-based gateway: messages and the milestone timer)


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
