# Two commands set everything up on a fresh machine with Python 3.11+:
#   make run   - install, migrate, seed, and start the web app and a worker
#   make test  - install with the test tools, and run the whole suite
#   make test-fast - the quick loop while working: no browser, no real workers, no
#                    fresh interpreters (`make test` is what CI runs)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format install clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsfacts needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: export DJANGO_DEBUG ?= 1
run: $(STAMP)
	@# Starts the embedded Redis (unless CELERY_BROKER_URL is set), migrates, seeds,
	@# then a worker with beat and the web app; Ctrl-C stops them all, Redis last.
	$(PY) -m newsfacts.run --host $(HOST) --port $(PORT)

test: export DJANGO_DEBUG ?= 1
test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-fast: export DJANGO_DEBUG ?= 1
test-fast: $(STAMP)
	@# One process per CPU (pytest-xdist): each has its own SQLite file and Redis.
	$(VENV)/bin/pytest -m "not browser and not services and not subprocess" -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
