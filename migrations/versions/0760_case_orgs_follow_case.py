"""case_organisations.updated_at follows cases.updated_at by a trigger

Revision ID: 0760_case_orgs_follow_case
Revises: 0710_drilldowns_completed_lean
Create Date: 2026-12-03

Issue 14, the app's wiring at most 1.3x the engine alone and at most 10 statements per
complete(). Since 0700 every command copies the case's last change onto its organisation rows
(the case list's order). The cases projector did that in the statement that updates the case row
on PostgreSQL (a data-modifying common table expression) and in a second statement on SQLite,
which has no such expressions: a complete() with the app's wiring took 10 statements there. A
trigger on the case row makes it one statement on both, the same way: whatever updates a case's
``updated_at`` (the projector, a rebuild) brings its organisation rows along.

The downgrade drops the trigger; the projector of that revision copies the time itself.
"""

from alembic import op

revision = "0760_case_orgs_follow_case"
down_revision = "0710_drilldowns_completed_lean"
branch_labels = None
depends_on = None

TRIGGER = "cases_updated_at_to_organisations"

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_organisations SET updated_at = NEW.updated_at
    WHERE instance_id = NEW.instance_id AND updated_at <> NEW.updated_at;
    RETURN NULL;
END
$$
"""

POSTGRESQL_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER UPDATE OF updated_at ON cases
FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()
"""

SQLITE_TRIGGER = f"""
CREATE TRIGGER {TRIGGER} AFTER UPDATE OF updated_at ON cases
FOR EACH ROW BEGIN
    UPDATE case_organisations SET updated_at = NEW.updated_at
    WHERE instance_id = NEW.instance_id AND updated_at <> NEW.updated_at;
END
"""


def upgrade() -> None:
    if _postgresql():
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        op.execute(SQLITE_TRIGGER)


def downgrade() -> None:
    if _postgresql():
        op.execute(f"DROP TRIGGER {TRIGGER} ON cases")
        op.execute(f"DROP FUNCTION {TRIGGER}()")
    else:
        op.execute(f"DROP TRIGGER {TRIGGER}")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
