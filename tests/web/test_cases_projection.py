"""The cases projection: rows written inside every engine command, the organisations holding a
case, and the provision statuses; on SQLite and PostgreSQL. (tests/web/test_command_cost.py checks
that what the commands keep by differences equals a rebuild over a whole nazorg case.)"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from flask import Flask

from engine import CaseChange
from engine.db.models import HumanTask
from tests.web.support import start_case
from web.cases import fields
from web.cases.projection import project_case, rebuild_all, write_case
from web.cases.queries import case_by_key, provision_board, search_cases
from web.cases.tables import case_organisations, cases, provision_statuses
from web.engine_access import current_engine
from web.extensions import db


def test_starting_a_case_projects_it(web_app: Flask, clock) -> None:
    start_case(web_app, expected_release_date="2026-09-01")
    with web_app.app_context():
        case = case_by_key("NZ-TEST-1")
    assert case is not None
    assert case.person_name == "Jan Jansen"
    assert case.birth_date == date(1990, 1, 2)
    assert (case.prison_code, case.municipality_code) == ("PI-ZWL", "GM0363")
    assert case.entry_date == date(2026, 5, 4)
    assert case.expected_release_date == date(2026, 9, 1)
    assert case.release_date is None and case.stay_class is None
    assert case.status == "running" and case.updated_at == clock.now()
    assert not case.care_consent and not case.debts_consent
    assert case.organisations == {"PI-ZWL", "GM0363"}


def test_completing_tasks_updates_the_projection(web_app: Flask, clock) -> None:
    instance = start_case(web_app)
    with web_app.app_context():
        engine = current_engine()
        register = engine.tasks(instance_id=instance.id)[0]
        engine.complete(register.id, {"entry_date": "2026-05-04", "stay_days": 200}, "mmd")
        case = case_by_key("NZ-TEST-1")
    assert case.stay_class == "long"  # from the DMN decision, folded into the case data


def test_an_organisation_with_an_open_task_holds_the_case(web_app: Flask) -> None:
    # E.g. a receiving municipality asked to accept the person: its task makes it a holder even
    # when the case data names another organisation of its kind. Here the data lose the prison
    # while its registration task is still open.
    instance = start_case(web_app)
    moved = replace(instance, data={**instance.data, "prison_code": None})
    with web_app.app_context():
        with db.engine.begin() as conn:
            write_case(conn, moved)
        assert case_by_key("NZ-TEST-1").organisations == {"PI-ZWL", "GM0363"}
        finished = replace(moved, status="completed")
        with db.engine.begin() as conn:
            write_case(conn, finished)
        db.session.rollback()  # end the session's read snapshot (SQLite)
        assert case_by_key("NZ-TEST-1").organisations == {"GM0363"}


def test_provision_statuses_come_from_the_monitor_and_the_provision_records(
    web_app: Flask,
) -> None:
    start_case(
        web_app,
        monitor_entry={"housing": "not_arranged", "identity_document": True, "care": None},
        housing_action_needed=True,
        debts_action_needed=False,
        identity_document={"status": "arranged", "reason": "ID-kaart aangevraagd"},
        release_date="2026-06-01",
    )
    with web_app.app_context():
        board = provision_board(case_by_key("NZ-TEST-1").instance_id)
    assert board == {
        ("entry", "housing"): "not_arranged",
        ("entry", "identity_document"): "arranged",
        ("now", "housing"): "in_progress",
        ("now", "debts"): "not_needed",
        ("now", "identity_document"): "arranged",
        ("release", "identity_document"): "arranged",
    }


def test_a_provision_record_before_the_release_is_not_the_status_at_release() -> None:
    data = {"debts": {"status": "not_needed"}}
    assert fields.provision_statuses(data) == {("now", "debts"): "not_needed"}


def test_field_mapping_reads_the_release_date_from_the_release_signal() -> None:
    data = {"release_info": {"release_date": "2026-06-01", "immediate": True}}
    assert fields.release_date(data) == date(2026, 6, 1)
    assert fields.release_date({"release_date": "2026-06-02"}) == date(2026, 6, 2)
    assert fields.release_date({"release_date": "later"}) is None


def test_consent_words() -> None:
    assert fields.consent({"care_consent_given": "yes"}, "care")
    assert fields.consent({"care_consent": True}, "care")
    assert not fields.consent({"care_consent_given": "no"}, "care")
    assert fields.consent({"debts_wants_assistance": "yes"}, "debts")
    assert not fields.consent({}, "debts")


def test_provision_of_step() -> None:
    assert fields.provision_of_step("housing_screening") == "housing"
    assert fields.provision_of_step("screen_housing") == "housing"
    assert fields.provision_of_step("work_income_uwv") == "work_income"
    assert fields.provision_of_step("notify_municipality") is None


def test_search_follows_visibility_and_filters(web_app: Flask) -> None:
    start_case(web_app, "NZ-A", name="Anna de Wit")
    start_case(web_app, "NZ-B", name="Bert Zwart", municipality_code="GM0599")
    with web_app.app_context():
        assert [c.business_key for c in search_cases(["GM0363"])] == ["NZ-A"]
        assert {c.business_key for c in search_cases(["PI-ZWL"])} == {"NZ-A", "NZ-B"}
        assert [c.business_key for c in search_cases(None, person="zwart")] == ["NZ-B"]
        assert [c.business_key for c in search_cases(None, person="nz-a")] == ["NZ-A"]
        assert search_cases(None, person="%") == []
        assert len(search_cases(None, limit=1)) == 1


def test_rebuild_projects_every_instance_again(web_app: Flask) -> None:
    start_case(web_app, "NZ-A")
    start_case(web_app, "NZ-B")
    with web_app.app_context():
        with db.engine.begin() as conn:
            for table in (provision_statuses, case_organisations, cases):
                conn.execute(sa.delete(table))
        with db.engine.begin() as conn:
            assert rebuild_all(conn, current_engine().each_instance()) == 2
        assert case_by_key("NZ-B").organisations == {"PI-ZWL", "GM0363"}


def test_a_command_moves_the_holders_of_its_tasks(web_app: Flask) -> None:
    # The command path compares before and after instead of reading the rows: a task held by an
    # organisation outside the case data brings it in; closing that task takes it out again,
    # also when the projector is not told who held the task.
    instance = start_case(web_app)
    with web_app.app_context():
        engine = current_engine()
        (register,) = engine.tasks(instance_id=instance.id)
        asked = {"id": "task-asked", "organisation": "GM0599"}
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(HumanTask.__table__)
                .where(HumanTask.__table__.c.id == register.id)
                .values(organisation="GM0599")
            )
            project_case(CaseChange(conn, instance, [], before=instance.data, opened=[asked]))
        assert case_by_key("NZ-TEST-1").organisations == {"PI-ZWL", "GM0363", "GM0599"}
        with db.engine.begin() as conn:  # another open task of GM0599 keeps it in
            project_case(CaseChange(conn, instance, [], before=instance.data, closed=["x"]))
        db.session.rollback()
        assert case_by_key("NZ-TEST-1").organisations == {"PI-ZWL", "GM0363", "GM0599"}
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(HumanTask.__table__)
                .where(HumanTask.__table__.c.id == register.id)
                .values(status="completed")
            )
            project_case(CaseChange(conn, instance, [], before=instance.data, closed=["x"]))
        db.session.rollback()
        assert case_by_key("NZ-TEST-1").organisations == {"PI-ZWL", "GM0363"}
        moved = replace(instance, data={**instance.data, "municipality_code": "GM0599"})
        with db.engine.begin() as conn:
            project_case(CaseChange(conn, moved, [], before=instance.data))
        db.session.rollback()
        assert case_by_key("NZ-TEST-1").organisations == {"PI-ZWL", "GM0599"}


def stored_statuses(app: Flask, instance_id: int) -> dict[tuple[str, str], tuple[str, date | None]]:
    table = provision_statuses
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                table.c.moment, table.c.provision, table.c.status, table.c.release_date
            ).where(table.c.instance_id == instance_id)
        )
        return {(r.moment, r.provision): (r.status, r.release_date) for r in rows}


def test_the_monitor_rows_carry_the_release_date_the_command_sets(web_app: Flask) -> None:
    # The outcome drill-down walks a status's rows by release date (migration 0600): the rows of
    # the monitor's moments carry the case's, those of the current status ("now") none.
    instance = start_case(
        web_app, monitor_entry={"housing": "not_arranged"}, debts_action_needed=False
    )
    assert stored_statuses(web_app, instance.id) == {
        ("entry", "housing"): ("not_arranged", None),
        ("now", "debts"): ("not_needed", None),
    }
    released = replace(
        instance,
        data={
            **instance.data,
            "release_date": "2026-06-01",
            "monitor_release": {"housing": "arranged"},
        },
    )
    written: list[str] = []

    def keep(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if "provision_statuses" in statement:
            written.append(statement)

    with web_app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            with db.engine.begin() as conn:
                project_case(CaseChange(conn, released, [], before=instance.data))
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
    june = date(2026, 6, 1)
    assert stored_statuses(web_app, instance.id) == {
        ("entry", "housing"): ("not_arranged", june),
        ("release", "housing"): ("arranged", june),
        ("now", "debts"): ("not_needed", None),
    }
    assert len(written) == 1  # the new row and the entry row's date in one upsert

    corrected = replace(released, data={**released.data, "release_date": "2026-06-03"})
    with web_app.app_context(), db.engine.begin() as conn:
        project_case(CaseChange(conn, corrected, [], before=released.data))
    assert {v[1] for k, v in stored_statuses(web_app, instance.id).items() if k[0] != "now"} == {
        date(2026, 6, 3)
    }


def test_a_rebuild_puts_the_release_date_right(web_app: Flask) -> None:
    instance = start_case(
        web_app, monitor_release={"care": "not_needed"}, release_date="2026-06-01"
    )
    with web_app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.update(provision_statuses).values(release_date=date(2020, 1, 1)))
    with web_app.app_context(), db.engine.begin() as conn:
        write_case(conn, instance)
    assert stored_statuses(web_app, instance.id)[("release", "care")] == (
        "not_needed",
        date(2026, 6, 1),
    )


def organisation_times(web_app: Flask) -> set:
    with web_app.app_context(), db.engine.connect() as conn:
        query = sa.select(case_organisations.c.organisation, case_organisations.c.updated_at)
        return set(conn.execute(query).all())


def test_the_organisation_rows_follow_the_case_row_whatever_writes_it(
    web_app: Flask, clock
) -> None:
    """Migration 0760: a trigger gives an update of the case row's ``updated_at`` to its
    organisation rows (the case list's order); a rebuild that inserts the case row dates them
    itself. The downgrade drops the trigger, the upgrade puts it back."""
    from datetime import UTC, datetime

    from alembic import command

    from engine.db.migrate import alembic_config, upgrade

    instance = start_case(web_app)
    later = datetime(2026, 5, 5, 8, 30, tzinfo=UTC)
    assert organisation_times(web_app) == {("PI-ZWL", clock.now()), ("GM0363", clock.now())}

    def case_changed_at(moment: datetime) -> None:
        with web_app.app_context(), db.engine.begin() as conn:
            conn.execute(sa.update(cases).values(updated_at=moment))

    case_changed_at(later)
    assert organisation_times(web_app) == {("PI-ZWL", later), ("GM0363", later)}

    with web_app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.delete(cases))
        write_case(conn, instance)
    assert organisation_times(web_app) == {("PI-ZWL", clock.now()), ("GM0363", clock.now())}

    with web_app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    try:
        command.downgrade(alembic_config(url), "0710_drilldowns_completed_lean")
        case_changed_at(later)
        assert organisation_times(web_app) == {("PI-ZWL", clock.now()), ("GM0363", clock.now())}
    finally:
        upgrade(url)  # the other tests on this database need the trigger
    case_changed_at(later)
    assert organisation_times(web_app) == {("PI-ZWL", later), ("GM0363", later)}
