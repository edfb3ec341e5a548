# One entry point for every chore, the same locally and in CI.
#   make run    set up .venv if needed (runtime packages only), build and validate the graph, serve it on
#               http://$(HOST):$(PORT) (make run HOST=0.0.0.0 PORT=8080 to change)
#   make test   set up .venv if needed, run the whole test suite
#   (both build the page's assets first: frontend/ -> api/aichr_kg_api/static/dist/, npm ci from the lock file;
#    make test also installs Debian's chromium (end-to-end tests), raptor2-utils (rapper, a linked-data client),
#    rasqal-utils (roqet, a SPARQL client), a Java runtime (HermiT, the OWL reasoner owlready2 runs),
#    nginx (the reverse proxy of the sub-path tests) and virtuoso-opensource (a second SPARQL server the HTTP
#    suite runs behind) when they are missing)
#   make messages  re-extract the interface's words (templates, Python, the page's scripts; babel.cfg) into
#               api/aichr_kg_api/locale/messages.pot; a test fails while the kept catalogue is out of date
#   make bench  generate graphs of 10^4-10^7 triples, measure build, queries and HTTP (10^7: the build only) against oxigraph serve (on
#               the same storage), Virtuoso and rdflib-endpoint, and issue 10's load cell; tables on stdout, JSON in
#               bench/results/, bench/RESULTS.md (BENCH_SCALES, BENCH_SECONDS, BENCH_LOAD_SECONDS, BENCH_ARGS)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
BENCH_SCALES  ?= 1e4,1e5,1e6,1e7
BENCH_SECONDS ?= 15
BENCH_LOAD_SECONDS ?= 60
BENCH_ENGINE_ONLY ?= 1e4
BENCH_BUILD_ONLY ?= 1e7
BENCH_ARGS ?=
ASSETS    := api/aichr_kg_api/static/dist
NODE_DEPS := frontend/node_modules/.installed
CHROMIUM  := /usr/bin/chromium
RAPPER    := /usr/bin/rapper
ROQET     := /usr/bin/roqet
JAVA      := /usr/bin/java
NGINX     := /usr/sbin/nginx
VIRTUOSO  := /usr/bin/virtuoso-t
CFF       := .venv-cff/bin/cffconvert
SUDO      := $(if $(filter 0,$(shell id -u)),,sudo)
APT       := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get
SERVICE_APT := $(SUDO) env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get

.PHONY: run test build validate bench clean assets messages

# what running needs (make run, build, validate); the test tools come on top only for make test and bench
$(RUN_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

build: $(RUN_STAMP)
	$(VENV)/bin/aichr-kg build

validate: $(RUN_STAMP)
	$(VENV)/bin/aichr-kg validate

$(NODE_DEPS): frontend/package.json frontend/package-lock.json
	command -v npm >/dev/null || { $(APT) update -qq && $(APT) install -y -qq nodejs npm; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS)/page.js: $(NODE_DEPS) frontend/build.mjs $(wildcard frontend/src/*)
	cd frontend && node build.mjs

assets: $(ASSETS)/page.js

$(CHROMIUM):
	$(APT) update -qq && $(APT) install -y -qq chromium

$(RAPPER):
	$(APT) install -y -qq raptor2-utils || { $(APT) update -qq && $(APT) install -y -qq raptor2-utils; }

$(ROQET):
	$(APT) install -y -qq rasqal-utils || { $(APT) update -qq && $(APT) install -y -qq rasqal-utils; }

$(JAVA):
	$(APT) install -y -qq default-jre-headless || { $(APT) update -qq && $(APT) install -y -qq default-jre-headless; }

# nginx: the reverse proxy the sub-path tests put in front of the service (they start it on a free port;
# RUNLEVEL=1 keeps the package from starting a system nginx of its own)
$(NGINX):
	$(SERVICE_APT) install -y -qq nginx-light || { $(APT) update -qq && $(SERVICE_APT) install -y -qq nginx-light; }

# Virtuoso Open Source: the second real SPARQL server the HTTP suite runs behind (tests start it themselves,
# on free ports with their own database; RUNLEVEL=1 keeps the package from starting a system one)
$(VIRTUOSO):
	$(SERVICE_APT) install -y -qq virtuoso-opensource || { $(APT) update -qq && $(SERVICE_APT) install -y -qq virtuoso-opensource; }

run: build assets
	$(VENV)/bin/aichr-kg serve --host $(HOST) --port $(PORT)

# cffconvert (validates CITATION.cff) in a venv of its own: it pins jsonschema 3, the test tools need 4
$(CFF):
	$(PYTHON) -m venv .venv-cff
	.venv-cff/bin/python -m pip install -q 'cffconvert>=2,<3'

test: $(STAMP) assets $(CHROMIUM) $(RAPPER) $(ROQET) $(JAVA) $(NGINX) $(VIRTUOSO) $(CFF)
	$(PY) -m pytest

# the options live in aichr_kg_api.i18n (EXTRACT), which the catalogue's test uses too
messages: $(RUN_STAMP)
	$(PY) -m aichr_kg_api.i18n

# wrk: the load generator of make bench (Debian; bench/loadgen.py has an asyncio client for where it is missing)
WRK := /usr/bin/wrk
$(WRK):
	$(APT) install -y -qq wrk || { $(APT) update -qq && $(APT) install -y -qq wrk; }

bench: $(STAMP) $(VIRTUOSO) $(WRK)
	$(PY) bench/run.py --scales $(BENCH_SCALES) --seconds $(BENCH_SECONDS) --load-seconds $(BENCH_LOAD_SECONDS) \
		--engine-only-scales $(BENCH_ENGINE_ONLY) --build-only-scales $(BENCH_BUILD_ONLY) --out bench/results/latest.json --results-md bench/RESULTS.md --notes bench/PROFILES.md $(BENCH_ARGS)

clean:
	rm -rf dist .pytest_cache $(ASSETS)
