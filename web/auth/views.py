"""Sign in (Flask-Login, argon2 hashes, throttled) and sign out. A fresh session on every
sign-in; signing out ends every session of the user (web/auth/sessions.py)."""

from __future__ import annotations

import contextlib
import math

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from web.auth.forms import SignInForm
from web.auth.sessions import end_all_sessions, start_session
from web.auth.throttle import count_failure, forget_failures, seconds_to_wait
from web.extensions import db
from web.models import User
from web.security import safe_redirect_target

bp = Blueprint("auth", __name__, template_folder="templates")

DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4"
    "$XGAWb+niyCAKAh235KStOg$oX96xa/zGHAIkR+2RgpBTxrObuo3EdpXrUMpTeurDlQ"
)
"""Verifying against a throwaway hash makes an unknown username cost as much as a wrong password:
a hash of a throwaway password with the app's parameters (PasswordHasher's defaults, as
web/models.py hashes), written out instead of made on import, which took 0.2 s of every start."""


def authenticate(username: str, password: str) -> User | None:
    user = User.by_username(username.strip())
    if user is None:
        with contextlib.suppress(VerificationError):
            PasswordHasher().verify(DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def paused_message(seconds: int) -> str:
    minutes = max(math.ceil(seconds / 60), 1)
    return ngettext(
        "Te veel mislukte aanmeldpogingen. Aanmelden kan weer over %(num)d minuut.",
        "Te veel mislukte aanmeldpogingen. Aanmelden kan weer over %(num)d minuten.",
        minutes,
    )


@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    default = url_for("inbox.index")
    if current_user.is_authenticated:
        return redirect(default)
    form = SignInForm(next=request.args.get("next", ""))
    failed = False
    if form.validate_on_submit():
        username = form.username.data or ""
        wait = seconds_to_wait(username)
        if wait:
            page = render_template("auth/login.html", form=form, paused=paused_message(wait))
            return page, 429, {"Retry-After": str(wait)}
        user = authenticate(username, form.password.data or "")
        if user is not None:
            forget_failures(username)
            start_session(user)
            db.session.commit()  # check_password may have upgraded the stored hash
            return redirect(safe_redirect_target(form.next.data, default), code=303)
        count_failure(username)
        db.session.commit()
        failed = True
    return render_template("auth/login.html", form=form, failed=failed)


@bp.post("/afmelden")
@login_required
def logout() -> Response:
    end_all_sessions(current_user)
    flash(_("U bent afgemeld."), "success")
    return redirect(url_for("auth.login"), code=303)
