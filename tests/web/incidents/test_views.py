"""The incident console over HTTP: only process owners, a reason for every change, and no
technical text for anyone else."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from engine.deployment import SourceFile
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import MODELS
from web.cases.tables import case_views
from web.engine_access import current_engine
from web.extensions import db


def broken_case(app: Flask, key: str = "INC-1") -> int:
    with app.app_context():
        engine = current_engine()
        engine.deploy([SourceFile("incident.bpmn", (MODELS / "incident.bpmn").read_bytes())])
        case = engine.start("incident_case", {"prison_code": "PI-ZWL"}, key, user="mmd")
        engine.complete(engine.tasks(business_key=key)[0].id, {"divisor": 0}, "mmd")
        return case.id


def test_only_process_owners_open_the_console(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    instance_id = broken_case(web_app)
    caseworker = sign_in("mmd")
    assert caseworker.get("/incidenten").status_code == 403
    assert caseworker.post(f"/incidenten/{instance_id}/opnieuw").status_code == 403
    page = caseworker.get("/zaken/INC-1").get_data(as_text=True)
    assert "Deze zaak wacht op procesbeheer." in page
    assert "division" not in page and "ZeroDivisionError" not in page
    assert "Incidenten" not in page


def test_a_change_without_a_reason_changes_nothing(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    instance_id = broken_case(web_app)
    add_process_owner(web_app)
    owner = sign_in(OWNER)
    assert "1<span" in owner.get("/incidenten").get_data(as_text=True).replace(" ", "")
    response = owner.post(
        f"/incidenten/{instance_id}/gegevens",
        data={"name": "divisor", "value": "4", "reason": "  "},
        follow_redirects=True,
    )
    assert "Geef een reden" in response.get_data(as_text=True)
    with web_app.app_context():
        assert current_engine().instance(instance_id).data["divisor"] == 0

    owner.post(
        f"/incidenten/{instance_id}/gegevens",
        data={"name": "divisor", "value": "5", "reason": "Volgens dossier"},
    )
    response = owner.post(f"/incidenten/{instance_id}/opnieuw", follow_redirects=True)
    assert "De zaak loopt weer." in response.get_data(as_text=True)
    with web_app.app_context():
        assert current_engine().instance(instance_id).data["ratio"] == 2.0


def test_a_cases_variables_only_while_it_is_in_error_and_recorded(
    web_app: Flask, sign_in: Callable[[str], FlaskClient]
) -> None:
    broken = broken_case(web_app)
    with web_app.app_context():
        running = current_engine().start("sample_case", {"name": "Jan Jansen"}, "NZ-LOOPT").id
    add_process_owner(web_app)
    owner = sign_in(OWNER)
    assert owner.get(f"/incidenten/{running}").status_code == 404
    assert owner.get(f"/incidenten/{broken}").status_code == 200
    with web_app.app_context():
        recorded = db.session.execute(
            sa.select(case_views.c.business_key, case_views.c.subject, case_views.c.username)
        ).all()
    assert recorded == [("INC-1", "incident", OWNER)]
