"""What a manager asked for (period, prison, municipality, element) and what they may see (scope
from web/access.py), combined into the queries' Filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from flask import abort, current_app
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from engine.clock import AMSTERDAM
from web.access import DashboardScope, dashboard_scope
from web.dashboard.queries import Filters
from web.engine_access import current_engine
from web.models import organisation_names, organisation_options

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class Choice:
    """The filter form's values: months "YYYY-MM", a prison and a municipality code, or None."""

    start: str
    end: str
    prison: str | None = None
    municipality: str | None = None

    def args(self, **extra: Any) -> dict[str, Any]:
        """Query arguments that keep these choices (for links, CSV and drill-downs)."""
        found = {
            "van": self.start,
            "tot": self.end,
            "pi": self.prison,
            "gemeente": self.municipality,
        }
        found.update(extra)
        return {k: v for k, v in found.items() if v not in (None, "")}


def parse_regions(value: Any) -> dict[str, tuple[str, ...]]:
    """TERUGKEER_REGIONS: a mapping, or "GM0363:GM0362,GM0384;GM0599:GM0542"."""
    if isinstance(value, dict):
        return {str(k): tuple(v) for k, v in value.items()}
    regions: dict[str, tuple[str, ...]] = {}
    for part in str(value or "").split(";"):
        head, _, rest = part.partition(":")
        if head.strip():
            regions[head.strip()] = tuple(c.strip() for c in rest.split(",") if c.strip())
    return regions


def current_scope() -> DashboardScope:
    """The signed-in user's dashboard scope; 403 for users without one."""
    regions = parse_regions(current_app.config.get("TERUGKEER_REGIONS"))
    scope = dashboard_scope(current_user, regions)
    if scope is None:
        abort(403)
    return scope


def today() -> date:
    return current_engine().clock.now().astimezone(AMSTERDAM).date()


def shift_month(month: str, months: int) -> str:
    year, number = int(month[:4]), int(month[5:7]) - 1 + months
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def read_choice(args: MultiDict[str, str], scope: DashboardScope, on: date) -> Choice:
    """The choices in the request, checked: months as "YYYY-MM" (default: the last 12 months),
    organisations only within the scope (anything else is ignored)."""
    end = args.get("tot", "")
    end = end if MONTH.match(end) else on.strftime("%Y-%m")
    start = args.get("van", "")
    start = start if MONTH.match(start) else shift_month(end, 1 - DEFAULT_MONTHS)
    if start > end:
        start, end = end, start
    prison = args.get("pi") or None
    municipality = args.get("gemeente") or None
    if prison and scope.prisons is not None and prison not in scope.prisons:
        prison = None
    if (
        municipality
        and scope.municipalities is not None
        and municipality not in scope.municipalities
    ):
        municipality = None
    return Choice(start, end, prison, municipality)


def filters_for(scope: DashboardScope, choice: Choice) -> Filters:
    prisons = (choice.prison,) if choice.prison else scope.prisons
    municipalities = (choice.municipality,) if choice.municipality else scope.municipalities
    return Filters(choice.start, choice.end, prisons, municipalities)


def narrowed(filters: Filters, dimension: str, value: str) -> Filters:
    """The filters of one row of a table by prison or municipality."""
    if dimension == "prison":
        return replace(filters, prisons=(value,))
    if dimension == "municipality":
        return replace(filters, municipalities=(value,))
    return filters


def options(scope: DashboardScope) -> dict[str, list[tuple[str, str]]]:
    """The prisons and municipalities the filter form offers: those in scope."""

    def within(kind: str, allowed: tuple[str, ...] | None) -> list[tuple[str, str]]:
        if allowed is not None:
            names = organisation_names(set(allowed))
            return sorted(((c, f"{names[c]} ({c})") for c in allowed), key=lambda o: o[1])
        return organisation_options(kind)

    return {
        "prisons": within("prison", scope.prisons),
        "municipalities": within("municipality", scope.municipalities),
    }


def scope_label(scope: DashboardScope) -> str:
    """Who the figures are about, in words (names of the organisations)."""
    if scope.national:
        return _("Heel Nederland")
    codes = set(scope.prisons or ()) | set(scope.municipalities or ())
    names = organisation_names(codes)
    return ", ".join(sorted(names[c] for c in codes))
