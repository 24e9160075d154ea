"""Build steps setuptools cannot declare in pyproject.toml: what the installed package needs
beyond the Python code, put into the wheel at build time.

- the message catalogues compiled (web/translations/*/LC_MESSAGES/messages.mo);
- the shipped data under ``terugkeer_data/``: the migrations, the models (processes/) and their
  forms (forms/), and the front-end packages the pages use, COPIED from node_modules/ (run
  ``npm ci`` first) so that an installed Terugkeer never looks for node_modules.

config.shipped() finds these folders beside config.py in a checkout and in terugkeer_data/ when
installed. An editable install (`make install`, before npm ran) copies nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_PACKAGE = "terugkeer_data"
FOLDERS = ("migrations", "processes", "forms")
VENDOR = ("bpmn-js/dist", "chart.js/dist", "htmx.org/dist")  # web/vendor.py ALLOWED
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # `pip install -e .`: the checkout's own folders are used
            return
        target = Path(self.build_lib)
        self.compile_catalogues(target)
        data = target / DATA_PACKAGE
        for name in FOLDERS:
            shutil.copytree(HERE / name, data / name, ignore=SKIP, dirs_exist_ok=True)
        for name in VENDOR:
            source = HERE / "node_modules" / name
            if not source.is_dir():
                raise SystemExit(f"{source} is missing: run `npm ci` before building")
            shutil.copytree(source, data / "vendor" / name, dirs_exist_ok=True)
        (data / "__init__.py").write_text('"""Terugkeer\'s shipped data (setup.py)."""\n')

    def compile_catalogues(self, target: Path) -> None:
        for po in sorted((HERE / "web" / "translations").glob("*/LC_MESSAGES/messages.po")):
            mo = target / po.relative_to(HERE).with_suffix(".mo")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalogue = read_po(source)
            with mo.open("wb") as out:
                write_mo(out, catalogue, use_fuzzy=True)


setup(cmdclass={"build_py": BuildWithData})
