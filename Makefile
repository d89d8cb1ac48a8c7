# The front door: every target sets up what it needs itself.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
HOST   ?= 127.0.0.1
PORT   ?= 8000
VENDOR := src/aifkg/web/static/vendor
ASSETS := $(VENDOR)/.installed
CHROMIUM := /usr/bin/chromium
EXTRAS := dev,e2e

.PHONY: help setup assets browser run unit test lint format lock bench screenshots clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-11s %s\n", $$1, $$2}'

# A system package the project needs from Debian (npm, chromium, wrk): installed by apt-get when we are root,
# otherwise a clear message on what to run, before anything else was done.
need_package = { if [ "$$(id -u)" = 0 ]; then echo "==> installing $(1) with apt-get"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else echo "error: $(1) is missing and installing it needs root: run 'sudo apt-get install $(1)' \
	(or your system's package manager), then make again" >&2; exit 1; fi; }

$(STAMP): pyproject.toml $(LOCK) | $(ASSETS)
	@command -v $(PYTHON) >/dev/null || { echo "error: need $(PYTHON) (set PYTHON=... for another 3.11+)" >&2; exit 1; }
	@echo "==> creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> installing aifkg and the versions $(LOCK) pins (about a minute)"
	$(BIN)/pip install --progress-bar on -c $(LOCK) --upgrade pip
	$(BIN)/pip install --progress-bar on -c $(LOCK) -e '.[$(EXTRAS)]'
	@touch $(STAMP)
	@echo "==> ready: $(VENV)"

setup: $(STAMP)  ## create .venv: aifkg, its locked dependencies and the web assets

# The front-end libraries aifkg serves itself (no CDN): npm installs the versions package-lock.json pins,
# and only their built files are copied into the static folder (gitignored, made here on every machine).
$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || $(call need_package,npm)
	@echo "==> fetching the web assets with npm (package-lock.json)"
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.js.map \
		node_modules/@zazuko/yasgui/build/yasgui.min.css node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/
	cp node_modules/cytoscape/LICENSE $(VENDOR)/cytoscape.LICENSE
	cp node_modules/world-atlas/countries-50m.json $(VENDOR)/
	cp node_modules/world-atlas/LICENSE $(VENDOR)/world-atlas.LICENSE
	@printf 'Copied by `make assets` from npm; do not edit or commit.\n@zazuko/yasgui: MIT (https://github.com/zazuko/Yasgui)\ncytoscape: MIT (cytoscape.LICENSE)\nworld-atlas: ISC (world-atlas.LICENSE), Natural Earth shapes (public domain)\n' > $(VENDOR)/README
	gzip -9 -k -f -n $(VENDOR)/*.js $(VENDOR)/*.css  # served as they are to clients that accept gzip
	@touch $(ASSETS)

assets: $(ASSETS)  ## fetch the query editor and graph libraries from npm into the static folder

browser:  ## Debian's chromium for the browser tests (apt-get: needs root)
	@test -x $(CHROMIUM) || $(call need_package,chromium)

run: $(STAMP)  ## build the graph and serve it on HOST:PORT (default 127.0.0.1:8000)
	$(BIN)/aifkg serve --host $(HOST) --port $(PORT)

unit: $(STAMP)  ## the fast tests for everyday work (no server, no browser, no property-based battery)
	$(BIN)/python -m pytest -q -n auto --dist loadscope --ignore=tests/e2e -m "not slow"

lint: $(STAMP)  ## ruff, mypy and the canonical Turtle layout
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/aifkg format --check

format: $(STAMP)  ## format Python and Turtle
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/aifkg format

test: browser lint  ## lint, then the whole test suite (e2e and browser tests included; about 8 minutes on 2 cores)
	$(BIN)/python -m pytest -q

# The lock: every package (and its dependencies) at the versions installed together into a fresh venv from
# pyproject.toml's ranges, all extras included. Run it after changing a dependency, then run make test.
lock:  ## refresh requirements.lock from pyproject.toml's ranges (newest versions that fit)
	@command -v $(PYTHON) >/dev/null || { echo "error: need $(PYTHON)" >&2; exit 1; }
	rm -rf .cache/lock-venv
	$(PYTHON) -m venv .cache/lock-venv
	.cache/lock-venv/bin/pip install --progress-bar on --upgrade pip
	.cache/lock-venv/bin/pip install --progress-bar on -e '.[dev,e2e,bench]'
	@{ echo "# Versions tested together: make setup installs these (pip -c); make lock refreshes them."; \
		echo "# Generated from pyproject.toml's ranges with every extra (dev, e2e, bench); do not edit by hand."; \
		.cache/lock-venv/bin/pip freeze --exclude-editable --all | grep -v -E '^(pip|setuptools|wheel)=='; \
	} > $(LOCK)
	rm -rf .cache/lock-venv
	@echo "==> wrote $(LOCK); make setup reinstalls from it"

bench: $(STAMP)  ## side-by-side benchmarks: aifkg, oxigraph, rdflib-endpoint (BENCH_ARGS for options)
	@command -v wrk >/dev/null || $(call need_package,wrk)
	$(BIN)/pip install --progress-bar on -c $(LOCK) -e '.[$(EXTRAS),bench]'
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

screenshots: $(STAMP) browser  ## README pictures of each page, in docs/screenshots (real data if it builds)
	$(BIN)/python -m tests.e2e.screenshots

clean:  ## remove the venv and caches
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR)
