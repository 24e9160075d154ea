"""events: an id is never handed out twice on SQLite (AUTOINCREMENT)

Revision ID: 0590_event_ids_never_reused
Revises: 0570_inbox_claimed_index
Create Date: 2026-12-03

``events.id`` was an INTEGER PRIMARY KEY without AUTOINCREMENT, so SQLite gave a new event the
highest id in the table plus one. Once the dashboard's feed had archived the events of a finished
case (engine/store/event_archive.py) and those were the newest ones, the next events got ids it
had already handed out, at or below the feed's checkpoint: the feed never took them in and the
dashboard lost their task facts and deadlines. With AUTOINCREMENT SQLite keeps the highest id
ever used in ``sqlite_sequence``; this migration rebuilds the table with it and seeds that
sequence from the highest id used so far: in ``events``, in the archives, or taken in by the feed.
Ids that were already given out twice before this migration stay as they are.

PostgreSQL draws the ids from a sequence that never goes back: nothing changes there. The
downgrade rebuilds the SQLite table without AUTOINCREMENT.
"""

import json
import zlib

import sqlalchemy as sa
from alembic import op

revision = "0590_event_ids_never_reused"
down_revision = "0570_inbox_claimed_index"
branch_labels = None
depends_on = None

checkpoints = sa.table("projection_checkpoints", sa.column("position"))
events = sa.table("events", sa.column("id"))
archives = sa.table("event_archives", sa.column("instance_id"), sa.column("events"))


def _newest_archived(bind: sa.Connection, page: int = 500) -> int:
    """The highest event id in the archives of this revision's time (``event_archives``: a
    zlib-compressed JSON list per case, each event's id first), a page of cases at a time."""
    newest, after = 0, None
    while True:
        query = sa.select(archives.c.instance_id, archives.c.events).order_by(
            archives.c.instance_id
        )
        if after is not None:
            query = query.where(archives.c.instance_id > after)
        rows = bind.execute(query.limit(page)).all()
        for _, stored in rows:
            newest = max([newest, *(event[0] for event in json.loads(zlib.decompress(stored)))])
        if len(rows) < page:
            return newest
        after = rows[-1].instance_id


def _rebuild(autoincrement: bool) -> None:
    with op.batch_alter_table(
        "events", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    _rebuild(True)
    used = max(
        bind.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0,
        bind.execute(sa.select(sa.func.max(checkpoints.c.position))).scalar() or 0,
        _newest_archived(bind),
    )
    # Copying the rows into the rebuilt table set the sequence to their highest id, if any.
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'events'"))
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', :used)"),
        {"used": used},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild(False)
