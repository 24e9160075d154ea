"""The engine's deployment problems in the user's language, worded from each problem's code and
parameters (the catalogue is engine/deployment/problems.py; a test keeps this table complete).
Technical details the engine passes on as parameters (a Python syntax error, an XML parser's
message) stay as they are; a code this table does not know is shown in the engine's English."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine import DeploymentError

WHAT = {
    "condition": _l("De voorwaarde"),
    "script": _l("Het script"),
    "dueDate": _l("De termijn (dueDate)"),
    "message payload": _l("De inhoud van het bericht"),
    "preScript": _l("Het preScript"),
    "postScript": _l("Het postScript"),
}

READERS = {
    "condition": _l("de voorwaarde van deze pijl"),
    "script": _l("het script"),
    "preScript": _l("het preScript"),
    "postScript": _l("het postScript"),
    "timer": _l("de timerexpressie"),
    "dueDate": _l("de termijn (dueDate)"),
    "decision": _l("de beslistabel"),
    "message payload": _l("de inhoud van het bericht"),
    "payload": _l("de inhoud van het signaal of bericht"),
    "call input": _l("de invoer van het aangeroepen proces"),
    "form rule x-after": _l("de formulierregel x-after"),
}

PARTS = {
    "start_form": _l("Startformulier"),
    "ui_schema": _l("UI-schema van deze taak"),
}

TEXTS = {
    "file_twice": _l("Dit bestand is twee keer meegestuurd."),
    "file_type_unsupported": _l(
        "Dit soort bestand kan niet worden uitgerold (gebruik .bpmn, .dmn of .json)."
    ),
    "doctype_refused": _l(
        "Een DOCTYPE of entiteitsdeclaratie is niet toegestaan in een modelbestand."
    ),
    "xml_malformed": _l("Geen geldige XML: %(error)s"),
    "not_a_model": _l(
        "Dit is geen BPMN- of DMN-bestand (hoofdelement %(root)s in namespace %(namespace)s)."
    ),
    "schema_violation": _l("Klopt niet met het BPMN- of DMN-schema: %(error)s"),
    "dialects_mixed": _l(
        "Dit bestand gebruikt hier Camunda-uitbreidingen en op regel %(spiff_line)s "
        "(element %(spiff_element)s) spiffworkflow-uitbreidingen; een bestand moet in één "
        "dialect gemaakt zijn."
    ),
    "no_executable_process": _l(
        "Dit bestand bevat geen uitvoerbaar proces: markeer het proces als uitvoerbaar "
        "(isExecutable)."
    ),
    "process_id_twice": _l("Proces-id ‘%(process)s’ komt twee keer voor (ook in %(other_file)s)."),
    "dmn_decision_count": _l(
        "Een DMN-bestand moet precies één beslistabel bevatten (gevonden: %(count)s)."
    ),
    "decision_id_twice": _l("Beslistabel-id ‘%(decision)s’ komt twee keer voor."),
    "dmn_unreadable": _l(
        "Deze beslistabel kan niet worden gelezen: controleer de invoer- en uitvoerexpressies en "
        "hun typen."
    ),
    "expression_empty": _l("%(what)s is leeg."),
    "expression_invalid": _l("%(what)s is geen geldige expressie: %(error)s"),
    "timer_missing": _l("Deze timer heeft geen timeDate, timeDuration of timeCycle."),
    "timer_not_text": _l(
        "De timer (%(kind)s) moet tekst opleveren (een ISO 8601-waarde tussen aanhalingstekens), "
        "niet %(value)s."
    ),
    "timer_duration_invalid": _l(
        'De timerduur %(value)s is geen ISO 8601-duur zoals "P3D" of "PT1H30M".'
    ),
    "timer_date_invalid": _l(
        'Het timertijdstip %(value)s is geen ISO 8601-tijdstip zoals "2026-05-04T09:00:00+02:00".'
    ),
    "timer_date_naive": _l(
        "Het timertijdstip %(value)s heeft geen tijdzone: voeg Z of een verschil zoals +02:00 toe."
    ),
    "timer_cycle_invalid": _l(
        'De timerherhaling %(value)s is geen ISO 8601-herhaling zoals "R3/PT1H" of '
        '"R/2026-05-04T09:00:00Z/P1D".'
    ),
    "camunda_expression_unsupported": _l(
        "%(what)s %(value)s is een Camunda-expressie (JUEL); deze engine leest Python-expressies "
        "(een variabele bij haar naam, bijvoorbeeld deadline)."
    ),
    "start_event_missing": _l("Dit uitvoerbare proces heeft geen startgebeurtenis."),
    "id_reserved": _l("Het id ‘%(id)s’ is gereserveerd: kies een ander id."),
    "loop_bound_invalid": _l("De lusgrens moet een positief geheel getal zijn, niet ‘%(value)s’."),
    "loop_unbounded": _l(
        "De pijl van ‘%(source)s’ terug naar ‘%(target)s’ tekent een lus zonder grens: geef een "
        "stap in de lus een lusgrens (loopBound) of gebruik een meervoudige of aangeroepen "
        "activiteit."
    ),
    "flow_source_unknown": _l(
        "Deze pijl begint bij ‘%(ref)s’, dat geen element van hetzelfde (deel)proces is."
    ),
    "flow_target_unknown": _l(
        "Deze pijl eindigt bij ‘%(ref)s’, dat geen element van hetzelfde (deel)proces is."
    ),
    "gateway_flow_without_condition": _l(
        "Een pijl uit een exclusieve of inclusieve splitsing heeft een voorwaarde nodig, tenzij "
        "het de standaardpijl van de splitsing is."
    ),
    "subprocess_start_events": _l(
        "Een deelproces heeft precies één startgebeurtenis nodig (gevonden: %(count)s)."
    ),
    "subprocess_end_missing": _l("Een deelproces heeft een eindgebeurtenis nodig."),
    "element_unsupported": _l("Deze engine voert geen %(kind)s-elementen uit."),
    "data_store_unsupported": _l(
        "Gegevensopslag (data store) wordt niet ondersteund: bewaar wat het proces nodig heeft "
        "in de zaakgegevens."
    ),
    "data_association_unresolved": _l(
        "De gegevenskoppeling naar ‘%(ref)s’ verwijst naar geen gegevensobject."
    ),
    "service_task_unsupported": _l(
        "Deze engine voert geen servicetaken uit: niets zou de aanroep doen. Gebruik een "
        "scripttaak, of een gebruikerstaak voor werk dat mensen doen."
    ),
    "send_task_unsupported": _l(
        "Deze engine voert geen verzendtaken uit: een bericht bereikt een andere zaak alleen via "
        "de applicatie (send_message). Gebruik een gebruikerstaak voor een bericht dat mensen "
        "versturen."
    ),
    "model_unreadable": _l("Dit element kan de engine niet lezen."),
    "message_ref_missing": _l("Deze gebeurtenis wacht op geen enkel bericht: kies een bericht."),
    "message_undefined": _l("Bericht ‘%(message)s’ staat niet in dit bestand."),
    "message_unnamed": _l(
        "Bericht ‘%(message)s’ heeft geen naam; berichten worden op naam bezorgd."
    ),
    "call_target_missing": _l("Deze aanroep noemt geen proces (Aangeroepen proces is leeg)."),
    "call_target_unknown": _l(
        "Het aangeroepen proces ‘%(process)s’ zit niet in deze uitrol (bekend: %(known)s)."
    ),
    "call_target_not_executable": _l("Het aangeroepen proces ‘%(process)s’ is niet uitvoerbaar."),
    "call_dialect_mismatch": _l(
        "Het aangeroepen proces ‘%(process)s’ is een %(other)s-model; een proces kan alleen "
        "processen van zijn eigen dialect (%(own)s) aanroepen."
    ),
    "call_recursive": _l(
        "Deze aanroep van ‘%(process)s’ komt terug bij zichzelf (%(path)s); een proces mag "
        "zichzelf niet aanroepen, direct of via andere processen."
    ),
    "decision_missing": _l("Deze beslisregeltaak noemt geen beslistabel."),
    "decision_unknown": _l("Onbekende beslistabel ‘%(decision)s’ (bekend: %(known)s)."),
    "lane_missing": _l("Deze taak ligt in geen lane; de lane bepaalt welke partij de taak doet."),
    "lane_unknown": _l("Lane ‘%(lane)s’ noemt geen partij (bekend: %(known)s)."),
    "form_missing": _l(
        "Deze gebruikerstaak heeft geen formulier: vul ‘Formulier (JSON Schema)’ in."
    ),
    "form_file_missing": _l(
        "Formulierbestand ‘%(name)s’ bestaat niet (niet bij de bestanden van de versie en niet "
        "in de formulierenmap)."
    ),
    "form_not_json": _l(
        "Formulierbestand ‘%(name)s’ is geen geldige JSON (regel %(json_line)s): %(error)s"
    ),
    "form_not_object": _l("Formulierbestand ‘%(name)s’ moet één JSON-object bevatten."),
    "form_schema_invalid": _l(
        "Formulier ‘%(name)s’ is geen geldig JSON Schema bij %(path)s: %(error)s"
    ),
    "form_class_unknown": _l(
        "Formulier ‘%(name)s’: veld %(field)s heeft x-class ‘%(value)s’, en dat is geen "
        "gegevensklasse (bekend: %(known)s)."
    ),
    "form_organisation_unknown": _l(
        "Formulier ‘%(name)s’: veld %(field)s heeft x-organisation ‘%(value)s’, en dat is geen "
        "soort organisatie (bekend: %(known)s; false voor een veld zonder organisatie)."
    ),
    "form_field_id_invalid": _l("Formulierveld-id ‘%(field)s’ ontbreekt of komt vaker voor."),
    "form_field_type_unsupported": _l(
        "Formulierveld ‘%(field)s’: type ‘%(type)s’ wordt niet ondersteund (wel: %(supported)s)."
    ),
    "form_field_not_number": _l("Formulierveld ‘%(field)s’: ‘%(value)s’ is geen geheel getal."),
    "form_field_not_boolean": _l("Formulierveld ‘%(field)s’: ‘%(value)s’ is niet true of false."),
    "form_field_constraint_unsupported": _l(
        "Formulierveld ‘%(field)s’: de regel ‘%(constraint)s’ wordt niet ondersteund."
    ),
    "variable_unwritten": _l(
        "Variabele ‘%(variable)s’ wordt gelezen door %(reader)s, maar niet op elk pad "
        "hiernaartoe geschreven (door startgegevens, een verplicht formulierveld, een script "
        "of een beslissing). Schrijf haar eerder, of noem haar in de eigenschap "
        "optionalVariables."
    ),
}


def _what(text: str) -> str:
    timer = re.match(r"^timer expression \((\w+)\)$", text)
    if timer:
        return _("De timerexpressie (%(kind)s)", kind=timer.group(1))
    return str(WHAT.get(text, text))


def translate(problem: DeploymentError) -> str:
    """One problem of a refused deployment in the user's language."""
    text = TEXTS.get(problem.code)
    if text is None:
        return problem.detail
    values: dict[str, Any] = dict(problem.params)
    if "what" in values:
        values["what"] = _what(str(values["what"]))
    if "reader" in values:
        values["reader"] = str(READERS.get(values["reader"], values["reader"]))
    try:
        worded = str(text) % values
    except (KeyError, TypeError, ValueError):
        return problem.detail
    part = PARTS.get(values.get("part", ""))
    return f"{part}: {worded}" if part is not None else worded
