"""A case's error in the process owner's words. The engine gives a code with parameters (and an
English message for logs); this turns them into Dutch or English text. The parameters can hold
case data (a script's value in an error): they are shown to the process owner, never logged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

_MISSING_NAME = re.compile(r"name '(?P<name>[^']+)' is not defined")
_MISSING_KEY = re.compile(r"KeyError: '?(?P<key>[^'\s]+)'?")


@dataclass(frozen=True)
class Explanation:
    summary: str  # one sentence in the user's language
    technical: str | None  # the engine's own text, for whoever repairs the model


def explain(code: str | None, params: dict[str, Any] | None, message: str | None) -> Explanation:
    """What went wrong, from the engine's code and parameters; the message fills in older cases
    that were put in error before the engine gave codes."""
    params = params or {}
    text = " ".join(str(part) for part in (params.get("detail"), message) if part)
    missing = _MISSING_NAME.search(text)
    if missing:
        summary = _(
            "Variabele ‘%(name)s’ ontbreekt in de zaakgegevens: het model leest haar hier, maar "
            "niets heeft haar eerder geschreven.",
            name=missing["name"],
        )
    elif code == "step_limit_exceeded":
        summary = _(
            "Het proces liep meer dan %(limit)s stappen zonder te wachten (een lus zonder einde?).",
            limit=params.get("limit", "?"),
        )
    elif code == "script_budget_exceeded":
        summary = _("Het script duurde te lang of gebruikte te veel geheugen en is gestopt.")
    elif code == "script_not_allowed":
        summary = _("Het script probeerde iets wat in een model niet mag.")
    elif code == "timer_invalid":
        summary = _("De timerexpressie gaf geen geldige datum, tijd of duur.")
    elif code == "collection_invalid":
        summary = _("De lijst voor deze meervoudige activiteit ontbreekt of is geen lijst.")
    elif "ZeroDivisionError" in text:
        summary = _("Het script deelt door nul: een waarde in de zaakgegevens is 0.")
    elif _MISSING_KEY.search(text):
        summary = _(
            "Een gegeven ‘%(key)s’ ontbreekt binnen een variabele van de zaak.",
            key=_MISSING_KEY.search(text)["key"],  # type: ignore[index]
        )
    elif "AssertionError" in text:
        summary = _("Een controle in het model keurt de zaakgegevens af.")
    elif "TypeError" in text or "ValueError" in text:
        summary = _("Een waarde in de zaakgegevens heeft niet de vorm die het model verwacht.")
    else:
        summary = _("Het proces kon deze stap niet uitvoeren.")
    return Explanation(summary=summary, technical=message or params.get("detail"))
