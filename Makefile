# One command for each job. Every target creates the environment if it is missing.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MONTH ?=
CONFIG ?=
BENCH_ARGS ?=

.PHONY: help env report test test-journeys test-fast lint lab bench browser clean-outputs lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=python3"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

env: $(STAMP) ## create or update the environment (.venv)

report: $(STAMP) ## produce the latest complete month's reports (MONTH=YYYY-MM, CONFIG=path to choose)
	$(PY) -m analysis report $(if $(MONTH),--month $(MONTH)) $(if $(CONFIG),--config $(CONFIG))

test: $(STAMP) ## run every test (unit, notebooks, end-to-end, journeys)
	$(PY) -m pytest -n auto --dist loadgroup

test-journeys: $(STAMP) ## run only the journeys: documented commands as subprocesses
	$(PY) -m pytest -m journey

test-fast: $(STAMP) ## run the tests that take seconds
	$(PY) -m pytest -m "not slow"

lint: $(STAMP) ## run the pre-commit checks on every file
	$(VENV)/bin/pre-commit run --all-files

lab: $(STAMP) ## open the notebooks in JupyterLab
	$(PY) -m pip install --quiet -r requirements-lab.txt
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP) ## run every benchmark and print its figures (BENCH_ARGS=--smoke: small sizes, quick)
	@for f in benchmarks/bench_*.py; do echo "== $$f $(BENCH_ARGS)"; $(PY) $$f $(BENCH_ARGS) || exit 1; done

browser: ## install Debian's chromium for the end-to-end browser tests (needs root)
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

clean-outputs: ## delete everything generated under data/ and reports/ (keeps the READMEs)
	find data/raw data/processed reports -mindepth 1 ! -name README.md -delete

lock: ## re-pin requirements.txt from pyproject.toml's direct dependencies
	$(PY) -m pip install --quiet --upgrade -e ".[test,dev]"
	{ head -2 requirements.txt; $(PY) -m pip freeze --exclude-editable; } > requirements.lock.tmp
	mv requirements.lock.tmp requirements.txt
