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
	touch $(STAMP)

env: $(STAMP) ## create .venv/ and install the project (pinned by constraints.txt)

report: $(STAMP) ## build the environment and produce the $(YEAR) report from data/raw/
	$(BIN)/qdanalysis ingest --year $(YEAR)
	$(BIN)/qdanalysis summary --year $(YEAR)

test: $(STAMP) ## build the environment and run the whole test suite
	$(BIN)/python -m pytest -q

bench: $(STAMP) ## print the benchmark figures (benchmarks/)
	$(BIN)/python benchmarks/run.py

clean: ## remove rebuildable outputs (data/processed/, reports/)
	rm -rf data/processed/* reports/

.PHONY: help env report test bench clean
