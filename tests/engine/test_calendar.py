"""Dutch working days (domain brief "Deadlines"; Algemene termijnenwet art. 3)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.calendar import (
    WorkingDayCalendar,
    as_date,
    calendar_from_setting,
    end_of_day,
)

CAL = WorkingDayCalendar()

ADD_CASES = [
    # Domain example (E/F "Informatie-uitwisseling"): 5 May counts every year, so entry on
    # Monday 4 May 2026 + 2 working days is Thursday 7 May 2026.
    ("2026-05-04", 2, "2026-05-07"),
    # Christmas: 25 and 26 December 2026 (Fri, Sat), then the weekend.
    ("2026-12-24", 1, "2026-12-28"),
    # Easter: Good Friday 3 April (Atw art. 3) and Easter Monday 6 April 2026.
    ("2026-04-02", 1, "2026-04-07"),
    # King's Day on its own date: Monday 27 April 2026.
    ("2026-04-24", 1, "2026-04-28"),
    # King's Day 2025: 27 April is a Sunday, so it moves back to Saturday 26 April
    # (not to Monday 28 April, which stays a working day).
    ("2025-04-25", 1, "2025-04-28"),
    # Ascension Day: Thursday 14 May 2026.
    ("2026-05-13", 1, "2026-05-15"),
    # Whit Monday: 25 May 2026.
    ("2026-05-22", 1, "2026-05-26"),
    # 5 May in a lustrum year (2025, a Monday): listed by the holidays package itself.
    ("2025-05-02", 1, "2025-05-06"),
    # 5 May in a non-lustrum year (2026, a Tuesday): added by the calendar.
    ("2026-05-04", 1, "2026-05-06"),
    # New Year's Day, across the year boundary.
    ("2025-12-31", 1, "2026-01-02"),
    # Weekend: Friday + 1 is Monday; a Saturday start counts from that Saturday.
    ("2026-05-08", 1, "2026-05-11"),
    ("2026-05-09", 1, "2026-05-11"),
    # n = 0: the day itself when it is a working day, else the next working day.
    ("2026-05-06", 0, "2026-05-06"),
    ("2026-05-09", 0, "2026-05-11"),
    ("2026-05-05", 0, "2026-05-06"),
    # Negative n goes back: over 5 May, and over Easter.
    ("2026-05-07", -2, "2026-05-04"),
    ("2026-04-07", -1, "2026-04-02"),
]


@pytest.mark.parametrize(("start", "n", "expected"), ADD_CASES)
def test_add_working_days(start: str, n: int, expected: str) -> None:
    assert CAL.add_working_days(start, n) == date.fromisoformat(expected)


HOLIDAY_CASES = [
    # Names come from the holidays package in Dutch, or from the calendar's own additions.
    ("2026-01-01", "Nieuwjaarsdag"),
    ("2026-04-03", "Goede vrijdag"),  # listed by holidays 0.109 itself: not added twice
    ("2026-04-06", "Tweede paasdag"),
    ("2026-04-27", "Koningsdag"),
    ("2025-04-26", "Koningsdag"),  # 27 April 2025 is a Sunday: the day before
    ("2025-04-27", None),
    ("2026-05-05", "Bevrijdingsdag"),  # added: the package lists it only in lustrum years
    ("2025-05-05", "Bevrijdingsdag"),
    ("2026-05-14", "Hemelvaartsdag"),
    ("2026-05-25", "Tweede pinksterdag"),
    ("2026-12-25", "Eerste kerstdag"),
    ("2026-12-26", "Tweede kerstdag"),
    ("2026-05-06", None),
]


@pytest.mark.parametrize(("day", "name"), HOLIDAY_CASES)
def test_holiday_name(day: str, name: str | None) -> None:
    assert CAL.holiday_name(day) == name


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-05-04", True),
        ("2026-05-05", False),  # 5 May, every year
        ("2026-04-03", False),  # Good Friday
        ("2026-05-09", False),  # Saturday
        ("2026-05-10", False),  # Sunday
        ("2025-04-28", True),  # Monday after King's Day on a Saturday
    ],
)
def test_is_working_day(day: str, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_holidays_listed_twice_are_counted_once() -> None:
    # Good Friday (every year) and 5 May 2025 are in the package and in the calendar's additions.
    assert CAL.working_days_between("2026-04-02", "2026-04-07") == 1
    assert CAL.working_days_between("2025-05-02", "2025-05-06") == 1


def test_working_days_between_counts_after_a_up_to_b() -> None:
    assert CAL.working_days_between("2026-05-04", "2026-05-07") == 2
    assert CAL.working_days_between("2026-05-07", "2026-05-04") == -2
    assert CAL.working_days_between("2026-05-04", "2026-05-04") == 0
    assert CAL.working_days_between("2026-05-09", "2026-05-10") == 0


def test_working_days_between_agrees_with_day_by_day_count() -> None:
    start = date(2025, 12, 1)
    for offset in range(0, 60, 3):
        a = start + timedelta(days=offset)
        for n in range(1, 40):
            b = CAL.add_working_days(a, n)
            assert CAL.working_days_between(a, b) == n
            assert CAL.working_days_between(b, a) == -n
            span = (b - a).days
            assert sum(CAL.is_working_day(a + timedelta(days=k)) for k in range(1, span + 1)) == n


def test_across_many_years() -> None:
    a, b = date(2020, 1, 1), date(2030, 12, 31)
    by_day = sum(CAL.is_working_day(a + timedelta(days=k)) for k in range(1, (b - a).days + 1))
    assert CAL.working_days_between(a, b) == by_day


def test_closure_days_from_setting() -> None:
    # A bridge day (Friday after Ascension) and New Year's Eve, configured by the deployment.
    cal = calendar_from_setting("2026-05-15, 2026-12-31,")
    assert cal.closure_days == (date(2026, 5, 15), date(2026, 12, 31))
    assert cal.add_working_days("2026-05-13", 1) == date(2026, 5, 18)
    assert cal.add_working_days("2026-12-30", 1) == date(2027, 1, 4)
    assert cal.holiday_name("2026-05-15") == "Sluitingsdag"
    assert cal.working_days_between("2026-05-13", "2026-05-18") == 1
    assert CAL.add_working_days("2026-05-13", 1) == date(2026, 5, 15)


@pytest.mark.parametrize("setting", [None, "", " , "])
def test_empty_setting_has_no_closure_days(setting: str | None) -> None:
    cal = calendar_from_setting(setting)
    assert cal.closure_days == ()
    assert "geen sluitingsdagen" in cal.description


@pytest.mark.parametrize("bad", ["2026-05-15,15-05-2026", "2026-02-30", "2026-5-1", "morgen"])
def test_bad_setting_names_the_entry(bad: str) -> None:
    entry = bad.split(",")[-1]
    with pytest.raises(ValueError, match=f"TERUGKEER_CLOSURE_DAYS.*'{entry}'"):
        calendar_from_setting(bad)


def test_description_names_the_calendar() -> None:
    assert CAL.description == (
        "Nederlandse werkdagen: feestdagen volgens holidays 0.109, Goede Vrijdag en 5 mei elk "
        "jaar, geen sluitingsdagen van deze organisatie"
    )
    assert "1 sluitingsdag van" in WorkingDayCalendar(["2026-05-15"]).description
    assert "2 sluitingsdagen van" in calendar_from_setting("2026-05-15,2026-12-31").description


def test_date_arguments() -> None:
    assert as_date("2026-05-04") == date(2026, 5, 4)
    assert as_date(date(2026, 5, 4)) == date(2026, 5, 4)
    # 22:30 UTC on 4 May is 00:30 on 5 May in Amsterdam (summer time).
    assert as_date(datetime(2026, 5, 4, 22, 30, tzinfo=UTC)) == date(2026, 5, 5)
    assert not CAL.is_working_day(datetime(2026, 5, 4, 22, 30, tzinfo=UTC))
    assert as_date(datetime(2026, 5, 4, 23, 30)) == date(2026, 5, 4)  # naive: Amsterdam time
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        as_date("04-05-2026")
    with pytest.raises(TypeError):
        as_date(20260504)  # type: ignore[arg-type]


def test_number_of_days_must_be_whole() -> None:
    with pytest.raises(TypeError):
        CAL.add_working_days("2026-05-04", 1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        CAL.add_working_days("2026-05-04", "2")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-05-07", "2026-05-08T00:00:00+02:00"),  # summer time
        ("2026-12-24", "2026-12-25T00:00:00+01:00"),  # winter time
        ("2026-03-28", "2026-03-29T00:00:00+01:00"),  # the night summer time starts
        ("2026-10-24", "2026-10-25T00:00:00+02:00"),  # the night summer time ends
    ],
)
def test_end_of_day(day: str, expected: str) -> None:
    assert end_of_day(day) == expected


def test_working_day_deadline() -> None:
    assert CAL.working_day_deadline("2026-05-04", 2) == "2026-05-08T00:00:00+02:00"


def test_fast_enough_for_hot_paths() -> None:
    cal = WorkingDayCalendar(["2026-05-15"])
    cal.add_working_days("2026-01-05", 60)
    began = time.perf_counter()
    for _ in range(1000):
        cal.add_working_days("2026-01-05", 60)
    assert (time.perf_counter() - began) / 1000 < 0.002
