"""The ``terugkeer`` command through click's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher
from click.testing import CliRunner, Result

from config import TestConfig
from engine.db.migrate import heads
from web import create_app
from web.cli import main
from web.extensions import db
from web.models import Organisation, User

MODELS = Path(__file__).resolve().parents[1] / "engine" / "models"
SAMPLE_FILES = [MODELS / "sample.bpmn", MODELS / "stay_class.dmn"]

BROKEN_CALL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="defs" targetNamespace="http://example.org">
  <bpmn:process id="broken" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
    <bpmn:callActivity id="call_missing" calledElement="does_not_exist"/>
    <bpmn:sequenceFlow id="f2" sourceRef="call_missing" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def run(database_url: str, tmp_path: Path, *args: str, prompts: str | None = None) -> Result:
    env = {
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(MODELS / "forms"),
        "TERUGKEER_RUN_SCHEDULER": None,
        "SECRET_KEY": None,
    }
    return CliRunner().invoke(main, list(args), env=env, input=prompts, catch_exceptions=False)


def test_init_db_creates_the_schema_on_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'terugkeer.sqlite'}"

    result = run(url, tmp_path, "init-db")

    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    database = sa.create_engine(url)
    with database.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    database.dispose()
    assert {"process_versions", "human_tasks", "timers", "users", "organisations"} <= tables
    assert [revision] == heads()
    assert run(url, tmp_path, "init-db").exit_code == 0  # a second run changes nothing


def test_deploy_prints_process_ids_and_versions(database_url: str, tmp_path: Path) -> None:
    files = [str(path) for path in SAMPLE_FILES]

    first = run(database_url, tmp_path, "deploy", *files)
    again = run(database_url, tmp_path, "deploy", *files)

    assert first.exit_code == 0, first.output
    assert "sample_case version 1 (new)" in first.output
    assert again.exit_code == 0, again.output
    assert "sample_case version 1 (unchanged)" in again.output


def test_deploy_takes_a_folder(database_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    for path in SAMPLE_FILES:
        shutil.copy(path, folder / path.name)
    (folder / "notes.txt").write_text("not a model")

    result = run(database_url, tmp_path, "deploy", str(folder))

    assert result.exit_code == 0, result.output
    assert "sample_case version 1 (new)" in result.output


def test_a_malformed_model_names_file_line_and_element(database_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.bpmn"
    broken.write_text(BROKEN_CALL)

    result = run(database_url, tmp_path, "deploy", str(broken))

    assert result.exit_code == 1
    assert "Deployment refused" in result.stderr
    assert "file broken.bpmn, line 7, element call_missing" in result.stderr
    assert "does_not_exist" in result.stderr


def test_a_read_of_a_variable_written_only_later_is_refused(
    database_url: str, tmp_path: Path
) -> None:
    model = (MODELS / "incident.bpmn").read_text()
    broken = tmp_path / "incident.bpmn"
    broken.write_text(
        model.replace(
            'value="divisor.schema.json" />',
            'value="divisor.schema.json" />\n'
            '          <spiffworkflow:property name="dueDate" value="end_of_day(ratio)" />',
        )
    )

    result = run(database_url, tmp_path, "deploy", str(broken))

    assert result.exit_code == 1
    assert "element enter" in result.stderr
    assert "variable 'ratio' is read by dueDate but not written on every path" in result.stderr


def test_unparsable_xml_is_refused_with_its_line(database_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "cut.bpmn"
    broken.write_text(BROKEN_CALL[: BROKEN_CALL.index("<bpmn:endEvent")])

    result = run(database_url, tmp_path, "deploy", str(broken))

    assert result.exit_code == 1
    assert "file cut.bpmn, line " in result.stderr


def test_deploy_without_models_is_a_usage_error(database_url: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(database_url, tmp_path, "deploy", str(empty))
    assert result.exit_code == 2
    assert "no .bpmn or .dmn files" in result.output


def test_create_user_with_a_new_organisation(database_url: str, tmp_path: Path) -> None:
    result = run(
        database_url,
        tmp_path,
        "create-user",
        "anna",
        "--organisation",
        "PI-ZWL",
        "--organisation-name",
        "PI Zwolle",
        "--organisation-kind",
        "prison",
        "--role",
        "caseworker",
        "--display-name",
        "Anna de Vries",
        "--password",
        "correct horse battery",
    )

    assert result.exit_code == 0, result.output
    assert "Created user anna" in result.output
    assert (tmp_path / "instance" / "secret_key").exists()  # not in the repository's instance/
    with user_session(database_url) as (user, organisation):
        assert user.display_name == "Anna de Vries"
        assert user.role_list == ["caseworker"] and user.active
        assert (organisation.code, organisation.kind) == ("PI-ZWL", "prison")
        assert user.created_at.tzinfo is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PasswordHasher().verify(user.password_hash, "correct horse battery")
        assert user.check_password("correct horse battery")
        assert not user.check_password("wrong")


def test_create_user_prompts_for_the_password(database_url: str, tmp_path: Path) -> None:
    organisation = ("--organisation", "GM0363", "--organisation-name", "Amsterdam")
    args = ("create-user", "bram", *organisation, "--organisation-kind", "municipality")
    roles = ("--role", "coordinator", "--role", "manager")

    result = run(database_url, tmp_path, *args, *roles, prompts="geheim-wachtwoord\n" * 2)

    assert result.exit_code == 0, result.output
    assert "geheim-wachtwoord" not in result.output
    with user_session(database_url, "bram") as (user, _):
        assert user.role_list == ["coordinator", "manager"]
        assert user.check_password("geheim-wachtwoord")


def test_create_user_refuses_an_unknown_organisation(database_url: str, tmp_path: Path) -> None:
    result = run(
        database_url,
        tmp_path,
        *("create-user", "carla", "--organisation", "GM9999", "--role", "coordinator"),
        *("--password", "lang-genoeg"),
    )
    assert result.exit_code == 1
    assert "organisation 'GM9999' does not exist" in result.output


def test_create_user_refuses_a_taken_username(database_url: str, tmp_path: Path) -> None:
    args = ["create-user", "dirk", "--organisation", "PI-ZWL", "--role", "caseworker"]
    new_org = ["--organisation-name", "PI Zwolle", "--organisation-kind", "prison"]
    assert run(database_url, tmp_path, *args, *new_org, "--password", "eerste-keer").exit_code == 0

    again = run(database_url, tmp_path, *args, "--password", "tweede-keer")

    assert again.exit_code == 1
    assert "already exists" in again.output


@contextlib.contextmanager
def user_session(database_url: str, username: str = "anna") -> Iterator[tuple[User, Organisation]]:
    """The user and their organisation, read through a fresh app on ``database_url``."""
    app = create_app(TestConfig(database_url))
    with app.app_context():
        user = User.by_username(username)
        assert user is not None
        try:
            yield user, user.organisation
        finally:
            db.session.remove()
            db.engine.dispose()
