"""The parties of the cooperation model and how BPMN lanes map to them (architecture principle 8).

A lane names a party. The case data says which organisation of that kind holds the task: the
prison where the person is detained, the municipality of return, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    code: str
    label: str
    lane_names: tuple[str, ...]
    organisation_key: str
    default_role: str


PARTIES: tuple[Party, ...] = (
    Party(
        "prison",
        "Penitentiaire inrichting",
        ("prison", "pi", "penitentiaire inrichting", "gevangeniswezen", "dji"),
        "prison_code",
        "caseworker",
    ),
    Party(
        "municipality",
        "Gemeente",
        ("municipality", "gemeente", "coordinatiepunt nazorg", "coördinatiepunt nazorg"),
        "municipality_code",
        "coordinator",
    ),
    Party(
        "probation",
        "Reclassering",
        ("probation", "reclassering"),
        "probation_office_code",
        "probation_officer",
    ),
    Party("uwv", "UWV WERKbedrijf", ("uwv", "uwv werkbedrijf"), "uwv_office_code", "caseworker"),
)

_BY_LANE = {name: party for party in PARTIES for name in party.lane_names}
_BY_CODE = {party.code: party for party in PARTIES}


def party_for_lane(lane: str | None) -> Party | None:
    """The party a lane name stands for, or None when it stands for none."""
    if not lane:
        return None
    return _BY_LANE.get(" ".join(lane.lower().split()))


def party_by_code(code: str) -> Party:
    return _BY_CODE[code]


def party_of_key(key: str) -> Party | None:
    """The party whose organisation code a data key holds: a party's own key
    (``probation_office_code``) or one ending in it (``entry_requested_municipality_code``)."""
    for party in PARTIES:
        if key == party.organisation_key or key.endswith("_" + party.organisation_key):
            return party
    return None
