"""`terugkeer demo` and `terugkeer rebuild-cases` through click's CliRunner."""

from __future__ import annotations

from pathlib import Path

from tests.web.test_cli import run


def test_demo_prints_one_user_per_role_and_keeps_the_passwords(
    database_url: str, tmp_path: Path
) -> None:
    first = run(database_url, tmp_path, "demo")
    again = run(database_url, tmp_path, "demo")

    assert first.exit_code == 0, first.output
    assert "Process nazorg_detentie is not deployed; no demo cases." in first.output
    for role in ("caseworker", "coordinator", "probation_officer", "process_owner", "admin"):
        assert role in first.output
    lines = [line for line in first.output.splitlines() if line.startswith("  mmd.zwolle ")]
    assert lines and lines[0] in again.output  # the same password, printed again
    assert (tmp_path / "instance" / "demo-credentials.txt").exists()


def test_rebuild_cases(database_url: str, tmp_path: Path) -> None:
    result = run(database_url, tmp_path, "rebuild-cases")
    assert result.exit_code == 0, result.output
    assert "Projected 0 cases." in result.output
