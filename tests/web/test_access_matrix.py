"""The access matrix, generated from the app's URL map: every GET route with a case, task, version
or person in its path, for every role, on a case of the user's own organisation and on a foreign
one, through the pages (session) and the JSON API (token). Two cases carry a marker value per
class of data (web/privacy); a 2xx answer must never hold a marker of a class the user may not
see on that case. A new route is covered without editing this test; one with a path argument
this test has no values for fails until ARGUMENTS names them.

State-changing routes (POST) are out of the matrix: their answers are covered by the tests of
their area. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from engine import ManualClock
from tests.processes.harness import entry_data, entry_notification
from tests.web.api.conftest import make_token
from tests.web.support import PASSWORD, build_real_app, dispose, password_hash, seed_accounts
from web.accounts import ensure_organisation
from web.engine_access import current_engine
from web.extensions import db
from web.models import User

SUBJECT_ARGUMENTS = frozenset(
    {"business_key", "case_number", "task_id", "instance_id", "version_id", "number"}
)
"""Path arguments that name a case, a task or a process version: such a route is in the matrix."""

CLASSES = ("identity", "care", "debts", "criminal")


@dataclass(frozen=True)
class Seeded:
    key: str
    markers: dict[str, list[str]]  # class -> values that only data of that class shows


def _case_data(tag: str, bsn: str, prison: str, municipality: str) -> tuple[dict, dict]:
    markers = {
        "identity": [f"Identiteitsma {tag}", bsn, f"Adreslaan {tag}"],
        "care": [f"MARKER-CARE-{tag}"],
        "debts": [f"MARKER-DEBTS-{tag}"],
        "criminal": [f"MARKER-CRIMINAL-{tag}"],
    }
    data = entry_data(
        name=markers["identity"][0],
        bsn=bsn,
        prison_code=prison,
        municipality_code=municipality,
        expected_release_date="2027-03-01",
        care_consent_given="yes",
        debts_wants_assistance="yes",
        notice_address_after_release=markers["identity"][2],
        care_screening_notes=markers["care"][0],
        debts_screening_notes=markers["debts"][0],
        risc_advice=markers["criminal"][0],
    )
    return data, markers


USERS: dict[str, tuple[str, str, str, list[str]]] = {
    # username: (organisation code, name, kind, roles) beside tests/web/support.py's accounts
    "uwv": ("UWV-ZWL", "UWV Zwolle", "uwv", ["caseworker"]),
    "vught": ("PI-VUG", "PI Vught", "prison", ["caseworker"]),
    "procesbeheer": ("MIN-JV", "", "ministry", ["process_owner"]),
    "po.ams": ("GM0363", "", "municipality", ["process_owner"]),
}

SEES: dict[str, dict[str, set[str]]] = {
    # username -> case -> classes it may see there (with the person's consent recorded)
    "mmd": {"OWN": set(CLASSES)},
    "ams": {"OWN": set(CLASSES)},
    "ams2": {"OWN": set(CLASSES)},
    "rdam": {"FOREIGN": set(CLASSES)},
    "vught": {"FOREIGN": set(CLASSES)},
    "reclassering": {"OWN": {"identity", "criminal"}},
    "uwv": {"OWN": {"identity"}},
}
ROLES = (
    "mmd",
    "pi.lead",
    "ams",
    "ams.manager",
    "ams.admin",
    "rdam",
    "vught",
    "reclassering",
    "uwv",
    "landelijk",
    "beheer",
    "procesbeheer",
    "po.ams",
)


@pytest.fixture
def matrix_app(database_url: str, clock: ManualClock) -> Iterator[tuple[Flask, dict]]:
    app = build_real_app(database_url, clock)
    seed_accounts(app)
    with app.app_context():
        for username, (code, name, kind, roles) in USERS.items():
            account = User(username=username, display_name=username, active=True)
            account.organisation = ensure_organisation(code, name or code, kind)
            account.role_list = roles
            account.password_hash = password_hash()
            db.session.add(account)
        db.session.commit()
        engine = current_engine()
        seeded, tasks, instances = {}, {}, {}
        for tag, bsn, prison, municipality, extra in (
            ("OWN", "111222333", "PI-ZWL", "GM0363", {"uwv_office_code": "UWV-ZWL"}),
            ("FOREIGN", "123456782", "PI-VUG", "GM0599", {}),
        ):
            data, markers = _case_data(tag, bsn, prison, municipality)
            data.update(extra, probation_office_code="RN-OOST" if tag == "OWN" else None)
            key = f"NZ-MATRIX-{tag}"
            instance = engine.start("nazorg_detentie", data, key, user="mmd")
            notify = engine.tasks(instance_id=instance.id)[0]
            engine.complete(notify.id, entry_notification(), "mmd")
            open_tasks = engine.tasks(instance_id=instance.id, limit=100)
            by_step = {task.bpmn_id: task.id for task in open_tasks}
            markers["care"].append(by_step["care_suspend_insurance"])
            markers["debts"].append(by_step["debts_screening"])
            seeded[tag] = Seeded(key, markers)
            tasks[tag] = [task.id for task in open_tasks]
            instances[tag] = [instance.id]
        versions = [version.id for version in engine.versions()]
    arguments = {
        "business_key": {tag: [case.key] for tag, case in seeded.items()},
        "case_number": {tag: [case.key] for tag, case in seeded.items()},
        "task_id": tasks,
        "instance_id": instances,
        "version_id": {"": versions[:2]},
        "number": {"": [1]},
        "process_id": {"": ["nazorg_detentie", "provision_care"]},
        "name": {"": ["nazorg.bpmn", "zorg.bpmn", "care_screening.schema.json"]},
    }
    yield app, {"seeded": seeded, "arguments": arguments}
    dispose(app)


def matrix_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            rule
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and rule.arguments & SUBJECT_ARGUMENTS
        ),
        key=lambda rule: rule.rule,
    )


def expansions(rule: Rule, arguments: dict) -> Iterator[tuple[str, dict]]:
    """(case tag or "", path values) for every combination of the rule's arguments."""
    combos: list[tuple[str, dict]] = [("", {})]
    for name in sorted(rule.arguments):
        if name not in arguments:
            pytest.fail(f"the access matrix has no values for <{name}> of {rule.rule}")
        found = []
        for tag, value_list in arguments[name].items():
            for value in value_list:
                for have_tag, values in combos:
                    if have_tag and tag and have_tag != tag:
                        continue
                    found.append((have_tag or tag, {**values, name: value}))
        combos = found
    yield from combos


def client_for(app: Flask, username: str, api: bool) -> FlaskClient:
    client = app.test_client()
    if api:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {make_token(app, username)}"
    else:
        signed = client.post("/aanmelden", data={"username": username, "password": PASSWORD})
        assert signed.status_code == 303, username
    return client


def test_no_route_shows_a_class_of_data_the_policy_hides(matrix_app: tuple[Flask, dict]) -> None:
    app, seeds = matrix_app
    seeded, arguments = seeds["seeded"], seeds["arguments"]
    rules = matrix_rules(app)
    assert {"cases.show", "tasks.show", "api.get_case", "api.case_events", "api.get_task"} <= {
        rule.endpoint for rule in rules
    }
    requests = []
    for rule in rules:
        for tag, values in expansions(rule, arguments):
            with app.test_request_context():
                path = app.url_map.bind("localhost").build(rule.endpoint, values)
            requests.append((rule, tag, path))

    leaks, shown = [], set()
    for username in ROLES:
        clients = {api: client_for(app, username, api) for api in (False, True)}
        for rule, _tag, path in requests:
            is_api = rule.rule.startswith("/api/")
            response = clients[is_api].get(path)
            if not 200 <= response.status_code < 300:
                continue
            body = response.get_data().decode("utf-8", "replace")  # a zip holds no case data
            for case_tag, case in seeded.items():
                allowed = SEES.get(username, {}).get(case_tag, set())
                for data_class, markers in case.markers.items():
                    for marker in markers:
                        if marker not in body:
                            continue
                        if data_class in allowed:
                            shown.add((username, rule.endpoint, case_tag, data_class))
                        else:
                            leaks.append(f"{username} GET {path}: {data_class} of {case_tag}")
    assert leaks == []
    # The markers are shown where they may be: the matrix can see a leak.
    # (The care process records consent only in its own consent task: until then care shows to
    # who works a care task, as the prison's caseworker does here.)
    assert ("mmd", "cases.show", "OWN", "care") in shown
    assert ("vught", "api.get_case", "FOREIGN", "care") in shown
    for username, case_tag in (("mmd", "OWN"), ("rdam", "FOREIGN")):
        for data_class in ("identity", "debts", "criminal"):
            assert (username, "cases.show", case_tag, data_class) in shown
            assert (username, "api.get_case", case_tag, data_class) in shown
    assert ("reclassering", "api.get_case", "OWN", "criminal") in shown
    assert ("uwv", "cases.show", "OWN", "identity") in shown
