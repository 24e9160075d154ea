"""Generate processes/*.bpmn and processes/verblijfsduur.dmn from the model definitions.

    python -m tests.diagrams.build_models           # write the files
    python -m tests.diagrams.build_models --check    # exit 1 if a file differs from the generator

The definitions live beside this file (model_main.py, model_provisions.py, model_dmn.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tests.diagrams.builder import Diagram

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"


def diagrams() -> dict[str, Callable[[], Diagram]]:
    from tests.diagrams import model_main, model_provisions

    return {"nazorg.bpmn": model_main.main_process, **model_provisions.ALL}


def generate() -> tuple[dict[str, str], list[str]]:
    """File name -> content, and the layout problems found."""
    from tests.diagrams import model_dmn

    files: dict[str, str] = {}
    problems: list[str] = []
    for name, make in diagrams().items():
        d = make()
        files[name] = d.to_xml()
        problems.extend(d.check())
    files["verblijfsduur.dmn"] = model_dmn.decision_xml()
    return files, problems


def main(argv: list[str]) -> int:
    files, problems = generate()
    for problem in problems:
        print("layout:", problem, file=sys.stderr)
    if "--check" in argv:
        stale = [
            n
            for n, c in files.items()
            if not (PROCESSES / n).exists() or (PROCESSES / n).read_text("utf-8") != c
        ]
        for name in stale:
            print(f"processes/{name} differs from the generator", file=sys.stderr)
        return 1 if stale else 0
    PROCESSES.mkdir(exist_ok=True)
    for name, content in files.items():
        (PROCESSES / name).write_text(content, "utf-8")
        print(f"wrote processes/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
