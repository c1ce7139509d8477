"""``make airflow-test``: the portfolio DAG under Airflow's own scheduler, as a deployment runs it.

Airflow's scheduler (LocalExecutor over SQLite), DAG processor and API server (on 127.0.0.1), each
started as its ``airflow`` command in a temporary AIRFLOW_HOME (dags/airflow_standalone.py); the DAG is
triggered with ``airflow dags trigger`` on a 3-project x 2-year demo portfolio in which one
workbook is broken, two tasks at a time. The report tasks and the overview run through one report server
(qdanalysis.run.report_server), started by ``plan``, which leaves by itself once idle (5 s here).
Afterwards no process of that Airflow is left.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from airflow_standalone import Standalone, _seconds, most_at_once
from test_qdanalysis_portfolio import FAILED_REPORT, LABELS, QDANALYSIS, REPORT, REPORTS, demo_portfolio

BROKEN = "demo-02/2022"


@pytest.fixture(scope="module")
def triggered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("standalone")
    portfolio = demo_portfolio(folder / "demo")
    (folder / "demo" / "demo-02" / "raw" / "2022" / "示例数据_2022.xlsx").write_bytes(b"not a workbook")
    reports = folder / "reports"
    # The DAG file reads these when the DAG processor parses it: one quick retry.
    airflow = Standalone(tasks=2, env={"QDANALYSIS_RETRIES": "1", "QDANALYSIS_RETRY_DELAY": "0",
                                             "QDANALYSIS_REPORT_SERVER_IDLE": "5"})
    try:
        airflow.start()
        run_id = airflow.trigger({"qdanalysis": str(QDANALYSIS), "portfolio": str(portfolio),
                                  "reports": str(reports)})
        state = airflow.wait(run_id, timeout=900)
        states = airflow.task_states(run_id)
        spans = [(_seconds(ti["start_date"]), _seconds(ti["end_date"])) for ti in airflow.task_instances(run_id)]
        # The report server leaves by itself (with its kernel zygote) once idle; nothing has to stop it.
        deadline = time.monotonic() + 120
        while [pid for pid in airflow.leftovers() if _ours(pid)] and time.monotonic() < deadline:
            time.sleep(0.5)
        server_left = not [pid for pid in airflow.leftovers() if _ours(pid)]
        task_logs = {str(path.relative_to(airflow.home)): path.read_text(encoding="utf-8")
                     for path in Path(airflow.home, "logs").rglob("attempt=*.log")}
    except BaseException:
        print(airflow.log_tail(200))
        raise
    finally:
        killed = airflow.stop()
    return reports, state, states, airflow, killed, server_left, task_logs, spans


def _ours(pid: int) -> bool:
    """Whether the process is the report server or a kernel zygote."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"qdanalysis.run.report_server" in cmdline or b"qdanalysis.run.zygote_main" in cmdline


def test_the_triggered_run_maps_every_project_year_and_isolates_the_failed_one(triggered):
    reports, state, states, *_ = triggered

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


def test_the_reports_and_the_overview_ran_in_one_report_server_that_left_by_itself(triggered):
    reports, _, _, _, _, server_left, task_logs, _ = triggered
    lines = (reports / ".runs" / "report-server.log").read_text(encoding="utf-8").splitlines()

    started = [line for line in lines if ": listening on " in line]
    assert len(started) == 1, started  # started by plan, used by every task: never stale, never replaced
    assert not [line for line in lines if "stale" in line or "refus" in line]
    commands = [line.split(": child ")[1].split(": ", 1)[1] for line in lines if ": child " in line]
    children = sorted(command.split(" --only ")[1] for command in commands if " --only " in command)
    assert children == sorted(REPORTS + [BROKEN])  # the broken report tried twice, each time in a child of its own
    assert [command.split()[0] for command in commands if " --only " not in command] == ["overview"]  # the last
    assert "idle for 5 s: exits" in lines[-1] and server_left
    kernel_logs = [p.read_text(encoding="utf-8") for p in reports.rglob("*.kernel.log")]
    assert len(kernel_logs) == len(REPORTS) and not [t for t in kernel_logs if "launched normally" in t]
    # Airflow's own task logs show each report's output and the failing one's error, no fallback to in-process.
    broken = [text for name, text in task_logs.items() if f"map_index={REPORTS.index(BROKEN)}/" in name]
    assert len(broken) == 2 and all("不是Excel工作簿" in text for text in broken)
    assert not [name for name, text in task_logs.items() if "报告服务进程" in text]


def test_two_tasks_ran_at_once_never_more(triggered):
    """The DAG's own limit (QDANALYSIS_TASKS=2), while the executor has four processes."""
    spans = triggered[-1]
    assert len(spans) == 1 + len(REPORTS) + 1 and most_at_once(spans) == 2


def test_most_at_once_counts_overlapping_spans_only():
    assert most_at_once([]) == 0
    assert most_at_once([(0, 2), (2, 3), (3, 5)]) == 1  # one ends as the next starts
    assert most_at_once([(0, 4), (1, 2), (1.5, 3), (3, 5)]) == 3
    assert most_at_once([(0, 1), (5, 6), (5.5, 7)]) == 2


def test_every_process_airflow_started_is_stopped(triggered):
    _, _, _, airflow, killed, *_ = triggered

    assert airflow.leftovers() == []
    assert not os.path.exists(airflow.home)
    # The components stop what they started on SIGTERM; anything left had to be killed.
    assert killed == [], f"processes left after standalone stopped: {killed}"


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-v"]))
