"""Scenario tests of the Samenwerkingsmodel Nazorg through the engine facade, on the paths that do
not depend on the release branch's event-based gateway: the clock moves, tasks are offered to the
right organisation with the right deadline, timers fire and escalate, forms protect the data.

Entry on Monday 4 May 2026, 09:00 in Amsterdam (the `clock` fixture of tests/conftest.py); 5 May
is a holiday, so 2 working days end on Thursday 7 May and 10 working days on Wednesday 20 May.
Section references are to seed/samenwerkingsmodel-nazorg.txt.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine import (
    Engine,
    FormValidationError,
    ManualClock,
)
from tests.processes.facade_case import Case, suspend_insurance
from tests.processes.harness import (
    PROVISIONS,
    agreement,
    entry_notification,
    escalation,
    screening,
)
from tests.processes.nazorg_steps import MAY_7_END, MAY_20_END


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
