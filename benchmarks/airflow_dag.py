"""Benchmark child, run by ``.venv-airflow/bin/python``: the portfolio DAG under ``dag.test()``.

Usage: airflow_dag.py PORTFOLIO REPORTS QDANALYSIS_BIN. Creates a temporary AIRFLOW_HOME, runs
``airflow db migrate`` there, then ``dag.test()`` of dags/qdanalysis_portfolio.py, and prints one
JSON object: the seconds of each step and the states of the task instances.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAGS = Path(__file__).resolve().parent.parent / "dags"


def main(portfolio: str, reports: str, qdanalysis: str) -> dict:
    home = tempfile.mkdtemp(prefix="qdbench-airflow-")
    os.environ.update(AIRFLOW_HOME=home, AIRFLOW__CORE__LOAD_EXAMPLES="False", AIRFLOW__CORE__DAGS_FOLDER=str(DAGS))
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("airflow")), "db", "migrate"], check=True, capture_output=True)
    migrate = time.perf_counter() - start

    import importlib.util

    start = time.perf_counter()
    spec = importlib.util.spec_from_file_location("qdanalysis_portfolio", DAGS / "qdanalysis_portfolio.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    imported = time.perf_counter() - start
    start = time.perf_counter()
    run = module.dag.test(run_conf={"qdanalysis": qdanalysis, "portfolio": portfolio, "reports": reports})
    seconds = time.perf_counter() - start
    states = sorted(str(ti.state) for ti in run.get_task_instances())
    return {"migrate_s": migrate, "import_s": imported, "dag_test_s": seconds, "states": states}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
