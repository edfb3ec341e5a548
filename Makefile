# One entry point for every chore, the same locally and in CI.
#   make run    set up .venv if needed, build and validate the graph, serve it on http://127.0.0.1:8000
#   make test   set up .venv if needed, run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test build validate bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(VENV)/bin/aichr-kg build

validate: $(STAMP)
	$(VENV)/bin/aichr-kg validate

run: build
	$(VENV)/bin/aichr-kg serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf dist .pytest_cache
