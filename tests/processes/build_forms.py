"""Generate forms/<task>.schema.json and forms/<task>.uischema.json for every user task.

    python -m tests.processes.build_forms           # write the files
    python -m tests.processes.build_forms --check    # exit 1 if a file differs from the generator

One JSON Schema (draft 2020-12) and one UI schema per user task of the shipped models, plus the
start form of nazorg_detentie (start_entry). Titles and help texts are Dutch (the UI is Dutch);
field names are English and unique per task, because every field lands in the case data.

Conventions the engine and the UI can rely on:
- choices are ``oneOf: [{"const": ..., "title": ...}]`` (value + Dutch label);
- ``format: "date"`` for dates (YYYY-MM-DD), ``format: "bsn"`` for a BSN (elfproef, checked by
  the engine's format checker);
- ``x-after: "entry_date"`` on a date that may not lie before the case's entry date (the engine
  or UI compares it with the case data; JSON Schema cannot);
- ``readOnly: true`` fields are context the UI prefills from the case data (they drive if/then
  rules, e.g. what a very short stay must record); ``additionalProperties: false`` everywhere, so a
  form cannot write case data it does not declare.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FORMS_DIR = ROOT / "forms"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

PROVISIONS = [
    ("identity_document", "Identiteitsbewijs", "identiteitsbewijs"),
    ("housing", "Huisvesting", "huisvesting"),
    ("work_income", "Werk en inkomen", "werk en inkomen"),
    ("debts", "Schulden", "schulden"),
    ("care", "Zorg", "zorg"),
]

STATUS = [
    ("arranged", "Geregeld"),
    ("in_progress", "In behandeling"),
    ("not_arranged", "Niet geregeld"),
    ("not_needed", "Niet nodig"),
]
MONITOR = STATUS + [("unknown", "Onbekend")]
ENTRY_SITUATION = [
    ("arranged", "Aanwezig / geregeld"),
    ("in_progress", "Loopt (traject of aanvraag al gestart)"),
    ("not_arranged", "Ontbreekt"),
    ("not_needed", "Niet van toepassing (geen probleem)"),
    ("unknown", "Nog onbekend"),
]
YES_NO_UNKNOWN = [("yes", "Ja"), ("no", "Nee"), ("unknown", "Onbekend")]
DIVISION = [
    ("prison", "Penitentiaire inrichting"),
    ("municipality", "Gemeente"),
    ("shared", "Samen (taken verdeeld)"),
]
ESCALATION_MEASURES = [
    ("contacted", "Contact opgenomen met de behandelaar"),
    ("reassigned", "Taak aan een andere medewerker gegeven"),
    ("agreement", "Nieuwe afspraak gemaakt met de andere partij"),
    ("not_feasible", "Termijn niet haalbaar; reden vastgelegd"),
]
MUNICIPALITY_PATTERN = "^GM[0-9]{4}$"

# ---------------------------------------------------------------------------------------------
# Field builders: each returns (name, schema, ui)


def _field(name: str, schema: dict, ui: dict | None = None) -> tuple[str, dict, dict]:
    return name, schema, ui or {}


def text(name, title, description=None, multiline=False, max_length=2000, placeholder=None):
    schema: dict[str, Any] = {"type": "string", "title": title, "maxLength": max_length}
    if description:
        schema["description"] = description
    ui: dict[str, Any] = {}
    if multiline:
        ui["ui:widget"] = "textarea"
        ui["ui:options"] = {"rows": 4}
    if placeholder:
        ui["ui:placeholder"] = placeholder
    return _field(name, schema, ui)


def required_text(name, title, description=None, multiline=False, max_length=2000):
    name, schema, ui = text(name, title, description, multiline, max_length)
    schema["minLength"] = 1
    return name, schema, ui


def date(name, title, description=None, after=None):
    schema: dict[str, Any] = {"type": "string", "format": "date", "title": title}
    if description:
        schema["description"] = description
    if after:
        schema["x-after"] = after
    return _field(name, schema, {"ui:widget": "date"})


def boolean(name, title, description=None):
    schema: dict[str, Any] = {"type": "boolean", "title": title}
    if description:
        schema["description"] = description
    return _field(name, schema, {"ui:widget": "radio", "ui:options": {"inline": True}})


def choice(name, title, options, description=None, widget="radio"):
    schema: dict[str, Any] = {
        "type": "string",
        "title": title,
        "oneOf": [{"const": value, "title": label} for value, label in options],
    }
    if description:
        schema["description"] = description
    return _field(name, schema, {"ui:widget": widget})


def multi(name, title, options, description=None):
    schema: dict[str, Any] = {
        "type": "array",
        "title": title,
        "items": {
            "type": "string",
            "oneOf": [{"const": v, "title": label} for v, label in options],
        },
        "uniqueItems": True,
    }
    if description:
        schema["description"] = description
    return _field(name, schema, {"ui:widget": "checkboxes"})


def number(name, title, description=None, minimum=0):
    schema: dict[str, Any] = {"type": "number", "title": title, "minimum": minimum}
    if description:
        schema["description"] = description
    return _field(name, schema, {})


def code(name, title, description, pattern=None, max_length=40):
    schema: dict[str, Any] = {
        "type": "string",
        "title": title,
        "description": description,
        "minLength": 1,
        "maxLength": max_length,
    }
    if pattern:
        schema["pattern"] = pattern
    return _field(name, schema, {})


def readonly(field):
    name, schema, ui = field
    schema = {**schema, "readOnly": True}
    ui = {**ui, "ui:readonly": True}
    return name, schema, ui


def municipality(name, title, description):
    return code(
        name,
        title,
        description + " Gemeentecode van het CBS, bijvoorbeeld GM0363 (Amsterdam).",
        MUNICIPALITY_PATTERN,
        6,
    )


# ---------------------------------------------------------------------------------------------
# Conditional rules


def when(
    field: str, value: Any, then_required: list[str] | None = None, then_props: dict | None = None
) -> dict:
    cond = {"properties": {field: {"const": value}}, "required": [field]}
    then: dict[str, Any] = {}
    if then_required:
        then["required"] = then_required
    if then_props:
        then["properties"] = then_props
    return {"if": cond, "then": then}


def when_in(field: str, values: list[Any], then_required: list[str]) -> dict:
    return {
        "if": {"properties": {field: {"enum": values}}, "required": [field]},
        "then": {"required": then_required},
    }


# ---------------------------------------------------------------------------------------------
FORMS: dict[str, dict] = {}


def form(
    task_id: str,
    title: str,
    description: str,
    fields: list,
    required: list[str],
    rules: list[dict] | None = None,
    submit: str = "Afronden",
) -> None:
    if task_id in FORMS:
        raise ValueError(f"duplicate form {task_id}")
    names = [f[0] for f in fields]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate field in {task_id}")
    for r in required:
        if r not in names:
            raise ValueError(f"{task_id}: required field {r} is not a field")
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": f"https://terugkeer.example/forms/{task_id}.schema.json",
        "title": title,
        "description": description,
        "type": "object",
        "properties": {name: s for name, s, _ in fields},
        "required": required,
        "additionalProperties": False,
    }
    if rules:
        schema["allOf"] = rules
    ui: dict[str, Any] = {"ui:order": names, "ui:submitButtonOptions": {"submitText": submit}}
    for name, s, u in fields:
        entry = dict(u)
        if "description" in s:
            entry["ui:help"] = s["description"]
        if entry:
            ui[name] = entry
    FORMS[task_id] = {"schema": schema, "ui": ui}


def escalation(task_id: str, title: str, what: str, ref: str) -> None:
    form(
        task_id,
        title,
        f"{what} De teamleider legt vast welke maatregel is genomen. Bron: {ref}.",
        [
            choice(f"{task_id}_measure", "Genomen maatregel", ESCALATION_MEASURES),
            required_text(
                f"{task_id}_explanation",
                "Toelichting",
                "Wat is er gebeurd en wanneer wordt de taak afgerond?",
                multiline=True,
            ),
            date(
                f"{task_id}_expected_on",
                "Verwachte afronding",
                "De datum waarop de taak naar verwachting alsnog wordt afgerond.",
            ),
        ],
        [f"{task_id}_measure", f"{task_id}_explanation"],
        submit="Escalatie afhandelen",
    )


# ---------------------------------------------------------------------------------------------
# Main process


def main_forms() -> None:
    form(
        "start_entry",
        "Nieuwe detentie: gegevens bij insluiting",
        "Start van een nazorgzaak voor een volwassen (18+) gedetineerde met een geldige "
        "verblijfsstatus "
        "die naar een Nederlandse gemeente terugkeert (C, 1). Minimale gegevens volgens F, "
        "Informatie-uitwisseling 2.",
        [
            required_text("name", "Naam", "Volledige naam van de gedetineerde.", max_length=200),
            date("birth_date", "Geboortedatum"),
            _field(
                "bsn",
                {
                    "type": "string",
                    "title": "BSN",
                    "format": "bsn",
                    "pattern": "^[0-9]{9}$",
                    "description": "Burgerservicenummer, negen cijfers (elfproef).",
                },
                {},
            ),
            code(
                "prison_code",
                "Penitentiaire inrichting",
                "Code van de penitentiaire inrichting waar de gedetineerde verblijft.",
            ),
            date(
                "entry_date",
                "Datum van binnenkomst",
                "De dag waarop de gedetineerde in deze "
                "inrichting is ingesloten; de termijnen van twee en tien werkdagen tellen vanaf "
                "hier.",
            ),
            date(
                "detention_start_date",
                "Aanvang detentie",
                "Alleen invullen als de detentie eerder "
                "begon, bijvoorbeeld in een politiecel of een andere inrichting (telt mee voor "
                "'langer dan "
                "zes maanden gedetineerd').",
            ),
            _field(
                "expected_release_date",
                {
                    "type": ["string", "null"],
                    "format": "date",
                    "title": "Verwachte ontslagdatum",
                    "description": "Leeg laten als die nog niet bekend is; de "
                    "inrichting meldt de datum later. Niet voor de datum van "
                    "binnenkomst.",
                    "x-after": "entry_date",
                },
                {"ui:widget": "date"},
            ),
            municipality(
                "municipality_code",
                "Gemeente van herkomst",
                "De gemeente waar de gedetineerde voor de detentie in de BRP stond ingeschreven "
                "(C, 5); zonder BRP-adres de gemeente van laatste inschrijving of verblijf.",
            ),
            boolean(
                "has_minor_children",
                "Ouder van minderjarige kinderen",
                "Dan wordt ook relevante informatie over de kinderen uitgewisseld (F, "
                "Informatie-uitwisseling 2).",
            ),
            _field(
                "probation_office_code",
                {
                    "type": ["string", "null"],
                    "title": "Reclassering",
                    "maxLength": 40,
                    "description": "Code van de "
                    "reclasseringsorganisatie, als die al bij de gedetineerde "
                    "betrokken is.",
                },
                {},
            ),
        ],
        [
            "name",
            "birth_date",
            "bsn",
            "prison_code",
            "entry_date",
            "municipality_code",
            "has_minor_children",
        ],
        submit="Zaak starten",
    )

    situation_fields = [
        choice(
            f"entry_situation_{key}",
            f"{label} bij binnenkomst",
            ENTRY_SITUATION,
            f"Situatie bij binnenkomst voor {lower}: eerste meting van de monitor (G) en de "
            "(verwachte) problemen die met de gemeente worden uitgewisseld (F, "
            "Informatie-uitwisseling 2).",
            widget="select",
        )
        for key, label, lower in PROVISIONS
    ]
    form(
        "entry_notification",
        "Melding binnenkomst aan gemeente",
        "Binnen twee werkdagen na aanvang detentie meldt de penitentiaire inrichting aan het "
        "gemeentelijk coördinatiepunt dat betrokkene gedetineerd is (F, Informatie-uitwisseling "
        "3), "
        "met de minimale gegevens (F, Informatie-uitwisseling 2).",
        [
            choice(
                "entry_origin_basis",
                "Grondslag gemeente van herkomst",
                [
                    ("brp_registered", "Ingeschreven in de BRP (GBA) voor de detentie"),
                    (
                        "residence_two_of_three_years",
                        "Minimaal twee van de drie jaar hoofdverblijf of briefadres",
                    ),
                    ("last_registration", "Geen BRP-adres: laatste inschrijving of verblijf"),
                ],
                "Uitgangspunt is terugkeer naar de gemeente van herkomst (C, 5).",
            ),
            text("entry_address", "Adres voor detentie", max_length=300),
            text("entry_residence", "Woonplaats", max_length=120),
            boolean("has_minor_children", "Ouder van minderjarige kinderen"),
            text(
                "entry_minor_children_info",
                "Informatie over minderjarige kinderen",
                "Verplicht als de gedetineerde ouder is van een of meer minderjarige kinderen (F, "
                "Informatie-uitwisseling 2).",
                multiline=True,
            ),
            *situation_fields,
            text(
                "entry_expected_problems",
                "(Verwachte) problemen op de basisvoorzieningen",
                multiline=True,
            ),
            text("entry_municipal_involvement", "Bekende gemeentelijke inzet", multiline=True),
            text("entry_special_remarks", "Bijzonderheden", multiline=True),
            boolean(
                "entry_settle_elsewhere",
                "Wil zich in een andere gemeente vestigen",
                "De gedetineerde geeft aan niet naar de gemeente van herkomst terug te willen of "
                "kunnen; de gewenste gemeente beslist (C, 6).",
            ),
            municipality(
                "entry_requested_municipality_code",
                "Gewenste gemeente",
                "De gemeente waar de gedetineerde zich wil vestigen.",
            ),
            text("entry_settle_elsewhere_reason", "Reden voor vestiging elders", multiline=True),
            date("entry_notified_on", "Gemeld op", after="entry_date"),
        ],
        [
            "entry_origin_basis",
            "has_minor_children",
            *[f[0] for f in situation_fields],
            "entry_settle_elsewhere",
            "entry_notified_on",
        ],
        [
            when(
                "has_minor_children",
                True,
                ["entry_minor_children_info"],
                {"entry_minor_children_info": {"minLength": 1}},
            ),
            when(
                "entry_settle_elsewhere",
                True,
                ["entry_requested_municipality_code", "entry_settle_elsewhere_reason"],
                {"entry_settle_elsewhere_reason": {"minLength": 1}},
            ),
        ],
        submit="Melding versturen",
    )
    escalation(
        "entry_notification_escalation",
        "Melding binnenkomst te laat",
        "De melding binnenkomst is niet binnen twee werkdagen na aanvang detentie gedaan.",
        "F, Informatie-uitwisseling 3",
    )
    form(
        "settlement_decision",
        "Verzoek tot vestiging beoordelen",
        "De gedetineerde wil zich in uw gemeente vestigen. Gemeenten beslissen in individuele "
        "gevallen "
        "of zij een gedetineerde uit een andere gemeente als ingezetene opnemen en de "
        "noodzakelijke "
        "nazorg verlenen, na overleg tussen Gevangeniswezen, gemeente van herkomst, gewenste "
        "gemeente, "
        "reclassering en gedetineerde (C, 6). Bij weigering gaat de zaak terug naar de gemeente "
        "van "
        "herkomst.",
        [
            choice(
                "settlement_decision_outcome",
                "Besluit",
                [("accepted", "Aanvaard"), ("refused", "Geweigerd")],
            ),
            required_text(
                "settlement_decision_reason",
                "Reden",
                "Waarom aanvaardt of weigert de gemeente?",
                multiline=True,
            ),
            multi(
                "settlement_consulted",
                "Overlegd met",
                [
                    ("prison", "Penitentiaire inrichting"),
                    ("origin_municipality", "Gemeente van herkomst"),
                    ("probation", "Reclassering"),
                    ("person", "Gedetineerde"),
                ],
                "Met wie is overlegd (C, 6)?",
            ),
            date("settlement_decided_on", "Besloten op"),
        ],
        ["settlement_decision_outcome", "settlement_decision_reason", "settlement_decided_on"],
    )
    form(
        "very_short_alignment",
        "Zeer kort verblijf: informatie afstemmen",
        "Bij een verblijf korter dan twee weken zijn de mogelijkheden beperkt; gemeente en "
        "Gevangeniswezen informeren elkaar en stemmen de inzet voor, tijdens en na detentie af (F, "
        "Algemeen 3; C, 2).",
        [
            text(
                "very_short_known_involvement",
                "Wat weet de gemeente al?",
                "Lopende trajecten en gemeentelijke inzet voor de detentie.",
                multiline=True,
            ),
            boolean(
                "very_short_urgent",
                "Zijn er urgente zaken?",
                "Bijvoorbeeld dakloosheid direct na ontslag of een dreigende huisuitzetting.",
            ),
            text("very_short_urgent_matters", "Urgente zaken en afspraken", multiline=True),
            text("very_short_contact_person", "Contactpersoon nazorg", max_length=200),
        ],
        ["very_short_urgent"],
        [
            when(
                "very_short_urgent",
                True,
                ["very_short_urgent_matters"],
                {"very_short_urgent_matters": {"minLength": 1}},
            )
        ],
    )
    form(
        "municipal_information",
        "Gemeentelijke informatie aanleveren",
        "Binnen tien werkdagen na binnenkomst vindt de wederzijdse informatie-uitwisseling "
        "plaats (F, "
        "Informatie-uitwisseling 3): de gemeente deelt relevante gemeentelijke inzet (F, "
        "Informatie-uitwisseling 2), trajecten die voor de detentie al liepen (F, Algemeen 1) en "
        "haar "
        "vaste aanspreekpunt (F, Informatie-uitwisseling 1).",
        [
            required_text("municipal_contact_person", "Vast aanspreekpunt nazorg", max_length=200),
            multi(
                "municipal_running_trajectories",
                "Lopende trajecten voor detentie",
                [(k, label) for k, label, _ in PROVISIONS],
                "Op welke basisvoorzieningen liep al een traject?",
            ),
            text("municipal_involvement", "Gemeentelijke inzet", multiline=True),
            text(
                "municipal_minor_children_info",
                "Informatie over minderjarige kinderen",
                multiline=True,
            ),
            date("municipal_exchanged_on", "Uitgewisseld op", after="entry_date"),
        ],
        ["municipal_contact_person", "municipal_exchanged_on"],
    )
    escalation(
        "municipal_information_escalation",
        "Informatie-uitwisseling te laat",
        "De gemeentelijke informatie is niet binnen tien werkdagen na binnenkomst geleverd.",
        "F, Informatie-uitwisseling 3",
    )
    form(
        "request_risc",
        "RISc en D&R-plan aanvragen bij reclassering",
        "Bij langverblijvenden stellen reclassering en Gevangeniswezen op basis van een RISc een "
        "detentie- en re-integratieplan op (F, Algemeen 2).",
        [
            code(
                "probation_office_code",
                "Reclasseringsorganisatie",
                "Code van de reclassering die de RISc "
                "afneemt; de taak 'RISc afnemen' komt daar terecht.",
            ),
            date("risc_requested_on", "Aangevraagd op", after="entry_date"),
            text("risc_request_notes", "Toelichting", multiline=True),
        ],
        ["probation_office_code", "risc_requested_on"],
    )
    form(
        "risc_assessment",
        "RISc afnemen",
        "De reclassering schat met de Recidive Inschattingsschalen het recidive- en "
        "gevaarsrisico in "
        "(A, voetnoot 6; F, Algemeen 2).",
        [
            date("risc_completed_on", "Afgenomen op", after="entry_date"),
            choice(
                "risc_recidivism_risk",
                "Recidiverisico",
                [("low", "Laag"), ("medium", "Gemiddeld"), ("high", "Hoog")],
            ),
            required_text("risc_advice", "Advies voor het D&R-plan", multiline=True),
            text(
                "risc_interventions", "Geadviseerde (erkende) gedragsinterventies", multiline=True
            ),
        ],
        ["risc_completed_on", "risc_recidivism_risk", "risc_advice"],
    )
    form(
        "dr_plan",
        "Detentie- en re-integratieplan opstellen",
        "Het D&R-plan geeft invulling aan de basisvoorzieningen, met relevante gegevens uit de "
        "gemeentelijke inzet, in afstemming met het coördinatiepunt (F, Algemeen 2; F, "
        "Informatie-uitwisseling 4).",
        [
            date("dr_plan_established_on", "Vastgesteld op", after="entry_date"),
            boolean(
                "dr_plan_municipality_consulted", "Afgestemd met het gemeentelijk coördinatiepunt"
            ),
            required_text("dr_plan_summary", "Samenvatting van het plan", multiline=True),
            text("dr_plan_interventions", "Gedragsinterventies", multiline=True),
            text(
                "dr_plan_settlement_district",
                "Arrondissement van vestiging",
                "Waar de gedetineerde de laatste vier maanden geplaatst wordt (E, Algemeen 2).",
                max_length=120,
            ),
        ],
        ["dr_plan_established_on", "dr_plan_municipality_consulted", "dr_plan_summary"],
    )
    form(
        "manual_release",
        "Ontslag handmatig vastleggen",
        "De ontslagdatum is uitzonderlijk vaak gewijzigd. Leg het ontslag handmatig vast; daarna "
        "loopt "
        "de zaak verder zoals bij elk ontslag.",
        [
            date("manual_release_date", "Datum van ontslag", after="entry_date"),
            boolean(
                "manual_release_immediate",
                "Directe invrijheidstelling",
                "Ja: de gemeente neemt het open werk over.",
            ),
            required_text("manual_release_reason", "Toelichting", multiline=True),
        ],
        ["manual_release_date", "manual_release_immediate", "manual_release_reason"],
    )
    form(
        "placement_check",
        "Plaatsing in regio van vestiging controleren",
        "Langverblijvenden worden in ieder geval in de laatste vier maanden van hun detentie "
        "geplaatst "
        "in het arrondissement van vestiging of het aanpalende arrondissement, tenzij om "
        "gegronde redenen "
        "in overleg anders besloten (E, Algemeen 2).",
        [
            choice(
                "placement_status",
                "Plaatsing",
                [
                    ("in_district", "Geplaatst in het arrondissement van vestiging"),
                    ("adjacent_district", "Geplaatst in het aanpalende arrondissement"),
                    ("transfer_arranged", "Overplaatsing geregeld"),
                    ("exception_agreed", "In overleg anders besloten (gegronde reden)"),
                    ("no_longer_relevant", "Niet meer nodig (gedetineerde is vrij)"),
                ],
            ),
            text("placement_institution", "Inrichting", max_length=120),
            text("placement_explanation", "Toelichting", multiline=True),
        ],
        ["placement_status"],
        [
            when_in(
                "placement_status",
                ["exception_agreed", "transfer_arranged"],
                ["placement_explanation"],
            )
        ],
    )
    handover_fields = [
        choice(
            f"handover_status_{key}",
            label,
            MONITOR,
            f"Stand van zaken voor {lower} acht weken voor ontslag.",
            widget="select",
        )
        for key, label, lower in PROVISIONS
    ]
    form(
        "handover_information",
        "Aanvullende informatie overdragen aan gemeente",
        "Acht weken voor ontslag (of zo snel mogelijk) dragen Gevangeniswezen en gemeente "
        "aanvullende "
        "informatie over de basisvoorzieningen van de langverblijvende gedetineerde aan elkaar "
        "over (F, "
        "Informatie-uitwisseling 3; E, Informatie-uitwisseling 1).",
        [
            *handover_fields,
            required_text("handover_summary", "Aanvullende informatie", multiline=True),
            date("handover_sent_on", "Overgedragen op", after="entry_date"),
        ],
        [*[f[0] for f in handover_fields], "handover_summary", "handover_sent_on"],
    )
    escalation(
        "handover_information_escalation",
        "Overdracht te laat",
        "De aanvullende informatie is niet op tijd (acht weken voor ontslag) overgedragen.",
        "F, Informatie-uitwisseling 3",
    )
    notice_status = [
        choice(
            f"notice_status_{key}",
            f"{label} bij ontslag",
            STATUS,
            f"Situatie van {lower} bij ontslag. Verplicht bij een zeer kort verblijf; anders "
            f"legt de "
            "basisvoorziening zelf haar status vast.",
            widget="select",
        )
        for key, label, lower in PROVISIONS
    ]
    form(
        "release_notice",
        "Ontslagbericht aan gemeente versturen",
        "Op de dag van ontslag uit de penitentiaire inrichting wordt een ontslagbericht aan de "
        "gemeente "
        "gestuurd (F, Informatie-uitwisseling 3). Bij een voorwaardelijk traject met "
        "reclasseringstoezicht worden gemeente en reclassering op de hoogte gesteld van de "
        "(bijzondere) "
        "voorwaarden.",
        [
            readonly(
                choice(
                    "stay_class",
                    "Verblijfscategorie",
                    [
                        ("very_short", "Zeer kort (korter dan twee weken)"),
                        ("short", "Kort"),
                        ("long", "Lang"),
                    ],
                )
            ),
            date(
                "notice_release_date",
                "Datum van ontslag",
                "Niet voor de datum van binnenkomst.",
                after="entry_date",
            ),
            choice(
                "notice_release_type",
                "Soort ontslag",
                [
                    ("end_of_sentence", "Einde straf"),
                    ("conditional_release", "Voorwaardelijke invrijheidstelling (VI)"),
                    ("penitentiary_programme", "Penitentiair programma (extramurale fase)"),
                    ("pretrial_ended", "Einde voorlopige hechtenis (opheffing of schorsing)"),
                    ("other", "Anders"),
                ],
            ),
            boolean(
                "notice_probation_supervision",
                "Voorwaardelijk traject met reclasseringstoezicht",
                "Bijvoorbeeld bij VI, een penitentiair programma of door de rechter opgelegde "
                "voorwaarden (C, 3).",
            ),
            text("notice_special_conditions", "(Bijzondere) voorwaarden", multiline=True),
            _field(
                "probation_office_code",
                {
                    "type": ["string", "null"],
                    "title": "Reclasseringsorganisatie",
                    "maxLength": 40,
                    "description": "Verplicht bij toezicht: de "
                    "reclassering die het toezicht houdt.",
                },
                {},
            ),
            text("notice_address_after_release", "Verblijfplaats na ontslag", max_length=300),
            *notice_status,
            text("notice_remarks", "Bijzonderheden", multiline=True),
        ],
        ["notice_release_date", "notice_release_type", "notice_probation_supervision"],
        [
            when(
                "notice_probation_supervision",
                True,
                ["notice_special_conditions", "probation_office_code"],
                {
                    "notice_special_conditions": {"minLength": 1},
                    "probation_office_code": {"type": "string", "minLength": 1},
                },
            ),
            when(
                "notice_release_type",
                "conditional_release",
                None,
                {"notice_probation_supervision": {"const": True}},
            ),
            when("stay_class", "very_short", [f[0] for f in notice_status]),
        ],
        submit="Ontslagbericht versturen",
    )
    escalation(
        "release_notice_escalation",
        "Ontslagbericht te laat",
        "Het ontslagbericht is niet op de dag van ontslag verstuurd.",
        "F, Informatie-uitwisseling 3",
    )
    form(
        "takeover_open_work",
        "Openstaand werk overnemen",
        "De gedetineerde is direct in vrijheid gesteld. De gemeente neemt over wat open staat (F, "
        "Informatie-uitwisseling 3; C, 3).",
        [
            required_text("takeover_open_items", "Wat neemt de gemeente over?", multiline=True),
            boolean("takeover_contact_made", "Contact met de ex-gedetineerde gelegd"),
            date("takeover_first_contact_on", "Eerste contact op"),
            text("takeover_notes", "Toelichting", multiline=True),
        ],
        ["takeover_open_items", "takeover_contact_made"],
        [when("takeover_contact_made", True, ["takeover_first_contact_on"])],
    )
    form(
        "supervision_municipality",
        "Bijzondere voorwaarden ontvangen en nazorg afstemmen",
        "De gemeente is op de hoogte gesteld van de (bijzondere) voorwaarden en stemt met de "
        "reclassering af over de nazorg die nog niet (geheel) gerealiseerd is (F, "
        "Informatie-uitwisseling 3 en 4).",
        [
            required_text(
                "supervision_municipality_alignment",
                "Afspraken met de reclassering",
                multiline=True,
            ),
            date("supervision_municipality_aligned_on", "Afgestemd op"),
        ],
        ["supervision_municipality_alignment", "supervision_municipality_aligned_on"],
    )
    form(
        "supervision_probation",
        "Toezicht op bijzondere voorwaarden starten",
        "De reclassering houdt toezicht op de bijzondere voorwaarden en stemt vroegtijdig af met "
        "de "
        "gemeente van vestiging (C, 3).",
        [
            date("supervision_started_on", "Toezicht gestart op"),
            required_text(
                "supervision_conditions_confirmed",
                "Voorwaarden waarop toezicht wordt gehouden",
                multiline=True,
            ),
            boolean(
                "supervision_municipality_contacted", "Afgestemd met de gemeente van vestiging"
            ),
        ],
        [
            "supervision_started_on",
            "supervision_conditions_confirmed",
            "supervision_municipality_contacted",
        ],
    )
    six = [
        choice(
            f"monitor6_{key}",
            label,
            MONITOR,
            f"Beschikt de ex-gedetineerde zes maanden na ontslag over "
            f"{lower}? Geregeld = aanwezig.",
            widget="select",
        )
        for key, label, lower in PROVISIONS
    ]
    form(
        "monitor_six_months",
        "Monitormeting zes maanden na ontslag",
        "Derde meting van de monitor (G): in welke mate beschikt de ex-gedetineerde zes maanden na "
        "ontslag over een identiteitsbewijs, inkomen, huisvesting, inzicht in schulden en "
        "contact met "
        "een zorginstelling.",
        [
            *six,
            boolean(
                "monitor6_reached",
                "Ex-gedetineerde bereikt",
                "Is de meting gedaan met de persoon zelf?",
            ),
            text("monitor6_notes", "Toelichting", multiline=True),
        ],
        [*[f[0] for f in six], "monitor6_reached"],
    )
    escalation(
        "monitor_six_months_escalation",
        "Monitormeting te laat",
        "De monitormeting zes maanden na ontslag is niet binnen tien werkdagen gedaan.",
        "G, Monitoring",
    )


# ---------------------------------------------------------------------------------------------
# Provisions


def status_forms(key: str, label: str, lower: str, extra_status: list | None = None) -> None:
    reason_rule = {
        "if": {
            "properties": {
                f"{key}_status_at_release": {"enum": ["in_progress", "not_arranged", "not_needed"]}
            },
            "required": [f"{key}_status_at_release"],
        },
        "then": {
            "required": [f"{key}_status_reason"],
            "properties": {f"{key}_status_reason": {"minLength": 1}},
        },
    }
    fields = [
        choice(
            f"{key}_status_at_release",
            f"Status {lower} bij ontslag",
            STATUS,
            "Meting bij einde detentie (G, Monitoring).",
        ),
        text(
            f"{key}_status_reason",
            "Reden",
            "Verplicht als het niet geregeld is: waarom niet, of wat er nog loopt.",
            multiline=True,
        ),
    ]
    form(
        f"{key}_release_status",
        f"Status {lower} bij ontslag vastleggen",
        f"Leg op de dag van ontslag vast hoe het staat met {lower}: geregeld, in behandeling, niet "
        "geregeld of niet nodig, met de reden (E; G, Monitoring).",
        fields + (extra_status or []),
        [f"{key}_status_at_release"],
        [reason_rule],
    )
    form(
        f"{key}_takeover",
        f"Openstaande acties {lower} overnemen",
        f"De gedetineerde is direct in vrijheid gesteld. De gemeente neemt de openstaande acties "
        f"voor "
        f"{lower} over en legt de status bij ontslag vast (F, Informatie-uitwisseling 3; C, 3).",
        [
            *fields,
            required_text(f"{key}_takeover_actions", "Wat doet de gemeente nu?", multiline=True),
        ],
        [f"{key}_status_at_release", f"{key}_takeover_actions"],
        [reason_rule],
    )


def provision_common(key: str, label: str, lower: str, screening: dict, agreement: dict) -> None:
    form(
        f"{key}_screening",
        screening["title"],
        screening["description"],
        [
            *screening["fields"],
            boolean(f"{key}_info_requested", "Informatie opgevraagd bij de gemeente van herkomst"),
            boolean(
                f"{key}_action_needed",
                "Is er actie nodig?",
                f"Ja: er wordt met de gemeente een taakverdeling voor {lower} afgesproken. Nee: "
                f"{lower} is niet nodig.",
            ),
            text(f"{key}_screening_notes", "Toelichting", multiline=True),
        ],
        [*screening["required"], f"{key}_info_requested", f"{key}_action_needed"],
        screening.get("rules"),
    )
    escalation(
        f"{key}_screening_escalation",
        f"Screening {lower} te laat",
        f"De screening op {lower} is niet binnen tien werkdagen na binnenkomst afgerond.",
        "F, Informatie-uitwisseling 3",
    )
    form(
        f"{key}_agreement",
        agreement["title"],
        agreement["description"],
        [
            *agreement["fields"],
            choice(
                f"{key}_division",
                "Wie heeft de regie?",
                DIVISION,
                "Afspraak over de wederzijdse taakverdeling (F, Informatie-uitwisseling 3).",
            ),
            text(f"{key}_agreement_notes", "Afspraken", multiline=True),
        ],
        [*agreement["required"], f"{key}_division"],
        agreement.get("rules"),
    )
    escalation(
        f"{key}_agreement_escalation",
        f"Taakverdeling {lower} te laat",
        f"De informatie-uitwisseling en taakverdeling over {lower} is niet binnen tien werkdagen "
        f"na "
        "binnenkomst afgerond.",
        "F, Informatie-uitwisseling 3",
    )


def provision_forms() -> None:
    # 1. Identity document
    k = "identity_document"
    provision_common(
        k,
        "Identiteitsbewijs",
        "het identiteitsbewijs",
        {
            "title": "Screenen op geldig identiteitsbewijs",
            "description": "Screen de gedetineerde op de aan- of afwezigheid van een geldig "
            "identiteitsbewijs en vraag relevante informatie op bij de gemeente van herkomst (F, "
            "Identiteitsbewijs 1).",
            "fields": [
                choice(
                    f"{k}_has_valid",
                    "Geldig identiteitsbewijs aanwezig?",
                    [
                        ("yes", "Ja, geldig"),
                        ("expires", "Ja, maar verloopt tijdens de detentie"),
                        ("no", "Nee"),
                        ("unknown", "Onbekend"),
                    ],
                ),
                choice(
                    f"{k}_type",
                    "Soort document",
                    [
                        ("id_card", "Nederlandse identiteitskaart"),
                        ("passport", "Paspoort"),
                        ("drivers_licence", "Rijbewijs"),
                        ("residence_document", "Verblijfsdocument"),
                        ("none", "Geen"),
                    ],
                    widget="select",
                ),
                date(f"{k}_valid_until", "Geldig tot"),
            ],
            "required": [f"{k}_has_valid"],
            "rules": [
                {
                    "if": {
                        "properties": {f"{k}_has_valid": {"enum": ["no", "expires"]}},
                        "required": [f"{k}_has_valid"],
                    },
                    "then": {"properties": {f"{k}_action_needed": {"const": True}}},
                }
            ],
        },
        {
            "title": "Gegevens aanvullen en taakverdeling identiteitsbewijs afspreken",
            "description": "De gemeente levert gegevens uit de BRP en spreekt met de penitentiaire "
            "inrichting af wie wat doet en wie de kosten draagt: de gedetineerde zelf, anders de "
            "sociale dienst (voorschot of bijzondere bijstand), in bijzondere gevallen een "
            "voorschot van "
            "DJI (F, Identiteitsbewijs 1 en 6).",
            "fields": [
                boolean(f"{k}_registered_in_brp", "Ingeschreven in de BRP"),
                choice(
                    f"{k}_financing",
                    "Wie betaalt de leges?",
                    [
                        ("self", "De gedetineerde zelf"),
                        ("municipality_advance", "Sociale dienst: voorschot"),
                        ("special_assistance", "Sociale dienst: bijzondere bijstand"),
                        ("dji_advance", "Bevoorschotting door DJI (bijzonder geval)"),
                    ],
                ),
            ],
            "required": [f"{k}_registered_in_brp", f"{k}_financing"],
        },
    )
    form(
        f"{k}_apply",
        "Aanvraag identiteitsbewijs faciliteren",
        "Standaard wordt een Nederlandse identiteitskaart aangevraagd; een paspoort alleen als de "
        "gedetineerde dat zelf betaalt. Iedere gevangenis heeft een pasfotovoorziening (F, "
        "Identiteitsbewijs 2, 3 en 5).",
        [
            choice(
                f"{k}_requested_type",
                "Aangevraagd document",
                [
                    ("id_card", "Nederlandse identiteitskaart"),
                    ("passport", "Paspoort (zelf betaald)"),
                ],
            ),
            boolean(f"{k}_passport_self_paid", "Paspoort wordt door de gedetineerde zelf betaald"),
            boolean(f"{k}_photo_taken", "Pasfoto gemaakt in de inrichting"),
            date(f"{k}_applied_on", "Aangevraagd op", after="entry_date"),
        ],
        [f"{k}_requested_type", f"{k}_photo_taken", f"{k}_applied_on"],
        [
            when(
                f"{k}_requested_type",
                "passport",
                [f"{k}_passport_self_paid"],
                {f"{k}_passport_self_paid": {"const": True}},
            )
        ],
    )
    form(
        f"{k}_issue",
        "Aanvraag identiteitsbewijs tijdig afhandelen",
        "De gemeente zorgt voor een tijdige afhandeling, zodat de gedetineerde bij het (tijdelijk) "
        "verlaten van de inrichting een identiteitsbewijs bezit (F, Identiteitsbewijs 4).",
        [
            choice(
                f"{k}_issue_result",
                "Resultaat",
                [
                    ("issued", "Uitgereikt"),
                    ("pending", "Nog in behandeling"),
                    ("refused", "Geweigerd"),
                ],
            ),
            date(f"{k}_ready_on", "Gereed op"),
            text(f"{k}_issue_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_issue_result"],
        [
            when(
                f"{k}_issue_result",
                "refused",
                [f"{k}_issue_notes"],
                {f"{k}_issue_notes": {"minLength": 1}},
            )
        ],
    )
    status_forms(k, "Identiteitsbewijs", "het identiteitsbewijs")

    # 2. Housing
    k = "housing"
    provision_common(
        k,
        "Huisvesting",
        "de huisvesting",
        {
            "title": "Screenen op huisvesting",
            "description": "Screen op al dan niet aanwezige passende huisvesting voor en na "
            "detentie en op "
            "het ontbreken van middelen om bestaande huisvesting tijdens detentie te betalen; "
            "vraag "
            "informatie op bij de gemeente van herkomst (F, Huisvesting 1).",
            "fields": [
                choice(
                    f"{k}_situation_before",
                    "Woonsituatie voor detentie",
                    [
                        ("rental", "Huurwoning"),
                        ("owner_occupied", "Koopwoning"),
                        ("with_family_or_friends", "Bij familie of vrienden"),
                        ("institution_or_shelter", "Instelling of opvang"),
                        ("homeless", "Dak- of thuisloos"),
                        ("unknown", "Onbekend"),
                    ],
                    widget="select",
                ),
                choice(
                    f"{k}_can_keep",
                    "Kan de woning tijdens de detentie behouden blijven?",
                    [
                        ("yes", "Ja"),
                        ("no", "Nee"),
                        ("not_applicable", "Niet van toepassing (geen woning)"),
                    ],
                ),
                choice(
                    f"{k}_costs_covered",
                    "Zijn de woonlasten tijdens de detentie betaald?",
                    [
                        ("yes", "Ja"),
                        ("no", "Nee"),
                        ("not_applicable", "Niet van toepassing"),
                    ],
                ),
                choice(
                    f"{k}_after_release",
                    "Onderdak na ontslag",
                    [
                        ("available", "Aanwezig"),
                        ("not_available", "Niet aanwezig"),
                        ("unknown", "Onbekend"),
                    ],
                ),
            ],
            "required": [
                f"{k}_situation_before",
                f"{k}_can_keep",
                f"{k}_costs_covered",
                f"{k}_after_release",
            ],
            "rules": [
                when(
                    f"{k}_after_release",
                    "not_available",
                    None,
                    {f"{k}_action_needed": {"const": True}},
                )
            ],
        },
        {
            "title": "Gegevens aanvullen en taakverdeling huisvesting afspreken",
            "description": "Gemeente en penitentiaire inrichting overleggen over de activiteiten "
            "om "
            "huisvesting te organiseren en maken afspraken over de taakverdeling (F, Huisvesting "
            "2).",
            "fields": [
                choice(
                    f"{k}_route",
                    "Aanpak",
                    [
                        (
                            "retain_existing",
                            "Bestaande woning behouden (detentie korter dan zes maanden)",
                        ),
                        ("new_housing", "Nieuwe woonruimte of opvang regelen"),
                    ],
                    "F, Huisvesting 3 (continuïteit bij kortdurende detentie) en 5-6.",
                ),
            ],
            "required": [f"{k}_route"],
        },
    )
    form(
        f"{k}_retain",
        "Behoud bestaande huisvesting regelen",
        "Gemeenten zorgen zo veel mogelijk voor continuïteit van bestaande huisvesting bij "
        "kortdurende "
        "detentie (korter dan zes maanden) (F, Huisvesting 3).",
        [
            choice(
                f"{k}_retained",
                "Resultaat",
                [
                    ("retained", "Woning blijft behouden"),
                    ("at_risk", "Behoud nog onzeker"),
                    ("lost", "Woning gaat verloren"),
                ],
            ),
            required_text(
                f"{k}_retain_measures",
                "Genomen maatregelen",
                (
                    "Bijvoorbeeld doorbetaling van de huur via bijzondere bijstand of afspraken "
                    "met de verhuurder."
                ),
                multiline=True,
            ),
        ],
        [f"{k}_retained", f"{k}_retain_measures"],
    )
    form(
        f"{k}_register",
        "Inschrijving als woningzoekende regelen",
        "Iedere gedetineerde zonder huisvesting kan zich inschrijven als woningzoekende in de "
        "gemeente "
        "van herkomst (F, Huisvesting 5).",
        [
            boolean(f"{k}_registered_as_seeker", "Ingeschreven als woningzoekende"),
            date(f"{k}_registered_on", "Ingeschreven op"),
            text(f"{k}_registration_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_registered_as_seeker"],
        [
            when(f"{k}_registered_as_seeker", True, [f"{k}_registered_on"]),
            when(
                f"{k}_registered_as_seeker",
                False,
                [f"{k}_registration_notes"],
                {f"{k}_registration_notes": {"minLength": 1}},
            ),
        ],
    )
    form(
        f"{k}_arrange",
        "Onderdak direct na ontslag organiseren",
        "Iedere ex-gedetineerde beschikt direct na detentie over een eerste vorm van onderdak "
        "en, indien "
        "mogelijk, een stabiele woonsituatie (E, Huisvesting; F, Huisvesting 4 en 6).",
        [
            choice(
                f"{k}_arranged_type",
                "Geregeld onderdak",
                [
                    ("stable", "Stabiele woonsituatie"),
                    ("temporary", "Tijdelijke woonruimte"),
                    ("shelter", "Maatschappelijke opvang"),
                    ("none_yet", "Nog niets"),
                ],
            ),
            text(f"{k}_address_after_release", "Adres na ontslag", max_length=300),
            text(f"{k}_arrange_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_arranged_type"],
    )
    status_forms(k, "Huisvesting", "de huisvesting")

    # 3. Work and income
    k = "work_income"
    provision_common(
        k,
        "Werk en inkomen",
        "werk en inkomen",
        {
            "title": "Werk en inkomen voor detentie in kaart brengen",
            "description": "Breng samen met de gemeentelijke contactpersoon de arbeidssituatie "
            "(inclusief "
            "lopende trajecten) en de wijze van inkomstenverwerving voor detentie in kaart (F, "
            "Arbeid en/of "
            "scholing 1; F, Inkomen 1).",
            "fields": [
                choice(
                    f"{k}_work_before",
                    "Werk voor detentie",
                    [
                        ("employed", "In loondienst"),
                        ("self_employed", "Zelfstandige"),
                        ("unemployed", "Werkloos"),
                        ("education", "Opleiding"),
                        ("incapacitated", "Arbeidsongeschikt"),
                        ("other", "Anders"),
                    ],
                    widget="select",
                ),
                choice(
                    f"{k}_income_before",
                    "Inkomen voor detentie",
                    [
                        ("salary", "Loon"),
                        ("unemployment_benefit", "WW-uitkering (UWV)"),
                        ("social_assistance", "Bijstandsuitkering (gemeente)"),
                        ("other_benefit", "Andere uitkering"),
                        ("none", "Geen inkomen"),
                        ("unknown", "Onbekend"),
                    ],
                    widget="select",
                ),
                boolean(
                    f"{k}_running_trajectory", "Liep er een activerings- of re-integratietraject?"
                ),
                choice(f"{k}_job_after_release", "Werk na ontslag", YES_NO_UNKNOWN),
            ],
            "required": [
                f"{k}_work_before",
                f"{k}_income_before",
                f"{k}_running_trajectory",
                f"{k}_job_after_release",
            ],
        },
        {
            "title": "Gegevens aanvullen en taakverdeling werk en inkomen afspreken",
            "description": "Bespreek met de penitentiaire inrichting en de gedetineerde of "
            "aanmelding bij "
            "UWV WERKbedrijf of een gemeentelijk re-integratiebedrijf zinvol is en of direct na "
            "ontslag een "
            "uitkering of voorschot nodig is (F, Arbeid en/of scholing 2; F, Inkomen 3). "
            "Langverblijvenden "
            "kunnen verlof gebruiken voor nazorgactiviteiten (F, Inkomen 4).",
            "fields": [
                boolean(
                    f"{k}_benefit_needed",
                    "Uitkering of voorschot direct na ontslag nodig",
                    "Ja als de gedetineerde na detentie niet direct inkomen uit arbeid heeft.",
                ),
                boolean(f"{k}_personal_leave", "(Persoonsgebonden) verlof inzetten voor nazorg"),
            ],
            "required": [f"{k}_benefit_needed"],
        },
    )
    form(
        f"{k}_activation",
        "Aanmelden bij UWV WERKbedrijf en scholing regelen",
        "De penitentiaire inrichting meldt iedere gedetineerde die na detentie werkloos is of een "
        "uitkering zal aanvragen aan bij UWV WERKbedrijf (F, Inkomen 2 en 3); waar de duur het "
        "toelaat "
        "start een arbeidstoeleidingstraject (F, Arbeid en/of scholing 3) en scholing in "
        "detentie (F, "
        "Arbeid en/of scholing 5).",
        [
            choice(
                f"{k}_registered_with",
                "Aangemeld bij",
                [
                    ("uwv", "UWV WERKbedrijf"),
                    ("municipal_reintegration", "Re-integratiebedrijf van de gemeente"),
                    ("not_registered", "Niet aangemeld"),
                ],
            ),
            _field(
                "uwv_office_code",
                {
                    "type": ["string", "null"],
                    "title": "UWV-vestiging",
                    "maxLength": 40,
                    "description": "Code van de UWV-vestiging; de beoordeling komt daar terecht.",
                },
                {},
            ),
            boolean(
                f"{k}_placement_track_started", "Arbeidstoeleidingstraject gestart tijdens detentie"
            ),
            text(f"{k}_education", "Scholing of dagbesteding in detentie", multiline=True),
            text(f"{k}_activation_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_registered_with", f"{k}_placement_track_started"],
        [
            when(
                f"{k}_registered_with",
                "uwv",
                ["uwv_office_code"],
                {"uwv_office_code": {"type": "string", "minLength": 1}},
            ),
            when(
                f"{k}_registered_with",
                "not_registered",
                [f"{k}_activation_notes"],
                {f"{k}_activation_notes": {"minLength": 1}},
            ),
        ],
    )
    form(
        f"{k}_uwv_assessment",
        "Werkhervatting en uitkeringsaanvraag beoordelen",
        "UWV WERKbedrijf bekijkt de mogelijkheden voor werkhervatting na detentie en neemt zo "
        "nodig de "
        "uitkeringsaanvraag in behandeling of stuurt die door naar de gemeente (F, Inkomen 2).",
        [
            choice(
                f"{k}_uwv_outcome",
                "Uitkomst",
                [
                    ("work_resumption", "Werkhervatting voorbereid"),
                    ("benefit_application", "Uitkeringsaanvraag in behandeling"),
                    ("forwarded_to_municipality", "Aanvraag doorgestuurd naar de gemeente"),
                    ("no_entitlement", "Geen recht op UWV-uitkering"),
                ],
            ),
            text(f"{k}_uwv_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_uwv_outcome"],
    )
    form(
        f"{k}_income_ready",
        "Uitkering of voorschot direct na ontslag klaarzetten",
        "De gemeente zorgt dat de bijstandsuitkering direct na detentie weer start en/of een "
        "voorschot "
        "klaarstaat; ook bij toeleiding naar werk beschikt de ex-gedetineerde over de eerste "
        "noodzakelijke bestaansmiddelen (F, Inkomen 3 en 5; E, Arbeid/inkomen).",
        [
            choice(
                f"{k}_income_arranged",
                "Inkomen bij ontslag",
                [
                    ("benefit_restarts", "Uitkering start direct"),
                    ("advance_ready", "Voorschot staat klaar"),
                    ("income_from_work", "Inkomen uit werk"),
                    ("in_progress", "Nog in behandeling"),
                ],
            ),
            text(f"{k}_income_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_income_arranged"],
    )
    status_forms(k, "Werk en inkomen", "werk en inkomen")

    # 4. Debts
    k = "debts"
    provision_common(
        k,
        "Schulden",
        "de schulden",
        {
            "title": "Schulden in kaart brengen",
            "description": "Breng de financiële problemen in beeld en vraag of de gedetineerde "
            "schuldhulpverlening wil; een aanvraag wordt alleen opgestart als die nodig is en "
            "gewenst (E, "
            "Schulden; F, Schulden 1).",
            "fields": [
                choice(f"{k}_has_debts", "Zijn er schulden?", YES_NO_UNKNOWN),
                number(f"{k}_estimated_amount", "Geschatte omvang (euro)"),
                choice(
                    f"{k}_wants_assistance",
                    "Wil de gedetineerde schuldhulpverlening?",
                    [("yes", "Ja"), ("no", "Nee")],
                    "Alleen met instemming van de gedetineerde wordt een aanvraag opgestart.",
                ),
                boolean(
                    f"{k}_risk_new_debts",
                    "Risico op nieuwe schulden door de detentie",
                    (
                        "Bijvoorbeeld huur, zorgverzekering of abonnementen die doorlopen (E, "
                        "Schulden)."
                    ),
                ),
            ],
            "required": [f"{k}_has_debts", f"{k}_risk_new_debts"],
            "rules": [when(f"{k}_has_debts", "yes", [f"{k}_wants_assistance"])],
        },
        {
            "title": "Gegevens aanvullen en taakverdeling schulden afspreken",
            "description": "Deel wat bekend is en spreek af wie wat doet, ook om het (verder) "
            "oplopen of "
            "ontstaan van nieuwe schulden door de detentie te voorkomen (E, Schulden).",
            "fields": [
                text(
                    f"{k}_prevention_measures", "Maatregelen tegen nieuwe schulden", multiline=True
                ),
            ],
            "required": [],
        },
    )
    form(
        f"{k}_prepare_application",
        "Aanvraag schuldhulpverlening voorbereiden",
        "Door al tijdens detentie de aanvraag in te zetten wordt de tijd tot schuldhulpverlening "
        "korter; "
        "bekijk of de gedetineerde financieel zelfredzaam is (F, Schulden 1).",
        [
            choice(
                f"{k}_financially_self_reliant",
                "Financieel zelfredzaam?",
                [
                    ("yes", "Ja"),
                    ("partly", "Gedeeltelijk"),
                    ("no", "Nee"),
                ],
                "In staat om zelfstandig procedurele en administratieve handelingen te verrichten.",
            ),
            date(f"{k}_application_prepared_on", "Aanvraag voorbereid op"),
            text(f"{k}_application_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_financially_self_reliant", f"{k}_application_prepared_on"],
    )
    form(
        f"{k}_intake",
        "Aanvraag schuldhulpverlening in behandeling nemen",
        (
            "De gemeente neemt de aanvraag voor schuldhulpverlening in behandeling (E, "
            "Schulden; F, Schulden 1)."
        ),
        [
            choice(
                f"{k}_intake_outcome",
                "Stand van zaken",
                [
                    ("plan_agreed", "Plan van aanpak afgesproken"),
                    ("intake_scheduled", "Intake gepland"),
                    ("rejected", "Aanvraag afgewezen"),
                ],
            ),
            date(f"{k}_intake_on", "Intake op"),
            text(f"{k}_intake_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_intake_outcome"],
        [
            when(
                f"{k}_intake_outcome",
                "rejected",
                [f"{k}_intake_notes"],
                {f"{k}_intake_notes": {"minLength": 1}},
            )
        ],
    )
    status_forms(k, "Schulden", "de schulden")

    # 5. Care
    k = "care"
    form(
        f"{k}_suspend_insurance",
        "Zorgverzekering laten opschorten",
        "Het Gevangeniswezen zorgt dat de gedetineerde bij aanvang detentie aan de "
        "zorgverzekeraar meldt "
        "dat hij gedetineerd is, zodat de zorgverzekering wordt opgeschort (F, Zorg 2).",
        [
            choice(f"{k}_insured", "Verzekerd voor zorg?", YES_NO_UNKNOWN),
            text(f"{k}_insurer", "Zorgverzekeraar", max_length=120),
            boolean(f"{k}_insurance_suspended", "Zorgverzekering opgeschort"),
            date(f"{k}_insurance_suspended_on", "Opgeschort per"),
        ],
        [f"{k}_insured", f"{k}_insurance_suspended"],
        [when(f"{k}_insurance_suspended", True, [f"{k}_insurer", f"{k}_insurance_suspended_on"])],
    )
    provision_common(
        k,
        "Zorg",
        "de zorg",
        {
            "title": "Screenen op zorgbehoeften",
            "description": "Screen bij binnenkomst op (eventuele) zorgvragen en vraag informatie "
            "op bij de "
            "gemeente van herkomst en zo nodig bij zorgaanbieders en ketenpartners (F, Zorg 3 en "
            "voetnoot 17).",
            "fields": [
                multi(
                    f"{k}_problems",
                    "Gesignaleerde problemen",
                    [
                        ("psychological", "Psychische problemen"),
                        ("psychiatric", "Psychiatrische problemen"),
                        ("addiction", "Verslaving"),
                        ("intellectual_disability", "Licht verstandelijke beperking"),
                        ("somatic", "Lichamelijke zorg"),
                        ("none", "Geen"),
                    ],
                    "E, Zorg (tweede punt).",
                ),
                boolean(f"{k}_existing_providers", "Bestaande zorgcontacten voor detentie"),
                text(f"{k}_provider_names", "Zorgaanbieders", multiline=True),
                choice(
                    f"{k}_indication",
                    "Indicatie",
                    [
                        ("none", "Geen"),
                        ("ambulant", "Ambulante zorg"),
                        ("clinical", "Klinische zorg"),
                        ("forensic", "Forensische zorg"),
                    ],
                ),
            ],
            "required": [f"{k}_problems", f"{k}_existing_providers", f"{k}_indication"],
            "rules": [when(f"{k}_existing_providers", True, [f"{k}_provider_names"])],
        },
        {
            "title": "Bekende zorgtrajecten delen en taakverdeling afspreken",
            "description": "De gemeentelijke contactpersoon informeert het Gevangeniswezen over "
            "de bij de "
            "gemeente bekende zorgtrajecten (F, Zorg 3); samen wordt afgesproken wie wat doet.",
            "fields": [
                text(
                    f"{k}_known_trajectories",
                    "Bij de gemeente bekende zorgtrajecten",
                    multiline=True,
                ),
            ],
            "required": [],
        },
    )
    form(
        f"{k}_consent",
        "Schriftelijke toestemming gedetineerde vastleggen",
        "Zorgaanbieders worden alleen geïnformeerd met schriftelijke toestemming van de "
        "gedetineerde (F, "
        "Zorg 3). Zonder toestemming worden geen zorggegevens gedeeld.",
        [
            choice(
                f"{k}_consent_given",
                "Schriftelijke toestemming gegeven?",
                [("yes", "Ja"), ("no", "Nee, geweigerd")],
            ),
            date(f"{k}_consent_date", "Datum ondertekening"),
            text(f"{k}_consent_scope", "Voor welke zorgaanbieders", multiline=True),
            text(
                f"{k}_consent_document_reference",
                "Vindplaats van het ondertekende formulier",
                max_length=200,
            ),
            text(f"{k}_consent_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_consent_given"],
        [
            when(
                f"{k}_consent_given",
                "yes",
                [f"{k}_consent_date", f"{k}_consent_scope", f"{k}_consent_document_reference"],
                {
                    f"{k}_consent_scope": {"minLength": 1},
                    f"{k}_consent_document_reference": {"minLength": 1},
                },
            )
        ],
    )
    form(
        f"{k}_inform_providers",
        "Zorgaanbieders informeren en zorg voortzetten",
        "Zorgaanbieders worden geïnformeerd dat betrokkene gedetineerd is en dat de zorg zo "
        "mogelijk "
        "wordt gecontinueerd; anders wordt nagegaan of zij tijdelijk kan worden opgeschort (F, "
        "Zorg 3 en 4).",
        [
            boolean(f"{k}_providers_informed", "Zorgaanbieders geïnformeerd"),
            choice(
                f"{k}_continuation",
                "Zorg tijdens detentie",
                [
                    ("continued", "Wordt voortgezet"),
                    ("suspended_temporarily", "Tijdelijk opgeschort"),
                    ("not_possible", "Niet mogelijk"),
                ],
            ),
            text(f"{k}_inform_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_providers_informed", f"{k}_continuation"],
    )
    form(
        f"{k}_arrange_aftercare",
        "Zorg na detentie regelen",
        "Het Gevangeniswezen neemt contact op met de zorginstelling, zodat zorg en behandeling na "
        "detentie worden voortgezet (F, Zorg 4 en 5).",
        [
            choice(
                f"{k}_aftercare",
                "Zorg na detentie",
                [
                    ("arranged", "Geregeld"),
                    ("in_progress", "In behandeling"),
                    ("not_arranged", "Niet geregeld"),
                ],
            ),
            text(f"{k}_institution", "Zorginstelling", max_length=200),
            date(f"{k}_first_appointment", "Eerste afspraak na ontslag"),
            text(f"{k}_aftercare_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_aftercare"],
        [when(f"{k}_aftercare", "arranged", [f"{k}_institution"])],
    )
    form(
        f"{k}_reactivate_insurance",
        "Zorgverzekering weer activeren",
        "Op de datum van ontslag meldt de gedetineerde zich weer aan bij de zorgverzekeraar, "
        "zodat de "
        "zorgverzekering weer wordt geactiveerd (F, Zorg 2).",
        [
            choice(
                f"{k}_insurance_reactivated",
                "Zorgverzekering",
                [
                    ("reactivated", "Weer geactiveerd"),
                    ("not_applicable", "Niet van toepassing (niet opgeschort)"),
                    ("failed", "Niet gelukt"),
                ],
            ),
            date(f"{k}_reactivated_on", "Geactiveerd per"),
            text(f"{k}_reactivation_notes", "Toelichting", multiline=True),
        ],
        [f"{k}_insurance_reactivated"],
        [
            when(f"{k}_insurance_reactivated", "reactivated", [f"{k}_reactivated_on"]),
            when(
                f"{k}_insurance_reactivated",
                "failed",
                [f"{k}_reactivation_notes"],
                {f"{k}_reactivation_notes": {"minLength": 1}},
            ),
        ],
    )
    status_forms(k, "Zorg", "de zorg")


def generate() -> dict[str, str]:
    FORMS.clear()
    main_forms()
    provision_forms()
    files = {}
    for task_id, f in FORMS.items():
        files[f"{task_id}.schema.json"] = (
            json.dumps(f["schema"], ensure_ascii=False, indent=2) + "\n"
        )
        files[f"{task_id}.uischema.json"] = json.dumps(f["ui"], ensure_ascii=False, indent=2) + "\n"
    return files


def main(argv: list[str]) -> int:
    files = generate()
    if "--check" in argv:
        stale = [
            n
            for n, c in files.items()
            if not (FORMS_DIR / n).exists() or (FORMS_DIR / n).read_text("utf-8") != c
        ]
        extra = sorted(p.name for p in FORMS_DIR.glob("*.json") if p.name not in files)
        for name in stale:
            print(f"forms/{name} differs from the generator", file=sys.stderr)
        for name in extra:
            print(f"forms/{name} is not generated", file=sys.stderr)
        return 1 if stale or extra else 0
    FORMS_DIR.mkdir(exist_ok=True)
    for name, content in files.items():
        (FORMS_DIR / name).write_text(content, "utf-8")
    print(f"wrote {len(files)} files to forms/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
