"""The inbox as the user last filtered it: completing a task brings them back there."""

from __future__ import annotations

from collections.abc import Mapping

from flask import session, url_for

SESSION_KEY = "inbox_filter"
KEPT = ("weergave", "stap", "voorziening", "persoon")
"""The inbox's query arguments that are kept (not the page: it may be gone after a task)."""


def remember(args: Mapping[str, str]) -> None:
    session[SESSION_KEY] = {name: args[name][:100] for name in KEPT if args.get(name)}


def inbox_url() -> str:
    """The inbox with the filters and tab the user chose last."""
    kept = session.get(SESSION_KEY)
    chosen = {k: v for k, v in kept.items() if k in KEPT} if isinstance(kept, dict) else {}
    return url_for("inbox.index", **chosen)
