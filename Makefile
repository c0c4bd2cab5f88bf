# Two entry points (see README Quickstart): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test bench bench-api serve lint clean

$(STAMP): pyproject.toml
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test of the planner's page"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/coa-plan demo

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_allocate.py

bench-api: $(STAMP)
	$(BIN)/python benchmarks/bench_api_load.py

serve: $(STAMP)
	$(BIN)/coa-plan serve

lint: $(STAMP)
	$(BIN)/ruff check optimizer api coa_plan tests benchmarks scripts
	$(BIN)/mypy optimizer api coa_plan

clean:
	rm -rf $(VENV) build *.egg-info
