"""The engine's deployment problems in the user's language. The engine (a library) speaks
English; the pages translate the problems a process owner meets most. Technical details (a
Python syntax error, an XML parser's message) stay as the engine gave them; a problem that is
not in this table is shown as it is."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

WHAT = {
    "condition": _l("De voorwaarde"),
    "script": _l("Het script"),
    "dueDate": _l("De termijn (dueDate)"),
    "message payload": _l("De inhoud van het bericht"),
    "preScript": _l("Het preScript"),
    "postScript": _l("Het postScript"),
}


def _what(text: str) -> str:
    timer = re.match(r"^timer expression \((\w+)\)$", text)
    if timer:
        return _("De timerexpressie (%(kind)s)", kind=timer.group(1))
    return str(WHAT.get(text, text))


Rule = tuple[re.Pattern, Callable[[re.Match], str]]

RULES: list[Rule] = [
    (
        re.compile(r"^(?P<what>.+) does not compile: (?P<error>.*)$", re.S),
        lambda m: _(
            "%(what)s is geen geldige expressie: %(error)s", what=_what(m["what"]), error=m["error"]
        ),
    ),
    (
        re.compile(r"^(?P<what>.+) is empty$"),
        lambda m: _("%(what)s is leeg.", what=_what(m["what"])),
    ),
    (
        re.compile(r"^(user|manual) task lies in no lane"),
        lambda m: _("Deze taak ligt in geen lane; de lane bepaalt welke partij de taak doet."),
    ),
    (
        re.compile(
            r"^lane '(?P<lane>[^']*)' of this \w+ task names no party \(known: (?P<k>.*)\)$"
        ),
        lambda m: _(
            "Lane ‘%(lane)s’ noemt geen partij (bekend: %(known)s).", lane=m["lane"], known=m["k"]
        ),
    ),
    (
        re.compile(r"^user task has no form"),
        lambda m: _("Deze gebruikerstaak heeft geen formulier: vul ‘Formulier (JSON Schema)’ in."),
    ),
    (
        re.compile(r"^form file '(?P<name>[^']+)' not found"),
        lambda m: _(
            "Formulierbestand ‘%(name)s’ bestaat niet (niet bij de bestanden van de "
            "versie en niet in de formulierenmap).",
            name=m["name"],
        ),
    ),
    (
        re.compile(r"^UI schema of this user task: (?P<rest>.*)$", re.S),
        lambda m: _("UI-schema van deze taak: %(problem)s", problem=translate(m["rest"])),
    ),
    (
        re.compile(r"^form '(?P<name>[^']+)' is not a valid JSON Schema (?P<error>.*)$", re.S),
        lambda m: _(
            "Formulier ‘%(name)s’ is geen geldig JSON Schema %(error)s",
            name=m["name"],
            error=m["error"],
        ),
    ),
    (
        re.compile(r"^called process '(?P<p>[^']+)' is not in this deployment"),
        lambda m: _(
            "Het aangeroepen proces ‘%(process)s’ zit niet in deze uitrol.", process=m["p"]
        ),
    ),
    (
        re.compile(r"^call activity names no process"),
        lambda m: _("Deze aanroep noemt geen proces (Aangeroepen proces is leeg)."),
    ),
    (
        re.compile(r"^unknown DMN decision '(?P<d>[^']+)' \(deployed decisions: (?P<k>.*)\)$"),
        lambda m: _(
            "Onbekende beslistabel ‘%(decision)s’ (bekend: %(known)s).",
            decision=m["d"],
            known=m["k"],
        ),
    ),
    (
        re.compile(r"^business rule task names no decision$"),
        lambda m: _("Deze beslisregeltaak noemt geen beslistabel."),
    ),
    (
        re.compile(r"^message '(?P<m>[^']+)' is not defined in this file$"),
        lambda m: _("Bericht ‘%(message)s’ staat niet in dit bestand.", message=m["m"]),
    ),
    (
        re.compile(r"^message '(?P<m>[^']+)' has no name"),
        lambda m: _(
            "Bericht ‘%(message)s’ heeft geen naam; berichten worden op naam bezorgd.",
            message=m["m"],
        ),
    ),
    (
        re.compile(r"^message catch event refers to no message"),
        lambda m: _("Deze gebeurtenis wacht op geen enkel bericht: kies een bericht."),
    ),
    (
        re.compile(r"^sequence flow from '(?P<a>[^']+)' back to '(?P<b>[^']+)' draws a loop"),
        lambda m: _(
            "De pijl van ‘%(source)s’ terug naar ‘%(target)s’ tekent een lus zonder "
            "grens: geef een stap in de lus een lusgrens (loopBound) of gebruik een "
            "meervoudige of aangeroepen activiteit.",
            source=m["a"],
            target=m["b"],
        ),
    ),
    (
        re.compile(r"^loopBound must be a positive whole number, not '(?P<v>.*)'$"),
        lambda m: _(
            "De lusgrens moet een positief geheel getal zijn, niet ‘%(value)s’.", value=m["v"]
        ),
    ),
    (
        re.compile(r"^executable process has no start event$"),
        lambda m: _("Dit uitvoerbare proces heeft geen startgebeurtenis."),
    ),
    (
        re.compile(r"^id '(?P<id>[^']+)' is reserved by SpiffWorkflow"),
        lambda m: _("Het id ‘%(id)s’ is gereserveerd: kies een ander id.", id=m["id"]),
    ),
    (
        re.compile(r"^process id '(?P<p>[^']+)' is used twice \(also in (?P<f>.*)\)$"),
        lambda m: _(
            "Proces-id ‘%(process)s’ komt twee keer voor (ook in %(file)s).",
            process=m["p"],
            file=m["f"],
        ),
    ),
    (
        re.compile(r"^a DOCTYPE or entity declaration is not allowed"),
        lambda m: _("Een DOCTYPE of entiteitsdeclaratie is niet toegestaan in een modelbestand."),
    ),
    (
        re.compile(r"^not well-formed XML: (?P<e>.*)$", re.S),
        lambda m: _("Geen geldige XML: %(error)s", error=m["e"]),
    ),
    (
        re.compile(r"^does not match the schema: (?P<e>.*)$", re.S),
        lambda m: _("Klopt niet met het BPMN- of DMN-schema: %(error)s", error=m["e"]),
    ),
    (
        re.compile(r"^unsupported file type"),
        lambda m: _("Dit soort bestand kan niet worden uitgerold (gebruik .bpmn, .dmn of .json)."),
    ),
    (
        re.compile(r"^file uploaded twice$"),
        lambda m: _("Dit bestand is twee keer meegestuurd."),
    ),
]


def translate(message: str) -> str:
    """``message`` from the engine in the user's language, when this table knows it."""
    for pattern, text in RULES:
        match = pattern.match(message)
        if match:
            return text(match)
    return message
