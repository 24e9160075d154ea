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


def navigation_context() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"nav": {"signed_in": False}}
    return {
        "nav": {
            "signed_in": True,
            "cases": visible_organisations(current_user) != [],
            "register": can_register_entry(current_user),
            "admin": is_admin(current_user),
            "processes": can_manage_processes(current_user),
            "dashboard": can_see_dashboard(current_user),
        }
    }
