# The few targets a newcomer needs. Everything runs from the project's own virtualenv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test test-fast lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

## The whole system on this machine: moto (embedded AWS), the API, pollers, outbox.
run: $(STAMP)
	$(PY) -m infra.local.stack $(ARGS)

## The whole test suite: unit, integration (moto in-process) and end-to-end (local stack over HTTP/SMTP).
test: $(STAMP)
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not e2e" -x -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/cfn-lint template.yaml

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Speed, cost and throughput figures (printed, never asserted by the unit tests).
bench: $(STAMP)
	@for script in tests/bench/bench_*.py; do module=$$(echo $${script%.py} | tr / .); \
		echo "== $$module"; $(PY) -m $$module || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache outbox .local
