"""Deserialised workflows, with their projection state, kept between commands of this process.

A command takes its instance's workflow out (so nobody else can see it half-changed) and puts it
back with the new revision only after its transaction committed. A revision that does not match
the stored one means another process wrote the instance: the state is read from the database.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow

# The workflow, its open user task ids, its waiting timers (id -> due), its case data, and the
# case data as committed (plain JSON values, never changed afterwards: what projectors compare).
Entry = tuple[BpmnWorkflow, set[str], dict[str, datetime], dict, dict]


class WorkflowCache:
    def __init__(self, size: int = 512) -> None:
        self._entries: OrderedDict[int, tuple[int, Entry]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def take(self, instance_id: int, revision: int) -> Entry | None:
        with self._lock:
            entry = self._entries.pop(instance_id, None)
        if entry is None or entry[0] != revision:
            return None
        return entry[1]

    def put(self, instance_id: int, revision: int, entry: Entry) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._entries[instance_id] = (revision, entry)
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
