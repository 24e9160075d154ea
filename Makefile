# Terugkeer. `make run` serves the app on http://127.0.0.1:5000; `make test` runs every check.
# Installs happen only when pyproject.toml or package.json changed (stamp files).

VENV := .venv
PYTHON := $(VENV)/bin/python
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.terugkeer-installed
NPM_STAMP := node_modules/.terugkeer-installed
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))
# The checkout's bytecode, compiled at install as pip does for an installed package: the first
# `make run` of a fresh clone no longer compiles it on the way (docs/dashboard.md).
SOURCES := config.py $(shell find engine web migrations -name '*.py')
BYTECODE_STAMP := __pycache__/.terugkeer-compiled

.PHONY: run test lint pytest bench diagrams install messages

run: install
	$(BIN)/terugkeer run

test: install lint pytest

lint: $(PY_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# One pytest worker per core; a module's tests stay together so its fixtures are built once.
pytest: install
	$(BIN)/pytest -n auto --dist loadscope

bench: install
	$(PYTHON) bench/engine.py
	$(PYTHON) bench/dashboard.py
	$(PYTHON) bench/scheduler.py

diagrams: install
	$(PYTHON) -m tests.diagrams.render_diagrams

# After changing texts in web/: extract them and update the catalogues, then translate.
messages: $(PY_STAMP)
	$(BIN)/pybabel extract -F web/babel.cfg -k _l --no-location -o web/translations/messages.pot web
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --width 100

install: $(PY_STAMP) $(NPM_STAMP) $(CATALOGUES) $(BYTECODE_STAMP)

$(PYTHON):
	python3 -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(PYTHON)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

$(NPM_STAMP): package.json $(wildcard package-lock.json)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	touch $@

$(BYTECODE_STAMP): $(SOURCES) | $(PY_STAMP)
	$(PYTHON) -m compileall -q config.py engine web migrations
	touch $@

web/translations/%/LC_MESSAGES/messages.mo: web/translations/%/LC_MESSAGES/messages.po | $(PY_STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@
