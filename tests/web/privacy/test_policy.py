"""web/privacy/policy.py: which classes of a case a user sees, by role, organisation, consent and
the tasks they work; values and tasks that reveal a hidden class are hidden with it; on SQLite
and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from engine import TaskInfo
from tests.web.support import start_case
from web.accounts import ensure_organisation
from web.cases.queries import case_by_key
from web.extensions import db
from web.models import User
from web.privacy import case_view, masks_names, role_classes
from web.privacy.classes import default_element_class, default_key_class

FORMS = {
    "municipal_information": {
        "schema": {
            "x-class": "basic",
            "properties": {
                "municipal_running_trajectories": {"type": "array", "x-class": "basic"},
                "municipal_notes": {"type": "string", "x-class": "care"},
            },
        }
    }
}


def user(name: str) -> User:
    found = User.by_username(name)
    assert found is not None
    return found


def add_user(username: str, code: str, kind: str, roles: list[str]) -> User:
    account = User(username=username, display_name=username, active=True, password_hash="x")
    account.organisation = ensure_organisation(code, code, kind)
    account.role_list = roles
    db.session.add(account)
    db.session.commit()
    return account


def task(bpmn_id: str, organisation: str, role: str | None = None) -> TaskInfo:
    return TaskInfo(
        id=f"task-{bpmn_id}",
        instance_id=1,
        version_id=1,
        process_id="sample_case",
        business_key="NZ-MET",
        bpmn_id=bpmn_id,
        name=bpmn_id,
        lane=None,
        party=None,
        organisation=organisation,
        role=role,
        form=None,
        status="ready",
        created_at=datetime(2026, 5, 4, tzinfo=UTC),
        due_at=None,
        claimed_by=None,
        claimed_at=None,
        completed_by=None,
        completed_at=None,
    )


def test_classes_by_role_and_organisation(web_app: Flask) -> None:
    with web_app.app_context():
        uwv = add_user("uwv", "UWV-ZWL", "uwv", ["caseworker"])
        assert role_classes(user("mmd")) == {"basic", "identity", "care", "debts", "criminal"}
        assert role_classes(user("ams")) == {"basic", "identity", "care", "debts", "criminal"}
        assert role_classes(user("reclassering")) == {"basic", "identity", "criminal"}
        assert role_classes(uwv) == {"basic", "identity"}
        for oversight in ("ams.manager", "pi.lead", "landelijk"):
            assert role_classes(user(oversight)) == {"basic"}, oversight
            assert masks_names(user(oversight))
        assert role_classes(user("ams.admin")) == frozenset()
        assert not masks_names(user("ams"))


def test_care_and_debts_need_a_role_and_recorded_consent(web_app: Flask) -> None:
    start_case(web_app, "NZ-ZONDER")
    start_case(web_app, "NZ-MET", care_consent_given="yes", debts_wants_assistance="yes")
    with web_app.app_context():
        without, with_consent = case_by_key("NZ-ZONDER"), case_by_key("NZ-MET")
        assert without is not None and with_consent is not None
        for category in ("care", "debts"):
            assert not case_view(user("ams"), without).shows(category)
            assert case_view(user("ams"), with_consent).shows(category)
            assert case_view(user("mmd"), with_consent).shows(category)
            assert not case_view(user("reclassering"), with_consent).shows(category)
            assert not case_view(user("ams.manager"), with_consent).shows(category)
            assert not case_view(user("landelijk"), with_consent).shows(category)


def test_oversight_roles_see_pseudonymised_cases_without_criminal_data(web_app: Flask) -> None:
    start_case(web_app, "NZ-MET", care_consent_given="yes", risc_recidivism_risk="high")
    with web_app.app_context():
        case = case_by_key("NZ-MET")
        assert case is not None
        data = {"name": "Jan Jansen", "bsn": "111222333", "risc_recidivism_risk": "high"}
        for name in ("ams.manager", "landelijk"):
            view = case_view(user(name), case)
            assert view.pseudonymised and view.case.person_name is None
            assert view.case.birth_date is None and view.case.business_key == "NZ-MET"
            assert view.data(data) == {}
        assert case_view(user("ams"), case).data(data) == data


def test_a_task_the_user_works_gives_what_it_needs(web_app: Flask) -> None:
    start_case(web_app, "NZ-MET", care_consent_given="yes")
    with web_app.app_context():
        case = case_by_key("NZ-MET")
        assert case is not None
        escalation = task("care_screening_escalation", "GM0363", "team_lead")
        elsewhere = task("care_screening_escalation", "PI-ZWL", "team_lead")
        view = case_view(user("ams.manager"), case, [escalation])
        assert not view.pseudonymised and view.case.person_name == "Jan Jansen"
        assert view.shows("care") and view.shows_task(escalation)
        assert not view.shows("criminal")
        other = case_view(user("ams.manager"), case, [elsewhere])
        assert other.pseudonymised and not other.shows_task(elsewhere)


def test_values_and_task_names_that_reveal_a_hidden_class_are_hidden(web_app: Flask) -> None:
    start_case(web_app, "NZ-ZONDER")
    with web_app.app_context():
        case = case_by_key("NZ-ZONDER")
        assert case is not None
        view = case_view(user("ams"), case, forms=FORMS)  # no consent: no care, no debts
        data = {
            "municipal_running_trajectories": ["housing", "care", "debts"],
            "municipal_notes": "GGZ",
            "release_info": {"release_date": "2026-08-01", "special_conditions": "meldplicht"},
        }
        assert view.data(data) == {
            "municipal_running_trajectories": ["housing"],
            "release_info": {"release_date": "2026-08-01", "special_conditions": "meldplicht"},
        }
        assert not view.shows_task(task("care_arrange_aftercare", "PI-ZWL"))
        assert not view.shows_task(task("debts_intake", "PI-ZWL"))
        assert view.shows_task(task("housing_screening", "PI-ZWL"))
        assert view.elements(["call_care", "call_housing", "care_start"]) == ["call_housing"]
        manager = case_view(user("ams.manager"), case, forms=FORMS)
        assert manager.data(data) == {
            "municipal_running_trajectories": ["housing"],
            "release_info": {"release_date": "2026-08-01"},
        }
        assert not manager.shows_task(task("risc_assessment", "RN-OOST"))


def test_default_classes_of_keys_and_elements() -> None:
    assert default_key_class("bsn") == "identity"
    assert default_key_class("notice_status_care") == "care"
    assert default_key_class("debts_total_amount") == "debts"
    assert default_key_class("risc_recidivism_risk") == "criminal"
    assert default_key_class("housing_status") == "basic"
    # a conditional release announced before the release, and its conditions
    assert default_key_class("release_special_conditions_expected") == "criminal"
    assert default_key_class("conditions_announced_on") == "criminal"
    assert default_element_class("care_arrange_aftercare") == "care"
    assert default_element_class("provision_debts") == "debts"
    assert default_element_class("dr_plan") == "criminal"
    assert default_element_class("request_risc") == "basic"
