# qdanalysis: type `make` for the list of targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
YEAR ?= 2020

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name qdanalysis --display-name "qdanalysis (.venv)" > /dev/null
	# also where a JupyterLab or JupyterHub outside the venv finds it (the user's own kernels folder)
	$(BIN)/python -m ipykernel install --user --name qdanalysis --display-name "qdanalysis (.venv)" > /dev/null
	touch $(STAMP)

env: $(STAMP) ## create .venv/ and install the project (pinned by constraints.txt)

report: $(STAMP) ## build the environment and produce reports/$(YEAR)/1.0-annual-report.html from data/raw/
	$(BIN)/qdanalysis ingest --year $(YEAR)
	$(BIN)/qdanalysis run --year $(YEAR)

demo: $(STAMP) ## generate illustrative data (data/demo/, 2018-2022) and run every year and the trends on it
	$(BIN)/qdanalysis demo --out data/demo
	$(BIN)/qdanalysis run --all --root data/demo --out reports/demo
	$(BIN)/qdanalysis run --trends --root data/demo --out reports/demo

test: $(STAMP) ## build the environment and run the whole test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## check the code with ruff (the version pinned in constraints.txt; rules in pyproject.toml)
	$(BIN)/ruff check .

bench: $(STAMP) ## print the benchmark figures (benchmarks/); e.g. make bench BENCH="--only scale --quick"
	$(BIN)/python benchmarks/run.py $(BENCH)

clean: ## remove rebuildable outputs (data/processed/, data/demo/, reports/)
	rm -rf data/processed/[0-9]* data/demo reports

.PHONY: help env report demo test lint bench clean
