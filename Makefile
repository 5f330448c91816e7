# Pacte PME international — developer entry points (GNU make).
#
#   make run     install, migrate, compile messages, seed demo data, start web + Celery
#   make test    install, compile messages, run pytest   (extra args: PYTEST_ARGS="-k foo")
#   make lint    ruff check + ruff format --check + the import layers (lint-imports)
#   make format  ruff format + ruff check --fix
#   make clean   remove the venv and generated files

PYTHON ?= python3.11
ifeq ($(shell command -v $(PYTHON) 2>/dev/null),)
PYTHON := python3
endif

VENV = .venv
PY = $(VENV)/bin/python
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: security help venv messages run test lint format bench clean

help:
	@echo "Targets: venv messages run test lint format bench clean"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar off -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Compile locale/*/LC_MESSAGES/django.po to .mo: with Django's compilemessages when
# GNU gettext's msgfmt is available, otherwise with polib. No .po files: nothing to do.
messages: $(VENV)/.installed
	@pofiles="$$(find . \( -path ./$(VENV) -o -path ./.git -o -path ./node_modules \) -prune \
		-o -type f -path '*/locale/*/LC_MESSAGES/django.po' -print)"; \
	if [ -z "$$pofiles" ]; then \
		echo "messages: no .po files, nothing to compile"; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		echo "$(PY) manage.py compilemessages --ignore=$(VENV)"; \
		$(PY) manage.py compilemessages --ignore=$(VENV); \
	else \
		echo "messages: msgfmt not found, compiling with polib"; \
		$(PY) -c 'import sys, polib; [(polib.pofile(p).save_as_mofile(p[:-3] + ".mo"), print("compiled", p)) for p in sys.argv[1:]]' $$pofiles; \
	fi

run: export DJANGO_DEBUG = 1
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(MAKE) messages
	$(PY) manage.py seed_demo
	@echo "Portal: http://127.0.0.1:8000"
	exec $(VENV)/bin/honcho start -f Procfile

test: $(VENV)/.installed
	$(MAKE) messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Security checks: bandit over the project's code (exceptions are `# nosec` lines, each with
# its reason), pip-audit over the pinned requirements (exceptions in
# .ci/pip-audit-exceptions.txt).
security: $(VENV)/.installed
	$(VENV)/bin/bandit -q -r core accounts applications corporations notifications outbox sponsors pacte privacy reference companies reports tooling -x '*/migrations/*'
	$(PY) .ci/audit_dependencies.py

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmarks are the `tooling` app's commands (tooling/management/commands/bench*.py), as
# is `seed_demo` (`make run`). The page benchmark needs PostgreSQL (gunicorn's processes read
# its data), Redis and wrk: it makes its throwaway database on BENCH_DATABASE_URL's server.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pacte_bench

bench: $(VENV)/.installed
	$(PY) manage.py bench
	$(PY) manage.py bench_sweep
	$(PY) manage.py bench_dashboard
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_pages

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
