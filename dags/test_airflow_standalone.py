"""``make airflow-test``: the portfolio DAG under Airflow's own scheduler, as a deployment runs it.

Airflow's scheduler (LocalExecutor over SQLite), DAG processor and API server (on 127.0.0.1), each
started as its ``airflow`` command in a temporary AIRFLOW_HOME (dags/airflow_standalone.py); the DAG is
triggered with ``airflow dags trigger`` on a 3-project x 2-year demo portfolio in which one
workbook is broken, two tasks at a time. Afterwards no process of that Airflow is left.
"""

from __future__ import annotations

import json
import os

import pytest
from airflow_standalone import Standalone
from test_qdanalysis_portfolio import FAILED_REPORT, LABELS, QDANALYSIS, REPORT, REPORTS, demo_portfolio

BROKEN = "demo-02/2022"


@pytest.fixture(scope="module")
def triggered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("standalone")
    portfolio = demo_portfolio(folder / "demo")
    (folder / "demo" / "demo-02" / "raw" / "2022" / "示例数据_2022.xlsx").write_bytes(b"not a workbook")
    reports = folder / "reports"
    # The DAG file reads these when the DAG processor parses it: one quick retry.
    airflow = Standalone(parallelism=2, env={"QDANALYSIS_RETRIES": "1", "QDANALYSIS_RETRY_DELAY": "0"})
    try:
        airflow.start()
        run_id = airflow.trigger({"qdanalysis": str(QDANALYSIS), "portfolio": str(portfolio),
                                  "reports": str(reports)})
        state = airflow.wait(run_id, timeout=900)
        states = airflow.task_states(run_id)
    except BaseException:
        print(airflow.log_tail(200))
        raise
    finally:
        killed = airflow.stop()
    return reports, state, states, airflow, killed


def test_the_triggered_run_maps_every_project_year_and_isolates_the_failed_one(triggered):
    reports, state, states, _, _ = triggered

    # The overview (ALL_DONE) is the run's last task: the run succeeds although one project-year failed.
    assert state == "success"
    assert sorted(states) == sorted([("plan", ""), ("overview", "")] + [("report", label) for label in REPORTS])
    assert states[("report", BROKEN)] == ("failed", 2)  # tried, retried once, failed
    others = {key: value for key, value in states.items() if key != ("report", BROKEN)}
    assert {s for s, _ in others.values()} == {"success"}
    for label in LABELS:
        if label == BROKEN:
            continue
        summary = json.loads((reports / label / "summary.json").read_text(encoding="utf-8"))
        assert summary["status"] == "ok" and (reports / label / REPORT).stat().st_size > 100_000
        assert summary["summary"]["demo"] is True and summary["summary"]["budget"]
    failed = reports / BROKEN
    assert not (failed / REPORT).exists()
    assert "不是Excel工作簿" in (failed / FAILED_REPORT).read_text(encoding="utf-8")
    assert json.loads((failed / "summary.json").read_text(encoding="utf-8"))["status"] == "failed"
    page = (reports / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert "其中 1 个运行失败" in page and "不是Excel工作簿" in page
    assert [label for label in LABELS if f'href="../{label}/{REPORT}"' in page] == [x for x in LABELS if x != BROKEN]
    assert f'href="../{BROKEN}/{FAILED_REPORT}"' in page


def test_every_process_airflow_started_is_stopped(triggered):
    _, _, _, airflow, killed = triggered

    assert airflow.leftovers() == []
    assert not os.path.exists(airflow.home)
    # The components stop what they started on SIGTERM; anything left had to be killed.
    assert killed == [], f"processes left after standalone stopped: {killed}"


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-v"]))
