"""``make airflow-test``: the portfolio DAG under ``dag.test()`` over SQLite, in Airflow's own environment.

Run by ``.venv-airflow/bin/python -m pytest dags/`` with AIRFLOW_HOME in a temporary folder whose
database ``airflow db migrate`` has created (see the Makefile). The project's own environment
(``.venv/``) generates a 3-project x 2-year demo portfolio and runs every task.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
# The project's command: QDANALYSIS_BIN (set by the Makefile from its VENV), else the checkout's .venv.
QDANALYSIS = Path(os.environ.get("QDANALYSIS_BIN") or CHECKOUT / ".venv" / "bin" / "qdanalysis")
LABELS = [f"demo-0{i}/{y}" for i in (1, 2, 3) for y in (2021, 2022)]
TRENDS = [f"demo-0{i}/trends" for i in (1, 2, 3)]  # each project's trends report, a mapped task each
#: The mapped task ``report``'s instances, in their order: the trends reports (the longest runs) first.
REPORTS = TRENDS + LABELS
REPORT = "1.0-annual-report.html"
TRENDS_REPORT = "2.0-multi-year-trends.html"
FAILED_REPORT = "1.0-annual-report（运行失败）.html"  # qdanalysis.run.notebook.failed_name(REPORT)

# Read by the DAG file when it is imported: one quick retry, so that a failing project-year is
# seen to be retried without waiting minutes.
os.environ["QDANALYSIS_RETRIES"] = "1"
os.environ["QDANALYSIS_RETRY_DELAY"] = "0"
# The report tasks run through a report server (qdanalysis.run.report_server): it leaves soon after the tests.
os.environ["QDANALYSIS_REPORT_SERVER_IDLE"] = "3"


def load_dag():
    spec = importlib.util.spec_from_file_location("qdanalysis_portfolio", CHECKOUT / "dags" / "qdanalysis_portfolio.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def demo_portfolio(folder: Path) -> Path:
    subprocess.run([str(QDANALYSIS), "demo", "--projects", "3", "--years", "2", "--out", str(folder)],
                   check=True, capture_output=True)
    return folder / "portfolio.yaml"


def run_dag(portfolio: Path, reports: Path) -> dict[tuple[str, str], tuple[str, int]]:
    """``dag.test()`` with this run's parameters; (task, project-year or "") -> (state, tries)."""
    dag = load_dag()
    run = dag.test(run_conf={"qdanalysis": str(QDANALYSIS), "portfolio": str(portfolio), "reports": str(reports)})
    states = {}
    for ti in run.get_task_instances():
        label = REPORTS[ti.map_index] if ti.task_id == "report" else ""
        assert ti.task_id != "report" or ti.rendered_map_index == label  # the label Airflow shows for it
        states[(ti.task_id, label)] = (str(ti.state), ti.try_number)
    return states


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    if not os.environ.get("AIRFLOW_HOME"):
        pytest.exit("AIRFLOW_HOME is not set: run these tests with make airflow-test", returncode=2)
    folder = tmp_path_factory.mktemp("af")
    portfolio = demo_portfolio(folder / "demo")
    reports = folder / "reports"
    return portfolio, reports, run_dag(portfolio, reports)


def test_the_dag_maps_one_task_per_project_year_and_all_succeed(first_run):
    portfolio, reports, states = first_run

    assert sorted(states) == sorted([("plan", ""), ("overview", "")] + [("report", label) for label in REPORTS])
    assert {key: state for key, (state, _) in states.items() if state != "success"} == {}
    for label in LABELS:
        summary = json.loads((reports / label / "summary.json").read_text(encoding="utf-8"))
        assert summary["status"] == "ok" and (reports / label / REPORT).stat().st_size > 100_000
        assert summary["summary"]["demo"] is True and summary["summary"]["budget"]
    for label in TRENDS:  # as run --portfolio makes them: over the years the portfolio lists for the project
        summary = json.loads((reports / label / "summary.json").read_text(encoding="utf-8"))
        assert summary["status"] == "ok" and summary["html"] == TRENDS_REPORT
        assert "2021—2022年趋势分析" in (reports / label / TRENDS_REPORT).read_text(encoding="utf-8")
    page = (reports / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert page.count("查看报告") == 6 and "全部运行成功" in page and "示例数据" in page
    assert [label for label in TRENDS if f'href="../{label}/{TRENDS_REPORT}"' in page] == TRENDS
    assert (reports / "portfolio" / "portfolio.xlsx").is_file()


def test_a_rerun_with_unchanged_inputs_parses_nothing(first_run):
    portfolio, reports, _ = first_run
    before = {label: (reports / label / REPORT).stat().st_mtime_ns for label in LABELS}
    before_trends = {label: (reports / label / TRENDS_REPORT).stat().st_mtime_ns for label in TRENDS}

    states = run_dag(portfolio, reports)

    assert {state for state, _ in states.values()} == {"success"}
    assert {label: (reports / label / REPORT).stat().st_mtime_ns for label in LABELS} == before
    assert {label: (reports / label / TRENDS_REPORT).stat().st_mtime_ns for label in TRENDS} == before_trends


def test_a_failed_project_year_is_retried_and_does_not_stop_the_others(tmp_path):
    portfolio = demo_portfolio(tmp_path / "demo")
    (tmp_path / "demo" / "demo-02" / "raw" / "2022" / "示例数据_2022.xlsx").write_bytes(b"not a workbook")
    reports = tmp_path / "reports"

    states = run_dag(portfolio, reports)

    assert states[("report", "demo-02/2022")] == ("failed", 2)  # tried, retried once, failed
    others = {key: state for key, (state, _) in states.items() if key != ("report", "demo-02/2022")}
    # plan, 3 trends reports (the failed year named in demo-02's), 5 project-years, overview
    assert set(others.values()) == {"success"} and len(others) == 10
    for label in LABELS:
        if label != "demo-02/2022":
            assert (reports / label / REPORT).is_file()
    # The failed one says where it stopped on a page of its own, beside where a good report would be (there was
    # none to keep), and the overview links to that page.
    failed = reports / "demo-02" / "2022"
    assert not (failed / REPORT).exists()
    stopped = (failed / FAILED_REPORT).read_text(encoding="utf-8")
    assert "不是Excel工作簿" in stopped
    page = (reports / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert "其中 1 个运行失败" in page and "不是Excel工作簿" in page
    assert f'href="../demo-02/2022/{FAILED_REPORT}"' in page


def test_the_dag_limits_its_running_tasks_and_runs_every_command_in_the_portfolios_folder(monkeypatch):
    monkeypatch.setenv("QDANALYSIS_TASKS", "3")
    assert load_dag().max_active_tasks == 3
    monkeypatch.delenv("QDANALYSIS_TASKS")
    dag = load_dag()
    assert dag.max_active_tasks == os.cpu_count()
    # The report server is keyed by the folder: every task that is its client runs in the same one.
    folders = [dag.get_task("plan").cwd, dag.get_task("report").partial_kwargs["cwd"], dag.get_task("overview").cwd]
    assert folders == ["{{ params.portfolio.rsplit('/', 1)[0] or '/' }}"] * 3


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
