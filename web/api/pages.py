"""The page where a user makes and revokes their personal API tokens (/api-sleutels). A new
token's secret is shown once, in the response to the form, and never stored or flashed."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from web.api import tokens
from web.extensions import db

bp = Blueprint("api_tokens", __name__, template_folder="templates")


class TokenForm(FlaskForm):
    name = StringField(
        _l("Naam"),
        validators=[InputRequired(_l("Geef de sleutel een naam.")), Length(max=100)],
        render_kw={"autocomplete": "off"},
    )
    days = SelectField(
        _l("Geldig"),
        choices=[
            SelectChoice(days, _l("%(num)d dagen", num=days)) for days in tokens.VALIDITY_DAYS
        ],
        coerce=int,
        default=tokens.DEFAULT_VALIDITY_DAYS,
    )


def _page(form: TokenForm, secret: str | None = None, status: int = 200) -> tuple[str, int]:
    page = render_template(
        "api/tokens.html",
        form=form,
        secret=secret,
        tokens=tokens.active_tokens(current_user, tokens.now()),
        limit=tokens.MAX_ACTIVE_TOKENS,
    )
    return page, status


@bp.get("/api-sleutels")
@login_required
def index() -> tuple[str, int]:
    return _page(TokenForm())


@bp.post("/api-sleutels")
@login_required
def create() -> Response | tuple[str, int]:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        _token, secret = tokens.create_token(current_user, form.name.data or "", form.days.data)
    except tokens.TokenError:
        db.session.rollback()
        flash(_("U heeft al het hoogste aantal sleutels. Trek er eerst een in."), "error")
        return redirect(url_for("api_tokens.index"), code=303)
    db.session.commit()
    page, status = _page(TokenForm(formdata=None), secret=secret, status=201)
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api-sleutels/<int:token_id>/intrekken")
@login_required
def revoke(token_id: int) -> Response:
    token = tokens.user_token(current_user, token_id)
    if token is None:
        raise NotFound()
    tokens.revoke_token(token, tokens.now())
    db.session.commit()
    flash(_("De sleutel ‘%(name)s’ is ingetrokken.", name=token.name), "success")
    return redirect(url_for("api_tokens.index"), code=303)
