"""The admin forms, and the Dutch names of roles and organisation kinds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from web.models import ORGANISATION_KINDS, ROLES

ROLE_LABELS = {
    "caseworker": _l("Casemanager (MMD'er, UWV)"),
    "coordinator": _l("Coördinator nazorg (gemeente)"),
    "probation_officer": _l("Reclasseringswerker"),
    "process_owner": _l("Procesbeheerder"),
    "manager": _l("Manager of teamleider"),
    "admin": _l("Beheerder"),
}
KIND_LABELS = {
    "prison": _l("Penitentiaire inrichting"),
    "municipality": _l("Gemeente"),
    "probation": _l("Reclassering"),
    "uwv": _l("UWV"),
    "ministry": _l("Ministerie of landelijke organisatie"),
}


class UserForm(FlaskForm):
    username = StringField(
        _l("Gebruikersnaam"),
        validators=[
            InputRequired(_l("Vul een gebruikersnaam in.")),
            Length(max=64),
            Regexp(r"^[a-z0-9._-]+$", message=_l("Gebruik kleine letters, cijfers, punt, - of _.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )
    display_name = StringField(
        _l("Naam"), validators=[InputRequired(_l("Vul de naam in.")), Length(max=255)]
    )
    organisation_id = SelectField(_l("Organisatie"), coerce=int)
    roles = SelectMultipleField(
        _l("Rollen"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        validators=[InputRequired(_l("Kies ten minste één rol."))],
    )
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            Optional(),
            Length(max=255),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message=_l("Vul een e-mailadres in, zoals naam@gemeente.nl."),
            ),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    active = BooleanField(_l("Actief: kan zich aanmelden"), default=True)


class OrganisationForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[
            InputRequired(_l("Vul de code in.")),
            Length(max=32),
            Regexp(
                r"^[A-Z0-9-]+$", message=_l("Gebruik hoofdletters, cijfers en -, zoals PI-ZWL.")
            ),
        ],
    )
    name = StringField(
        _l("Naam"), validators=[InputRequired(_l("Vul de naam in.")), Length(max=255)]
    )
    kind = SelectField(
        _l("Soort"), choices=[SelectChoice(kind, KIND_LABELS[kind]) for kind in ORGANISATION_KINDS]
    )
