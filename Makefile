# The front door: every target sets up what it needs itself.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
VENDOR := src/aifkg/web/static/vendor
ASSETS := $(VENDOR)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: help setup assets browser run test lint format bench screenshots clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml | $(ASSETS)
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv and install aifkg with its dependencies (and the web assets)

# The front-end libraries aifkg serves itself (no CDN): npm installs the versions package-lock.json pins,
# and only their built files are copied into the static folder (gitignored, made here on every machine).
$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
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

browser:  ## install Debian's chromium for the browser tests, when it is missing
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

run: $(STAMP)  ## build the graph and serve it on HOST:PORT (default 127.0.0.1:8000)
	$(BIN)/aifkg serve --host $(HOST) --port $(PORT)

lint: $(STAMP)  ## ruff and mypy
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/aifkg format --check

format: $(STAMP)  ## format Python and Turtle
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/aifkg format

test: lint browser  ## lint, then the whole test suite (browser tests included)
	$(BIN)/python -m pytest -q

bench: $(STAMP)  ## side-by-side benchmarks: aifkg, oxigraph, rdflib-endpoint (BENCH_ARGS for options)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

screenshots: $(STAMP) browser  ## README pictures of each page, in docs/screenshots (real data if it builds)
	$(BIN)/python -m tests.e2e.screenshots

clean:  ## remove the venv and caches
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache node_modules $(VENDOR)
