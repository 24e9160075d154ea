"""web.access: who sees which case, who works which task, special categories with consent, and
the record of case views; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.exceptions import NotFound

from engine import TaskInfo
from tests.web.support import start_case
from web import access
from web.cases.queries import case_by_key
from web.cases.tables import case_views
from web.engine_access import current_engine
from web.extensions import db
from web.models import User


def user(name: str) -> User:
    found = User.by_username(name)
    assert found is not None
    return found


def test_visible_organisations_by_role_and_kind(web_app: Flask) -> None:
    with web_app.app_context():
        assert access.visible_organisations(user("mmd")) == ["PI-ZWL"]
        assert access.visible_organisations(user("ams.manager")) == ["GM0363"]
        assert access.visible_organisations(user("landelijk")) is None  # national manager
        assert access.visible_organisations(user("ams.admin")) == []  # admins manage users
        assert access.visible_organisations(user("beheer")) == []


def test_a_case_is_seen_by_its_parties_only(web_app: Flask) -> None:
    start_case(web_app)
    with web_app.app_context():
        case = case_by_key("NZ-TEST-1")
        assert case is not None and case.organisations == {"PI-ZWL", "GM0363"}
        for name in ("mmd", "ams", "ams.manager", "landelijk"):
            assert access.can_see_case(user(name), case), name
        for name in ("rdam", "reclassering", "ams.admin"):
            assert not access.can_see_case(user(name), case), name
        assert access.case_for(user("ams"), "NZ-TEST-1") == case


@pytest.mark.parametrize("key", ["NZ-TEST-1", "NZ-BESTAAT-NIET"])
def test_case_for_gives_the_same_404_for_hidden_and_missing_cases(web_app: Flask, key: str) -> None:
    start_case(web_app)
    with web_app.app_context(), pytest.raises(NotFound) as caught:
        access.case_for(user("rdam"), key)
    assert caught.value.description == NotFound.description


def test_deactivated_users_see_nothing(web_app: Flask) -> None:
    start_case(web_app)
    with web_app.app_context():
        mmd = user("mmd")
        mmd.active = False
        assert access.visible_organisations(mmd) == []
        assert not access.can_see_case(mmd, case_by_key("NZ-TEST-1"))


def _task(**changes: object) -> TaskInfo:
    base = {
        "id": "t1",
        "instance_id": 1,
        "version_id": 1,
        "business_key": "NZ-TEST-1",
        "process_id": "sample_case",
        "bpmn_id": "screen_housing",
        "name": "Screen huisvesting",
        "lane": "Gemeente",
        "party": "municipality",
        "organisation": "GM0363",
        "role": "coordinator",
        "form": "screen_housing.schema.json",
        "status": "ready",
        "created_at": None,
        "due_at": None,
        "claimed_by": None,
        "claimed_at": None,
        "completed_by": None,
        "completed_at": None,
    }
    base.update(changes)
    return TaskInfo(**base)  # type: ignore[arg-type]


def test_can_work_task_needs_the_organisation_and_the_role(web_app: Flask) -> None:
    with web_app.app_context():
        assert access.can_work_task(user("ams"), _task())
        assert not access.can_work_task(user("rdam"), _task())  # other municipality
        assert not access.can_work_task(user("ams.manager"), _task())  # not a coordinator
        assert not access.can_work_task(user("ams"), _task(status="completed"))
        assert not access.can_work_task(user("landelijk"), _task())


def test_team_lead_tasks_go_to_managers(web_app: Flask) -> None:
    escalation = _task(organisation="PI-ZWL", role="team_lead", party="prison")
    with web_app.app_context():
        assert access.can_work_task(user("pi.lead"), escalation)
        assert not access.can_work_task(user("mmd"), escalation)
        assert "team_lead" in access.working_roles(user("pi.lead"))


def test_claim_unclaim_complete_rules(web_app: Flask) -> None:
    with web_app.app_context():
        ams, ams2 = user("ams"), user("ams2")
        claimed = _task(claimed_by="ams")
        assert access.can_claim(ams, _task()) and not access.can_claim(ams, claimed)
        assert access.can_unclaim(ams, claimed) and not access.can_unclaim(ams2, claimed)
        assert access.can_complete(ams, claimed) and not access.can_complete(ams2, claimed)


def test_record_case_view_writes_who_saw_what_when(web_app: Flask, clock) -> None:
    start_case(web_app)
    with web_app.app_context():
        case = case_by_key("NZ-TEST-1")
        access.record_case_view(user("ams"), case, channel="api", categories=["bsn", "care"])
        db.session.rollback()  # the view was committed on its own connection
        row = db.session.execute(sa.select(case_views)).one()
    assert (row.username, row.organisation, row.channel) == ("ams", "GM0363", "api")
    assert row.categories == "bsn,care"
    assert row.business_key == "NZ-TEST-1" and row.at == clock.now()


def test_registering_entries_is_for_prison_caseworkers(web_app: Flask) -> None:
    with web_app.app_context():
        assert access.can_register_entry(user("mmd"))
        assert not access.can_register_entry(user("ams"))
        assert not access.can_register_entry(user("pi.lead"))


def test_admin_scope(web_app: Flask) -> None:
    with web_app.app_context():
        assert access.admin_scope(user("beheer")) is None
        assert access.admin_scope(user("ams.admin")) == ["GM0363"]
        assert access.admin_scope(user("ams")) == []
        assert access.manages_organisations(user("beheer"))
        assert not access.manages_organisations(user("ams.admin"))


def test_task_for_hides_tasks_of_invisible_cases(web_app: Flask) -> None:
    start_case(web_app)
    with web_app.app_context():
        task = current_engine().tasks(business_key="NZ-TEST-1")[0]
        found, case = access.task_for(user("ams"), task.id)
        assert found.id == task.id and case.business_key == "NZ-TEST-1"
        for task_id in (task.id, "00000000-0000-0000-0000-000000000000"):
            with pytest.raises(NotFound):
                access.task_for(user("rdam"), task_id)
