"""The web app's projections of cases and its record of who looked at them.

``cases``, ``case_organisations`` and ``provision_statuses`` are maintained by the cases
projector (web/cases/projection.py) inside every engine command's transaction, so lists and
dashboards never load a workflow (architecture principle 3). ``case_views`` is the audit trail
of who saw which case. Schema changes go through migrations/ (0004).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    text,
)

from engine.db.models import Base, UTCDateTime

metadata = Base.metadata

cases = Table(
    "cases",
    metadata,
    Column("instance_id", Integer, ForeignKey("process_instances.id"), primary_key=True),
    Column("business_key", String(255), nullable=False),
    Column("process_id", String(255), nullable=False),
    Column("person_name", String(255)),
    Column("birth_date", Date),
    Column("prison_code", String(64)),
    Column("municipality_code", String(64)),
    Column("probation_office_code", String(64)),
    Column("uwv_office_code", String(64)),
    Column("stay_class", String(32)),
    Column("entry_date", Date),
    Column("expected_release_date", Date),
    Column("release_date", Date),
    Column("status", String(16), nullable=False),
    Column("care_consent", Boolean, nullable=False),
    Column("debts_consent", Boolean, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_cases_business_key", "business_key"),
    Index("ix_cases_status_release", "status", "expected_release_date"),
    # The case list's order, most recently changed first (web/cases/queries.py, search_cases):
    # a page reads a page of cases, with or without a status filter (migration 0520).
    Index("ix_cases_updated", "updated_at", "instance_id"),
    Index("ix_cases_status_updated", "status", "updated_at", "instance_id"),
)

case_organisations = Table(
    "case_organisations",
    metadata,
    Column("instance_id", Integer, ForeignKey("process_instances.id"), nullable=False),
    Column("organisation", String(64), nullable=False),
    # The case's ``cases.updated_at``, kept equal by a trigger on ``cases`` (migration 0760): the
    # case list walks one organisation's cases most recently changed first and stops after the
    # page (migration 0700).
    Column("updated_at", UTCDateTime, nullable=False),
    # Read by case (the case's organisations, the drill-down's check): the key.
    PrimaryKeyConstraint("instance_id", "organisation"),
    Index("ix_case_organisations_updated", "organisation", "updated_at", "instance_id"),
)

provision_statuses = Table(
    "provision_statuses",
    metadata,
    Column("instance_id", Integer, ForeignKey("process_instances.id"), nullable=False),
    Column("moment", String(8), nullable=False),
    Column("provision", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    # The case's release date on the rows of the monitor's moments (entry, release, 6m; NULL
    # before the release and on the current status's rows, moment "now"): the outcome
    # drill-down walks a status's rows in release-date order (migration 0600).
    Column("release_date", Date),
    # Read by case (the case page, the projector): the key.
    PrimaryKeyConstraint("instance_id", "moment", "provision"),
    # The outcome drill-down (web/dashboard/drilldown.py) walks a moment's and provision's rows
    # in release-date order and checks the status in the index; only released cases' (migration
    # 0600). Without the case in it, PostgreSQL keeps the rows of one key once (0601).
    Index(
        "ix_provision_statuses_released",
        *("moment", "provision", "release_date", "status"),
        postgresql_where=text("release_date IS NOT NULL"),
        sqlite_where=text("release_date IS NOT NULL"),
    ),
)

case_views = Table(
    "case_views",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, ForeignKey("process_instances.id"), nullable=False),
    Column("business_key", String(255), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("username", String(64), nullable=False),
    Column("organisation", String(32), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("categories", String(64), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("subject", String(16), nullable=False, server_default="case"),
    Index("ix_case_views_instance_at", "instance_id", "at"),
    Index("ix_case_views_user_at", "user_id", "at"),
)
