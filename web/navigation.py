"""What the header shows the signed-in user (the template context of every page)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from web.access import (
    can_manage_processes,
    can_register_entry,
    can_see_dashboard,
    is_admin,
    visible_organisations,
)
from web.engine_access import current_engine


def navigation_context() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"nav": {"signed_in": False}}
    owner = can_manage_processes(current_user)
    return {
        "nav": {
            "signed_in": True,
            "cases": visible_organisations(current_user) != [],
            "register": can_register_entry(current_user),
            "admin": is_admin(current_user),
            "processes": owner,
            "incidents": current_engine().incident_count() if owner else 0,
            "dashboard": can_see_dashboard(current_user),
        }
    }
