"""Delivering a message to the case that waits for it, found by business key (principle 7)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row

from engine.errors import MessageNotDeliverableError
from engine.runtime.actions import deliver_message
from engine.runtime.pipeline import Pipeline
from engine.store import instances
from engine.store.records import InstanceInfo


def send_to_case(
    pipeline: Pipeline, name: str, business_key: str, payload: dict[str, Any], user: str
) -> InstanceInfo:
    """Deliver ``name`` to the open case with ``business_key`` that waits for it; when several
    open cases share the key, each is tried in turn."""
    candidates: list[int] = []

    def find(conn: Connection) -> Row | None:
        if not candidates:
            candidates.extend(instances.open_ids_by_key(conn, business_key))
            if not candidates:
                raise MessageNotDeliverableError(
                    f"no open case has business key {business_key!r}",
                    reason="no_open_case",
                    business_key=business_key,
                )
        return instances.lock(conn, candidates.pop(0))

    action = deliver_message(name, business_key, payload)
    while True:
        try:
            info, _ = pipeline.execute(find, user, action)
            return info
        except MessageNotDeliverableError:
            if not candidates:  # another case with the same key may wait for it
                raise
