"""Sessions that end. The cookie holds the user's id and session generation (web/models.py:
``User.get_id``), when the session started and when it was last used. A session ends

- everywhere, when the user signs out, gets a new password, other roles or another
  organisation, or is deactivated (the generation rises, the cookie no longer matches);
- after TERUGKEER_SESSION_IDLE_MINUTES without a request;
- TERUGKEER_SESSION_MAX_HOURS after signing in, however busy.

An ended session is cleared (the language stays) and the page asks to sign in again. Times come
from the security clock (real time; tests move a ManualClock by hand).
"""

from __future__ import annotations

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from web.extensions import db
from web.i18n import API_PREFIX, SESSION_KEY
from web.models import User
from web.security import is_static_request, security_clock

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
SEEN_RESOLUTION_SECONDS = 30
"""The last-used time is written back at most this often (not a new cookie on every request)."""


def _now() -> float:
    return security_clock().now().timestamp()


def _clear_session() -> None:
    """Forget everything of the session but the chosen language."""
    language = session.get(SESSION_KEY)
    session.clear()
    if language:
        session[SESSION_KEY] = language


def start_session(user: User) -> None:
    """Sign ``user`` in on a new session (against session fixation); the language stays."""
    _clear_session()
    login_user(user)
    now = _now()
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def end_all_sessions(user: User) -> None:
    """Sign out here and end every other session of ``user`` (committed)."""
    user.end_sessions()
    db.session.commit()
    logout_user()
    _clear_session()


def _expired(now: float) -> bool:
    config = current_app.config
    idle = config["TERUGKEER_SESSION_IDLE_MINUTES"] * 60
    lifetime = config["TERUGKEER_SESSION_MAX_HOURS"] * 3600
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(signed_in_at, int | float) or not isinstance(seen_at, int | float):
        return True
    return now - seen_at > idle or now - signed_in_at > lifetime


def check_session() -> None:
    """Before every page: end a session that has ended or expired; note that it was used."""
    if is_static_request() or request.path.startswith(API_PREFIX):
        return
    if SIGNED_IN_AT not in session:
        if current_user.is_authenticated:  # a cookie from before sessions could end
            logout_user()
            _clear_session()
        return
    now = _now()
    if not current_user.is_authenticated:
        logout_user()
        _clear_session()
        flash(_("Uw sessie is beëindigd. Meld u opnieuw aan."), "info")
    elif _expired(now):
        logout_user()
        _clear_session()
        flash(_("Uw sessie is verlopen. Meld u opnieuw aan."), "info")
    elif now - session[SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = now
