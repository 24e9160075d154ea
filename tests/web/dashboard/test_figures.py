"""Every dashboard figure computed from a small hand-built event log with known answers, on SQLite
and PostgreSQL: task facts, waiting, work and lead times (percentiles from the histograms), open
and overdue counts per element and organisation, deadline compliance (over 5 May and Ascension
Day) per month, prison and municipality, and the outcome monitor per provision and moment.

The log (Amsterdam times; 5 May 2026 is Liberation Day, 14 May Ascension Day):

- A (PI-ZWL, GM0363, short stay), entry Mon 4 May: entry notification ready 09:00, claimed 10:00,
  completed Thu 7 May 15:00 (2 working days: met). Then five prison screenings (completed 12 May
  11:00 without a claim) and the municipality's information (claimed 20 May 12:00, completed
  16:00): all by Wed 20 May, the 10th working day (met). Released 30 June, notice that day (met).
  After the release its municipality of return becomes GM0599.
- B (PI-ZWL, GM0599, very short), entry 4 May: notification claimed 12:00, completed Fri 8 May
  09:00 (missed). Released 15 May, notice on Mon 18 May (missed).
- C (PI-AMS, GM0363), entry Mon 11 May: the notification is still open when its deadline timer
  fires on 14 May (missed), and open now.
- D (PI-AMS, GM0599, long stay): handover started Mon 1 June, completed 2 June (met).
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests.web.dashboard.eventlog import EventLog, end_of
from web.dashboard.cube import percentile
from web.dashboard.queries import (
    Filters,
    compliance,
    element_stats,
    organisation_stats,
    outcomes,
    shares,
)
from web.dashboard.tables import BUCKETS, deadline_facts, task_facts
from web.extensions import db

PROCESS = "nazorg_detentie"
TODAY = date(2026, 7, 1)
PERIOD = Filters("2026-05", "2026-07")
SCREENINGS = [
    f"{p}_screening" for p in ("identity_document", "housing", "work_income", "debts", "care")
]
ENTRY_STATUSES = {
    "A": {
        "identity_document": "arranged",
        "housing": "not_arranged",
        "work_income": "arranged",
        "debts": "unknown",
        "care": "not_needed",
    },
    "B": {
        "identity_document": "not_arranged",
        "housing": "arranged",
        "work_income": "arranged",
        "debts": "not_needed",
        "care": "not_arranged",
    },
}
RELEASE_STATUSES = {
    "A": {
        "identity_document": "arranged",
        "housing": "arranged",
        "work_income": "not_arranged",
        "debts": "in_progress",
        "care": "not_needed",
    },
    "B": {
        "identity_document": "arranged",
        "housing": "arranged",
        "work_income": "not_arranged",
        "debts": "not_needed",
        "care": "not_arranged",
    },
}
SIX_MONTHS_A = {
    "identity_document": "arranged",
    "housing": "not_arranged",
    "work_income": "arranged",
    "debts": "arranged",
    "care": "unknown",
}


def person(prison: str, municipality: str, entry: str, **extra: object) -> dict:
    return {
        "name": "Test",
        "prison_code": prison,
        "municipality_code": municipality,
        "entry_date": entry,
        **extra,
    }


def write_log(log: EventLog) -> EventLog:
    """The log of the module docstring."""
    a = log.case("A", "2026-05-04 09:00", **person("PI-ZWL", "GM0363", "2026-05-04"))
    a.command("2026-05-04 09:00", ready={"entry_notification": ("PI-ZWL", end_of("2026-05-07"))})
    a.claim("entry_notification", "2026-05-04 10:00")
    due_screening = end_of("2026-05-20")
    a.command(
        "2026-05-07 15:00",
        complete=["entry_notification"],
        ready={
            **{s: ("PI-ZWL", due_screening) for s in SCREENINGS},
            "municipal_information": ("GM0363", due_screening),
        },
        monitor_entry=ENTRY_STATUSES["A"],
        stay_class="short",
    )
    a.command("2026-05-12 11:00", complete=SCREENINGS)
    a.claim("municipal_information", "2026-05-20 12:00")
    a.command("2026-05-20 16:00", complete=["municipal_information"])
    a.command(
        "2026-06-30 00:00",
        ready={"release_notice": ("PI-ZWL", end_of("2026-06-30"))},
        release_date="2026-06-30",
    )
    a.command(
        "2026-06-30 14:00", complete=["release_notice"], monitor_release=RELEASE_STATUSES["A"]
    )

    b = log.case("B", "2026-05-04 09:00", **person("PI-ZWL", "GM0599", "2026-05-04"))
    b.command("2026-05-04 09:00", ready={"entry_notification": ("PI-ZWL", end_of("2026-05-07"))})
    b.claim("entry_notification", "2026-05-04 12:00")
    b.command(
        "2026-05-08 09:00",
        complete=["entry_notification"],
        monitor_entry=ENTRY_STATUSES["B"],
        stay_class="very_short",
    )
    b.command(
        "2026-05-15 00:00",
        ready={"release_notice": ("PI-ZWL", end_of("2026-05-15"))},
        release_date="2026-05-15",
    )
    b.command(
        "2026-05-18 10:00", complete=["release_notice"], monitor_release=RELEASE_STATUSES["B"]
    )

    c = log.case("C", "2026-05-11 09:00", **person("PI-AMS", "GM0363", "2026-05-11"))
    c.command("2026-05-11 09:00", ready={"entry_notification": ("PI-AMS", end_of("2026-05-13"))})
    c.command("2026-05-14 00:00", timer=True)

    d = log.case("D", "2026-01-05 09:00", **person("PI-AMS", "GM0599", "2026-01-05"))
    d.command(
        "2026-06-01 09:00",
        ready={"handover_information": ("PI-AMS", end_of("2026-06-03"))},
        handover_triggered_on="2026-06-01",
        stay_class="long",
    )
    d.command("2026-06-02 10:00", complete=["handover_information"])

    # After A's release: the municipality of return changes, and the six-month measurement.
    a.command("2026-07-01 09:00", municipality_code="GM0599", monitor_6m=SIX_MONTHS_A)
    return log


@pytest.fixture
def log(web_app: Flask) -> EventLog:
    return write_log(EventLog(web_app))


def stats_of(app: Flask, filters: Filters = PERIOD) -> dict:
    with app.app_context():
        return {s.bpmn_id: s for s in element_stats(filters, PROCESS, TODAY)}


def test_histogram_percentiles_interpolate_inside_the_bucket() -> None:
    counts = [0] * BUCKETS
    counts[2] = 1  # (0.5, 1] hour
    counts[4] = 1  # (2, 4] hours
    assert percentile(counts, 0.5) == pytest.approx(1.0)
    assert percentile(counts, 0.9) == pytest.approx(3.6)
    assert percentile([0] * BUCKETS, 0.5) is None
    only_open = [0] * BUCKETS
    only_open[-1] = 3
    assert percentile(only_open, 0.5) == 2048.0  # the open bucket gives its lower bound


def test_task_facts_keep_each_tasks_times(web_app: Flask, log: EventLog) -> None:
    with web_app.app_context():
        rows = {
            (r.bpmn_id, r.prison): r
            for r in db.session.execute(
                select(task_facts).where(
                    task_facts.c.bpmn_id.in_(["entry_notification", "municipal_information"])
                )
            )
        }
    a = rows[("entry_notification", "PI-ZWL")]
    c = rows[("entry_notification", "PI-AMS")]
    info = rows[("municipal_information", "PI-ZWL")]
    assert a.status == "completed" and a.claimed_at is not None and a.cancelled_at is None
    assert (c.status, c.overdue, c.completed_at) == ("open", True, None)
    assert (info.party, info.organisation, info.municipality) == (
        "municipality",
        "GM0363",
        "GM0363",
    )
    assert info.overdue is False


def test_times_open_and_overdue_per_element(web_app: Flask, log: EventLog) -> None:
    stats = stats_of(web_app)
    entry = stats["entry_notification"]
    assert (entry.completed, entry.claimed, entry.late, entry.party) == (2, 2, 1, "prison")
    # Waits 1 h (A) and 3 h (B); work 77 h and 93 h; lead 78 h and 96 h.
    assert entry.p("wait", 0.5) == pytest.approx(1.0)
    assert entry.p("wait", 0.9) == pytest.approx(3.6)
    assert entry.p("work", 0.5) == pytest.approx(96.0)
    assert entry.p("work", 0.9) == pytest.approx(121.6)
    assert entry.p("lead", 0.5) == pytest.approx(96.0)
    assert entry.mean("wait") == pytest.approx(2.0)
    assert entry.mean("work") == pytest.approx(85.0)
    assert entry.late_share == pytest.approx(0.5)
    assert (entry.open_now, entry.overdue_now) == (1, 1)  # C

    housing = stats["housing_screening"]  # completed without a claim: all waiting, no work
    assert (housing.completed, housing.claimed) == (1, 0)
    assert housing.mean("wait") == pytest.approx(116.0)
    assert housing.p("work", 0.5) is None
    info = stats["municipal_information"]
    assert info.party == "municipality"
    assert info.mean("wait") == pytest.approx(309.0) and info.mean("work") == pytest.approx(4.0)
    notice = stats["release_notice"]
    assert (notice.completed, notice.late) == (2, 1)
    assert (notice.open_now, notice.overdue_now) == (0, 0)


def test_a_task_is_overdue_only_after_its_last_day(web_app: Flask, log: EventLog) -> None:
    with web_app.app_context():
        on_last_day = element_stats(PERIOD, PROCESS, date(2026, 5, 13))
    entry = next(s for s in on_last_day if s.bpmn_id == "entry_notification")
    assert (entry.open_now, entry.overdue_now) == (1, 0)


def test_split_by_organisation_and_filters(web_app: Flask, log: EventLog) -> None:
    with web_app.app_context():
        split = organisation_stats(PERIOD, PROCESS, "entry_notification", TODAY)
    by_org = {s.organisation: s for s in split}
    assert split[0].organisation == "PI-AMS"  # most overdue first
    assert (by_org["PI-AMS"].completed, by_org["PI-AMS"].open_now) == (0, 1)
    assert by_org["PI-AMS"].overdue_now == 1
    assert (by_org["PI-ZWL"].completed, by_org["PI-ZWL"].open_now) == (2, 0)

    prison = stats_of(web_app, Filters("2026-05", "2026-07", prisons=("PI-AMS",)))
    assert prison["entry_notification"].completed == 0
    assert prison["entry_notification"].open_now == 1
    assert "municipal_information" not in prison
    municipality = stats_of(web_app, Filters("2026-05", "2026-07", municipalities=("GM0363",)))
    assert municipality["entry_notification"].completed == 1
    assert municipality["entry_notification"].open_now == 1
    both = stats_of(web_app, Filters("2026-05", "2026-07", ("PI-ZWL",), ("GM0599",)))
    assert both["entry_notification"].completed == 1
    assert both["entry_notification"].p("wait", 0.5) == pytest.approx(3.0)  # B only: (2, 4] h
    june = stats_of(web_app, Filters("2026-06", "2026-06"))
    assert "entry_notification" not in june or june["entry_notification"].completed == 0


def test_deadline_facts_over_the_holidays(web_app: Flask, log: EventLog) -> None:
    with web_app.app_context():
        facts = {
            (r.instance_id, r.kind): (r.due_on, r.status)
            for r in db.session.execute(select(deadline_facts))
        }
    found = sorted(facts.values())
    assert ("2026-05-07", "met") in found  # A: Mon 4 May + 2 working days over 5 May
    assert ("2026-05-07", "missed") in found  # B, completed on Friday 8 May
    assert ("2026-05-13", "missed") in found  # C, still open
    assert ("2026-05-20", "met") in found  # A's screening: 10 working days over Ascension Day
    assert ("2026-06-03", "met") in found  # D's handover
    assert ("2026-06-30", "met") in found and ("2026-05-15", "missed") in found
    assert len(found) == 7


def test_compliance_per_month_prison_and_municipality(web_app: Flask, log: EventLog) -> None:
    with web_app.app_context():
        months = {c.group: c for c in compliance(PERIOD, "month")}
        prisons = {c.group: c for c in compliance(PERIOD, "prison")}
        municipalities = {c.group: c for c in compliance(PERIOD, "municipality")}
        ams_only = compliance(Filters("2026-05", "2026-07", municipalities=("GM0363",)), "prison")
    may, june = months["2026-05"], months["2026-06"]
    assert (may.met["entry"], may.missed["entry"]) == (1, 2)
    assert may.share("entry") == pytest.approx(1 / 3)
    assert (may.met["screening"], may.missed["screening"]) == (1, 0)
    assert (may.met["release_notice"], may.missed["release_notice"]) == (0, 1)
    assert (june.met["release_notice"], june.met["handover"]) == (1, 1)
    assert june.share("entry") is None
    assert (prisons["PI-ZWL"].met["entry"], prisons["PI-ZWL"].missed["entry"]) == (1, 1)
    assert (prisons["PI-AMS"].met["entry"], prisons["PI-AMS"].missed["entry"]) == (0, 1)
    assert prisons["PI-AMS"].met["handover"] == 1
    # Decided with the municipality of the moment: A's counted under GM0363.
    assert (municipalities["GM0363"].met["entry"], municipalities["GM0363"].missed["entry"]) == (
        1,
        1,
    )
    assert municipalities["GM0599"].missed["entry"] == 1
    assert {c.group: c.total("entry") for c in ams_only} == {"PI-AMS": 1, "PI-ZWL": 1}


def test_outcome_monitor_per_provision_and_moment(web_app: Flask, log: EventLog) -> None:
    with web_app.app_context():
        (total,) = outcomes(PERIOD)
        by_class = {o.group: o for o in outcomes(PERIOD, "stay_class")}
        by_municipality = {o.group: o for o in outcomes(PERIOD, "municipality")}
        by_prison = {o.group: o for o in outcomes(PERIOD, "prison")}
        may = outcomes(Filters("2026-05", "2026-05"))
        release_by_class = {s.group: s for s in shares(PERIOD, "stay_class")}
        release_by_municipality = {s.group: s for s in shares(PERIOD, "municipality")}
    expected = {
        ("identity_document", "entry"): 0.5,
        ("identity_document", "release"): 1.0,
        ("housing", "entry"): 0.5,
        ("housing", "release"): 1.0,
        ("work_income", "entry"): 1.0,
        ("work_income", "release"): 0.0,
        ("debts", "entry"): 1.0,  # A unknown: left out
        ("debts", "release"): 0.5,
        ("care", "entry"): 0.5,
        ("care", "release"): 0.5,
        ("identity_document", "6m"): 1.0,
        ("housing", "6m"): 0.0,
        ("care", "6m"): None,
    }
    for (provision, moment), share in expected.items():
        assert total.share(provision, moment) == share, (provision, moment)
    assert total.measured("debts", "entry") == 1
    assert total.count("debts", "entry", "unknown") == 1
    assert by_class["very_short"].share("care", "release") == 0.0
    assert by_class["short"].share("care", "release") == 1.0
    # A moved to GM0599 after its release: nothing stays counted under GM0363.
    assert "GM0363" not in by_municipality
    assert by_municipality["GM0599"].measured("housing", "release") == 2
    assert by_prison["PI-ZWL"].measured("identity_document", "entry") == 2
    assert [o.measured("housing", "release") for o in may] == [1]  # B released in May
    # The per-group tables' two sums per provision give the same shares at release.
    assert release_by_class["short"].share("care") == 1.0
    assert release_by_class["very_short"].share("work_income") == 0.0
    assert list(release_by_municipality) == ["GM0599"]
    assert (
        release_by_municipality["GM0599"].having["debts"],
        release_by_municipality["GM0599"].measured["debts"],
    ) == (1, 2)
