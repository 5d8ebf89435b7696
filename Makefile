# The two commands of the README: `make demo` and `make test`. Each installs what it needs.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DB ?= horizonscan.db

.PHONY: demo test test-fast install install-dev system-deps web-assets lock bench clean

demo: install web-assets  ## install, ingest the demo corpus, show a search over it, serve the web workspace
	$(BIN)/horizonscan --db $(DB) ingest demo/notes
	$(BIN)/horizonscan --db $(DB) status
	$(BIN)/horizonscan --db $(DB) search "Shanghai Cooperation Organisation" --limit 5
	$(BIN)/horizonscan --db $(DB) events --limit 25
	$(BIN)/horizonscan --db $(DB) user add demo --role admin --generate-password --update
	$(BIN)/horizonscan --db $(DB) serve --host 127.0.0.1 --port 8000

test: install-dev system-deps web-assets  ## the whole suite: fast tests, then the slow ones (gold sets, kill test, PostgreSQL)
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

# Debian packages the tests need: a PostgreSQL server (the suite starts a private cluster)
# and Chromium (headless browser tests of the web workspace).
system-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	fi
	@if ! [ -x /usr/bin/chromium ]; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi

# Front-end packages (package-lock.json) from the npm registry, copied into the web package;
# never committed, never loaded from a CDN at run time.
VENDOR := src/horizonscan/web/static/vendor
web-assets: $(VENDOR)/.built
$(VENDOR)/.built: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/echarts/dist/echarts.min.js node_modules/htmx.org/dist/htmx.min.js \
	   node_modules/topojson-client/dist/topojson-client.min.js node_modules/world-atlas/countries-110m.json $(VENDOR)/
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/
	cp node_modules/echarts/LICENSE $(VENDOR)/LICENSE.echarts
	cp node_modules/swagger-ui-dist/LICENSE $(VENDOR)/LICENSE.swagger-ui
	cp node_modules/swagger-ui-dist/NOTICE $(VENDOR)/NOTICE.swagger-ui
	cp node_modules/world-atlas/LICENSE $(VENDOR)/LICENSE.world-atlas
	touch $@

# Re-pin after changing dependencies in pyproject.toml (run in a fresh venv to drop strays).
lock: $(BIN)/python
	$(BIN)/pip freeze --exclude-editable | grep -v -i -E '^(pytest|pytest-timeout|hypothesis|iniconfig|pluggy|sortedcontainers|playwright|greenlet|schemathesis|harfile|hypothesis-graphql|graphql-core|jsonschema_rs|pyrate-limiter|Werkzeug)==' > requirements.lock
	$(BIN)/pip freeze --exclude-editable | grep -i -E '^(pytest|pytest-timeout|hypothesis|iniconfig|pluggy|sortedcontainers|playwright|greenlet|schemathesis|harfile|hypothesis-graphql|graphql-core|jsonschema_rs|pyrate-limiter|Werkzeug)==' > requirements-dev.lock

bench: install
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
