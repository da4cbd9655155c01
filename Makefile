# One command to set up and run, one to test. Everything installs into .venv.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run setup test test-fast bench bots clean

run: setup
	$(BIN)/driekamer serve --host $(HOST) --port $(PORT)

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

test: setup
	bash scripts/ensure-system-deps.sh
	$(BIN)/pytest -q

test-fast: setup
	$(BIN)/pytest -q -m "not browser"

bench: setup
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_aggregate.py

bots: setup
	$(BIN)/driekamer bots --url http://$(HOST):$(PORT) --players 6 --tables 2 --seed 1

clean:
	rm -rf $(VENV) data *.egg-info
