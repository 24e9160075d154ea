"""Names shared by the main process and the five provision processes."""

from __future__ import annotations

from tests.diagrams.builder import Diagram

SOURCE = "Samenwerkingsmodel Nazorg volwassen (ex-)gedetineerde burgers (VNG/V&J, 2011)"

LANE_PRISON = "lane_prison"
LANE_MUNICIPALITY = "lane_municipality"
LANE_PROBATION = "lane_probation"
LANE_UWV = "lane_uwv"

LANE_DOCS = {
    LANE_PRISON: (
        "Penitentiaire inrichting",
        "De MMD'er (medewerker maatschappelijke dienstverlening) van de penitentiaire inrichting "
        "waar de gedetineerde verblijft (case data: prison_code). Het Gevangeniswezen is primair "
        "verantwoordelijk voor re-integratieactiviteiten tijdens detentie (C, 3).",
    ),
    LANE_MUNICIPALITY: (
        "Gemeente",
        "De contactpersoon nazorg van het (regionale) coördinatiepunt nazorg van de gemeente van "
        "terugkeer (case data: municipality_code). Gemeenten zijn primair verantwoordelijk voor "
        "re-integratie na afloop van de justitiële titel (C, 3; E, Informatie-uitwisseling 2).",
    ),
    LANE_PROBATION: (
        "Reclassering",
        "De reclasseringswerker (case data: probation_office_code): RISc, detentie- en "
        "re-integratieplan bij langverblijf en toezicht op bijzondere voorwaarden (C, 3; F, "
        "Algemeen 2).",
    ),
    LANE_UWV: (
        "UWV WERKbedrijf",
        "De adviseur van UWV WERKbedrijf (case data: uwv_office_code): werkhervatting na "
        "detentie en "
        "uitkeringsaanvragen (F, Inkomen 2).",
    ),
}

MSG_DATE_CHANGED = "ontslagdatum_gewijzigd"
MSG_IMMEDIATE = "directe_invrijheidstelling"
SIG_RELEASE = "ontslag"
SIG_MUNICIPALITY = "gemeente_van_terugkeer_gewijzigd"

PROVISIONS = ("identity_document", "housing", "work_income", "debts", "care")


def lanes(*ids: str, rows: dict[str, int]) -> list[tuple[str, str, int, str]]:
    return [(i, LANE_DOCS[i][0], rows[i], LANE_DOCS[i][1]) for i in ids]


def release_signal(d: Diagram) -> None:
    d.signal(
        "signal_release",
        SIG_RELEASE,
        "Intern signaal: de gedetineerde gaat (of ging) met ontslag, op de ontslagdatum of door "
        "een "
        "directe invrijheidstelling. Het hoofdproces werpt het; elke basisvoorziening en elke open "
        "taak tijdens detentie vangt het op. De gegevens van het ontslag komen mee in "
        "release_info. "
        "(Bron: F, Informatie-uitwisseling 3)",
        payload="release_info",
        variable="release_info",
    )
