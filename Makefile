# Partnership Hub — the two commands a newcomer needs:
#   make run    set up everything, serve the site on http://127.0.0.1:8000 and run the background worker
#   make test   install what the tests need and run the whole suite
# Both keep the Python environment in .venv/ and the front-end packages in node_modules/.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install serve lint check-migrations pytest-sqlite pytest-postgres messages clean

run: install
	$(BIN)/partnerhub setup --demo
	@echo "Serving Partnership Hub on http://$(HOST):$(PORT)/ with its background worker  (Ctrl-C stops both)"
	$(BIN)/partnerhub serve $(HOST):$(PORT)

test: install lint check-migrations pytest-sqlite pytest-postgres

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

check-migrations:
	$(BIN)/partnerhub makemigrations --check --dry-run
	$(BIN)/partnerhub check --fail-level WARNING

# Two workers for the suite; the browser tests (one Chromium and a live server
# each) run on their own, before it. Coverage adds both runs up and fails under
# the floor in pyproject.toml.
WORKERS ?= 2
PYTEST_PARALLEL := -m "not browser" -n $(WORKERS) --dist worksteal
PYTEST_BROWSER := -m browser

pytest-sqlite:
	DATABASE_URL= $(BIN)/pytest $(PYTEST_BROWSER) --cov --cov-report= --cov-fail-under=0
	DATABASE_URL= $(BIN)/pytest $(PYTEST_PARALLEL) --cov --cov-append --cov-report=term

# Runs when POSTGRES_URL names a server (.ci/run sets it), for example
#   make test POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
pytest-postgres:
	@if [ -n "$(POSTGRES_URL)" ]; then \
		echo "== the suite again, on PostgreSQL =="; \
		DATABASE_URL="$(POSTGRES_URL)" $(BIN)/pytest $(PYTEST_BROWSER) && \
		DATABASE_URL="$(POSTGRES_URL)" $(BIN)/pytest $(PYTEST_PARALLEL); \
	else \
		echo "POSTGRES_URL is not set: the PostgreSQL run was skipped (.ci/run always sets it)."; \
	fi

# Re-extract interface strings into the French catalogue and compile it.
messages:
	cd src/partnerhub && ../../$(BIN)/partnerhub makemessages --locale fr --no-location --ignore 'migrations/*'
	cd src/partnerhub && ../../$(BIN)/partnerhub compilemessages --locale fr

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
