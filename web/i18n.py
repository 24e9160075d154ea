"""Language choice: Dutch unless the user picked English (kept in the session). The JSON API
follows the request's Accept-Language (Dutch when it names neither language)."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import get_locale

SESSION_KEY = "language"
API_PREFIX = "/api/"


def select_locale() -> str:
    if request.path.startswith(API_PREFIX):  # no session there: as the client asks
        default = current_app.config["BABEL_DEFAULT_LOCALE"]
        return request.accept_languages.best_match(current_app.config["LANGUAGES"], default)
    chosen = session.get(SESSION_KEY)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def choose_language(code: str) -> bool:
    """Remember ``code`` for this session; False when it is not an offered language."""
    if code not in current_app.config["LANGUAGES"]:
        return False
    session[SESSION_KEY] = code
    return True


def template_context() -> dict[str, str]:
    return {"current_language": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])}
