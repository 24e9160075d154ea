"""The process owners' blueprint. Every page and action in it is for process owners only:
anyone else signed in gets 403, someone not signed in goes to the sign-in page. A page or action
of one process is for those who manage that process (web.access.can_manage_process)."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user
from werkzeug.wrappers import Response

from web.access import can_manage_process, can_manage_processes, require
from web.extensions import login_manager

bp = Blueprint("processes", __name__, template_folder="templates")


@bp.before_request
def only_process_owners() -> Response | None:
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require(can_manage_processes(current_user))
    process_id = (request.view_args or {}).get("process_id")
    if process_id is not None:
        require(can_manage_process(current_user, process_id))
    return None
