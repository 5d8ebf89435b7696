# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DB ?= horizonscan.db

.PHONY: demo test test-fast install install-dev system-deps lock bench clean

demo: install  ## install, ingest the demo corpus, show a search over it
	$(BIN)/horizonscan --db $(DB) ingest demo/notes
	$(BIN)/horizonscan --db $(DB) status
	$(BIN)/horizonscan --db $(DB) search "Shanghai Cooperation Organisation" --limit 5
	$(BIN)/horizonscan --db $(DB) events --limit 25

test: install-dev system-deps  ## the whole suite: fast tests, then the slow ones (gold sets, kill test, PostgreSQL)
	$(BIN)/pytest -m "not slow" -p no:cacheprovider
	$(BIN)/pytest -m slow -p no:cacheprovider

test-fast: install-dev
	$(BIN)/pytest -m "not slow" -p no:cacheprovider

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install-dev: $(VENV)/.installed-dev
$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

# Debian packages the tests need: a PostgreSQL server (the suite starts a private cluster).
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	fi

# Re-pin after changing dependencies in pyproject.toml (run in a fresh venv to drop strays).
lock: $(BIN)/python
	$(BIN)/pip freeze --exclude-editable | grep -v -i -E '^(pytest|pytest-timeout|hypothesis|iniconfig|pluggy|sortedcontainers)==' > requirements.lock
	$(BIN)/pip freeze --exclude-editable | grep -i -E '^(pytest|pytest-timeout|hypothesis|iniconfig|pluggy|sortedcontainers)==' > requirements-dev.lock

bench: install
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
