# PhốiHợp: `make run` serves the system, `make test` runs the whole suite.
# Both work in a fresh clone: they find Python >= 3.12, make .venv and install what is
# missing. docs/development.md explains each target.
SHELL := /bin/bash
.DEFAULT_GOAL := run
# Every step needs the one before it (Debian packages before msgfmt, the venv before
# any command), so never run them in parallel, whatever MAKEFLAGS says.
.NOTPARALLEL:

VENV := .venv
PHOIHOP := $(VENV)/bin/phoihop
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE ?= phoihop.config.settings.base

# Stamps: the venv is (re)installed only when a requirements file or pyproject changes.
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run serve test lint check-migrations messages static migrate system-deps \
	test-system-deps makemessages bench clean

## make run: install, migrate, load the demo on the first run, serve http://$(HOST):$(PORT)
run: system-deps $(RUNTIME_STAMP) messages static migrate
	@$(PHOIHOP) firstrun
	@exec $(PHOIHOP) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## make test: lint, migrations check, catalogs, the suite on SQLite and, when
## PHOIHOP_TEST_DATABASE_URL is set, on PostgreSQL. Every step runs even after a failure,
## so one run reports everything; any failure fails the whole.
test: system-deps $(DEV_STAMP)
	@failed=(); \
	$(MAKE) --no-print-directory lint || failed+=(lint); \
	$(MAKE) --no-print-directory check-migrations || failed+=("makemigrations --check"); \
	$(MAKE) --no-print-directory messages || failed+=(compilemessages); \
	scripts/test-suite $(PYTEST_ARGS) || failed+=(pytest); \
	if [ $${#failed[@]} -gt 0 ]; then echo "make test: FAILED: $${failed[*]}" >&2; exit 1; fi; \
	echo "make test: everything passed"

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

## make serve: serve without the install and migrate steps (after one `make run`)
serve:
	@exec $(PHOIHOP) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

## make lint: ruff, ruff format, djLint, mypy and the layer order; all run, any failure fails
lint: $(DEV_STAMP)
	@status=0; \
	echo "== ruff check"; $(VENV)/bin/ruff check . || status=1; \
	echo "== ruff format --check"; $(VENV)/bin/ruff format --check . || status=1; \
	echo "== djlint --lint"; $(VENV)/bin/djlint phoihop --lint || status=1; \
	echo "== mypy"; $(VENV)/bin/mypy || status=1; \
	echo "== layers (scripts/check-layers)"; $(VENV)/bin/python scripts/check-layers && echo "no upward imports" || status=1; \
	exit $$status

check-migrations: $(DEV_STAMP)
	@echo "== makemigrations --check"
	@env -u PHOIHOP_TEST_DATABASE_URL DJANGO_SETTINGS_MODULE=phoihop.config.settings.test \
		$(PHOIHOP) makemigrations --check --dry-run

## make makemessages: refresh every app's Vietnamese catalog after changing strings
makemessages: $(DEV_STAMP)
	@for app in phoihop/*/; do \
		[ -d "$$app/locale" ] || continue; \
		(cd "$$app" && ../../$(PHOIHOP) makemessages -l vi --no-obsolete --no-location -v0) || exit 1; \
		if [ -n "$$(find "$$app" -name '*.js' -not -path '*/node_modules/*' -print -quit)" ]; then \
			(cd "$$app" && ../../$(PHOIHOP) makemessages -d djangojs -l vi --no-obsolete --no-location -v0) || exit 1; \
		fi; \
	done; \
	echo "Catalogs refreshed: fill every empty msgstr, then run make test."

## make bench [SCALE=province|decade|national]: the benchmark suite on PostgreSQL
## (PHOIHOP_BENCH_PG, default the local server); results in docs/benchmarks.{md,json}
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(DEV_STAMP) requirements-bench.txt
	@scripts/ensure-venv requirements-bench.txt
	@touch $@

bench: system-deps $(BENCH_STAMP)
	@scripts/ensure-debian-packages deploy/debian-packages-bench.txt
	@$(MAKE) --no-print-directory messages static
	@PYTHONPATH=. $(VENV)/bin/python bench/run.py $(if $(SCALE),--scale $(SCALE),)

## make clean: remove the venv and compiled files; var/ (database, media, secret key) stays
clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis
	find phoihop -name '*.mo' -delete -o -name __pycache__ -prune -exec rm -rf {} +
