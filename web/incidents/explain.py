"""A case's error in the process owner's words. The engine gives a code (engine.IncidentCode) with
parameters, and an English message for logs; this turns the code and parameters into Dutch or
English text, never Python's own. The parameters can hold case data (a script's value in an
error): they are shown to the process owner, never logged."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from engine import IncidentCode

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Explanation:
    summary: str  # one sentence or two in the user's language
    technical: str | None  # the engine's own text, for whoever repairs the model


def explain(code: str | None, params: dict[str, Any] | None, message: str | None) -> Explanation:
    """What went wrong, from the engine's code and parameters. A case without a code is read as
    the engine reads it (``model_error``); a code this version does not know gets a general
    sentence."""
    params = params or {}
    technical = message or params.get("detail")
    try:
        kind = IncidentCode(code or IncidentCode.MODEL_ERROR)
    except ValueError:
        return Explanation(_("Het proces kon deze stap niet uitvoeren."), technical)
    return Explanation(SUMMARIES[kind](params), technical)


def _number(value: Any) -> str | None:
    return format_decimal(value) if isinstance(value, int | float) else None


def _data_problem(params: Params) -> str | None:
    """What the case data lacks or holds that the model did not expect, from the exception's
    name (and the variable or key the engine names); None when the name tells nothing."""
    error = params.get("error")
    if error == "NameError" and params.get("name"):
        return _(
            "Variabele ‘%(name)s’ ontbreekt in de zaakgegevens: het model leest haar hier, maar "
            "niets heeft haar eerder geschreven.",
            name=params["name"],
        )
    if error == "KeyError" and params.get("key"):
        return _(
            "Een gegeven ‘%(key)s’ ontbreekt binnen een variabele van de zaak.", key=params["key"]
        )
    if error == "ZeroDivisionError":
        return _("Het script deelt door nul: een waarde in de zaakgegevens is 0.")
    if error == "AssertionError":
        return _("Een controle in het model keurt de zaakgegevens af.")
    if error == "IndexError":
        return _("Een lijst in de zaakgegevens is korter dan het model verwacht.")
    if error in ("TypeError", "ValueError", "AttributeError"):
        return _("Een waarde in de zaakgegevens heeft niet de vorm die het model verwacht.")
    return None


def _script_failed(params: Params) -> str:
    found = _data_problem(params)
    if found:
        return found
    line = _number(params.get("line"))
    if params.get("error") == "SyntaxError":
        return _("Het script van deze stap is niet goed geschreven en kan niet worden uitgevoerd.")
    if line:
        return _("Het script van deze stap stopte met een fout op regel %(line)s.", line=line)
    return _("Het script van deze stap stopte met een fout.")


def _model_error(params: Params) -> str:
    return _data_problem(params) or _(
        "Het model kon deze stap niet uitvoeren, bijvoorbeeld omdat een voorwaarde op een "
        "uitgaande pijl niet te berekenen is."
    )


def _script_budget_exceeded(params: Params) -> str:
    budget = params.get("budget")
    limit = _number(params.get("limit"))
    if budget == "iterations" and limit:
        return _(
            "Het script herhaalde een lus of functie meer dan %(limit)s keer en is gestopt (een "
            "lus zonder einde?).",
            limit=limit,
        )
    if budget == "size":
        return _(
            "Het script maakte een te grote waarde (een te lange tekst of lijst, of een te groot "
            "getal) en is gestopt."
        )
    if budget == "memory":
        return _("Het script gebruikte te veel geheugen en is gestopt.")
    return _("Het script duurde te lang of gebruikte te veel geheugen en is gestopt.")


def _time_limit_exceeded(params: Params) -> str:
    seconds = _number(params.get("seconds"))
    if seconds:
        return _(
            "Deze stap liep langer dan de toegestane %(seconds)s seconden en is gestopt (een lus "
            "zonder einde, of te veel werk in één keer?).",
            seconds=seconds,
        )
    return _(
        "Deze stap liep langer dan toegestaan en is gestopt (een lus zonder einde, of te veel "
        "werk in één keer?)."
    )


def _step_limit_exceeded(params: Params) -> str:
    limit = _number(params.get("limit"))
    if limit:
        return _(
            "Het proces liep meer dan %(limit)s stappen zonder te wachten (een lus zonder einde?).",
            limit=limit,
        )
    return _("Het proces liep te veel stappen zonder te wachten (een lus zonder einde?).")


def _timer_failed(params: Params) -> str:
    attempts = params.get("attempts")
    if isinstance(attempts, int) and attempts > 0:
        return ngettext(
            "De termijnbewaking kon de termijn van deze stap %(num)d keer niet verwerken door "
            "een storing buiten het model. Probeer het opnieuw; gaat het weer mis, meld het dan "
            "aan de technisch beheerder.",
            "De termijnbewaking kon de termijn van deze stap %(num)d keer niet verwerken door "
            "een storing buiten het model. Probeer het opnieuw; gaat het weer mis, meld het dan "
            "aan de technisch beheerder.",
            attempts,
        )
    return _(
        "De termijnbewaking kon de termijn van deze stap niet verwerken door een storing buiten "
        "het model. Probeer het opnieuw; gaat het weer mis, meld het dan aan de technisch "
        "beheerder."
    )


SUMMARIES: dict[IncidentCode, Callable[[Params], str]] = {
    IncidentCode.SCRIPT_FAILED: _script_failed,
    IncidentCode.SCRIPT_NOT_ALLOWED: lambda params: _(
        "Het script probeerde iets wat in een model niet mag."
    ),
    IncidentCode.SCRIPT_BUDGET_EXCEEDED: _script_budget_exceeded,
    IncidentCode.SCRIPT_TOO_DEEP: lambda params: _(
        "Het script roept een functie te vaak in zichzelf aan (een herhaling zonder einde?) en "
        "is gestopt."
    ),
    IncidentCode.TIME_LIMIT_EXCEEDED: _time_limit_exceeded,
    IncidentCode.STEP_LIMIT_EXCEEDED: _step_limit_exceeded,
    IncidentCode.TIMER_INVALID: lambda params: _(
        "De timerexpressie gaf geen geldige datum, tijd of duur."
    ),
    IncidentCode.COLLECTION_INVALID: lambda params: _(
        "De lijst voor deze meervoudige activiteit ontbreekt of is geen lijst."
    ),
    IncidentCode.SERVICE_FAILED: lambda params: _(
        "De servicetaak van deze stap kon niet worden uitgevoerd: er is geen koppeling die haar "
        "uitvoert, of de koppeling gaf een fout."
    ),
    IncidentCode.MODEL_ERROR: _model_error,
    IncidentCode.COMMAND_FAILED: lambda params: _(
        "Door een storing buiten het model kon de engine een opdracht voor deze zaak niet "
        "verwerken; wat die opdracht zou veranderen is niet bewaard. Probeer het opnieuw; gaat "
        "het weer mis, meld het dan aan de technisch beheerder."
    ),
    IncidentCode.TIMER_FAILED: _timer_failed,
}
