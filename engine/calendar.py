"""Dutch working days: Monday to Friday minus public holidays and configured closure days.

Public holidays come from the ``holidays`` package. On top of it, Good Friday and 5 May count
as holidays every year (Algemene termijnenwet art. 3; cao gemeenten): the package lists 5 May
only in lustrum years.
"""

from __future__ import annotations

import bisect
import functools
import importlib.metadata
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

import holidays
from dateutil.easter import easter

from engine.clock import AMSTERDAM

GOOD_FRIDAY = "Goede Vrijdag"
LIBERATION_DAY = "Bevrijdingsdag"
CLOSURE_DAY = "Sluitingsdag"
SETTING_NAME = "TERUGKEER_CLOSURE_DAYS"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_STEPS = 10_000

DateLike = date | datetime | str


def as_date(value: DateLike) -> date:
    """A ``date`` from a date, a ``"YYYY-MM-DD"`` string or a datetime (its Amsterdam date).

    A naive datetime is taken to be Amsterdam local time.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(AMSTERDAM)
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        raise ValueError(f"expected a date as 'YYYY-MM-DD', got {value!r}")
    raise TypeError(f"expected a date or a 'YYYY-MM-DD' string, got {type(value).__name__}")


def end_of_day(d: DateLike) -> str:
    """ISO 8601 timestamp of the moment day ``d`` ends in Amsterdam: the next midnight."""
    midnight = datetime.combine(as_date(d) + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
    return midnight.isoformat()


@functools.lru_cache(maxsize=256)
def _national_holidays(year: int) -> Mapping[date, str]:
    """The holidays package's Dutch public holidays plus Good Friday and 5 May, by date."""
    found = holidays.country_holidays("NL", years=year, language="nl")
    days = {day: name for day, name in found.items() if day.year == year}
    days.setdefault(easter(year) - timedelta(days=2), GOOD_FRIDAY)
    days.setdefault(date(year, 5, 5), LIBERATION_DAY)
    return MappingProxyType(days)


def _weekdays_through(d: date) -> int:
    """How many Mondays to Fridays lie from 1 January of year 1 (a Monday) up to ``d``."""
    weeks, rest = divmod(d.toordinal() - 1, 7)
    return 5 * weeks + min(rest + 1, 5)


def _check_steps(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of working days must be a whole number, got {n!r}")
    if abs(n) > _MAX_STEPS:
        raise ValueError(f"the number of working days must be at most {_MAX_STEPS}, got {n}")
    return n


class WorkingDayCalendar:
    """Dutch working days, with this organisation's own closure days."""

    def __init__(self, closure_days: Iterable[DateLike] = ()) -> None:
        self._closures = frozenset(as_date(d) for d in closure_days)
        self._years: dict[int, tuple[Mapping[date, str], tuple[int, ...]]] = {}

    def __repr__(self) -> str:
        return f"WorkingDayCalendar(closure_days={sorted(self._closures)!r})"

    @property
    def closure_days(self) -> tuple[date, ...]:
        """The configured closure days, in order."""
        return tuple(sorted(self._closures))

    @property
    def description(self) -> str:
        """Dutch: which calendar produced a deadline."""
        count = len(self._closures)
        if count == 0:
            closures = "geen sluitingsdagen van deze organisatie"
        elif count == 1:
            closures = "1 sluitingsdag van deze organisatie"
        else:
            closures = f"{count} sluitingsdagen van deze organisatie"
        return (
            f"Nederlandse werkdagen: feestdagen volgens holidays {_holidays_version()}, "
            f"Goede Vrijdag en 5 mei elk jaar, {closures}"
        )

    def _year(self, year: int) -> tuple[Mapping[date, str], tuple[int, ...]]:
        """Names of the days off in ``year`` and the sorted ordinals of those on weekdays."""
        cached = self._years.get(year)
        if cached is None:
            names = dict(_national_holidays(year))
            for day in self._closures:
                if day.year == year:
                    names.setdefault(day, CLOSURE_DAY)
            weekday_ordinals = tuple(sorted(d.toordinal() for d in names if d.weekday() < 5))
            cached = (MappingProxyType(names), weekday_ordinals)
            self._years[year] = cached
        return cached

    def holiday_name(self, d: DateLike) -> str | None:
        """The holiday or closure day on ``d``, or None."""
        day = as_date(d)
        return self._year(day.year)[0].get(day)

    def is_working_day(self, d: DateLike) -> bool:
        """Monday to Friday, and not a holiday or closure day."""
        day = as_date(d)
        return day.weekday() < 5 and day not in self._year(day.year)[0]

    def add_working_days(self, d: DateLike, n: int) -> date:
        """The date ``n`` working days after ``d`` (``d`` itself does not count).

        ``n == 0`` gives ``d`` if it is a working day, else the next working day; a negative
        ``n`` goes back.
        """
        day = as_date(d)
        remaining = _check_steps(n)
        if remaining == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        step = timedelta(days=1 if remaining > 0 else -1)
        remaining = abs(remaining)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: DateLike, b: DateLike) -> int:
        """Working days after ``a`` up to and including ``b``; negative when ``b`` < ``a``."""
        start, end = as_date(a), as_date(b)
        if end < start:
            return -self.working_days_between(end, start)
        count = _weekdays_through(end) - _weekdays_through(start)
        low, high = start.toordinal(), end.toordinal()
        for year in range(start.year, end.year + 1):
            ordinals = self._year(year)[1]
            count -= bisect.bisect_right(ordinals, high) - bisect.bisect_right(ordinals, low)
        return count

    def working_day_deadline(self, d: DateLike, n: int) -> str:
        """End of the day ``n`` working days after ``d``, as an ISO 8601 timestamp."""
        return end_of_day(self.add_working_days(d, n))


def calendar_from_setting(value: str | None) -> WorkingDayCalendar:
    """A calendar with the closure days of a comma-separated list of ISO dates."""
    days = []
    for position, entry in enumerate((value or "").split(","), start=1):
        text = entry.strip()
        if not text:
            continue
        try:
            days.append(as_date(text))
        except ValueError:
            raise ValueError(
                f"{SETTING_NAME}: entry {position} {text!r} is not a date written as YYYY-MM-DD"
            ) from None
    return WorkingDayCalendar(days)


@functools.cache
def _holidays_version() -> str:
    try:
        return importlib.metadata.version("holidays")
    except importlib.metadata.PackageNotFoundError:
        return holidays.__version__
