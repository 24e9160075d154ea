"""The DMN decision that classifies the stay and selects the tracks (verblijfsduur.dmn)."""

from __future__ import annotations

from xml.sax.saxutils import escape

DECISION_ID = "stay_classification"

INPUTS = [
    # id, label, expression, type
    ("input_release_date_known", "Ontslagdatum bekend", "release_date_known", "boolean"),
    (
        "input_expected_stay_days",
        "Verwachte verblijfsduur in dagen",
        "expected_stay_days",
        "number",
    ),
    (
        "input_at_least_four_months",
        "Strafrestant vier maanden of meer",
        "at_least_four_months",
        "boolean",
    ),
    (
        "input_more_than_six_months",
        "Langer dan zes maanden gedetineerd",
        "more_than_six_months",
        "boolean",
    ),
]
OUTPUTS = [
    ("output_stay_class", "Verblijfscategorie", "stay_class", "string"),
    (
        "output_track_full_screening",
        "Volledige screening en basisvoorzieningen",
        "track_full_screening",
        "boolean",
    ),
    (
        "output_track_long_stay",
        "Langverblijftraject (RISc, D&R-plan, plaatsing)",
        "track_long_stay",
        "boolean",
    ),
    (
        "output_handover_8_weeks",
        "Overdracht acht weken voor ontslag",
        "handover_8_weeks",
        "boolean",
    ),
]
# (id, description, input entries, output entries)
RULES = [
    (
        "rule_unknown",
        "Ontslagdatum nog onbekend: behandelen als kort verblijf (volledige screening) tot de "
        "datum "
        "bekend is; de einddatum is vaak niet vooraf bekend (E, Informatie-uitwisseling 1).",
        ["False", "-", "-", "-"],
        ['"short"', "True", "False", "False"],
    ),
    (
        "rule_very_short",
        "Zeer kort verblijf: korter dan twee weken. Alleen melding binnenkomst binnen twee "
        "werkdagen en "
        "melding van de ontslagdatum; partijen informeren elkaar (C, 2; E, "
        "Informatie-uitwisseling 1; "
        "F, Algemeen 3).",
        ["True", "< 14", "-", "-"],
        ['"very_short"', "False", "False", "False"],
    ),
    (
        "rule_short",
        "Kort verblijf: twee weken of langer, strafrestant korter dan vier maanden en niet "
        "langer dan "
        "zes maanden gedetineerd (A, voetnoot 5: kortverblijvenden).",
        ["True", ">= 14", "False", "False"],
        ['"short"', "True", "False", "False"],
    ),
    (
        "rule_long_remaining",
        "Langverblijvend: strafrestant van vier maanden of meer (A, voetnoot 5). RISc en "
        "D&R-plan met de "
        "reclassering (F, Algemeen 2), plaatsing in of bij het arrondissement van vestiging in "
        "de laatste "
        "vier maanden (E, Algemeen 2) en overdracht acht weken voor ontslag (F, "
        "Informatie-uitwisseling 3).",
        ["True", ">= 14", "True", "-"],
        ['"long"', "True", "True", "True"],
    ),
    (
        "rule_long_detained",
        "Langer dan zes maanden gedetineerd (bijvoorbeeld na voorlopige hechtenis elders) met een "
        "strafrestant korter dan vier maanden: melding acht weken voor ontslag (E, "
        "Informatie-uitwisseling "
        "1), maar geen langverblijftraject meer.",
        ["True", ">= 14", "False", "True"],
        ['"long"', "True", "False", "True"],
    ),
]


def decision_xml() -> str:
    out: list[str] = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>')
    w(
        '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
        'xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" '
        'xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" '
        'id="definitions_stay_classification" name="Verblijfsduur" '
        'namespace="https://terugkeer.example/dmn">'
    )
    w(f'  <decision id="{DECISION_ID}" name="Verblijfsduur bepalen">')
    w(
        "    <description>Classificeert het verblijf (zeer kort, kort, lang) en kiest de "
        "trajecten. "
        "Bronnen: C, 2; A, voetnoot 5; E, Algemeen 2; E, Informatie-uitwisseling 1; F, Algemeen "
        "2 en 3; "
        "F, Informatie-uitwisseling 3. Invoer wordt berekend uit entry_date, "
        "detention_start_date en "
        "expected_release_date door de scripttaken die deze beslissing aanroepen.</description>"
    )
    w('    <decisionTable id="stay_classification_table" hitPolicy="UNIQUE">')
    for iid, label, expr, typ in INPUTS:
        w(f'      <input id="{iid}" label="{escape(label)}">')
        w(f'        <inputExpression id="{iid}_expression" typeRef="{typ}">')
        w(f"          <text>{expr}</text>")
        w("        </inputExpression>")
        w("      </input>")
    for oid, label, name, typ in OUTPUTS:
        w(f'      <output id="{oid}" label="{escape(label)}" name="{name}" typeRef="{typ}" />')
    for rid, desc, ins, outs in RULES:
        w(f'      <rule id="{rid}">')
        w(f"        <description>{escape(desc)}</description>")
        for i, text in enumerate(ins):
            w(f'        <inputEntry id="{rid}_in_{i}">')
            w(f"          <text>{escape(text)}</text>")
            w("        </inputEntry>")
        for i, text in enumerate(outs):
            w(f'        <outputEntry id="{rid}_out_{i}">')
            w(f"          <text>{escape(text)}</text>")
            w("        </outputEntry>")
        w("      </rule>")
    w("    </decisionTable>")
    w("  </decision>")
    w("  <dmndi:DMNDI>")
    w('    <dmndi:DMNDiagram id="diagram_stay_classification">')
    w(f'      <dmndi:DMNShape id="{DECISION_ID}_di" dmnElementRef="{DECISION_ID}">')
    w('        <dc:Bounds height="80" width="180" x="160" y="100" />')
    w("      </dmndi:DMNShape>")
    w("    </dmndi:DMNDiagram>")
    w("  </dmndi:DMNDI>")
    w("</definitions>")
    return "\n".join(out) + "\n"
