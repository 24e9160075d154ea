"""Registering a new detention: the entry notification (melding binnenkomst) by a prison's
caseworker, with the minimum data of F, Informatie-uitwisseling 2 and footnote 12. It starts the
main process with a new case number as business key."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from engine import ConflictError, InstanceInfo
from engine.bsn import is_valid_bsn
from engine.clock import AMSTERDAM
from web.cases import fields
from web.engine_access import current_engine
from web.models import organisation_options

ADULT_AGE = 18
CASE_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud safely
CASE_NUMBER_ATTEMPTS = 5


def today() -> date:
    """Today in Amsterdam by the engine's clock (tests move it)."""
    return current_engine().clock.now().astimezone(AMSTERDAM).date()


def years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class EntryForm(FlaskForm):
    """The entry notification. Dates are checked against the engine's clock."""

    name = StringField(
        _l("Naam"),
        validators=[InputRequired(_l("Vul de naam in.")), Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    birth_date = DateField(
        _l("Geboortedatum"), validators=[InputRequired(_l("Vul de geboortedatum in."))]
    )
    bsn = StringField(
        _l("BSN"),
        validators=[InputRequired(_l("Vul het BSN in."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": "9"},
    )
    entry_date = DateField(
        _l("Datum binnenkomst"), validators=[InputRequired(_l("Vul de datum van binnenkomst in."))]
    )
    expected_release_date = DateField(_l("Verwachte ontslagdatum"), validators=[Optional()])
    municipality_code = SelectField(
        _l("Gemeente van herkomst"),
        validators=[InputRequired(_l("Kies de gemeente van herkomst."))],
    )
    probation_office_code = SelectField(_l("Reclassering"), validators=[Optional()])
    has_minor_children = RadioField(
        _l("Heeft minderjarige kinderen"),
        choices=[
            SelectChoice("yes", _l("Ja")),
            SelectChoice("no", _l("Nee")),
            SelectChoice("unknown", _l("Onbekend")),
        ],
        validators=[InputRequired(_l("Kies ja, nee of onbekend."))],
    )
    remarks = TextAreaField(
        _l("Bijzonderheden"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 4}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality_code.choices = [
            SelectChoice("", _l("Kies een gemeente"))
        ] + organisation_choices("municipality")
        self.probation_office_code.choices = [
            SelectChoice("", _l("Nog niet bekend"))
        ] + organisation_choices("probation")

    def validate_bsn(self, field: StringField) -> None:
        field.data = normalise_bsn(field.data or "")
        _raise(bsn_problem(field.data))

    def validate_birth_date(self, field: DateField) -> None:
        if field.data is not None:
            _raise(birth_date_problem(field.data, self.entry_date.data))

    def validate_entry_date(self, field: DateField) -> None:
        if field.data is not None:
            _raise(entry_date_problem(field.data))

    def validate_expected_release_date(self, field: DateField) -> None:
        if field.data is not None:
            _raise(release_date_problem(field.data, self.entry_date.data))

    def start_data(self, prison_code: str) -> dict[str, Any]:
        """The process's start data, under the keys of web.cases.fields."""
        return entry_start_data(
            prison_code=prison_code,
            name=self.name.data or "",
            birth_date=self.birth_date.data,
            bsn=self.bsn.data,
            entry_date=self.entry_date.data,
            expected_release_date=self.expected_release_date.data,
            municipality_code=self.municipality_code.data,
            probation_office_code=self.probation_office_code.data or None,
            has_minor_children={"yes": True, "no": False}.get(self.has_minor_children.data),
            remarks=self.remarks.data,
        )


# The rules of the entry notification, shared by this form and the JSON API (web/api): each
# returns the problem in words, or None.


def _raise(problem: str | None) -> None:
    if problem is not None:
        raise ValidationError(problem)


def normalise_bsn(value: str) -> str:
    return value.replace(" ", "").replace(".", "")


def bsn_problem(value: str) -> str | None:
    if not is_valid_bsn(value):
        return _l("Dit is geen geldig BSN: negen cijfers die de elfproef halen.")
    return None


def birth_date_problem(born: date, entry: date | None) -> str | None:
    if born > today():
        return _l("De geboortedatum ligt in de toekomst.")
    if years_between(born, entry or today()) < ADULT_AGE:
        return _l("Deze nazorg is voor volwassenen: de persoon is bij binnenkomst jonger dan 18.")
    return None


def entry_date_problem(entry: date) -> str | None:
    if entry > today():
        return _l("De datum van binnenkomst ligt in de toekomst.")
    return None


def release_date_problem(release: date, entry: date | None) -> str | None:
    if entry is not None and release < entry:
        return _l("De verwachte ontslagdatum ligt vóór de datum van binnenkomst.")
    return None


def entry_start_data(
    *,
    prison_code: str,
    name: str,
    birth_date: date,
    bsn: str,
    entry_date: date,
    expected_release_date: date | None,
    municipality_code: str,
    probation_office_code: str | None,
    has_minor_children: bool | None,
    remarks: str | None,
) -> dict[str, Any]:
    """The main process's start data, under the keys of web.cases.fields."""
    data: dict[str, Any] = {
        fields.NAME: name.strip(),
        fields.BIRTH_DATE: birth_date.isoformat(),
        fields.BSN: bsn,
        fields.PRISON: prison_code,
        fields.ENTRY_DATE: entry_date.isoformat(),
        fields.EXPECTED_RELEASE_DATE: (
            expected_release_date.isoformat() if expected_release_date else None
        ),
        fields.MUNICIPALITY: municipality_code,
        fields.PROBATION_OFFICE: probation_office_code,
        fields.HAS_MINOR_CHILDREN: has_minor_children,
    }
    if remarks and remarks.strip():
        data[fields.REMARKS] = remarks.strip()
    return data


def organisation_choices(kind: str) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in organisation_options(kind)]


def new_case_number(today: date) -> str:
    """E.g. NZ-2026-7KQ4RM: the year and six characters that are hard to mix up."""
    tail = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(6))
    return f"NZ-{today.year}-{tail}"


def main_process() -> str:
    return current_app.config.get("TERUGKEER_MAIN_PROCESS") or fields.MAIN_PROCESS


def register_entry(data: dict[str, Any], username: str) -> InstanceInfo:
    """Start the main process on the latest version; retries when a case number is taken."""
    return start_case(main_process(), data, username)


def start_case(process_id: str, data: dict[str, Any], username: str) -> InstanceInfo:
    """Start a process on its latest version under a new case number (retried when taken)."""
    engine = current_engine()
    for attempt in range(CASE_NUMBER_ATTEMPTS):
        try:
            return engine.start(process_id, data, new_case_number(today()), user=username)
        except ConflictError:
            if attempt == CASE_NUMBER_ATTEMPTS - 1:
                raise
    raise ConflictError("no free case number found")
