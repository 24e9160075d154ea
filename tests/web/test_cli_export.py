"""`terugkeer export`: a deployed version's files come back byte for byte, laid out as in the
repository (processes/, forms/), so a change made in the browser can be committed."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result

from web.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(database_url: str, tmp_path: Path, *args: str) -> Result:
    env = {
        "DATABASE_URL": database_url,
        "TERUGKEER_INSTANCE_DIR": str(tmp_path / "instance"),
        "TERUGKEER_FORMS_DIR": str(ROOT / "forms"),
        "TERUGKEER_RUN_SCHEDULER": None,
        "SECRET_KEY": None,
    }
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_deploy_then_export_gives_the_shipped_files_byte_for_byte(
    database_url: str, tmp_path: Path
) -> None:
    deployed = run(database_url, tmp_path, "deploy", str(ROOT / "processes"))
    assert deployed.exit_code == 0, deployed.output

    out = tmp_path / "checkout"
    result = run(database_url, tmp_path, "export", "nazorg_detentie", str(out))

    assert result.exit_code == 0, result.output
    assert "nazorg_detentie version 1" in result.output
    models = sorted(p.name for p in out.joinpath("processes").iterdir())
    assert models == sorted(
        p.name for p in (ROOT / "processes").iterdir() if p.suffix in (".bpmn", ".dmn")
    )
    forms = sorted(p.name for p in out.joinpath("forms").iterdir())
    assert "entry_notification.schema.json" in forms and "start_entry.uischema.json" in forms
    for folder, names in (("processes", models), ("forms", forms)):
        for name in names:
            exported = (out / folder / name).read_bytes()
            assert exported == (ROOT / folder / name).read_bytes(), f"{folder}/{name} differs"


def test_export_of_an_older_version_and_of_an_unknown_one(
    database_url: str, tmp_path: Path
) -> None:
    assert run(database_url, tmp_path, "deploy", str(ROOT / "processes")).exit_code == 0
    edited = tmp_path / "edited"
    edited.mkdir()
    for path in (ROOT / "processes").glob("*.dmn"):
        (edited / path.name).write_bytes(path.read_bytes())
    for path in (ROOT / "processes").glob("*.bpmn"):
        content = path.read_bytes()
        if path.name == "zorg.bpmn":
            content = content.replace(b'name="Zorg', b'name="Zorg (gewijzigd)', 1)
        (edited / path.name).write_bytes(content)
    second = run(database_url, tmp_path, "deploy", str(edited))
    assert "provision_care version 2 (new)" in second.output, second.output

    newest = run(database_url, tmp_path, "export", "provision_care", str(tmp_path / "new"))
    first = run(
        database_url, tmp_path, "export", "provision_care", "--version", "1", str(tmp_path / "old")
    )
    missing = run(
        database_url, tmp_path, "export", "provision_care", "--version", "9", str(tmp_path / "x")
    )

    assert newest.exit_code == 0 and first.exit_code == 0
    new_file = (tmp_path / "new" / "processes" / "zorg.bpmn").read_bytes()
    assert new_file == (edited / "zorg.bpmn").read_bytes()
    old_file = (tmp_path / "old" / "processes" / "zorg.bpmn").read_bytes()
    assert old_file == (ROOT / "processes" / "zorg.bpmn").read_bytes()
    assert missing.exit_code == 1
    assert "version 9 of process 'provision_care' is not deployed" in missing.output
    assert not (tmp_path / "x").exists()


def test_a_layout_change_is_a_new_version_that_exports_as_drawn(
    database_url: str, tmp_path: Path
) -> None:
    assert run(database_url, tmp_path, "deploy", str(ROOT / "processes")).exit_code == 0
    again = run(database_url, tmp_path, "deploy", str(ROOT / "processes"))
    assert "provision_care version 1 (unchanged)" in again.output, again.output
    moved = tmp_path / "moved"
    moved.mkdir()
    for path in (ROOT / "processes").iterdir():
        if path.suffix in (".bpmn", ".dmn"):
            (moved / path.name).write_bytes(path.read_bytes())
    zorg = (moved / "zorg.bpmn").read_bytes()
    shape = re.compile(rb'(bpmnElement="care_suspend_insurance">\s*<dc:Bounds x=")(\d+)')
    assert len(shape.findall(zorg)) == 1
    shifted = shape.sub(lambda m: m.group(1) + str(int(m.group(2)) + 30).encode(), zorg)
    (moved / "zorg.bpmn").write_bytes(shifted)

    deployed = run(database_url, tmp_path, "deploy", str(moved))
    assert "provision_care version 2 (new)" in deployed.output, deployed.output
    assert "provision_housing version 1 (unchanged)" in deployed.output
    assert "nazorg_detentie version 2 (new)" in deployed.output  # it calls provision_care
    exported = run(database_url, tmp_path, "export", "provision_care", str(tmp_path / "out"))

    assert exported.exit_code == 0
    out = (tmp_path / "out" / "processes" / "zorg.bpmn").read_bytes()
    assert out == (moved / "zorg.bpmn").read_bytes()
