"""The simulation profile (processes/simulation.json) and the people drawn from it.

Each person's draw comes from a random generator seeded with the run's seed and the person's
number, so a person is the same whatever happens to the others (same seed, same result).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from config import shipped
from engine.bsn import generate_bsn
from engine.clock import AMSTERDAM

PROFILE = shipped("processes") / "simulation.json"
PROVISIONS = ("identity_document", "housing", "work_income", "debts", "care")
FIRST_NAMES = (
    "Jan",
    "Mohamed",
    "Kevin",
    "Dennis",
    "Sandra",
    "Ricardo",
    "Priya",
    "Tom",
    "Ilse",
    "Youssef",
    "Marco",
    "Gerrit",
    "Naima",
    "Rachid",
    "Bas",
    "Linda",
)
LAST_NAMES = (
    "Jansen",
    "Bakker",
    "El Idrissi",
    "de Groot",
    "Pinas",
    "Kaya",
    "Vermeulen",
    "Dijk",
    "Visser",
    "Meijer",
    "Bos",
    "Yilmaz",
    "de Wit",
    "Hoekstra",
)


def load_profile(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or PROFILE).read_text("utf-8"))


def weighted(rng: random.Random, weights: dict[str, float]) -> str:
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


@dataclass
class Person:
    """One detention as the simulation plans it; the process decides what actually happens."""

    number: int
    key: str
    entry_at: datetime
    prison: str
    municipality: str
    stay_days: int
    known_at_entry: bool
    known_on: date | None  # when an unknown release date is reported
    moved_on: date | None  # when the release date moves
    moved_to: date | None
    immediate_on: date | None  # an immediate release (schorsing, vrijspraak)
    conditional: bool
    settle_in: str | None
    settlement_accepted: bool
    minor_children: bool
    entry_status: dict[str, str] = field(default_factory=dict)
    needed: dict[str, bool] = field(default_factory=dict)
    release_status: dict[str, str] = field(default_factory=dict)
    six_month_status: dict[str, str] = field(default_factory=dict)
    start_data: dict[str, Any] = field(default_factory=dict)

    @property
    def entry_date(self) -> date:
        return self.entry_at.astimezone(AMSTERDAM).date()

    @property
    def planned_release(self) -> date:
        return self.entry_date + timedelta(days=self.stay_days)

    @property
    def release_date(self) -> date:
        return self.moved_to or self.planned_release


def draw_person(profile: dict[str, Any], seed: int, number: int, entry_at: datetime) -> Person:
    rng = random.Random(f"{seed}/person/{number}")
    orgs = profile["organisations"]
    stay = _stay_days(rng, profile["stay_days"])
    entry_date = entry_at.astimezone(AMSTERDAM).date()
    planning = profile["release_date"]
    known = stay < planning["unknown_min_stay_days"] or rng.random() >= planning["unknown_at_entry"]
    known_on = None
    if not known:
        low, high = planning["known_after_days"]
        known_on = entry_date + timedelta(days=min(rng.randint(low, high), stay // 2))
    moved_on = moved_to = immediate_on = None
    if stay >= 14 and rng.random() < planning["moved"]:
        earliest = known_on or entry_date
        moved_on = earliest + timedelta(days=rng.randint(1, max((stay - 7) // 2, 1)))
        low, high = planning["moved_by_days"]
        moved_to = max(
            entry_date + timedelta(days=stay + rng.randint(low, high)),
            moved_on + timedelta(days=3),
        )
    elif stay >= 7 and rng.random() < planning["immediate"]:
        immediate_on = entry_date + timedelta(days=rng.randint(2, stay - 2))
    settle = profile["settle_elsewhere"]
    municipality = weighted(rng, orgs["municipalities"])
    settle_in = None
    if stay >= 14 and rng.random() < settle["share"]:
        others = {k: v for k, v in orgs["municipalities"].items() if k != municipality}
        settle_in = weighted(rng, others)
    person = Person(
        number=number,
        key=f"NZ-SIM-{seed}-{number:05d}",
        entry_at=entry_at,
        prison=weighted(rng, orgs["prisons"]),
        municipality=municipality,
        stay_days=stay,
        known_at_entry=known,
        known_on=known_on,
        moved_on=moved_on,
        moved_to=moved_to,
        immediate_on=immediate_on,
        conditional=stay >= 120 and rng.random() < planning["conditional_release_of_long_stays"],
        settle_in=settle_in,
        settlement_accepted=rng.random() < settle["accepted"],
        minor_children=rng.random() < profile["minor_children"],
    )
    _draw_provisions(rng, profile, person)
    person.start_data = _start_data(rng, person, orgs)
    return person


def _stay_days(rng: random.Random, classes: list[dict[str, Any]]) -> int:
    chosen = rng.choices(classes, weights=[c["share"] for c in classes])[0]
    return rng.randint(chosen["min"], chosen["max"])


def _draw_provisions(rng: random.Random, profile: dict[str, Any], person: Person) -> None:
    """Entry and release situations per provision, matching the profile's shares: who lacks a
    provision at release although they had it lost it during detention (income: benefits stop)."""
    unknown = profile["unknown_status"]
    six = profile["six_months"]
    for provision in PROVISIONS:
        shares = profile["provisions"][provision]
        entry, release = shares["entry"], shares["release"]
        has_entry = rng.random() < entry
        # Some who had it lose it during detention (an ID expires, benefits stop), some who
        # lacked it get it arranged; the rates keep the profile's share at release.
        lose = max((entry - release) / entry, profile["turnover"])
        gain = max(release - entry * (1 - lose), 0.0) / (1 - entry)
        has_release = rng.random() >= lose if has_entry else rng.random() < gain
        needed = not has_entry or not has_release
        person.needed[provision] = needed
        person.entry_status[provision] = (
            "unknown" if rng.random() < unknown else ("arranged" if has_entry else "not_arranged")
        )
        if not needed:
            person.release_status[provision] = "not_needed"
        elif has_release:
            person.release_status[provision] = "arranged"
        else:
            person.release_status[provision] = rng.choice(("in_progress", "not_arranged"))
        has_six = rng.random() < (six["keep"] if has_release else six["gain"])
        person.six_month_status[provision] = (
            "unknown" if rng.random() < unknown else ("arranged" if has_six else "not_arranged")
        )


def _start_data(rng: random.Random, person: Person, orgs: dict[str, Any]) -> dict[str, Any]:
    born = person.entry_date - timedelta(days=rng.randint(19 * 365, 60 * 365))
    return {
        "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "birth_date": born.isoformat(),
        "bsn": generate_bsn(rng),
        "prison_code": person.prison,
        "entry_date": person.entry_date.isoformat(),
        "detention_start_date": person.entry_date.isoformat(),
        "expected_release_date": person.planned_release.isoformat()
        if person.known_at_entry
        else None,
        "municipality_code": person.municipality,
        "has_minor_children": person.minor_children,
        "probation_office_code": orgs["probation"] if person.stay_days >= 120 else None,
    }
