"""Sign in (Flask-Login, argon2 hashes) and sign out. A fresh session on every sign-in."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from web.auth.forms import SignInForm
from web.extensions import db
from web.i18n import SESSION_KEY
from web.models import User

bp = Blueprint("auth", __name__, template_folder="templates")

# Verifying against a throwaway hash makes an unknown username cost as much as a wrong password.
_DUMMY_HASH = PasswordHasher().hash("terugkeer-dummy-password")


def safe_target(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    return target


def authenticate(username: str, password: str) -> User | None:
    user = User.by_username(username.strip())
    if user is None:
        with contextlib.suppress(VerificationError):
            PasswordHasher().verify(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def start_session(user: User) -> None:
    """Log ``user`` in on a new session (against session fixation); the language stays."""
    language = session.get(SESSION_KEY)
    session.clear()
    if language:
        session[SESSION_KEY] = language
    login_user(user)
    db.session.commit()  # check_password may have upgraded the stored hash


@bp.route("/aanmelden", methods=["GET", "POST"])
def login() -> str | Response:
    default = url_for("inbox.index")
    if current_user.is_authenticated:
        return redirect(default)
    form = SignInForm(next=request.args.get("next", ""))
    failed = False
    if form.validate_on_submit():
        user = authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            start_session(user)
            return redirect(safe_target(form.next.data, default), code=303)
        failed = True
    return render_template("auth/login.html", form=form, failed=failed)


@bp.post("/afmelden")
@login_required
def logout() -> Response:
    language = session.get(SESSION_KEY)
    logout_user()
    session.clear()
    if language:
        session[SESSION_KEY] = language
    flash(_("U bent afgemeld."), "success")
    return redirect(url_for("auth.login"), code=303)
