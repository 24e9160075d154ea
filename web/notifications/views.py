"""The user's own notification settings (/instellingen/e-mail): the address, the language of the
mails, and whether to receive the daily digest and the immediate-release mail."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, EmailField, SelectChoice, SelectField
from wtforms.validators import Length, Optional, Regexp

from web.extensions import db
from web.notifications.smtp import SmtpSettings

bp = Blueprint("notifications", __name__, template_folder="templates")

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
LANGUAGE_CHOICES = (("nl", "Nederlands"), ("en", "English"))


class NotificationForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[
            Optional(),
            Length(max=255),
            Regexp(EMAIL_PATTERN, message=_l("Vul een e-mailadres in, zoals naam@gemeente.nl.")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    language = SelectField(
        _l("Taal van de e-mails"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE_CHOICES],
    )
    notify_digest = BooleanField(
        _l("Dagelijks overzicht van nieuwe, bijna verlopen en te late taken")
    )
    notify_release = BooleanField(
        _l("Direct bericht bij een directe invrijheidstelling (coördinatoren nazorg)")
    )


def _page(form: NotificationForm, status: int = 200) -> tuple[str, int]:
    configured = SmtpSettings.from_config(current_app.config) is not None
    return render_template("notifications/settings.html", form=form, configured=configured), status


@bp.get("/instellingen/e-mail")
@login_required
def settings() -> tuple[str, int]:
    form = NotificationForm(
        email=current_user.email or "",
        language=current_user.language or current_app.config["BABEL_DEFAULT_LOCALE"],
        notify_digest=current_user.notify_digest,
        notify_release=current_user.notify_release,
    )
    return _page(form)


@bp.post("/instellingen/e-mail")
@login_required
def save() -> Response | tuple[str, int]:
    form = NotificationForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    current_user.email = (form.email.data or "").strip() or None
    current_user.language = form.language.data
    current_user.notify_digest = bool(form.notify_digest.data)
    current_user.notify_release = bool(form.notify_release.data)
    db.session.commit()
    flash(_("Uw instellingen voor e-mailberichten zijn bewaard."), "success")
    return redirect(url_for("notifications.settings"), code=303)
