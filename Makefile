# qdanalysis: type `make` for the list of targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Airflow lives in an environment of its own: its dependencies and the project's never mix.
AIRFLOW_VENV := .venv-airflow
AIRFLOW_STAMP := $(AIRFLOW_VENV)/.installed-stamp
YEAR ?= 2020

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/\$$(YEAR)/$(YEAR)/g' | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

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

# The suite runs in TEST_JOBS processes at once (one per CPU), each on its share of the test modules
# (tests/conftest.py: QDANALYSIS_TEST_SHARD); the other processes' reports follow the first's. Python may write its
# bytecode caches (__pycache__/, ignored by git) even where PYTHONDONTWRITEBYTECODE is set: the suite starts a few
# hundred Python processes (commands, kernels), which would otherwise each compile the package again.
TEST_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

# $(call sharded,PYTEST OPTIONS,OPTIONS OF THE FIRST PROCESS ONLY): pytest in TEST_JOBS processes at once, each on its
# share of the modules; fails when one fails. TEST_JUNIT=<folder>: each process also writes its share's seconds there
# (share1.xml...), which `python tests/suite.py <folder>/share*.xml > tests/module_seconds.json` turns into the shares'
# weights as make test measures them (test-timings measures in one process).
TEST_JUNIT ?=
junit = $(if $(TEST_JUNIT),--junitxml="$(abspath $(TEST_JUNIT))/share$(1).xml")
define sharded
	@logs=$$(mktemp -d); trap 'rm -rf "$$logs"' EXIT; pids=""; export PYTHONDONTWRITEBYTECODE=; \
	for i in $$(seq 2 $(TEST_JOBS)); do \
	  QDANALYSIS_TEST_SHARD=$$i/$(TEST_JOBS) $(BIN)/python -m pytest -q -p no:cacheprovider $(1) $(call junit,$$i) \
	    > "$$logs/$$i" 2>&1 & \
	  pids="$$pids $$!"; \
	done; \
	QDANALYSIS_TEST_SHARD=1/$(TEST_JOBS) $(BIN)/python -m pytest -q $(1) $(2) $(call junit,1); status=$$?; \
	for pid in $$pids; do wait $$pid || status=1; done; \
	for i in $$(seq 2 $(TEST_JOBS)); do echo "--- tests, share $$i of $(TEST_JOBS) ---"; cat "$$logs/$$i"; done; \
	exit $$status
endef

test: $(STAMP) ## build the environment and run the whole test suite (TEST_JOBS processes at once; TEST_JOBS=1: one)
	$(call sharded,,)

test-timings: $(STAMP) ## measure each test module's seconds in one process (tests/module_seconds.json: make test's shares)
	@logs=$$(mktemp -d); trap 'rm -rf "$$logs"' EXIT; \
	$(BIN)/python -m pytest -q -p no:cacheprovider --junitxml="$$logs/junit.xml" && \
	$(BIN)/python tests/suite.py "$$logs/junit.xml" > tests/module_seconds.json

# The slowest fast tests of the first share are listed, so that one drifting past a second or two gets marked slow.
test-fast: $(STAMP) ## the inner loop (under a minute): every test but those marked slow (kernels, LibreOffice, Chromium), TEST_JOBS processes at once
	$(call sharded,-m "not slow",--durations=5 --durations-min=1)

$(AIRFLOW_STAMP): dags/constraints-airflow.txt
	$(PYTHON) -m venv $(AIRFLOW_VENV)
	$(AIRFLOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(AIRFLOW_VENV)/bin/python -m pip install --quiet -c dags/constraints-airflow.txt apache-airflow pytest
	touch $(AIRFLOW_STAMP)

airflow-test: $(STAMP) $(AIRFLOW_STAMP) ## run the portfolio DAG (dags/) with dag.test(), then under `airflow standalone` (scheduler, API on 127.0.0.1), in Airflow 3's own .venv-airflow/
	@home=$$(mktemp -d); trap 'rm -rf "$$home"' EXIT; \
	export AIRFLOW_HOME="$$home" AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__DAGS_FOLDER="$(CURDIR)/dags"; \
	export QDANALYSIS_BIN="$(abspath $(BIN))/qdanalysis" PATH="$(abspath $(AIRFLOW_VENV))/bin:$$PATH"; \
	$(AIRFLOW_VENV)/bin/airflow db migrate > "$$home/db-migrate.log" 2>&1 || { cat "$$home/db-migrate.log"; exit 1; }; \
	$(AIRFLOW_VENV)/bin/python -m pytest -v --no-header -p no:cacheprovider -W ignore::DeprecationWarning dags/

lint: $(STAMP) ## check the code with ruff (the version pinned in constraints.txt; rules in pyproject.toml)
	$(BIN)/ruff check .

bench: $(STAMP) ## print the benchmark figures (benchmarks/); e.g. make bench BENCH="--only scale --quick"
	AIRFLOW_VENV="$(abspath $(AIRFLOW_VENV))" $(BIN)/python benchmarks/run.py $(BENCH)

# What the tool rebuilds under reports/: the HTML, PDF and executed notebooks, the overview's tables and
# summaries, the runs' logs and locks. Anything else there (the Word drafts an evaluator edits, their backups,
# a workbook saved there by hand) is kept, and listed.
REBUILT := -name '*.html' -o -name '*.pdf' -o -name '*.ipynb' -o -name '*.kernel.log' -o -name 'run.lock' \
	-o -name 'summary.json' -o -path 'reports/*portfolio/portfolio.xlsx' -o -name '.*.tmp*'

clean: ## remove what the tool can rebuild (data/processed/, data/demo*/, the reports' HTML, PDF, notebooks); keeps the Word drafts and lists what it kept
	rm -rf data/processed/[0-9]* data/processed/cache data/demo data/demo-portfolio
	@if [ -d reports ]; then \
	  find reports -type f \( $(REBUILT) \) -delete; \
	  find reports -mindepth 1 -depth -type d -empty -delete; \
	fi
	@echo "已保留：data/raw/（原始数据）和 params/（参数文件、评分表），从未删除"
	@kept=$$(find reports -type f ! -name '*.sha256' 2>/dev/null | sort); \
	if [ -n "$$kept" ]; then \
	  echo "已保留 reports/ 中不能重建的文件（报告初稿可能已在 Word 中修改；不再需要的请自行删除）："; \
	  echo "$$kept" | sed 's/^/  /'; \
	fi

.PHONY: help env report demo test test-fast test-timings lint bench clean airflow-test
