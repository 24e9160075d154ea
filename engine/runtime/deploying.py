"""Storing checked process bundles as versions: once per content hash (principle 2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from engine.deployment import ProcessBundle
from engine.runtime.codec import CODECS
from engine.store import events, versions
from engine.store.records import VersionInfo


def store_bundles(
    conn: Connection, bundles: list[ProcessBundle], user: str, now: datetime
) -> tuple[list[VersionInfo], list[dict]]:
    """A version per bundle: the existing one when its content is known, else a new one; and
    the audit events of the new ones, for the caller to write."""
    stored = []
    deployed_events = []
    for bundle in bundles:
        existing = versions.find_by_hash(conn, bundle.process_id, bundle.content_hash)
        if existing is not None:
            stored.append(existing)
            continue
        codec = CODECS[bundle.dialect]
        info = versions.insert_version(
            conn,
            process_id=bundle.process_id,
            name=bundle.name,
            content_hash=bundle.content_hash,
            serializer_version=codec.version,
            dialect=bundle.dialect,
            specs=codec.dump_specs(bundle.spec, bundle.subprocess_specs),
            forms=bundle.forms,
            deployed_by=user,
            deployed_at=now,
            source_files=[(f.name, f.content) for f in bundle.files],
        )
        detail = {"version": info.version, "content_hash": info.content_hash}
        deployed_events.append(
            events.row(
                "version_deployed",
                actor=user,
                at=now,
                version_id=info.id,
                bpmn_id=bundle.process_id,
                detail=detail,
            )
        )
        stored.append(info)
    return stored, deployed_events
