"""Admin pages: users (roles, organisation, active, a new password) and organisations.

An admin of a ministry organisation manages every organisation and its users; an admin of any
other organisation manages the users of their own organisation (web.access.admin_scope).
Passwords are generated, shown once, and stored only as argon2 hashes.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from web.access import admin_scope, is_admin, manages_organisations, require
from web.accounts import AccountError, create_user
from web.admin.forms import KIND_LABELS, ROLE_LABELS, OrganisationForm, UserForm
from web.extensions import db
from web.models import Organisation, User

bp = Blueprint("admin", __name__, template_folder="templates", url_prefix="/beheer")


def new_password() -> str:
    return secrets.token_urlsafe(12)


def organisation_choices(organisations: list[Organisation]) -> list[SelectChoice]:
    return [SelectChoice(o.id, f"{o.name} ({o.code})") for o in organisations]


def _organisations_in_scope() -> list[Organisation]:
    scope = admin_scope(current_user)
    query = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if scope is not None:
        query = query.where(Organisation.code.in_(scope))
    return list(db.session.scalars(query))


def _user_in_scope(user_id: int) -> User:
    user = db.session.get(User, user_id)
    scope = admin_scope(current_user)
    if user is None or (scope is not None and user.organisation.code not in scope):
        abort(404)
    return user


def _show_password(user: User, password: str) -> None:
    flash(
        _(
            "Het wachtwoord van %(user)s is nu: %(password)s — geef het veilig door; "
            "het wordt niet nog eens getoond.",
            user=user.username,
            password=password,
        ),
        "success",
    )


@bp.before_request
@login_required
def only_admins() -> Response | None:
    require(is_admin(current_user))
    return None


@bp.get("/gebruikers")
def users() -> str:
    organisations = _organisations_in_scope()
    query = (
        select(User)
        .where(User.organisation_id.in_([o.id for o in organisations]))
        .order_by(User.username)
    )
    return render_template(
        "admin/users.html",
        users=list(db.session.scalars(query)),
        role_labels=ROLE_LABELS,
        may_manage_organisations=manages_organisations(current_user),
    )


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
def new_user() -> str | Response:
    form = UserForm()
    organisations = _organisations_in_scope()
    form.organisation_id.choices = organisation_choices(organisations)
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation_id.data)
        password = new_password()
        try:
            user = create_user(
                form.username.data or "",
                organisation=organisation,
                roles=form.roles.data or [],
                password=password,
                display_name=form.display_name.data,
            )
        except AccountError:
            db.session.rollback()
            form.username.errors = [_("Deze gebruikersnaam bestaat al.")]
        else:
            user.active = bool(form.active.data)
            user.email = (form.email.data or "").strip() or None
            db.session.commit()
            _show_password(user, password)
            return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> str | Response:
    user = _user_in_scope(user_id)
    form = UserForm(obj=user, roles=user.role_list)
    organisations = _organisations_in_scope()
    form.organisation_id.choices = organisation_choices(organisations)
    form.username.render_kw = {**(form.username.render_kw or {}), "readonly": True}
    if form.validate_on_submit():
        roles = form.roles.data or []
        if user.id == current_user.id and ("admin" not in roles or not form.active.data):
            form.roles.errors = [_("U kunt uw eigen beheerrechten niet intrekken.")]
        else:
            user.display_name = form.display_name.data or user.display_name
            user.organisation_id = form.organisation_id.data
            user.role_list = roles
            user.active = bool(form.active.data)
            user.email = (form.email.data or "").strip() or None
            db.session.commit()
            flash(_("De gegevens van %(user)s zijn opgeslagen.", user=user.username), "success")
            return redirect(url_for("admin.users"), code=303)
    form.username.data = user.username
    return render_template("admin/user_form.html", form=form, user=user)


@bp.post("/gebruikers/<int:user_id>/wachtwoord")
def reset_password(user_id: int) -> Response:
    user = _user_in_scope(user_id)
    password = new_password()
    user.set_password(password)
    db.session.commit()
    _show_password(user, password)
    return redirect(url_for("admin.users"), code=303)


@bp.get("/organisaties")
def organisations() -> str:
    require(manages_organisations(current_user))
    query = select(Organisation).order_by(Organisation.kind, Organisation.name)
    return render_template(
        "admin/organisations.html",
        organisations=list(db.session.scalars(query)),
        kind_labels=KIND_LABELS,
    )


@bp.route("/organisaties/nieuw", methods=["GET", "POST"])
def new_organisation() -> str | Response:
    require(manages_organisations(current_user))
    form = OrganisationForm()
    if form.validate_on_submit():
        if Organisation.by_code(form.code.data or "") is not None:
            form.code.errors = [_("Er is al een organisatie met deze code.")]
        else:
            db.session.add(
                Organisation(code=form.code.data, name=form.name.data, kind=form.kind.data)
            )
            db.session.commit()
            flash(_("Organisatie %(code)s is toegevoegd.", code=form.code.data), "success")
            return redirect(url_for("admin.organisations"), code=303)
    return render_template(
        "admin/organisation_form.html", form=form, organisation=None, kind_labels=KIND_LABELS
    )


@bp.route("/organisaties/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int) -> str | Response:
    require(manages_organisations(current_user))
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    form = OrganisationForm(obj=organisation)
    form.code.data = organisation.code
    form.kind.data = organisation.kind
    if form.validate_on_submit():
        organisation.name = form.name.data or organisation.name
        db.session.commit()
        flash(_("Organisatie %(code)s is opgeslagen.", code=organisation.code), "success")
        return redirect(url_for("admin.organisations"), code=303)
    return render_template(
        "admin/organisation_form.html",
        form=form,
        organisation=organisation,
        kind_labels=KIND_LABELS,
    )
