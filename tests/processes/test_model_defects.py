"""The model defects found when the models were checked rule by rule (issue 13), each as a
scenario that failed on the earlier models (tests/processes/harness.py, in memory).

Dates: entry on Monday 4 May 2026; 5 May is a holiday, so 5 working days after entry end on
Tuesday 12 May and 10 working days on Wednesday 20 May. Sections refer to
seed/samenwerkingsmodel-nazorg.txt; docs/processes.md traces each fix.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.processes.harness import (
    PROVISIONS,
    Case,
    entry_data,
    entry_notification,
    form_schema,
)

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
        "entry_notification", entry_notification(entry_situation_debts=debts_option("geen schulden"))
    )
    assert case.data["monitor_entry"]["debts"] == "not_needed"
