"""The five basic provisions, one executable process (and file) each, called from the main process.

Every provision follows the same shape (A; D; E and F per provision):
screen (prison) -> action needed? -> information and division of tasks (municipality) ->
the actions during detention -> wait for the release -> status at release (prison), or, after an
immediate release, the municipality takes over what is open -> record the result.
Every open task during detention is interrupted by the release signal; the screening and the
agreement have a 10-working-day deadline with an escalation (F, Informatie-uitwisseling 3).
"""

from __future__ import annotations

from tests.diagrams.builder import COL_W, TASK_H, TASK_W, Diagram
from tests.diagrams.model_common import (
    LANE_MUNICIPALITY,
    LANE_PRISON,
    LANE_UWV,
    lanes,
    release_signal,
)

PI, GM, UWV = LANE_PRISON, LANE_MUNICIPALITY, LANE_UWV
TEN_DAYS = "working_day_deadline(entry_date, 10)"
RELEASE_DAY_END = "end_of_day(release_info['release_date'])"
ESCALATION_ROLE = "team_lead"


class Provision:
    """Builds one provision process on a grid; keeps the shared pieces consistent."""

    def __init__(self, d: Diagram, key: str, label: str):
        self.d = d
        self.key = key  # e.g. "housing": data key and id prefix
        self.label = label  # Dutch name, e.g. "huisvesting"
        self.signal_sources: list[tuple[str, str]] = []  # (boundary id, lane of host)
        release_signal(d)

    # -- pieces ---------------------------------------------------------------------------
    def corridor(self, lane: str, row: float) -> float:
        """y of the corridor just below a row: where release-signal flows run to the right."""
        return self.d.row_top(lane, row + 1) + 34

    def interruptible(self, task_id: str) -> None:
        """An interrupting boundary event on the task for the release signal."""
        bid = f"{task_id}_released"
        self.d.boundary(
            bid,
            "Ontslag",
            task_id,
            "De gedetineerde gaat met ontslag terwijl deze taak nog open staat: de taak vervalt en "
            "de stand van zaken wordt bij ontslag vastgelegd of, na een directe "
            "invrijheidstelling, "
            "door de gemeente overgenomen.",
            "F, Informatie-uitwisseling 3 (ontslag en onmiddellijke invrijheidstelling)",
            event=("signal", "signal_release"),
            cancel=True,
            offset=0.78,
            label_pos="below-right",
        )
        self.signal_sources.append((bid, task_id))

    def deadline(
        self, task_id: str, lane: str, row: float, col: float, what: str, party: str
    ) -> None:
        """A non-interrupting 10-working-day timer on the task, leading to an escalation task."""
        d = self.d
        bid = f"{task_id}_deadline"
        d.boundary(
            bid,
            "10 werkdagen na binnenkomst",
            task_id,
            f"Binnen tien werkdagen na binnenkomst moet {what} zijn afgerond. Het werk gaat door "
            "(niet-onderbrekend); de verantwoordelijke partij krijgt een escalatietaak.",
            "F, Informatie-uitwisseling 3 (binnen tien werkdagen na binnenkomst)",
            event=("timer", TEN_DAYS),
            cancel=False,
            offset=0.22,
            label_pos="below-left",
        )
        esc = f"{task_id}_escalation"
        d.user(
            esc,
            f"Termijn {self.label} verstreken: escaleren",
            lane,
            row + 1,
            col,
            f"De termijn van tien werkdagen voor {what} is verstreken. De teamleider van de "
            f"{party} legt vast wat er is gedaan om de achterstand in te lopen.",
            "F, Informatie-uitwisseling 3",
            role=ESCALATION_ROLE,
            dy=20,
        )
        d.end(
            f"{esc}_end",
            "Escalatie afgehandeld",
            lane,
            row + 1,
            col + 0.7,
            "De escalatie is afgehandeld; het reguliere werk loopt door.",
            "F, Informatie-uitwisseling 3",
            label_pos="below",
            dy=20,
        )
        d.flow(bid, esc)
        d.flow(esc, f"{esc}_end")

    def head(
        self,
        col: int,
        screening_name: str,
        screening_doc: str,
        screening_ref: str,
        init_extra: str = "",
    ) -> None:
        """Start, initialisation and the screening by the prison (with deadline and release)."""
        d, k = self.d, self.key
        d.start(
            f"{k}_start",
            "Basisvoorziening gestart",
            PI,
            0,
            col - 2,
            f"Het hoofdproces roept deze basisvoorziening ({self.label}) aan zodra de "
            f"gedetineerde is "
            "gemeld en de gemeente van terugkeer vaststaat.",
            "A; D; F, Informatie-uitwisseling 3",
        )
        d.script(
            f"{k}_init",
            "Stand van zaken initialiseren",
            PI,
            0,
            col - 1,
            "Zet de gegevens van deze basisvoorziening op 'nog niet bekend', zodat de afsluiting "
            "altijd "
            "een volledige status kan vastleggen, ook als het ontslag de screening onderbreekt.",
            "G, Monitoring",
            script=(
                f"{k}_action_needed = None\n"
                f"{k}_status_at_release = None\n"
                f"{k}_status_reason = None\n" + init_extra
            ),
        )
        d.user(f"{k}_screening", screening_name, PI, 0, col, screening_doc, screening_ref)
        self.deadline(
            f"{k}_screening",
            PI,
            0,
            col,
            f"de screening op {self.label}",
            "penitentiaire inrichting",
        )
        self.interruptible(f"{k}_screening")
        d.flow(f"{k}_start", f"{k}_init")
        d.flow(f"{k}_init", f"{k}_screening")

    def needed_gateway(self, col: float, row: float = 0) -> str:
        gid = f"{self.key}_gw_needed"
        self.d.xor(
            gid,
            "Actie nodig?",
            PI,
            row,
            col,
            f"Volgens de screening is er op {self.label} iets te regelen, of niet. Zonder "
            f"probleem is "
            "deze basisvoorziening niet nodig en wordt dat meteen vastgelegd.",
            "F, Informatie-uitwisseling 3 (volledig gescreend op de basisvoorzieningen)",
            label_pos="above-left",
        )
        return gid

    def agreement(self, col: float, name: str, doc: str, ref: str, row: float = 0) -> str:
        tid = f"{self.key}_agreement"
        self.d.user(tid, name, GM, row, col, doc, ref)
        self.deadline(
            tid,
            GM,
            row,
            col,
            f"de informatie-uitwisseling en taakverdeling over {self.label}",
            "gemeente",
        )
        self.interruptible(tid)
        return tid

    def task(
        self, tid: str, name: str, lane: str, row: float, col: float, doc: str, ref: str, **kw
    ) -> str:
        self.d.user(tid, name, lane, row, col, doc, ref, **kw)
        self.interruptible(tid)
        return tid

    def tail(
        self,
        col: float,
        before_status: str | None = None,
        record_extra: str = "",
        status_doc: str = "",
        takeover_doc: str = "",
    ) -> dict[str, str]:
        """Wait for the release, then the status at release (or the municipality's takeover)."""
        d, k = self.d, self.key
        ids = {
            "wait": f"{k}_wait_release",
            "merge": f"{k}_gw_release",
            "immediate": f"{k}_gw_immediate",
            "status": f"{k}_release_status",
            "takeover": f"{k}_takeover",
            "done": f"{k}_gw_done",
            "record": f"{k}_record",
            "end": f"{k}_end",
        }
        d.catch(
            ids["wait"],
            "Ontslag",
            PI,
            0,
            col,
            "De acties tijdens detentie zijn gedaan; wacht op het ontslag om de status bij ontslag "
            "vast te leggen.",
            "E, Informatie-uitwisseling 1; F, Informatie-uitwisseling 3",
            event=("signal", "signal_release"),
        )
        d.xor(
            ids["merge"],
            "",
            PI,
            0,
            col + 1,
            "Samenkomst: ontslag tijdens of na de acties.",
            "F, Informatie-uitwisseling 3",
        )
        c = col + 2
        if before_status:
            c += 2  # room for the provision's own release steps (care: insurance)
        d.xor(
            ids["immediate"],
            "Directe invrijheidstelling?",
            PI,
            0,
            c,
            "Bij een directe (onmiddellijke) invrijheidstelling neemt de gemeente over wat nog "
            "open "
            "staat; anders legt de penitentiaire inrichting de status bij ontslag vast.",
            "F, Informatie-uitwisseling 3 (onmiddellijke invrijheidstelling); C, 3 (volledige "
            "overdracht naar gemeenten voor afloop van de justitiële titel)",
            label_pos="below-left",
        )
        d.user(
            ids["status"],
            f"Status {self.label} bij ontslag vastleggen",
            PI,
            0,
            c + 1,
            status_doc
            or f"De MMD'er legt vast hoe het bij ontslag staat met {self.label}: geregeld, in "
            "behandeling, niet geregeld of niet nodig, met de reden.",
            "E (doelstellingen per basisvoorziening); G, Monitoring (meting bij einde detentie)",
            due=RELEASE_DAY_END,
        )
        d.user(
            ids["takeover"],
            f"Openstaande acties {self.label} overnemen",
            GM,
            0,
            c + 1,
            takeover_doc
            or f"Na een directe invrijheidstelling neemt de gemeente de openstaande acties voor "
            f"{self.label} over en legt de status bij ontslag vast.",
            "F, Informatie-uitwisseling 3; C, 3 (gemeenten primair verantwoordelijk na afloop "
            "van de "
            "justitiële titel)",
        )
        d.xor(
            ids["done"],
            "",
            PI,
            0,
            c + 2,
            "Samenkomst van alle paden naar de afsluiting.",
            "G, Monitoring",
        )
        d.script(
            ids["record"],
            "Resultaat vastleggen",
            PI,
            0,
            c + 3,
            f"Legt de status van {self.label} vast onder de sleutel '{k}' (status, reden, of er "
            f"actie "
            "nodig was en of de gemeente het heeft overgenomen); de monitor leest deze sleutel.",
            "G, Monitoring; bijlage 2 (80% met basisvoorzieningen bij ontslag)",
            script=self.record_script(record_extra),
        )
        d.end(
            ids["end"],
            f"{self.label.capitalize()} afgerond",
            PI,
            0,
            c + 4,
            f"De basisvoorziening {self.label} is afgesloten.",
            "G, Monitoring",
        )

        d.flow(ids["wait"], ids["merge"])
        if before_status:
            d.flow(ids["merge"], before_status)
        else:
            d.flow(ids["merge"], ids["immediate"])
        d.flow(
            ids["immediate"],
            ids["takeover"],
            name="ja",
            condition="release_info['immediate'] == True",
        )
        d.flow(ids["immediate"], ids["status"], name="nee", default=True)
        d.flow(ids["status"], ids["done"])
        done = d.nodes[ids["done"]]
        d.flow(ids["takeover"], ids["done"], waypoints=[(d.col_x(done.col), d.row_y(GM, 0))])
        d.flow(ids["done"], ids["record"])
        d.flow(ids["record"], ids["end"])
        self.ids = ids
        return ids

    def record_script(self, extra: str) -> str:
        k = self.key
        return (
            "try:\n"
            "    handed_over = bool(release_info['immediate'])\n"
            "except:\n"
            "    handed_over = False\n"
            f"if {k}_status_at_release:\n"
            f"    status = {k}_status_at_release\n"
            f"    reason = {k}_status_reason or ''\n"
            f"elif {k}_action_needed == False:\n"
            "    status = 'not_needed'\n"
            "    reason = 'Geen actie nodig volgens de screening'\n"
            "else:\n"
            "    status = 'unknown'\n"
            "    reason = 'Geen status vastgelegd'\n"
            f"{k} = {{\n"
            f"    'provision': '{k}',\n"
            f"    'screened': {k}_action_needed is not None,\n"
            f"    'action_needed': {k}_action_needed,\n"
            "    'status': status,\n"
            "    'reason': reason,\n"
            "    'handed_over_to_municipality': handed_over and status != 'not_needed',\n"
            "    'recorded_on': str(today()),\n"
            "}\n" + extra + "del handed_over, status, reason\n"
        )

    def wire_release_signals(self) -> None:
        """Route every release boundary to the release merge along the corridor below its row."""
        d = self.d
        merge = d.nodes[self.ids["merge"]]
        for bid, host_id in self.signal_sources:
            host = d.nodes[host_id]
            bx = d.col_x(host.col) + host.dx + TASK_W * (d.nodes[bid].offset - 0.5)
            y = self.corridor(host.lane, host.row)
            d.flow(bid, merge.id, waypoints=[(bx, y), (d.col_x(merge.col), y)])

    def not_needed_path(self, gateway: str, target: str, name: str = "nee") -> None:
        """From the needed-gateway over the top of the prison lane to a later merge."""
        d = self.d
        g, t = d.nodes[gateway], d.nodes[target]
        y = d.lanes[PI].top + 7
        d.flow(
            gateway,
            target,
            name=name,
            condition=f"{self.key}_action_needed == False",
            waypoints=[(d.col_x(g.col), y), (d.col_x(t.col), y)],
            label_at=(d.col_x(g.col) + 6, y + 2),
        )


def status_doc(label: str) -> str:
    return (
        f"De MMD'er legt op de dag van ontslag vast hoe het staat met {label}: geregeld, in "
        "behandeling, niet geregeld of niet nodig, met de reden. Dit is de meting bij einde "
        "detentie."
    )


# ---------------------------------------------------------------------------------------------
def identity_document() -> Diagram:
    d = Diagram(
        "provision_identity_document",
        "Basisvoorziening identiteitsbewijs",
        "Basisvoorziening 1: een geldig identiteitsbewijs. Iedere (ex-)gedetineerde is bij het "
        "(tijdelijk) verlaten van de inrichting in het bezit van een geldig identiteitsbewijs. "
        "(Bron: E, Identiteitsbewijs; F, Identiteitsbewijs 1-6)",
        lanes(PI, GM, rows={PI: 2, GM: 2}),
    )
    p = Provision(d, "identity_document", "identiteitsbewijs")
    p.head(
        2,
        "Screenen op geldig identiteitsbewijs",
        "De MMD'er screent of de gedetineerde een geldig identiteitsbewijs heeft en vraagt "
        "relevante "
        "informatie op bij de gemeente van herkomst.",
        "F, Identiteitsbewijs 1",
    )
    g = p.needed_gateway(3)
    p.agreement(
        4,
        "Gegevens aanvullen en taakverdeling identiteitsbewijs afspreken",
        "De gemeente van herkomst levert de gevraagde gegevens (inschrijving, eerdere "
        "documenten) en "
        "spreekt met de penitentiaire inrichting af wie wat doet, ook wie de kosten draagt.",
        "F, Identiteitsbewijs 1 en 6; F, Informatie-uitwisseling 3 (taakverdeling)",
    )
    p.task(
        "identity_document_apply",
        "Aanvraag identiteitsbewijs faciliteren",
        PI,
        0,
        5,
        "De penitentiaire inrichting faciliteert de aanvraag maximaal: pasfoto in de inrichting, "
        "standaard een Nederlandse identiteitskaart (een paspoort alleen als de gedetineerde dat "
        "zelf "
        "betaalt), de gedetineerde betaalt zelf, anders de sociale dienst (voorschot of bijzondere "
        "bijstand), in bijzondere gevallen bevoorschot DJI.",
        "F, Identiteitsbewijs 2, 3, 5 en 6",
    )
    p.task(
        "identity_document_issue",
        "Aanvraag identiteitsbewijs tijdig afhandelen",
        GM,
        0,
        6,
        "De gemeente handelt de aanvraag tijdig af, zodat de gedetineerde bij het (tijdelijk) "
        "verlaten van de inrichting een identiteitsbewijs bezit.",
        "F, Identiteitsbewijs 4; E, Identiteitsbewijs",
    )
    ids = p.tail(7, status_doc=status_doc("het identiteitsbewijs"))
    d.flow("identity_document_screening", g)
    d.flow(
        g,
        "identity_document_agreement",
        name="ja",
        condition="identity_document_action_needed == True",
    )
    p.not_needed_path(g, ids["done"])
    d.flow("identity_document_agreement", "identity_document_apply")
    d.flow("identity_document_apply", "identity_document_issue")
    d.flow("identity_document_issue", ids["wait"])
    p.wire_release_signals()
    return d


# ---------------------------------------------------------------------------------------------
def housing() -> Diagram:
    d = Diagram(
        "provision_housing",
        "Basisvoorziening huisvesting",
        "Basisvoorziening 2: onderdak direct na ontslag en, indien mogelijk, een stabiele "
        "woonsituatie. (Bron: E, Huisvesting; F, Huisvesting 1-6)",
        lanes(PI, GM, rows={PI: 2, GM: 3}),
    )
    p = Provision(d, "housing", "huisvesting")
    p.head(
        2,
        "Screenen op huisvesting",
        "De MMD'er screent op passende huisvesting voor en na detentie en op middelen om bestaande "
        "huisvesting tijdens detentie te betalen, en vraagt informatie op bij de gemeente van "
        "herkomst.",
        "F, Huisvesting 1",
    )
    g = p.needed_gateway(3)
    p.agreement(
        4,
        "Gegevens aanvullen en taakverdeling huisvesting afspreken",
        "Gemeente en penitentiaire inrichting overleggen over de activiteiten om huisvesting te "
        "organiseren en maken afspraken over de taakverdeling.",
        "F, Huisvesting 2",
    )
    d.xor(
        "housing_gw_route",
        "Bestaande woning behouden?",
        GM,
        0,
        5,
        "Is er een woning die tijdens de detentie behouden kan blijven, of is nieuwe woonruimte of "
        "opvang nodig?",
        "F, Huisvesting 3, 5 en 6",
        label_pos="above",
    )
    p.task(
        "housing_retain",
        "Behoud bestaande huisvesting regelen",
        GM,
        1,
        6,
        "De gemeente zorgt zo veel mogelijk voor continuïteit van de bestaande huisvesting bij "
        "kortdurende detentie (korter dan zes maanden), bijvoorbeeld door de woonlasten door te "
        "laten "
        "betalen.",
        "F, Huisvesting 3",
        dy=20,
    )
    d.par(
        "housing_split_new",
        "",
        GM,
        0,
        6,
        "Inschrijving als woningzoekende en onderdak regelen gebeuren tegelijk.",
        "F, Huisvesting 5 en 6",
    )
    p.task(
        "housing_register",
        "Inschrijving als woningzoekende regelen",
        PI,
        0,
        7,
        "De penitentiaire inrichting zorgt dat de gedetineerde zonder huisvesting zich kan "
        "inschrijven "
        "als woningzoekende in de gemeente van herkomst.",
        "F, Huisvesting 5; C, 5 (voetnoot 10: behoud van verworven rechten)",
    )
    p.task(
        "housing_arrange",
        "Onderdak direct na ontslag organiseren",
        GM,
        0,
        7,
        "De gemeente organiseert tijdig passende huisvesting: minimaal een eerste vorm van "
        "onderdak "
        "direct na ontslag en, indien mogelijk, een stabiele woonsituatie (woningcorporaties "
        "spelen "
        "hierbij een belangrijke rol).",
        "F, Huisvesting 4 en 6; E, Huisvesting",
    )
    d.par(
        "housing_join_new",
        "",
        GM,
        0,
        8,
        "Beide acties voor nieuwe woonruimte zijn gedaan.",
        "F, Huisvesting 5 en 6",
    )
    d.xor("housing_gw_route_merge", "", GM, 0, 9, "Samenkomst van beide routes.", "F, Huisvesting")
    ids = p.tail(10, status_doc=status_doc("de huisvesting"))
    d.flow("housing_screening", g)
    d.flow(g, "housing_agreement", name="ja", condition="housing_action_needed == True")
    p.not_needed_path(g, ids["done"])
    d.flow("housing_agreement", "housing_gw_route")
    d.flow(
        "housing_gw_route",
        "housing_retain",
        name="behouden",
        condition="housing_route == 'retain_existing'",
        waypoints=[(d.col_x(5), d.row_y(GM, 1) + 20)],
    )
    d.flow(
        "housing_gw_route",
        "housing_split_new",
        name="nieuwe woonruimte",
        default=True,
        label_at=(d.col_x(5) + 58, d.row_y(GM, 0) - 30),
    )
    d.flow("housing_split_new", "housing_register")
    d.flow("housing_split_new", "housing_arrange")
    d.flow("housing_register", "housing_join_new", waypoints=[(d.col_x(8), d.row_y(PI, 0))])
    d.flow("housing_arrange", "housing_join_new")
    d.flow("housing_join_new", "housing_gw_route_merge")
    d.flow(
        "housing_retain", "housing_gw_route_merge", waypoints=[(d.col_x(9), d.row_y(GM, 1) + 20)]
    )
    d.flow("housing_gw_route_merge", ids["wait"])
    p.wire_release_signals()
    return d


# ---------------------------------------------------------------------------------------------
def work_income() -> Diagram:
    d = Diagram(
        "provision_work_income",
        "Basisvoorziening werk en inkomen",
        "Basisvoorziening 3: inkomen uit werk of een (tijdelijke) uitkering direct na ontslag, "
        "en als "
        "arbeid niet haalbaar is een vorm van dagbesteding; inclusief scholing. (Bron: A; E, "
        "Arbeid/inkomen; F, Arbeid en/of scholing 1-5; F, Inkomen 1-5; bijlage 4)",
        lanes(PI, GM, LANE_UWV, rows={PI: 2, GM: 2, LANE_UWV: 2}),
    )
    p = Provision(d, "work_income", "werk en inkomen")
    p.head(
        2,
        "Werk en inkomen voor detentie in kaart brengen",
        "De MMD'er brengt samen met de gemeentelijke contactpersoon de arbeidssituatie (inclusief "
        "lopende activerings- of re-integratietrajecten) en de wijze van inkomstenverwerving voor "
        "detentie in kaart en vraagt informatie op bij de gemeente van herkomst.",
        "F, Arbeid en/of scholing 1; F, Inkomen 1",
    )
    g = p.needed_gateway(3)
    p.agreement(
        4,
        "Gegevens aanvullen en taakverdeling werk en inkomen afspreken",
        "Gemeentelijke contactpersoon, penitentiaire inrichting en gedetineerde bespreken of "
        "aanmelding bij UWV WERKbedrijf of een gemeentelijk re-integratiebedrijf zinvol is, en "
        "of een "
        "uitkering of voorschot direct na ontslag nodig is. Langverblijvenden kunnen "
        "(persoonsgebonden) verlof gebruiken voor nazorgactiviteiten.",
        "F, Arbeid en/of scholing 2; F, Inkomen 4; F, Arbeid/inkomen/schulden Algemeen 1",
    )
    p.task(
        "work_income_activation",
        "Aanmelden bij UWV WERKbedrijf en scholing regelen",
        PI,
        0,
        5,
        "De penitentiaire inrichting meldt de gedetineerde die na detentie werkloos is of een "
        "uitkering zal aanvragen aan bij UWV WERKbedrijf (of een gemeentelijk "
        "re-integratiebedrijf), "
        "start waar de duur het toelaat een arbeidstoeleidingstraject en zorgt voor scholing "
        "binnen "
        "detentie.",
        "F, Arbeid en/of scholing 2-5; F, Inkomen 2 en 3",
    )
    d.par(
        "work_income_split", "", PI, 0, 6, "UWV en gemeente werken tegelijk.", "F, Inkomen 2 en 3"
    )
    d.xor(
        "work_income_gw_uwv",
        "Aangemeld bij UWV?",
        PI,
        0,
        7,
        "Alleen na aanmelding bij UWV WERKbedrijf beoordeelt UWV de werkhervatting en een "
        "uitkeringsaanvraag.",
        "F, Inkomen 2",
        label_pos="above",
    )
    p.task(
        "work_income_uwv_assessment",
        "Werkhervatting en uitkeringsaanvraag beoordelen",
        LANE_UWV,
        0,
        8,
        "UWV WERKbedrijf bekijkt de mogelijkheden voor werkhervatting na detentie en neemt zo "
        "nodig "
        "de uitkeringsaanvraag in behandeling of stuurt die door naar de gemeente.",
        "F, Inkomen 2; bijlage 4 (arbeidstoeleiding vanuit detentie)",
    )
    d.xor("work_income_gw_uwv_merge", "", PI, 0, 9, "Samenkomst.", "F, Inkomen 2")
    d.xor(
        "work_income_gw_income",
        "Uitkering of voorschot nodig?",
        GM,
        0,
        7,
        "Kan de gedetineerde direct na detentie geen inkomen uit arbeid verwerven, dan zorgt de "
        "gemeente dat de uitkering direct weer start of een voorschot klaarstaat.",
        "F, Inkomen 3 en 5",
        label_pos="above",
    )
    p.task(
        "work_income_income_ready",
        "Uitkering of voorschot direct na ontslag klaarzetten",
        GM,
        0,
        8,
        "De gemeente zorgt, met UWV WERKbedrijf via de Werkpleinen, dat de bijstandsuitkering "
        "direct "
        "na detentie weer start en/of een voorschot klaarstaat; ook bij toeleiding naar werk "
        "beschikt "
        "de ex-gedetineerde over de eerste noodzakelijke bestaansmiddelen.",
        "F, Inkomen 3 en 5; E, Arbeid/inkomen",
    )
    d.xor("work_income_gw_income_merge", "", GM, 0, 9, "Samenkomst.", "F, Inkomen 3")
    d.par("work_income_join", "", PI, 0, 10, "UWV en gemeente zijn klaar.", "F, Inkomen 2 en 3")
    ids = p.tail(11, status_doc=status_doc("werk en inkomen"))
    d.flow("work_income_screening", g)
    d.flow(g, "work_income_agreement", name="ja", condition="work_income_action_needed == True")
    p.not_needed_path(g, ids["done"])
    d.flow("work_income_agreement", "work_income_activation")
    d.flow("work_income_activation", "work_income_split")
    d.flow("work_income_split", "work_income_gw_uwv")
    d.flow("work_income_split", "work_income_gw_income")
    d.flow(
        "work_income_gw_uwv",
        "work_income_uwv_assessment",
        name="ja",
        condition="work_income_registered_with == 'uwv'",
    )
    d.flow("work_income_gw_uwv", "work_income_gw_uwv_merge", name="nee", default=True)
    d.flow(
        "work_income_uwv_assessment",
        "work_income_gw_uwv_merge",
        waypoints=[(d.col_x(8.5), d.row_y(LANE_UWV, 0)), (d.col_x(8.5), d.row_y(PI, 0))],
    )
    d.flow(
        "work_income_gw_income",
        "work_income_income_ready",
        name="ja",
        condition="work_income_benefit_needed == True",
    )
    y_skip = d.row_top(GM, 1) + 30
    d.flow(
        "work_income_gw_income",
        "work_income_gw_income_merge",
        name="nee",
        default=True,
        waypoints=[(d.col_x(7), y_skip), (d.col_x(9), y_skip)],
        label_at=(d.col_x(7) + 5, d.row_y(GM, 0) + 28),
    )
    d.flow("work_income_income_ready", "work_income_gw_income_merge")
    d.flow("work_income_gw_uwv_merge", "work_income_join")
    d.flow("work_income_gw_income_merge", "work_income_join")
    d.flow("work_income_join", ids["wait"])
    p.wire_release_signals()
    return d


# ---------------------------------------------------------------------------------------------
def debts() -> Diagram:
    d = Diagram(
        "provision_debts",
        "Basisvoorziening schulden",
        "Basisvoorziening 4: inzicht in schulden en, indien van toepassing en door de gedetineerde "
        "gewenst, een aanvraag voor schuldhulpverlening. (Bron: A; E, Schulden; F, Schulden 1)",
        lanes(PI, GM, rows={PI: 2, GM: 2}),
    )
    p = Provision(d, "debts", "schulden")
    p.head(
        2,
        "Schulden in kaart brengen",
        "De MMD'er brengt de financiële problemen in beeld, vraagt of de gedetineerde "
        "schuldhulpverlening wil en let op schulden die door de detentie (verder) kunnen oplopen.",
        "E, Schulden; F, Schulden 1",
    )
    g = p.needed_gateway(3)
    p.agreement(
        4,
        "Gegevens aanvullen en taakverdeling schulden afspreken",
        "Gemeente en penitentiaire inrichting delen wat bekend is en spreken af wie wat doet, "
        "ook om "
        "het (verder) oplopen of ontstaan van nieuwe schulden door de detentie te voorkomen.",
        "E, Schulden (tweede punt); F, Informatie-uitwisseling 3 (taakverdeling)",
    )
    d.xor(
        "debts_gw_wants",
        "Schuldhulpverlening gewenst?",
        GM,
        0,
        5,
        "Een aanvraag voor schuldhulpverlening wordt alleen opgestart als die nodig is en door de "
        "gedetineerde gewenst.",
        "E, Schulden (eerste punt)",
        label_pos="above",
    )
    p.task(
        "debts_prepare_application",
        "Aanvraag schuldhulpverlening voorbereiden",
        PI,
        0,
        6,
        "Al tijdens detentie wordt de aanvraag voorbereid, zodat de tijd tussen intake en "
        "schuldhulpverlening korter wordt; de gedetineerde wordt voorbereid op wat er van hem "
        "verwacht "
        "wordt en er wordt bekeken of hij financieel zelfredzaam is.",
        "F, Schulden 1",
    )
    p.task(
        "debts_intake",
        "Aanvraag schuldhulpverlening in behandeling nemen",
        GM,
        0,
        7,
        "De gemeente neemt de aanvraag voor schuldhulpverlening in behandeling (intake, plan).",
        "E, Schulden; F, Schulden 1",
    )
    d.script(
        "debts_no_application",
        "Geen aanvraag: wens gedetineerde vastleggen",
        GM,
        1,
        6,
        "De gedetineerde wil geen schuldhulpverlening: er wordt geen aanvraag opgestart; de "
        "schulden "
        "zijn wel in beeld.",
        "E, Schulden (door de gedetineerde gewenst)",
        script="debts_assistance_declined = True\n",
        dy=20,
    )
    d.xor("debts_gw_wants_merge", "", GM, 0, 8, "Samenkomst.", "F, Schulden 1")
    ids = p.tail(9, status_doc=status_doc("de schulden"))
    d.flow("debts_screening", g)
    d.flow(g, "debts_agreement", name="ja", condition="debts_action_needed == True")
    p.not_needed_path(g, ids["done"])
    d.flow("debts_agreement", "debts_gw_wants")
    d.flow(
        "debts_gw_wants",
        "debts_prepare_application",
        name="ja",
        condition="debts_wants_assistance == 'yes'",
        label_at=(d.col_x(5) + 5, d.row_y(PI, 0) + 4),
    )
    d.flow(
        "debts_gw_wants",
        "debts_no_application",
        name="nee",
        default=True,
        waypoints=[(d.col_x(5), d.row_y(GM, 1) + 20)],
        label_at=(d.col_x(5) + 5, d.row_y(GM, 0) + 28),
    )
    d.flow("debts_prepare_application", "debts_intake")
    d.flow("debts_intake", "debts_gw_wants_merge")
    d.flow(
        "debts_no_application",
        "debts_gw_wants_merge",
        waypoints=[(d.col_x(8), d.row_y(GM, 1) + 20)],
    )
    d.flow("debts_gw_wants_merge", ids["wait"])
    p.wire_release_signals()
    return d


# ---------------------------------------------------------------------------------------------
def care() -> Diagram:
    d = Diagram(
        "provision_care",
        "Basisvoorziening zorg",
        "Basisvoorziening 5: zorgbehoeften vaststellen, zo nodig een passende indicatie en "
        "(continuïteit van) zorg; de zorgverzekering wordt bij binnenkomst opgeschort en op de "
        "dag van "
        "ontslag weer geactiveerd; zorgaanbieders alleen informeren met schriftelijke toestemming. "
        "(Bron: A; E, Zorg; F, Zorg 1-5; bijlage 3)",
        lanes(PI, GM, rows={PI: 2, GM: 2}),
    )
    p = Provision(d, "care", "zorg")
    p.task(
        "care_suspend_insurance",
        "Zorgverzekering laten opschorten",
        PI,
        0,
        2,
        "Het Gevangeniswezen zorgt dat de gedetineerde bij aanvang detentie aan de zorgverzekeraar "
        "meldt dat hij gedetineerd is, zodat de zorgverzekering wordt opgeschort.",
        "F, Zorg 2; E, Zorg (eerste punt)",
    )
    p.head(
        3,
        "Screenen op zorgbehoeften",
        "De MMD'er screent bij binnenkomst op (eventuele) zorgvragen: psychische, psychiatrische "
        "en "
        "verslavingsproblemen en een beperking van de verstandelijke vermogens, en vraagt "
        "informatie op "
        "bij de gemeente van herkomst en zo nodig bij zorgaanbieders en ketenpartners.",
        "F, Zorg 3 (voetnoot 17); E, Zorg (tweede punt)",
        init_extra="care_insurance_suspended = None\ncare_consent_given = None\n",
    )
    # head() put start and init at columns 1 and 2; move them before the insurance task
    d.nodes["care_start"].col = 0
    d.nodes["care_init"].col = 1
    d.flows.pop("flow_care_init_to_care_screening")
    d.flow("care_init", "care_suspend_insurance")
    d.flow("care_suspend_insurance", "care_screening")
    d.nodes["care_suspend_insurance_released"].label_pos = "left"
    d.nodes["care_suspend_insurance_released"].offset = 0.5
    g = p.needed_gateway(4)
    p.agreement(
        5,
        "Bekende zorgtrajecten delen en taakverdeling afspreken",
        "De gemeentelijke contactpersoon informeert de penitentiaire inrichting over de bij de "
        "gemeente bekende zorgtrajecten; samen wordt afgesproken wie wat doet (in samenwerking met "
        "zorgaanbieders en, indien van toepassing, de reclassering).",
        "F, Zorg 3; E, Zorg (derde punt)",
    )
    p.task(
        "care_consent",
        "Schriftelijke toestemming gedetineerde vastleggen",
        PI,
        0,
        6,
        "Zorgaanbieders worden alleen geïnformeerd met schriftelijke toestemming van de "
        "gedetineerde. De MMD'er legt vast of die toestemming is gegeven, voor welke "
        "zorgaanbieders "
        "en waar het ondertekende formulier is.",
        "F, Zorg 3 (met schriftelijke toestemming van de gedetineerde burger)",
    )
    d.xor(
        "care_gw_consent",
        "Toestemming gegeven?",
        PI,
        0,
        7,
        "Zonder schriftelijke toestemming worden geen gegevens met zorgaanbieders gedeeld.",
        "F, Zorg 3",
        label_pos="above",
    )
    p.task(
        "care_inform_providers",
        "Zorgaanbieders informeren en zorg voortzetten",
        PI,
        0,
        8,
        "De zorgaanbieders worden geïnformeerd dat betrokkene gedetineerd is en dat de zorg zo "
        "mogelijk wordt gecontinueerd; kan dat niet, dan wordt nagegaan of de zorg tijdelijk kan "
        "worden "
        "opgeschort. Zo nodig wordt klinische of ambulante zorg geïndiceerd.",
        "F, Zorg 3 en 4; E, Zorg (tweede punt)",
    )
    p.task(
        "care_arrange_aftercare",
        "Zorg na detentie regelen",
        PI,
        0,
        9,
        "De penitentiaire inrichting neemt contact op met de betrokken zorginstelling, zodat "
        "zorg en "
        "behandeling na afloop van de detentie worden voortgezet en een gedetineerde die zorg "
        "behoeft "
        "in aansluiting op de detentie passende zorg ontvangt.",
        "F, Zorg 4 en 5",
    )
    d.script(
        "care_consent_refused",
        "Geen toestemming: geen gegevens delen",
        PI,
        1,
        8,
        "De gedetineerde geeft geen schriftelijke toestemming: de zorgaanbieders worden niet "
        "geïnformeerd en er worden geen zorggegevens gedeeld.",
        "F, Zorg 3; domeinbrief: privacy (toestemming per basisvoorziening)",
        script="care_providers_informed = False\n",
        dy=20,
    )
    d.xor(
        "care_gw_before_release",
        "",
        PI,
        0,
        10,
        "Samenkomst: wachten op het ontslag, ook zonder "
        "zorgbehoefte, omdat de zorgverzekering weer geactiveerd moet worden.",
        "F, Zorg 2",
    )
    ids = p.tail(
        11,
        before_status="care_reactivate_insurance",
        status_doc=status_doc("de zorg"),
        record_extra=(
            "care = dict(care)\n"
            "care['insurance_suspended'] = care_insurance_suspended\n"
            "care['insurance_reactivated'] = care_insurance_reactivated\n"
            "care['consent_given'] = care_consent_given\n"
        ),
    )
    d.user(
        "care_reactivate_insurance",
        "Zorgverzekering weer activeren",
        PI,
        0,
        13,
        "Het Gevangeniswezen zorgt dat de gedetineerde zich op de datum van ontslag weer "
        "aanmeldt bij "
        "de zorgverzekeraar, zodat de zorgverzekering weer wordt geactiveerd; ook bij een directe "
        "invrijheidstelling.",
        "F, Zorg 2; E, Zorg (eerste punt)",
        due=RELEASE_DAY_END,
    )
    d.xor(
        "care_gw_needed_at_release",
        "Zorgbehoefte?",
        PI,
        0,
        14,
        "Alleen als er een zorgbehoefte was, wordt de status van de zorg bij ontslag vastgelegd of "
        "overgenomen; anders is zorg 'niet nodig'.",
        "F, Zorg 4",
        label_pos="below-left",
    )
    d.flows.pop(f"flow_{ids['merge']}_to_care_reactivate_insurance")
    d.flow(ids["merge"], "care_reactivate_insurance")
    d.flow("care_reactivate_insurance", "care_gw_needed_at_release")
    d.flow(
        "care_gw_needed_at_release",
        ids["immediate"],
        name="ja",
        condition="care_action_needed == True",
    )
    p.not_needed_path("care_gw_needed_at_release", ids["done"])
    d.flows[
        "flow_care_gw_needed_at_release_to_care_gw_done"
    ].condition = "care_action_needed != True"
    d.nodes["care_gw_needed_at_release"].default = None

    d.flow("care_screening", g)
    d.flow(g, "care_agreement", name="ja", condition="care_action_needed == True")
    p.not_needed_path(g, "care_gw_before_release")
    d.flow("care_agreement", "care_consent")
    d.flow("care_consent", "care_gw_consent")
    d.flow(
        "care_gw_consent",
        "care_inform_providers",
        name="ja",
        condition="care_consent_given == 'yes'",
    )
    d.flow(
        "care_gw_consent",
        "care_consent_refused",
        name="nee",
        default=True,
        waypoints=[(d.col_x(7), d.row_y(PI, 1) + 20)],
        label_at=(d.col_x(7) + 5, d.row_y(PI, 0) + 28),
    )
    d.flow("care_inform_providers", "care_arrange_aftercare")
    d.flow("care_arrange_aftercare", "care_gw_before_release")
    d.flow(
        "care_consent_refused",
        "care_gw_before_release",
        waypoints=[(d.col_x(10), d.row_y(PI, 1) + 20)],
    )
    d.flow("care_gw_before_release", ids["wait"])
    p.wire_release_signals()
    return d


ALL = {
    "identiteitsbewijs.bpmn": identity_document,
    "huisvesting.bpmn": housing,
    "werk_inkomen.bpmn": work_income,
    "schulden.bpmn": debts,
    "zorg.bpmn": care,
}

_ = (COL_W, TASK_H)
