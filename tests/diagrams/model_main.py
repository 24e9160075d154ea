"""The main process for one detention: nazorg_detentie (processes/nazorg.bpmn).

Two parallel branches after the entry and the classification of the stay:
- the release branch (top of the prison lane) follows the release date: unknown, set, moved
  earlier or later, an immediate release; it recomputes every release-dependent deadline by
  re-entering its timers (a loop bounded by a counter and marked with loopBound), and at the
  release it throws the signal 'ontslag' that interrupts the open work;
- the work branch (below it) does the entry notification, the municipality of return, and
  either the very-short-stay procedure or the five basic provisions (call activities), the
  municipality's information and the long-stay track.
After both: the monitor measurement at release and, six months later, the last measurement.
"""

from __future__ import annotations

from tests.diagrams.builder import Diagram
from tests.diagrams.model_common import (
    LANE_MUNICIPALITY,
    LANE_PRISON,
    LANE_PROBATION,
    MSG_DATE_CHANGED,
    MSG_IMMEDIATE,
    SIG_MUNICIPALITY,
    lanes,
    release_signal,
)

PI, GM, RC = LANE_PRISON, LANE_MUNICIPALITY, LANE_PROBATION
LOOP_BOUND = 50
ESCALATION_ROLE = "team_lead"

PROVISION_CALLS = [
    (
        "call_identity_document",
        "Identiteitsbewijs",
        "provision_identity_document",
        "Basisvoorziening 1: een geldig identiteitsbewijs.",
        "E, Identiteitsbewijs; F, Identiteitsbewijs",
    ),
    (
        "call_housing",
        "Huisvesting",
        "provision_housing",
        "Basisvoorziening 2: onderdak direct na ontslag.",
        "E, Huisvesting; F, Huisvesting",
    ),
    (
        "call_work_income",
        "Werk en inkomen",
        "provision_work_income",
        "Basisvoorziening 3: inkomen uit werk of uitkering, scholing en dagbesteding.",
        "E, Arbeid/inkomen; F, Arbeid en/of scholing; F, Inkomen",
    ),
    (
        "call_debts",
        "Schulden",
        "provision_debts",
        "Basisvoorziening 4: inzicht in schulden en zo nodig een plan voor schuldhulpverlening.",
        "E, Schulden; F, Schulden",
    ),
    (
        "call_care",
        "Zorg",
        "provision_care",
        "Basisvoorziening 5: zorgbehoeften, indicatie en continuïteit van zorg.",
        "E, Zorg; F, Zorg",
    ),
]

STAY_INPUTS = """release_date_known = bool(expected_release_date)
if release_date_known:
    expected_stay_days = (parse_date(expected_release_date) - parse_date(entry_date)).days
    at_least_four_months = (
        parse_date(expected_release_date) >= add_months(release_date_first_known_on, 4)
    )
    more_than_six_months = parse_date(expected_release_date) > add_months(detention_start_date, 6)
else:
    expected_stay_days = None
    at_least_four_months = False
    more_than_six_months = False
"""

INIT_CASE = (
    """try:
    expected_release_date = expected_release_date or None
except:
    expected_release_date = None
try:
    detention_start_date = detention_start_date or entry_date
except:
    detention_start_date = entry_date
try:
    probation_office_code = probation_office_code or None
except:
    probation_office_code = None
try:
    has_minor_children = has_minor_children == True
except:
    has_minor_children = False
entry_date = str(parse_date(entry_date))
detention_start_date = str(parse_date(detention_start_date))
assert parse_date(detention_start_date) <= parse_date(entry_date), (
    'De detentie kan niet na de binnenkomst in deze inrichting zijn begonnen'
)
if expected_release_date:
    expected_release_date = str(parse_date(expected_release_date))
    assert parse_date(expected_release_date) >= parse_date(entry_date), (
        'De verwachte ontslagdatum ligt voor de datum van binnenkomst'
    )
    release_date_first_known_on = entry_date
else:
    release_date_first_known_on = None
municipality_origin_code = municipality_code
"""
    + STAY_INPUTS
)

RECOMPUTE = (
    """try:
    release_loop_count = release_loop_count + 1
except:
    release_loop_count = 1
if expected_release_date and not release_date_first_known_on:
    release_date_first_known_on = str(today())
"""
    + STAY_INPUTS
)

PLAN_MILESTONES = """try:
    placement_check_started = placement_check_started == True
except:
    placement_check_started = False
try:
    handover_started = handover_started == True
except:
    handover_started = False
next_milestone = None
next_milestone_on = None
next_milestone_at = None
if expected_release_date:
    planned = parse_date(expected_release_date)
    candidates = [['release', planned]]
    if handover_8_weeks and not handover_started:
        candidates.append(['handover', add_weeks(planned, -8)])
    if track_long_stay and not placement_check_started:
        candidates.append(['placement', add_months(planned, -4)])
    first = sorted(candidates, key=lambda c: c[1])[0]
    next_milestone = first[0]
    next_milestone_on = str(first[1])
    next_milestone_at = end_of_day(first[1] - timedelta(days=1))
    del planned, candidates, first
release_planning = {
    'expected_release_date': expected_release_date,
    'stay_class': stay_class,
    'track_long_stay': track_long_stay,
    'handover_8_weeks': handover_8_weeks,
    'next_milestone': next_milestone,
    'next_milestone_on': next_milestone_on,
    'passes': release_loop_count,
}
"""

PROCESS_DATE_CHANGE = """change = dict(release_date_change or {})
new_date = change.get('expected_release_date') or None
if new_date:
    new_date = str(parse_date(new_date))
    assert parse_date(new_date) >= parse_date(entry_date), (
        'De ontslagdatum ligt voor de datum van binnenkomst'
    )
try:
    history = list(release_date_history)
except:
    history = []
history.append({
    'previous': expected_release_date,
    'expected_release_date': new_date,
    'reason': change.get('reason') or '',
    'received_at': str(now()),
})
release_date_history = history
expected_release_date = new_date
if 'conditional_release' in change:
    release_conditional_expected = change.get('conditional_release') == True
    release_special_conditions_expected = change.get('special_conditions') or ''
del change, new_date, history
"""

MARK_MILESTONE = """if next_milestone == 'placement':
    placement_check_started = True
    placement_check_triggered_on = str(today())
elif next_milestone == 'handover':
    handover_started = True
    handover_triggered_on = str(today())
"""

RELEASE_ON_DATE = """try:
    conditional = release_conditional_expected == True
    conditions = release_special_conditions_expected
except:
    conditional = False
    conditions = ''
release_date = expected_release_date
release_info = {
    'release_date': release_date,
    'immediate': False,
    'conditional_release': conditional,
    'special_conditions': conditions,
    'reason': 'Ontslagdatum bereikt',
    'source': 'release_date',
}
del conditional, conditions
"""

PROCESS_IMMEDIATE = """payload = dict(immediate_release or {})
day = str(parse_date(payload.get('release_date') or today()))
assert parse_date(day) >= parse_date(entry_date), (
    'De datum van invrijheidstelling ligt voor de datum van binnenkomst'
)
release_date = day
release_info = {
    'release_date': day,
    'immediate': True,
    'conditional_release': payload.get('conditional_release') == True,
    'special_conditions': payload.get('special_conditions') or '',
    'reason': payload.get('reason') or 'Directe invrijheidstelling',
    'source': 'immediate_release',
}
del payload, day
"""

MANUAL_RELEASE = """release_date = str(parse_date(manual_release_date))
release_info = {
    'release_date': release_date,
    'immediate': manual_release_immediate == True,
    'conditional_release': False,
    'special_conditions': '',
    'reason': manual_release_reason,
    'source': 'manual',
}
"""

RECORD_ENTRY = """monitor_entry = {
    'identity_document': entry_situation_identity_document,
    'housing': entry_situation_housing,
    'work_income': entry_situation_work_income,
    'debts': entry_situation_debts,
    'care': entry_situation_care,
}
monitor_entry_recorded_on = str(today())
"""

CONSOLIDATE = """try:
    municipality_code = municipality_of_return
except:
    municipality_code = municipality_origin_code
expected_release_date = release_planning['expected_release_date']
stay_class = release_planning['stay_class']
"""


def _monitor_release_script() -> str:
    lines = ["monitor = {}"]
    for key in ("identity_document", "housing", "work_income", "debts", "care"):
        lines += [
            "try:",
            f"    monitor['{key}'] = {key}['status']",
            "except:",
            "    try:",
            f"        monitor['{key}'] = notice_status_{key}",
            "    except:",
            f"        monitor['{key}'] = 'unknown'",
        ]
    lines += [
        "try:",
        "    monitor_entry = dict(monitor_entry)",
        "except:",
        "    monitor_entry = {'identity_document': 'unknown', 'housing': 'unknown', "
        "'work_income': 'unknown', "
        "'debts': 'unknown', 'care': 'unknown'}",
        "monitor_release = monitor",
        "monitor_release_recorded_on = str(today())",
        "del monitor",
    ]
    return "\n".join(lines) + "\n"


RECORD_SIX_MONTHS = """monitor_6m = {
    'identity_document': monitor6_identity_document,
    'housing': monitor6_housing,
    'work_income': monitor6_work_income,
    'debts': monitor6_debts,
    'care': monitor6_care,
}
monitor_6m_recorded_on = str(today())
"""

# ---------------------------------------------------------------------------------------------
# Layout: rows of the prison lane. The release branch uses rows 0-4, the work branch rows 6 on.
AUX, LOOP = 0, 1
W = 7  # work branch main row (prison lane)
CALL_ROWS = [7, 8, 9, 10, 11]
LONG = 12
C_MERGE = 17.5  # column of the release merge


def main_process() -> Diagram:
    d = Diagram(
        "nazorg_detentie",
        "Nazorg bij detentie",
        "Samenwerkingsmodel Nazorg voor één detentie van een volwassen (ex-)gedetineerde burger: "
        "van "
        "binnenkomst in de penitentiaire inrichting tot zes maanden na ontslag. Buiten blijven "
        "begint "
        "binnen: gemeente en Gevangeniswezen bereiden de terugkeer al tijdens detentie voor, "
        "zodat de "
        "basisvoorzieningen (identiteitsbewijs, huisvesting, werk en inkomen, schulden, zorg) bij "
        "ontslag op orde zijn. (Bron: A; B; C, 1-6; D; E; F; G; bijlage 1 en 2)",
        lanes(PI, GM, RC, rows={PI: 13, GM: 3, RC: 2}),
    )
    release_signal(d)
    d.signal(
        "signal_municipality",
        SIG_MUNICIPALITY,
        "Intern signaal: een andere gemeente heeft de gedetineerde als ingezetene aanvaard. De tak "
        "die de ontslagdatum volgt, neemt de nieuwe gemeente van terugkeer over "
        "(municipality_code). "
        "(Bron: C, 6)",
        payload="municipality_code",
        variable="municipality_code",
    )
    d.message(
        "message_release_date_changed",
        MSG_DATE_CHANGED,
        "De penitentiaire inrichting meldt de (verwachte) ontslagdatum of een wijziging ervan. "
        "Inhoud "
        "(release_date_change): expected_release_date (JJJJ-MM-DD of leeg als weer onbekend), "
        "reason, "
        "en optioneel conditional_release (waar/onwaar) en special_conditions. "
        "(Bron: E, Informatie-uitwisseling 1; F, Informatie-uitwisseling 3)",
    )
    d.message(
        "message_immediate_release",
        MSG_IMMEDIATE,
        "De penitentiaire inrichting hoort van een (onmiddellijke) invrijheidstelling en meldt die "
        "direct. Inhoud (immediate_release): release_date (JJJJ-MM-DD, standaard vandaag), reason, "
        "conditional_release, special_conditions. (Bron: F, Informatie-uitwisseling 3)",
    )

    _entry_and_split(d)
    _release_branch(d)
    _work_branch(d)
    _after_release(d)
    return d


# ---------------------------------------------------------------------------------------------
def _entry_and_split(d: Diagram) -> None:
    d.start(
        "start_entry",
        "Gedetineerde ingesloten",
        PI,
        W,
        0,
        "Een volwassen burger is ingesloten in de penitentiaire inrichting. De zaak start met de "
        "gegevens van de insluiting: naam, geboortedatum, BSN, penitentiaire inrichting, datum van "
        "binnenkomst, verwachte ontslagdatum (als bekend), gemeente van herkomst en minderjarige "
        "kinderen.",
        "C, 1 (doelgroep); F, Informatie-uitwisseling 2 (minimale gegevens)",
        props={
            "formJsonSchemaFilename": "start_entry.schema.json",
            "formUiSchemaFilename": "start_entry.uischema.json",
        },
    )
    d.script(
        "init_case",
        "Zaak en termijnen voorbereiden",
        PI,
        W,
        1,
        "Controleert de startgegevens (ontslagdatum niet voor binnenkomst), legt de gemeente van "
        "herkomst vast en berekent de invoer voor de classificatie van het verblijf.",
        "C, 5 (gemeente van herkomst); E, Informatie-uitwisseling 1",
        script=INIT_CASE,
    )
    d.rule(
        "classify_stay",
        "Verblijfsduur bepalen",
        PI,
        W,
        2,
        "Beslistabel verblijfsduur: zeer kort (korter dan twee weken), kort, of lang "
        "(strafrestant van "
        "vier maanden of meer, of langer dan zes maanden gedetineerd); kiest de trajecten.",
        "C, 2; A, voetnoot 5; E, Informatie-uitwisseling 1; F, Algemeen 2 en 3",
        decision="stay_classification",
    )
    d.par(
        "split_main",
        "",
        PI,
        W,
        3,
        "Vanaf nu lopen twee dingen tegelijk: het werk tijdens detentie en het volgen van de "
        "ontslagdatum, die vaak niet vooraf bekend is en kan wijzigen.",
        "E, Informatie-uitwisseling 1",
    )
    d.flow("start_entry", "init_case")
    d.flow("init_case", "classify_stay")
    d.flow("classify_stay", "split_main")


# ---------------------------------------------------------------------------------------------
def _release_branch(d: Diagram) -> None:
    top = d.lanes[PI].top + 9  # the loop-back bus over the top of the prison lane
    bus = d.row_y(PI, 5.55)  # the loop-back bus below the waiting events
    x_loop = d.col_x(4)
    d.xor(
        "gw_release_loop",
        "",
        PI,
        LOOP,
        4,
        "Begin van de lus die de ontslagdatum volgt; elke wijziging komt hier terug, zodat alle "
        "termijnen opnieuw worden berekend.",
        "E, Informatie-uitwisseling 1 (einddatum vaak niet vooraf bekend)",
    )
    d.script(
        "recompute_deadlines",
        "Ontslagtermijnen berekenen",
        PI,
        LOOP,
        5,
        "Telt de doorgangen door de lus (begrensd op 50) en berekent de invoer voor de "
        "verblijfsduur op "
        "basis van de actuele verwachte ontslagdatum.",
        "E, Informatie-uitwisseling 1",
        script=RECOMPUTE,
        loop_bound=LOOP_BOUND,
    )
    d.rule(
        "reclassify_stay",
        "Verblijfsduur opnieuw bepalen",
        PI,
        LOOP,
        6,
        "Dezelfde beslistabel, met de actuele ontslagdatum: of een overdracht acht weken voor "
        "ontslag "
        "en een plaatsing in de laatste vier maanden nodig zijn.",
        "E, Informatie-uitwisseling 1; F, Informatie-uitwisseling 3; E, Algemeen 2",
        decision="stay_classification",
        loop_bound=LOOP_BOUND,
    )
    d.script(
        "plan_milestones",
        "Volgende termijn bepalen",
        PI,
        LOOP,
        7,
        "Bepaalt de eerstvolgende termijn: plaatsing in de regio (vier maanden voor ontslag, "
        "langverblijf), overdracht (acht weken voor ontslag) of de dag van ontslag zelf.",
        "E, Algemeen 2; F, Informatie-uitwisseling 3",
        script=PLAN_MILESTONES,
        loop_bound=LOOP_BOUND,
    )
    d.xor(
        "gw_release_state",
        "Ontslagdatum bekend?",
        PI,
        LOOP,
        8,
        "Met een bekende ontslagdatum wacht de zaak op de volgende termijn; zonder alleen op "
        "meldingen. "
        "Na 50 doorgangen wordt het ontslag handmatig vastgelegd.",
        "E, Informatie-uitwisseling 1",
        label_pos="above",
    )
    # Waiting with a known release date.
    d.egw(
        "wait_known",
        "Wachten tot volgende termijn",
        PI,
        LOOP,
        9,
        "Wacht op wat het eerst gebeurt: de volgende termijn, een gewijzigde ontslagdatum, een "
        "directe "
        "invrijheidstelling of een nieuwe gemeente van terugkeer.",
        "E, Informatie-uitwisseling 1; F, Informatie-uitwisseling 3",
        label_pos="above",
    )
    d.catch(
        "timer_next_milestone",
        "Volgende termijn bereikt",
        PI,
        LOOP,
        10,
        "De eerstvolgende termijn is aangebroken (begin van die dag). De tijd wordt bij elke "
        "wijziging "
        "van de ontslagdatum opnieuw berekend, doordat de lus deze timer opnieuw binnengaat.",
        "E, Algemeen 2; F, Informatie-uitwisseling 3",
        event=("timer", "next_milestone_at"),
    )
    catches = [
        (
            "catch_municipality_known",
            "Gemeente van terugkeer gewijzigd",
            1.75,
            ("signal", "signal_municipality"),
            "Een andere gemeente heeft de gedetineerde aanvaard; de nieuwe gemeente ontvangt de "
            "meldingen "
            "bij ontslag.",
            "C, 6",
        ),
        (
            "catch_date_changed",
            "Ontslagdatum gewijzigd",
            2.45,
            ("message", "message_release_date_changed", "release_date_change"),
            "De penitentiaire inrichting meldt direct een gewijzigde (eerdere of latere) "
            "ontslagdatum aan de "
            "gemeente.",
            "E, Informatie-uitwisseling 1; F, Informatie-uitwisseling 3",
        ),
        (
            "catch_immediate_known",
            "Directe invrijheidstelling",
            3.15,
            ("message", "message_immediate_release", "immediate_release"),
            (
                "De penitentiaire inrichting weet van een (onmiddellijke) invrijheidstelling en "
                "meldt dit direct."
            ),
            "F, Informatie-uitwisseling 3",
        ),
        (
            "catch_immediate_unknown",
            "Directe invrijheidstelling",
            3.85,
            ("message", "message_immediate_release", "immediate_release"),
            "Ook zonder bekende ontslagdatum kan de gedetineerde direct vrijkomen.",
            "F, Informatie-uitwisseling 3",
        ),
        (
            "catch_date_set",
            "Ontslagdatum gemeld",
            4.55,
            ("message", "message_release_date_changed", "release_date_change"),
            "De penitentiaire inrichting meldt de ontslagdatum zodra die bekend is.",
            "E, Informatie-uitwisseling 1 (melding van de ontslagdatum)",
        ),
        (
            "catch_municipality_unknown",
            "Gemeente van terugkeer gewijzigd",
            5.25,
            ("signal", "signal_municipality"),
            "Een andere gemeente heeft de gedetineerde aanvaard.",
            "C, 6",
        ),
    ]
    for cid, name, row, event, doc, ref in catches:
        d.catch(cid, name, PI, row, 10, doc, ref, event=event, label_pos="right")
    # Waiting while the release date is unknown.
    d.egw(
        "wait_unknown",
        "Wachten op ontslagdatum",
        PI,
        4.55,
        9,
        "De einddatum van de detentie is nog niet bekend (bijvoorbeeld bij voorlopige "
        "hechtenis). De "
        "zaak wacht op de melding van de ontslagdatum of een directe invrijheidstelling.",
        "E, Informatie-uitwisseling 1",
        label_pos="below-left",
    )
    d.xor(
        "gw_date_merge",
        "",
        PI,
        4.55,
        11.1,
        "Samenkomst van de meldingen over de ontslagdatum.",
        "E, Informatie-uitwisseling 1",
    )
    d.script(
        "process_date_change",
        "Ontslagdatum verwerken",
        PI,
        4.55,
        12.8,
        "Controleert de nieuwe datum (niet voor binnenkomst), bewaart de historie van "
        "wijzigingen en "
        "onthoudt een aangekondigde voorwaardelijke invrijheidstelling. Daarna worden alle "
        "termijnen "
        "opnieuw berekend.",
        "E, Informatie-uitwisseling 1; F, Informatie-uitwisseling 3",
        script=PROCESS_DATE_CHANGE,
        loop_bound=LOOP_BOUND,
    )
    d.xor(
        "gw_immediate_merge",
        "",
        PI,
        3.55,
        11.1,
        "Samenkomst van beide meldingen van een directe invrijheidstelling.",
        "F, Informatie-uitwisseling 3",
    )
    d.script(
        "process_immediate_release",
        "Directe invrijheidstelling vastleggen",
        PI,
        3.55,
        12.8,
        "Legt de directe invrijheidstelling vast (datum, reden, eventuele voorwaarden); de "
        "gemeente "
        "krijgt direct bericht en neemt het open werk over.",
        "F, Informatie-uitwisseling 3 (onmiddellijke invrijheidstelling direct doorgeven)",
        script=PROCESS_IMMEDIATE,
    )
    # The bound of the loop.
    d.user(
        "manual_release",
        "Ontslag handmatig vastleggen",
        PI,
        6.0,
        9,
        "De ontslagdatum is uitzonderlijk vaak gewijzigd (meer dan 50 doorgangen door de lus). De "
        "MMD'er legt het ontslag handmatig vast; daarna loopt de zaak verder zoals bij elk "
        "ontslag.",
        "E, Informatie-uitwisseling 1",
    )
    d.script(
        "record_manual_release",
        "Handmatig ontslag verwerken",
        PI,
        6.0,
        10.3,
        "Zet de handmatig vastgelegde gegevens om in de gegevens van het ontslag.",
        "F, Informatie-uitwisseling 3",
        script=MANUAL_RELEASE,
    )

    # Milestones.
    d.script(
        "mark_milestone",
        "Termijn markeren",
        PI,
        LOOP,
        11,
        "Onthoudt dat de plaatsingscontrole of de overdracht is gestart, zodat die na een volgende "
        "wijziging van de ontslagdatum niet nog eens start.",
        "E, Algemeen 2; F, Informatie-uitwisseling 3",
        script=MARK_MILESTONE,
        loop_bound=LOOP_BOUND,
    )
    d.xor(
        "gw_milestone",
        "Welke termijn?",
        PI,
        LOOP,
        12,
        "Plaatsing in de regio van vestiging (vier maanden voor ontslag), overdracht (acht weken "
        "voor "
        "ontslag) of de dag van ontslag.",
        "E, Algemeen 2; F, Informatie-uitwisseling 3",
        label_pos="below-left",
    )
    d.par(
        "split_placement",
        "",
        PI,
        0.3,
        12,
        "De plaatsingscontrole start en de lus wacht weer op de volgende termijn.",
        "E, Algemeen 2",
    )
    d.user(
        "placement_check",
        "Plaatsing in regio van vestiging controleren",
        PI,
        0.3,
        13.3,
        "Langverblijvenden worden in ieder geval de laatste vier maanden geplaatst in het "
        "arrondissement van vestiging of het aanpalende arrondissement, tenzij om gegronde "
        "redenen in "
        "overleg anders besloten. De MMD'er legt vast of dat zo is of wat er geregeld wordt.",
        "E, Algemeen 2",
        due="working_day_deadline(placement_check_triggered_on, 10)",
    )
    d.end(
        "placement_end",
        "Plaatsing gecontroleerd",
        PI,
        0.3,
        14.4,
        "De plaatsing is gecontroleerd.",
        "E, Algemeen 2",
    )
    d.par(
        "split_handover",
        "",
        PI,
        1.85,
        12,
        "De overdracht start en de lus wacht weer op de volgende termijn.",
        "F, Informatie-uitwisseling 3",
    )
    d.user(
        "handover_information",
        "Aanvullende informatie overdragen aan gemeente",
        PI,
        1.85,
        13.3,
        "Acht weken voor ontslag (of zo snel mogelijk) dragen penitentiaire inrichting en gemeente "
        "aanvullende informatie over de basisvoorzieningen van de langverblijvende gedetineerde "
        "over. "
        "Termijn: twee werkdagen nadat de overdracht is gestart.",
        "F, Informatie-uitwisseling 3; E, Informatie-uitwisseling 1 (acht weken voor ontslag)",
    )
    d.boundary(
        "handover_information_deadline",
        "Overdracht te laat",
        "handover_information",
        "De overdracht is niet binnen twee werkdagen na de start (acht weken voor ontslag) "
        "gedaan; het "
        "werk gaat door en de teamleider krijgt een escalatietaak.",
        "F, Informatie-uitwisseling 3",
        event=("timer", "working_day_deadline(handover_triggered_on, 2)"),
        cancel=False,
        offset=0.5,
        label_pos="right",
    )
    d.user(
        "handover_information_escalation",
        "Overdracht te laat: escaleren",
        PI,
        2.8,
        13.3,
        "De overdracht acht weken voor ontslag is niet op tijd gedaan. De teamleider legt vast "
        "wat er "
        "is gedaan.",
        "F, Informatie-uitwisseling 3",
        role=ESCALATION_ROLE,
    )
    d.end(
        "handover_information_escalation_end",
        "Escalatie afgehandeld",
        PI,
        2.8,
        14.4,
        "De escalatie is afgehandeld.",
        "F, Informatie-uitwisseling 3",
    )
    d.end(
        "handover_end",
        "Overdracht gedaan",
        PI,
        1.85,
        14.4,
        "De aanvullende informatie is overgedragen.",
        "F, Informatie-uitwisseling 3",
    )
    d.script(
        "release_on_date",
        "Ontslag op de ontslagdatum",
        PI,
        LOOP,
        15.5,
        "De ontslagdatum is aangebroken: legt het ontslag vast (ook een aangekondigde "
        "voorwaardelijke "
        "invrijheidstelling).",
        "F, Informatie-uitwisseling 3 (ontslagbericht op de dag van ontslag)",
        script=RELEASE_ON_DATE,
    )
    d.xor(
        "gw_release_merge",
        "",
        PI,
        LOOP,
        C_MERGE,
        "Samenkomst van alle manieren van ontslag.",
        "F, Informatie-uitwisseling 3",
    )

    # Flows of the release branch.
    d.flow("split_main", "gw_release_loop", waypoints=[(d.col_x(3), d.row_y(PI, LOOP))])
    d.flow("gw_release_loop", "recompute_deadlines")
    d.flow("recompute_deadlines", "reclassify_stay")
    d.flow("reclassify_stay", "plan_milestones")
    d.flow("plan_milestones", "gw_release_state")
    d.flow(
        "gw_release_state",
        "wait_known",
        name="ja",
        condition=f"release_loop_count <= {LOOP_BOUND} and bool(expected_release_date)",
    )
    d.flow(
        "gw_release_state",
        "wait_unknown",
        name="nee",
        default=True,
        waypoints=[(d.col_x(8), d.row_y(PI, 4.55))],
        label_at=(d.col_x(8) + 5, d.row_y(PI, LOOP) + 28),
    )
    d.flow(
        "gw_release_state",
        "manual_release",
        name="meer dan 50 doorgangen",
        condition=f"release_loop_count > {LOOP_BOUND}",
        waypoints=[(d.col_x(8), d.row_y(PI, 6.0))],
        label_at=(d.col_x(8) - 130, d.row_y(PI, 6.0) - 30),
    )
    d.flow("manual_release", "record_manual_release")
    d.flow(
        "record_manual_release",
        "gw_release_merge",
        waypoints=[(d.col_x(C_MERGE), d.row_y(PI, 6.0))],
    )
    d.flow("wait_known", "timer_next_milestone")
    for cid in ("catch_municipality_known", "catch_date_changed", "catch_immediate_known"):
        d.flow("wait_known", cid)
    for cid in ("catch_immediate_unknown", "catch_date_set", "catch_municipality_unknown"):
        d.flow("wait_unknown", cid)
    d.flow(
        "catch_date_changed",
        "gw_date_merge",
        waypoints=[
            (d.col_x(10.55), d.row_y(PI, 2.45)),
            (d.col_x(10.55), d.row_y(PI, 4.2)),
            (d.col_x(11.1), d.row_y(PI, 4.2)),
        ],
    )
    d.flow("catch_date_set", "gw_date_merge")
    d.flow("gw_date_merge", "process_date_change")
    d.flow(
        "process_date_change", "gw_release_loop", waypoints=[(d.col_x(12.8), bus), (x_loop, bus)]
    )
    d.flow(
        "catch_municipality_known",
        "gw_release_loop",
        waypoints=[
            (d.col_x(10) + 72, d.row_y(PI, 1.75)),
            (d.col_x(10) + 72, d.row_y(PI, 1.4)),
            (d.col_x(9) - 45, d.row_y(PI, 1.4)),
            (d.col_x(9) - 45, bus),
            (x_loop, bus),
        ],
    )
    d.flow(
        "catch_municipality_unknown",
        "gw_release_loop",
        waypoints=[(d.col_x(10), bus), (x_loop, bus)],
    )
    d.flow(
        "catch_immediate_known",
        "gw_immediate_merge",
        waypoints=[(d.col_x(11.1), d.row_y(PI, 3.15))],
    )
    d.flow(
        "catch_immediate_unknown",
        "gw_immediate_merge",
        waypoints=[(d.col_x(11.1), d.row_y(PI, 3.85))],
    )
    d.flow("gw_immediate_merge", "process_immediate_release")
    d.flow(
        "process_immediate_release",
        "gw_release_merge",
        waypoints=[(d.col_x(C_MERGE), d.row_y(PI, 3.55))],
    )
    d.flow("timer_next_milestone", "mark_milestone")
    d.flow("mark_milestone", "gw_milestone")
    d.flow(
        "gw_milestone",
        "split_placement",
        name="plaatsing",
        condition="next_milestone == 'placement'",
        label_at=(d.col_x(12) + 5, d.row_y(PI, 0.3) + 30),
    )
    d.flow(
        "gw_milestone",
        "split_handover",
        name="overdracht",
        condition="next_milestone == 'handover'",
        label_at=(d.col_x(12) + 5, d.row_y(PI, LOOP) + 28),
    )
    d.flow("gw_milestone", "release_on_date", name="ontslagdag", default=True)
    d.flow("split_placement", "placement_check")
    d.flow("split_placement", "gw_release_loop", waypoints=[(d.col_x(12), top), (x_loop, top)])
    d.flow("placement_check", "placement_end")
    d.flow("split_handover", "handover_information")
    d.flow("split_handover", "gw_release_loop", waypoints=[(d.col_x(12), bus), (x_loop, bus)])
    d.flow("handover_information", "handover_end")
    d.flow("handover_information_deadline", "handover_information_escalation")
    d.flow("handover_information_escalation", "handover_information_escalation_end")
    d.flow("release_on_date", "gw_release_merge")


def _signal_boundary(d: Diagram, task: str, side: str = "bottom", doc: str | None = None) -> str:
    bid = f"{task}_released"
    d.boundary(
        bid,
        "Ontslag",
        task,
        doc
        or "De gedetineerde gaat met ontslag terwijl deze taak nog open staat: de taak vervalt "
        "en wat "
        "open staat gaat over naar de gemeente.",
        "F, Informatie-uitwisseling 3 (ontslag en onmiddellijke invrijheidstelling)",
        event=("signal", "signal_release"),
        cancel=True,
        side=side,
        offset=0.78,
        label_pos="above-right" if side == "top" else "below-right",
    )
    return bid


def _deadline(
    d: Diagram,
    task: str,
    name: str,
    expression: str,
    lane: str,
    row: float,
    col: float,
    esc_name: str,
    doc: str,
    esc_doc: str,
    ref: str,
    end_col: float | None = None,
) -> None:
    d.boundary(
        f"{task}_deadline",
        name,
        task,
        doc,
        ref,
        event=("timer", expression),
        cancel=False,
        offset=0.22,
        label_pos="below-left",
    )
    esc = f"{task}_escalation"
    d.user(esc, esc_name, lane, row, col, esc_doc, ref, role=ESCALATION_ROLE, dy=20)
    d.end(
        f"{esc}_end",
        "Escalatie afgehandeld",
        lane,
        row,
        end_col if end_col is not None else col + 0.75,
        "De escalatie is afgehandeld; het werk loopt door.",
        ref,
        dy=20,
    )
    d.flow(f"{task}_deadline", esc)
    d.flow(esc, f"{esc}_end")


def _work_branch(d: Diagram) -> None:
    done_col = 20
    above_w = d.row_y(PI, W) - 88  # channel between the release branch and the work branch
    below_calls = d.row_y(PI, 11) + 55  # channel between the provisions and the long-stay track
    gm_r1 = d.row_top(GM, 1) + 34  # corridor below the municipality's first row
    gm_r2 = d.row_y(GM, 2)  # corridor in the municipality's third row
    d.user(
        "entry_notification",
        "Melding binnenkomst aan gemeente",
        PI,
        W,
        4,
        "Binnen twee werkdagen na aanvang detentie meldt de penitentiaire inrichting aan het "
        "gemeentelijk coördinatiepunt dat betrokkene gedetineerd is, met de minimale gegevens: "
        "naam, "
        "geboortedatum, BSN, datum van binnenkomst, verwachte ontslagdatum, (verwachte) "
        "problemen op de "
        "basisvoorzieningen, relevante gemeentelijke inzet en informatie over minderjarige "
        "kinderen. "
        "Ook de grondslag van de gemeente van herkomst en een eventuele wens om zich elders te "
        "vestigen.",
        (
            "F, Informatie-uitwisseling 2 en 3 (binnen twee werkdagen); E, Informatie-uitwisseling "
            "1; C, 5"
        ),
    )
    _deadline(
        d,
        "entry_notification",
        "2 werkdagen na binnenkomst",
        "working_day_deadline(entry_date, 2)",
        PI,
        W + 1,
        4,
        "Melding binnenkomst te laat: escaleren",
        "De melding binnenkomst moet binnen twee werkdagen na aanvang detentie bij de gemeente "
        "zijn. Het "
        "werk gaat door; de teamleider van de penitentiaire inrichting krijgt een escalatietaak.",
        "De melding binnenkomst is niet binnen twee werkdagen gedaan. De teamleider van de "
        "penitentiaire inrichting legt vast wat er is gedaan.",
        "F, Informatie-uitwisseling 3 (binnen twee werkdagen na aanvang detentie)",
    )
    _signal_boundary(
        d,
        "entry_notification",
        side="top",
        doc="Ontslag voordat de melding binnenkomst is gedaan: de melding vervalt; het "
        "ontslagbericht informeert de gemeente.",
    )
    d.script(
        "record_entry",
        "Monitormeting bij binnenkomst vastleggen",
        PI,
        W,
        5,
        "Legt de situatie bij binnenkomst per basisvoorziening vast als monitor_entry "
        "(WODC-monitor, "
        "eerste meetmoment).",
        "G, Monitoring (meting bij binnenkomst)",
        script=RECORD_ENTRY,
    )
    d.xor(
        "gw_settle_elsewhere",
        "Vestiging in andere gemeente gevraagd?",
        PI,
        W,
        6,
        "Uitgangspunt is terugkeer naar de gemeente van herkomst; de gedetineerde kan aangeven "
        "zich in "
        "een andere gemeente te willen vestigen.",
        "C, 5 en 6",
        label_pos="above",
    )
    d.script(
        "route_to_requested",
        "Verzoek naar gewenste gemeente sturen",
        GM,
        0,
        7,
        "De gewenste gemeente beoordeelt het verzoek: de zaak gaat tijdelijk naar die gemeente "
        "(municipality_code), zodat de beoordelingstaak daar terechtkomt.",
        "C, 6",
        script="municipality_code = entry_requested_municipality_code\n",
    )
    d.user(
        "settlement_decision",
        "Verzoek tot vestiging beoordelen",
        GM,
        0,
        8,
        "De gewenste gemeente besluit, na overleg tussen Gevangeniswezen, gemeente van herkomst, "
        "gewenste gemeente, reclassering en gedetineerde, of zij de gedetineerde als ingezetene "
        "opneemt "
        "en de noodzakelijke nazorg verleent, met de reden.",
        "C, 6 (gemeenten beslissen in individuele gevallen); C, 3 voetnoot 9",
    )
    _signal_boundary(
        d,
        "settlement_decision",
        doc="Ontslag voordat over de vestiging is besloten: de gemeente van herkomst blijft "
        "de gemeente van terugkeer.",
    )
    d.xor(
        "gw_settlement_accepted",
        "Aanvaard?",
        GM,
        0,
        9,
        "Aanvaard of geweigerd door de gewenste gemeente.",
        "C, 6",
        label_pos="above",
    )
    d.throw(
        "announce_new_municipality",
        "Nieuwe gemeente van terugkeer",
        GM,
        0,
        10,
        "De gewenste gemeente heeft aanvaard: zij is de gemeente van terugkeer; ook de meldingen "
        "bij "
        "ontslag gaan naar haar.",
        "C, 6",
        event=("signal", "signal_municipality"),
    )
    d.script(
        "restore_origin",
        "Terug naar gemeente van herkomst",
        GM,
        1,
        10,
        "Geweigerd: de zaak gaat terug naar de gemeente van herkomst.",
        "C, 5 en 6",
        script="municipality_code = municipality_origin_code\n",
        dy=20,
    )
    d.xor("gw_settle_merge", "", PI, W, 11, "Samenkomst.", "C, 5 en 6")
    d.script(
        "fix_municipality",
        "Gemeente van terugkeer vastleggen",
        PI,
        W,
        12,
        "Legt de gemeente van terugkeer vast (municipality_of_return); alle basisvoorzieningen "
        "werken "
        "met deze gemeente.",
        "C, 5 en 6",
        script="municipality_of_return = municipality_code\n",
    )
    d.xor(
        "gw_track",
        "Welk traject?",
        PI,
        W,
        13,
        "Zeer kort verblijf (korter dan twee weken): alleen elkaar informeren en urgente zaken "
        "afstemmen. Anders: volledige screening en de basisvoorzieningen.",
        "C, 2; F, Algemeen 3; E, Informatie-uitwisseling 1",
        label_pos="above",
    )
    d.user(
        "very_short_alignment",
        "Zeer kort verblijf: informatie afstemmen",
        GM,
        0,
        14,
        "Bij zeer kortverblijvenden zijn de mogelijkheden beperkt; partijen informeren elkaar en "
        "stemmen "
        "de inzet voor, tijdens en na detentie af. De gemeente legt vast wat bekend is en welke "
        "zaken "
        "urgent zijn.",
        "F, Algemeen 3; C, 2; E, Informatie-uitwisseling 1 (procedure kortverblijvenden)",
    )
    _signal_boundary(d, "very_short_alignment")
    d.nodes["very_short_alignment_released"].label_pos = "left"
    d.par(
        "split_tracks",
        "",
        PI,
        W,
        14,
        "De basisvoorzieningen, de gemeentelijke informatie en (bij "
        "langverblijf) het langverblijftraject lopen tegelijk.",
        "F, Informatie-uitwisseling 3",
    )
    for (cid, name, called, doc, ref), row in zip(PROVISION_CALLS, CALL_ROWS, strict=True):
        d.call(
            cid,
            name,
            PI,
            row,
            15,
            doc + " Screenen, taakverdeling afspreken, acties tijdens detentie "
            "en status bij ontslag.",
            ref + "; F, Informatie-uitwisseling 3",
            called=called,
        )
    d.user(
        "municipal_information",
        "Gemeentelijke informatie aanleveren",
        GM,
        0,
        15,
        "De gemeente levert binnen tien werkdagen wat zij weet: lopende trajecten voor detentie, "
        "gemeentelijke inzet, informatie over minderjarige kinderen, het vaste aanspreekpunt. "
        "Samen "
        "met de screening door de penitentiaire inrichting is dit de wederzijdse "
        "informatie-uitwisseling.",
        "F, Informatie-uitwisseling 1, 2 en 3; F, Algemeen 1 (continuïteit)",
    )
    _deadline(
        d,
        "municipal_information",
        "10 werkdagen na binnenkomst",
        "working_day_deadline(entry_date, 10)",
        GM,
        1,
        15,
        "Informatie-uitwisseling te laat: escaleren",
        "Binnen tien werkdagen na binnenkomst moet de wederzijdse informatie-uitwisseling zijn "
        "gedaan. "
        "Het werk gaat door; de teamleider van de gemeente krijgt een escalatietaak.",
        "De gemeentelijke informatie is niet binnen tien werkdagen geleverd. De teamleider van het "
        "coördinatiepunt legt vast wat er is gedaan.",
        "F, Informatie-uitwisseling 3 (binnen tien werkdagen na binnenkomst)",
    )
    _signal_boundary(d, "municipal_information")
    d.xor("gw_municipal_merge", "", GM, 0, 16, "Samenkomst.", "F, Informatie-uitwisseling 3")
    d.xor(
        "gw_long_stay",
        "Langverblijf?",
        PI,
        LONG,
        15,
        "Alleen bij langverblijvenden: RISc en detentie- en re-integratieplan met de reclassering.",
        "F, Algemeen 2",
        label_pos="below-left",
    )
    d.user(
        "request_risc",
        "RISc en D&R-plan aanvragen bij reclassering",
        PI,
        LONG,
        16,
        "De penitentiaire inrichting betrekt de reclassering: aanvraag van de recidiverisico-"
        "inventarisatie (RISc) als basis voor het detentie- en re-integratieplan.",
        "F, Algemeen 2; A (dadergerichte aanpak)",
    )
    _signal_boundary(d, "request_risc", side="top")
    d.user(
        "risc_assessment",
        "RISc afnemen",
        RC,
        0,
        17,
        "De reclassering schat met de RISc het recidive- en gevaarsrisico in en adviseert over "
        "(erkende) gedragsinterventies.",
        "F, Algemeen 2; A, voetnoot 6",
    )
    _signal_boundary(d, "risc_assessment")
    d.user(
        "dr_plan",
        "Detentie- en re-integratieplan opstellen",
        PI,
        LONG,
        18,
        "Op basis van de RISc stellen reclassering en Gevangeniswezen het D&R-plan op, met "
        "relevante "
        "gegevens uit de gemeentelijke inzet, in afstemming met het gemeentelijk coördinatiepunt; "
        "(erkende) gedragsinterventies worden aangeboden.",
        "F, Algemeen 2; F, Informatie-uitwisseling 4 en 5",
    )
    _signal_boundary(d, "dr_plan", side="top")
    d.xor("gw_long_merge", "", PI, LONG, 19, "Samenkomst.", "F, Algemeen 2")
    d.par(
        "join_tracks",
        "",
        PI,
        9,
        19,
        "Alle sporen tijdens detentie zijn afgerond.",
        "F, Informatie-uitwisseling 3",
    )
    d.xor(
        "gw_work_done",
        "",
        PI,
        W,
        done_col,
        "Het werk tijdens detentie is afgerond of door het ontslag beëindigd.",
        "F, Informatie-uitwisseling 3",
    )

    # Flows.
    d.flow("split_main", "entry_notification")
    d.flow("entry_notification", "record_entry")
    d.flow(
        "entry_notification_released",
        "gw_work_done",
        waypoints=[(d.col_x(4) + 42, above_w), (d.col_x(done_col), above_w)],
    )
    d.flow("record_entry", "gw_settle_elsewhere")
    d.flow(
        "gw_settle_elsewhere",
        "route_to_requested",
        name="ja",
        condition="entry_settle_elsewhere == True",
    )
    d.flow("gw_settle_elsewhere", "gw_settle_merge", name="nee", default=True)
    d.flow("route_to_requested", "settlement_decision")
    d.flow("settlement_decision", "gw_settlement_accepted")
    d.flow(
        "settlement_decision_released",
        "gw_work_done",
        waypoints=[(d.col_x(8) + 42, gm_r2), (d.col_x(done_col), gm_r2)],
    )
    d.flow(
        "gw_settlement_accepted",
        "announce_new_municipality",
        name="aanvaard",
        condition="settlement_decision_outcome == 'accepted'",
    )
    d.flow(
        "gw_settlement_accepted",
        "restore_origin",
        name="geweigerd",
        default=True,
        waypoints=[(d.col_x(9), d.row_y(GM, 1) + 20)],
    )
    d.flow(
        "announce_new_municipality", "gw_settle_merge", waypoints=[(d.col_x(11), d.row_y(GM, 0))]
    )
    d.flow(
        "restore_origin",
        "gw_settle_merge",
        waypoints=[
            (d.col_x(11) - 40, d.row_y(GM, 1) + 20),
            (d.col_x(11) - 40, d.row_y(PI, W) + 60),
            (d.col_x(11), d.row_y(PI, W) + 60),
        ],
    )
    d.flow("gw_settle_merge", "fix_municipality")
    d.flow("fix_municipality", "gw_track")
    d.flow(
        "gw_track",
        "very_short_alignment",
        name="zeer kort",
        condition="stay_class == 'very_short'",
        waypoints=[(d.col_x(13), d.row_y(GM, 0))],
    )
    d.flow("gw_track", "split_tracks", name="kort of lang", default=True)
    d.flow(
        "very_short_alignment",
        "gw_work_done",
        waypoints=[(d.col_x(14) - 45, gm_r2), (d.col_x(done_col), gm_r2)],
    )
    d.flow(
        "very_short_alignment_released",
        "gw_work_done",
        waypoints=[(d.col_x(14) + 42, gm_r2), (d.col_x(done_col), gm_r2)],
    )
    for (cid, *_), row in zip(PROVISION_CALLS, CALL_ROWS, strict=True):
        if row == W:
            d.flow("split_tracks", cid)
        else:
            d.flow("split_tracks", cid, waypoints=[(d.col_x(14), d.row_y(PI, row))])
        d.flow(
            cid,
            "join_tracks",
            waypoints=[
                (d.col_x(C_MERGE - 0.3), d.row_y(PI, row)),
                (d.col_x(C_MERGE - 0.3), d.row_y(PI, 9)),
            ],
        )
    d.flow(
        "split_tracks",
        "municipal_information",
        waypoints=[(d.col_x(14.45), d.row_y(PI, W)), (d.col_x(14.45), d.row_y(GM, 0))],
    )
    d.flow("split_tracks", "gw_long_stay", waypoints=[(d.col_x(14), d.row_y(PI, LONG))])
    d.flow("municipal_information", "gw_municipal_merge")
    d.flow(
        "municipal_information_released",
        "gw_municipal_merge",
        waypoints=[(d.col_x(15) + 42, gm_r1), (d.col_x(16), gm_r1)],
    )
    d.flow(
        "gw_municipal_merge",
        "join_tracks",
        waypoints=[
            (d.col_x(C_MERGE - 0.3), d.row_y(GM, 0)),
            (d.col_x(C_MERGE - 0.3), d.row_y(PI, 9)),
        ],
    )
    d.flow("gw_long_stay", "request_risc", name="ja", condition="track_long_stay == True")
    d.flow(
        "gw_long_stay",
        "gw_long_merge",
        name="nee",
        default=True,
        waypoints=[(d.col_x(15), below_calls), (d.col_x(19), below_calls)],
        label_at=(d.col_x(15) + 5, below_calls + 2),
    )
    d.flow("request_risc", "risc_assessment", waypoints=[(d.col_x(17), d.row_y(PI, LONG))])
    d.flow("risc_assessment", "dr_plan", waypoints=[(d.col_x(18), d.row_y(RC, 0))])
    d.flow("dr_plan", "gw_long_merge")
    d.flow(
        "request_risc_released",
        "gw_long_merge",
        waypoints=[(d.col_x(16) + 42, below_calls), (d.col_x(19), below_calls)],
    )
    d.flow(
        "dr_plan_released",
        "gw_long_merge",
        waypoints=[(d.col_x(18) + 42, below_calls), (d.col_x(19), below_calls)],
    )
    d.flow(
        "risc_assessment_released",
        "gw_long_merge",
        waypoints=[(d.col_x(17) + 42, d.row_top(RC, 1) + 34), (d.col_x(19), d.row_top(RC, 1) + 34)],
    )
    d.flow("gw_long_merge", "join_tracks")
    d.flow("join_tracks", "gw_work_done", waypoints=[(d.col_x(done_col), d.row_y(PI, 9))])


def _after_release(d: Diagram) -> None:
    c = C_MERGE
    d.throw(
        "throw_release",
        "Ontslag: open werk stopt",
        PI,
        LOOP,
        c + 1,
        "Meldt het ontslag aan alle onderdelen van de zaak: open taken tijdens detentie "
        "vervallen, de "
        "basisvoorzieningen leggen hun status bij ontslag vast of, na een directe "
        "invrijheidstelling, "
        "neemt de gemeente het open werk over.",
        "F, Informatie-uitwisseling 3; C, 3 (volledige overdracht naar gemeenten)",
        event=("signal", "signal_release"),
    )
    d.user(
        "release_notice",
        "Ontslagbericht aan gemeente versturen",
        PI,
        LOOP,
        c + 2,
        "Op de dag van ontslag uit de penitentiaire inrichting wordt een ontslagbericht aan de "
        "gemeente "
        "gestuurd: datum en soort ontslag, verblijfplaats na ontslag, een voorwaardelijk traject "
        "met "
        "reclasseringstoezicht en de (bijzondere) voorwaarden. Bij een zeer kort verblijf ook de "
        "situatie per basisvoorziening.",
        (
            "F, Informatie-uitwisseling 3 (ontslagbericht op de dag van ontslag); E, "
            "Informatie-uitwisseling 1"
        ),
    )
    _deadline(
        d,
        "release_notice",
        "Einde dag van ontslag",
        "end_of_day(release_date)",
        PI,
        2.15,
        c + 2,
        "Ontslagbericht te laat: escaleren",
        "Het ontslagbericht moet op de dag van ontslag verstuurd zijn. Het werk gaat door; de "
        "teamleider "
        "van de penitentiaire inrichting krijgt een escalatietaak.",
        "Het ontslagbericht is niet op de dag van ontslag verstuurd. De teamleider van de "
        "penitentiaire "
        "inrichting legt vast wat er is gedaan.",
        "F, Informatie-uitwisseling 3 (op de dag van ontslag)",
        end_col=c + 3,
    )
    d.nodes["release_notice_escalation"].dy = 0
    d.nodes["release_notice_escalation_end"].dy = 0
    d.xor(
        "gw_immediate_release",
        "Directe invrijheidstelling?",
        PI,
        LOOP,
        c + 3.2,
        "Na een directe invrijheidstelling neemt de gemeente over wat open staat.",
        "F, Informatie-uitwisseling 3; C, 3",
        label_pos="above",
    )
    d.user(
        "takeover_open_work",
        "Openstaand werk overnemen",
        GM,
        0,
        c + 4.2,
        "De gedetineerde is direct in vrijheid gesteld. De gemeente neemt de nazorg over: wat "
        "tijdens de "
        "detentie nog open stond (melding, informatie-uitwisseling, langverblijftraject) en het "
        "eerste "
        "contact na ontslag. De basisvoorzieningen leggen elk hun eigen overname vast.",
        "F, Informatie-uitwisseling 3 (onmiddellijke invrijheidstelling); C, 3 (volledige "
        "overdracht "
        "naar gemeenten voor afloop van de justitiële titel)",
    )
    d.xor("gw_takeover_merge", "", PI, LOOP, c + 5.2, "Samenkomst.", "F, Informatie-uitwisseling 3")
    d.xor(
        "gw_supervision",
        "Voorwaardelijk traject met toezicht?",
        PI,
        LOOP,
        c + 6.2,
        "Bij een voorwaardelijke invrijheidstelling of een ander voorwaardelijk of extramuraal "
        "traject "
        "met reclasseringstoezicht worden gemeente en reclassering op de hoogte gesteld van de "
        "(bijzondere) voorwaarden.",
        "F, Informatie-uitwisseling 3 (laatste twee punten); C, 3",
        label_pos="above",
    )
    d.par(
        "split_supervision",
        "",
        GM,
        0,
        c + 7.2,
        "Gemeente en reclassering tegelijk.",
        "F, Informatie-uitwisseling 3",
    )
    d.user(
        "supervision_municipality",
        "Bijzondere voorwaarden ontvangen en nazorg afstemmen",
        GM,
        0,
        c + 8.2,
        "De gemeente is door het Gevangeniswezen op de hoogte gesteld van de (relevante) "
        "(bijzondere) "
        "voorwaarden en stemt met de reclassering af over de noodzakelijke nazorg, voor zover "
        "die nog "
        "niet (geheel) gerealiseerd is.",
        "F, Informatie-uitwisseling 3 en 4; C, 3",
    )
    d.user(
        "supervision_probation",
        "Toezicht op bijzondere voorwaarden starten",
        RC,
        0,
        c + 8.2,
        "De reclassering is primair verantwoordelijk voor het toezicht op de bijzondere "
        "voorwaarden en "
        "stemt voor re-integratie en basisvoorzieningen vroegtijdig af met de gemeente waar de "
        "ex-gedetineerde zich vestigt.",
        "C, 3; F, Informatie-uitwisseling 4",
    )
    d.par(
        "join_supervision",
        "",
        GM,
        0,
        c + 9.2,
        "Beide zijn geïnformeerd.",
        "F, Informatie-uitwisseling 3",
    )
    d.xor(
        "gw_supervision_merge",
        "",
        PI,
        LOOP,
        c + 10.2,
        "Samenkomst.",
        "F, Informatie-uitwisseling 3",
    )
    d.par(
        "join_main",
        "",
        PI,
        W,
        c + 11.2,
        "Het ontslag is verwerkt en het werk tijdens detentie is afgesloten.",
        "F, Informatie-uitwisseling 3; G, Monitoring",
    )
    d.script(
        "consolidate",
        "Zaakgegevens na ontslag samenvoegen",
        PI,
        W,
        c + 12.2,
        "Neemt de gemeente van terugkeer, de laatste verwachte ontslagdatum en de "
        "verblijfscategorie "
        "over uit de tak die ze heeft bijgehouden.",
        "C, 5 en 6; E, Informatie-uitwisseling 1",
        script=CONSOLIDATE,
    )
    d.script(
        "monitor_at_release",
        "Monitormeting bij ontslag vastleggen",
        PI,
        W,
        c + 13.2,
        "Legt de status van de vijf basisvoorzieningen bij einde detentie vast als monitor_release "
        "(WODC-monitor, tweede meetmoment; landelijke ambitie: 80% met de noodzakelijke "
        "basisvoorzieningen bij ontslag).",
        "G, Monitoring; bijlage 2 (80% bij ontslag)",
        script=_monitor_release_script(),
    )
    d.catch(
        "wait_six_months",
        "Zes maanden na ontslag",
        PI,
        W,
        c + 14.2,
        "Zes maanden na ontslag volgt de derde meting van de monitor.",
        "G, Monitoring (zes maanden in de maatschappij)",
        event=("timer", "end_of_day(parse_date(add_months(release_date, 6)) - timedelta(days=1))"),
    )
    d.user(
        "monitor_six_months",
        "Monitormeting zes maanden na ontslag",
        GM,
        0,
        c + 15.2,
        "De gemeente legt vast in welke mate de ex-gedetineerde zes maanden na ontslag beschikt "
        "over "
        "een identiteitsbewijs, inkomen, huisvesting, inzicht in schulden en contact met een "
        "zorginstelling. Termijn: tien werkdagen.",
        "G, Monitoring; bijlage 2",
    )
    _deadline(
        d,
        "monitor_six_months",
        "10 werkdagen na de zesde maand",
        "working_day_deadline(add_months(release_date, 6), 10)",
        GM,
        1,
        c + 15.2,
        "Monitormeting te laat: escaleren",
        "De meting zes maanden na ontslag is niet binnen tien werkdagen gedaan; de teamleider "
        "van de "
        "gemeente krijgt een escalatietaak.",
        "De monitormeting zes maanden na ontslag is niet op tijd gedaan. De teamleider van het "
        "coördinatiepunt legt vast wat er is gedaan.",
        "G, Monitoring",
    )
    d.script(
        "record_six_months",
        "Monitormeting zes maanden vastleggen",
        PI,
        W,
        c + 16.2,
        "Legt de meting vast als monitor_6m.",
        "G, Monitoring",
        script=RECORD_SIX_MONTHS,
    )
    d.end(
        "end_case",
        "Nazorgtraject afgerond",
        PI,
        W,
        c + 17.2,
        "De zaak is afgerond: de drie metingen van de monitor zijn gedaan.",
        "G, Monitoring",
    )

    d.flow("gw_release_merge", "throw_release")
    d.flow("throw_release", "release_notice")
    d.flow("release_notice", "gw_immediate_release")
    d.flow(
        "gw_immediate_release",
        "takeover_open_work",
        name="ja",
        condition="release_info['immediate'] == True",
    )
    d.flow("gw_immediate_release", "gw_takeover_merge", name="nee", default=True)
    d.flow(
        "takeover_open_work", "gw_takeover_merge", waypoints=[(d.col_x(c + 5.2), d.row_y(GM, 0))]
    )
    d.flow("gw_takeover_merge", "gw_supervision")
    d.flow(
        "gw_supervision",
        "split_supervision",
        name="ja",
        condition="notice_probation_supervision == True",
    )
    d.flow("gw_supervision", "gw_supervision_merge", name="nee", default=True)
    d.flow("split_supervision", "supervision_municipality")
    d.flow(
        "split_supervision", "supervision_probation", waypoints=[(d.col_x(c + 7.2), d.row_y(RC, 0))]
    )
    d.flow("supervision_municipality", "join_supervision")
    d.flow(
        "supervision_probation", "join_supervision", waypoints=[(d.col_x(c + 9.2), d.row_y(RC, 0))]
    )
    d.flow(
        "join_supervision", "gw_supervision_merge", waypoints=[(d.col_x(c + 10.2), d.row_y(GM, 0))]
    )
    d.flow("gw_supervision_merge", "join_main", waypoints=[(d.col_x(c + 11.2), d.row_y(PI, LOOP))])
    d.flow("gw_work_done", "join_main")
    d.flow("join_main", "consolidate")
    d.flow("consolidate", "monitor_at_release")
    d.flow("monitor_at_release", "wait_six_months")
    d.flow(
        "wait_six_months",
        "monitor_six_months",
        waypoints=[(d.col_x(c + 14.7), d.row_y(PI, W)), (d.col_x(c + 14.7), d.row_y(GM, 0))],
    )
    d.flow(
        "monitor_six_months",
        "record_six_months",
        waypoints=[(d.col_x(c + 15.7), d.row_y(GM, 0)), (d.col_x(c + 15.7), d.row_y(PI, W))],
    )
    d.flow("record_six_months", "end_case")
