# PhốiHợp: `make run` serves the system, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PHOIHOP := $(VENV)/bin/phoihop
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE ?= phoihop.config.settings.base

RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run test lint check-migrations messages static migrate system-deps test-system-deps bench makemessages

$(RUNTIME_STAMP): requirements.txt pyproject.toml
	@scripts/ensure-venv requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt pyproject.toml
	@scripts/ensure-venv requirements-dev.txt
	@touch $(RUNTIME_STAMP) $@

system-deps:
	@scripts/ensure-debian-packages deploy/debian-packages.txt

test-system-deps:
	@scripts/ensure-debian-packages deploy/debian-packages-test.txt

messages: $(RUNTIME_STAMP)
	@$(PHOIHOP) compilemessages --ignore=.venv --ignore=var -v0

static: $(RUNTIME_STAMP)
	@$(PHOIHOP) collectstatic --noinput -v0

migrate: $(RUNTIME_STAMP)
	@$(PHOIHOP) migrate --noinput -v0

## make run: install, migrate, load the demo on the first run, serve on http://$(HOST):$(PORT)
run: system-deps $(RUNTIME_STAMP) messages static migrate
	@$(PHOIHOP) firstrun
	@$(PHOIHOP) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint phoihop --lint
	$(VENV)/bin/mypy

check-migrations: $(DEV_STAMP)
	DJANGO_SETTINGS_MODULE=phoihop.config.settings.test $(PHOIHOP) makemigrations --check --dry-run

## make test: lint, migrations check, the suite on SQLite, then on PostgreSQL when
## PHOIHOP_TEST_DATABASE_URL is set (browser and load tests run on that leg only).
test: system-deps test-system-deps $(DEV_STAMP) lint check-migrations
	@DJANGO_SETTINGS_MODULE=phoihop.config.settings.test $(PHOIHOP) compilemessages --ignore=.venv --ignore=var -v0
	@echo "== SQLite =="
	env -u PHOIHOP_TEST_DATABASE_URL DJANGO_SETTINGS_MODULE=phoihop.config.settings.test \
		$(VENV)/bin/pytest -n 2 --durations=25 -m "not browser and not slow" $(PYTEST_ARGS)
	@if [ -n "$$PHOIHOP_TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL =="; \
		DJANGO_SETTINGS_MODULE=phoihop.config.settings.test \
		$(VENV)/bin/pytest -n 2 --durations=25 $(PYTEST_ARGS) || exit $$?; \
	else \
		echo "PHOIHOP_TEST_DATABASE_URL is not set: the PostgreSQL leg (with browser tests) did not run."; \
	fi

## make makemessages: refresh every app's Vietnamese catalog after changing strings
makemessages: $(DEV_STAMP)
	@for app in phoihop/*/; do \
		if [ -d "$$app/locale" ]; then (cd "$$app" && ../../$(PHOIHOP) makemessages -l vi --no-obsolete --no-location -v0 && ../../$(PHOIHOP) makemessages -d djangojs -l vi --no-obsolete --no-location -v0 2>/dev/null || true); fi; \
	done

bench: $(DEV_STAMP)
	@echo "The benchmark suite is not written yet (see the benchmark issue)."; exit 1
