"""Checks of a new registration that warn rather than refuse: the person may already have an
open case (the same BSN), or dates that can be right but seldom are. The caseworker sees the
warnings and registers anyway only by confirming them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from web.access import can_see_case
from web.cases import fields
from web.cases.queries import running_cases_like
from web.cases.registration import years_between
from web.engine_access import current_engine

LATE_ENTRY_DAYS = 30
"""An entry longer ago than this is registered late (the notice is due in 2 working days)."""
OLDEST_AGE = 100
LONGEST_STAY_YEARS = 30


@dataclass(frozen=True)
class OpenCase:
    """A running case with the same BSN: its number only when the user may see that case."""

    business_key: str | None


def open_cases(
    process_id: str, bsn: str, birth_date: date, name: str, user: object
) -> list[OpenCase]:
    """Running cases of the same person (same BSN). Candidates come from the projection by birth
    date or name; only their data is read to compare the BSN."""
    engine = current_engine()
    found = []
    for case in running_cases_like(process_id, birth_date, name):
        if fields.text(engine.instance(case.instance_id).data, fields.BSN) != bsn:
            continue
        found.append(OpenCase(case.business_key if can_see_case(user, case) else None))
    return found


def implausible(
    today: date, birth_date: date, entry_date: date, expected_release_date: date | None
) -> list[str]:
    """Combinations of dates that are possible but unlikely, in words."""
    found = []
    if entry_date < today - timedelta(days=LATE_ENTRY_DAYS):
        found.append(
            _(
                "De datum van binnenkomst is meer dan %(days)d dagen geleden. Klopt die datum?",
                days=LATE_ENTRY_DAYS,
            )
        )
    if expected_release_date is not None and expected_release_date < today:
        found.append(
            _(
                "De verwachte ontslagdatum ligt in het verleden: dan is de persoon al vrij. "
                "Klopt die datum?"
            )
        )
    if (
        expected_release_date is not None
        and years_between(entry_date, expected_release_date) >= LONGEST_STAY_YEARS
    ):
        found.append(
            _(
                "De verwachte ontslagdatum ligt %(years)d jaar of meer na de binnenkomst. "
                "Klopt die datum?",
                years=LONGEST_STAY_YEARS,
            )
        )
    if years_between(birth_date, entry_date) >= OLDEST_AGE:
        found.append(
            _(
                "Volgens de geboortedatum is de persoon bij binnenkomst %(age)d jaar of ouder. "
                "Klopt die datum?",
                age=OLDEST_AGE,
            )
        )
    return found
