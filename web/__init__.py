"""Terugkeer's web app. ``create_app(config)`` builds one; nothing runs at import time."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ensure_database_folder
from web.admin.views import bp as admin
from web.api.pages import bp as api_tokens
from web.api.views import bp as api
from web.auth.sessions import check_session
from web.auth.throttle import init_throttle
from web.auth.views import bp as auth
from web.cases.views import bp as cases
from web.dashboard.views import bp as dashboard
from web.engine_access import ENGINE_KEY, build_engine, start_scheduler
from web.errors import register_error_handlers
from web.extensions import babel, csrf, db, login_manager
from web.health.views import bp as health
from web.home.views import bp as home
from web.i18n import select_locale, template_context
from web.inbox.views import bp as inbox
from web.incidents import bp as incidents
from web.incidents.api import bp as incidents_api
from web.metrics.instruments import count_requests
from web.metrics.views import bp as metrics
from web.models import load_user
from web.navigation import navigation_context
from web.notifications.dispatcher import start_dispatcher
from web.notifications.views import bp as notifications
from web.privacy.views import bp as privacy
from web.processes.api import bp as processes_api
from web.processes.routes import bp as processes
from web.request_log import register_request_log
from web.security import register_security
from web.tasks.views import bp as tasks
from web.vendor import bp as vendor


def _settings(config: object | Mapping[str, Any] | None) -> dict[str, Any]:
    """A Config as is; a dict or another object as overrides on the environment's Config."""
    if isinstance(config, Config):
        return config.as_dict()
    if config is None:
        return Config().as_dict()
    if isinstance(config, Mapping):
        return Config(**config).as_dict()
    return Config(**{k: getattr(config, k) for k in dir(config) if k.isupper()}).as_dict()


def create_app(config: object | dict | None = None) -> Flask:
    """A Terugkeer app with ``config`` (a Config, any object or a dict; default: Config())."""
    settings = _settings(config)
    app = Flask(__name__, instance_path=str(Path(settings["INSTANCE_DIR"]).resolve()))
    app.config.from_mapping(settings)
    if not app.config.get("SECRET_KEY"):
        raise ValueError("SECRET_KEY is not set")
    ensure_database_folder(app.config["DATABASE_URL"])

    db.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Meld u aan om deze pagina te bekijken.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)  # catalogues in web/translations
    app.context_processor(template_context)
    app.context_processor(navigation_context)

    with app.app_context():
        app.extensions[ENGINE_KEY] = build_engine(db.engine, app.config)

    proxies = app.config.get("TERUGKEER_PROXY_COUNT", 0)
    if proxies:  # the client's address, scheme and host as the reverse proxy saw them
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    count_requests(app)
    register_request_log(app)
    init_throttle(app)
    app.before_request(check_session)
    _register_blueprints(app)
    register_error_handlers(app)
    register_security(app)

    if app.config.get("TERUGKEER_RUN_SCHEDULER"):
        start_scheduler(app)
        start_dispatcher(app)
    return app


def _register_blueprints(app: Flask) -> None:
    for blueprint in (home, auth, inbox, tasks, cases, admin, vendor, api_tokens, api):
        app.register_blueprint(blueprint)
    app.register_blueprint(processes)
    app.register_blueprint(processes_api)
    app.register_blueprint(incidents)
    app.register_blueprint(incidents_api)
    app.register_blueprint(dashboard)
    app.register_blueprint(privacy)
    app.register_blueprint(notifications)
    app.register_blueprint(health)
    app.register_blueprint(metrics)
    csrf.exempt(processes_api)  # bearer tokens only, like the rest of the API
    csrf.exempt(api)  # bearer tokens only, never the session cookie (web/api/core.py)
