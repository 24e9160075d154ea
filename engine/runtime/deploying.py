"""Storing checked process bundles as versions: once per content hash (principle 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Connection

from engine.deployment import ProcessBundle
from engine.runtime.codec import CODECS
from engine.store import events, versions
from engine.store.records import VersionInfo


def store_bundles(
    conn: Connection,
    bundles: list[ProcessBundle],
    user: str,
    now: datetime,
    *,
    restore_older: bool = True,
    before_new_version: Callable[[str], None] | None = None,
) -> tuple[list[VersionInfo], list[dict]]:
    """A version per bundle: the newest one when the content equals it, else a new one; and
    the audit events of the new ones, for the caller to write. Content equal to an older version
    is that version put back: a new version (``same_as`` names the older one), or, without
    ``restore_older``, the older version itself. ``before_new_version`` sees each process id
    about to get a new version and may refuse it by raising."""
    stored = []
    deployed_events = []
    for bundle in bundles:
        newest = versions.latest(conn, bundle.process_id)
        if newest is not None and newest.content_hash == bundle.content_hash:
            stored.append(newest)
            continue
        older = versions.find_by_hash(conn, bundle.process_id, bundle.content_hash)
        if older is not None and not restore_older:
            stored.append(older)
            continue
        if before_new_version is not None:
            before_new_version(bundle.process_id)
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
        if older is not None:
            info = replace(info, same_as=older.version)
            detail["same_as"] = older.version
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
