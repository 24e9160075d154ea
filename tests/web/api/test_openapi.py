"""The OpenAPI document: every API route with its problem-details errors and the bearer scheme;
and schemathesis, generating requests from it, finds no server error (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.web.api.conftest import make_token
from tests.web.processes.conftest import OWNER, add_process_owner
from tests.web.support import start_case, to_screening
from web.engine_access import current_engine


def test_the_document_is_public_openapi_3_1(web_app: Flask) -> None:
    response = web_app.test_client().get("/api/v1/openapi.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert document["security"] == [{"bearerAuth": []}]
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_every_api_route_is_documented_with_its_errors(web_app: Flask) -> None:
    document = web_app.test_client().get("/api/v1/openapi.json").get_json()
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in web_app.url_map.iter_rules()
        if rule.endpoint.startswith(("api.", "processes_api.", "incidents_api."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert routes == documented

    responses = document["components"]["responses"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or path.endswith("openapi.json"):
                continue
            codes = operation["responses"]
            assert codes["401"] == {"$ref": "#/components/responses/Unauthorized"}, path
            if "requestBody" in operation:
                assert {"400", "415", "422"} <= set(codes), path
            for code, response in codes.items():
                if code.startswith(("4", "5")):
                    name = response["$ref"].rsplit("/", 1)[-1]
                    content = responses[name]["content"]
                    assert list(content) == ["application/problem+json"], (path, code)
    problem = document["components"]["schemas"]["ValidationProblem"]
    assert {"type", "title", "status", "instance", "errors"} <= set(problem["required"])
    assert "WWW-Authenticate" in responses["Unauthorized"]["headers"]


def test_the_process_owners_operations_have_their_schemas(web_app: Flask) -> None:
    document = web_app.test_client().get("/api/v1/openapi.json").get_json()
    paths = document["paths"]

    def ref(schema: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{schema}"}

    def body_of(operation: dict) -> dict:
        return operation["requestBody"]["content"]["application/json"]["schema"]

    def success(operation: dict, status: str) -> dict:
        return operation["responses"][status]["content"]["application/json"]["schema"]

    listing = paths["/api/v1/processes"]["get"]
    assert success(listing, "200") == ref("ProcessList")
    assert set(listing["responses"]) == {"200", "401", "403"}
    deployment = paths["/api/v1/processes/deployments"]["post"]
    assert body_of(deployment) == ref("DeploymentIn")
    assert success(deployment, "201") == success(deployment, "200") == ref("Deployment")
    assert deployment["responses"]["422"] == {"$ref": "#/components/responses/DeploymentRefused"}
    migration = paths["/api/v1/processes/migrations"]["post"]
    assert body_of(migration) == ref("MigrationIn")
    assert success(migration, "200") == ref("Migration")
    assert {"403", "404", "422"} <= set(migration["responses"])

    schemas = document["components"]["schemas"]
    refused = document["components"]["responses"]["DeploymentRefused"]["content"]
    assert refused["application/problem+json"]["schema"]["oneOf"] == [
        ref("ValidationProblem"),
        ref("DeploymentProblem"),
    ]
    assert "deployment" in schemas["DeploymentProblem"]["required"]
    version = schemas["ProcessVersion"]["properties"]
    assert {"id", "process_id", "version", "content_hash", "open_cases"} <= set(version)


@pytest.fixture
def api_schema(web_app: Flask) -> Iterator[schemathesis.BaseSchema]:
    """The document loaded from the app, with cases and tasks to find, and known ids in the
    path half of the time (random ids alone only ever meet a 404)."""
    to_screening(web_app, "NZ-TEST-1")
    start_case(web_app, "NZ-TEST-2", name="Anna de Wit", municipality_code="GM0599")
    with web_app.app_context():
        tasks = current_engine().tasks(status=None, limit=100)
    known = {
        "case_number": ["NZ-TEST-1", "NZ-TEST-2"],
        "task_id": [task.id for task in tasks],
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", web_app)

    @schema.hook
    def flatmap_path_parameters(context: object, parameters: dict) -> st.SearchStrategy:
        choices = [st.just(parameters)]
        for name, values in known.items():
            if parameters and name in parameters:
                choices.append(st.sampled_from([{**parameters, name: v} for v in values]))
        return st.one_of(choices)

    yield schema


@pytest.fixture
def bearer(web_app: Flask) -> dict[str, dict[str, str]]:
    """Authorization headers of a prison caseworker, a municipality coordinator and a process
    owner."""
    add_process_owner(web_app)
    return {
        name: {"Authorization": f"Bearer {make_token(web_app, name)}"}
        for name in ("mmd", "ams", OWNER)
    }


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_error(case: schemathesis.Case, bearer: dict[str, dict[str, str]]) -> None:
    if "/processes" in case.path:
        headers = bearer[OWNER]
    else:
        headers = bearer["ams" if "/tasks" in case.path else "mmd"]
    case.call_and_validate(
        headers=headers,
        checks=[not_a_server_error, status_code_conformance, response_schema_conformance],
    )
