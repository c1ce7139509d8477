"""``make airflow-test``: the portfolio DAG under Airflow's own scheduler, as a deployment runs it.

Airflow's scheduler (LocalExecutor over SQLite), DAG processor and API server (on 127.0.0.1), each
started as its ``airflow`` command in a temporary AIRFLOW_HOME (dags/airflow_standalone.py); the DAG is
triggered with ``airflow dags trigger`` on a 3-project x 2-year demo portfolio in which one
workbook is broken, two tasks at a time. The report tasks and the overview run through one report server
(qdanalysis.run.report_server), started by ``plan``, which leaves by itself once idle (5 s here). Then the DAG is
triggered a second time through the REST API, as the UI's trigger button does (and the bench): every report
whose inputs are unchanged is skipped by the command itself, the broken one fails again. Afterwards no process
of that Airflow is left.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
from pathlib import Path

import pytest
from airflow_standalone import DAG_ID, Standalone, _seconds, most_at_once, seconds_until
from test_qdanalysis_portfolio import (
    FAILED_REPORT,
    LABELS,
    QDANALYSIS,
    REPORT,
    REPORTS,
    TRENDS,
    TRENDS_REPORT,
    demo_portfolio,
)

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
        conf = {"qdanalysis": str(QDANALYSIS), "portfolio": str(portfolio), "reports": str(reports)}
        run_id = airflow.trigger(conf)
        state = airflow.wait(run_id, timeout=900)
        states = airflow.task_states(run_id)
        spans = [(_seconds(ti["start_date"]), _seconds(ti["end_date"])) for ti in airflow.task_instances(run_id)]
        # The report server leaves by itself (with its kernel zygote) once idle; nothing has to stop it.
        server_left = _server_left(airflow)
        task_logs = _task_logs(airflow, run_id)
        server_log = (reports / ".runs" / "report-server.log").read_text(encoding="utf-8")
        pages = {path: path.read_bytes() for path in reports.rglob("*.html")}
        again_id = airflow.trigger_by_api(conf)
        again_state = airflow.wait(again_id, timeout=900)
        again = (again_id, again_state, airflow.task_states(again_id), airflow.dag_run(again_id), pages,
                 _task_logs(airflow, again_id), _server_left(airflow))
    except BaseException:
        print(airflow.log_tail(200))
        raise
    finally:
        killed = airflow.stop()
    return reports, state, states, airflow, killed, server_left, task_logs, server_log, again, spans


def _task_logs(airflow: Standalone, run_id: str) -> dict[str, str]:
    """The task logs of the run ``run_id`` (each attempt's), by their path under AIRFLOW_HOME."""
    return {str(path.relative_to(airflow.home)): path.read_text(encoding="utf-8")
            for path in Path(airflow.home, "logs").rglob("attempt=*.log") if f"run_id={run_id}" in str(path)}


def _server_left(airflow: Standalone) -> bool:
    """Whether the report server (and its kernel zygote) left by itself, within two minutes."""
    deadline = time.monotonic() + 120
    while [pid for pid in airflow.leftovers() if _ours(pid)] and time.monotonic() < deadline:
        time.sleep(0.5)
    return not [pid for pid in airflow.leftovers() if _ours(pid)]


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
    reports, _, _, _, _, server_left, task_logs, server_log, *_ = triggered
    lines = server_log.splitlines()  # as the first run left it

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


def test_a_run_triggered_through_the_rest_api_skips_the_unchanged_reports(triggered):
    reports = triggered[0]
    run_id, state, states, run, pages, logs, server_left = triggered[-2]

    assert run_id.startswith("manual__") and run["conf"]["reports"] == str(reports)
    assert run["run_type"] == "manual" and run["state"] == state == "success"
    assert sorted(states) == sorted([("plan", ""), ("overview", "")] + [("report", label) for label in REPORTS])
    assert states[("report", BROKEN)] == ("failed", 2)
    assert {s for key, (s, _) in states.items() if key != ("report", BROKEN)} == {"success"}
    log = (reports / ".runs" / "report-server.log").read_text(encoding="utf-8")
    assert log.count(": listening on ") == 2  # the first run's server had left; plan started another
    assert "idle for 5 s: exits" in log.splitlines()[-1] and server_left  # and this one left by itself too
    skipped = [name for name, text in logs.items() if "未变化，跳过" in text]
    assert len(skipped) == len(REPORTS) - 1, sorted(logs)  # every report but the broken one, which failed again
    assert not [name for name in skipped if f"map_index={REPORTS.index(BROKEN)}/" in name]
    kept = [reports / label / REPORT for label in LABELS if label != BROKEN] + [reports / t / TRENDS_REPORT for t in TRENDS]
    assert [page for page in kept if page.read_bytes() != pages[page]] == []  # none written again


def test_two_tasks_ran_at_once_never_more(triggered):
    """The DAG's own limit (QDANALYSIS_TASKS=2), while the executor has four processes."""
    spans = triggered[-1]
    assert len(spans) == 1 + len(REPORTS) + 1 and most_at_once(spans) == 2


class _FakeApi(http.server.BaseHTTPRequestHandler):
    """Answers the trigger request as Airflow's REST API does (or with an error, for a DAG it does not know)."""
    seen: list[tuple[str, str, dict]] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeApi.seen.append((self.path, self.headers["Content-Type"], body))
        known = self.path == f"/api/v2/dags/{DAG_ID}/dagRuns"
        answer = json.dumps({"dag_run_id": "manual__2026-12-05T00:00:00+00:00", "state": "queued"} if known
                            else {"detail": "DAG not found"}).encode()
        self.send_response(200 if known else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


def test_trigger_by_api_posts_the_conf_as_the_ui_does_and_returns_the_run_id(monkeypatch):
    server = http.server.HTTPServer(("127.0.0.1", 0), _FakeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    airflow = Standalone(tasks=2)
    try:
        airflow.base = f"http://127.0.0.1:{server.server_port}"
        conf = {"qdanalysis": "/q", "portfolio": "/p/portfolio.yaml", "reports": "/r"}
        assert airflow.trigger_by_api(conf) == "manual__2026-12-05T00:00:00+00:00"
        assert _FakeApi.seen[-1] == (f"/api/v2/dags/{DAG_ID}/dagRuns", "application/json",
                                     {"logical_date": None, "conf": conf})
        monkeypatch.setattr("airflow_standalone.DAG_ID", "no_such_dag")
        with pytest.raises(RuntimeError, match=r"no_such_dag through the REST API failed \(404\):\n.*DAG not found"):
            airflow.trigger_by_api(conf)
    finally:
        server.shutdown()
        server.server_close()
        os.rmdir(airflow.home)


def test_a_benchmarked_run_lasts_until_its_recorded_end_never_beyond_what_the_waiter_saw():
    assert seconds_until(27.4, 29.1) == 27.4  # the poll came 1.7 s after the run's end
    assert seconds_until(None, 29.1) == 29.1  # no end recorded: what the waiter saw
    assert seconds_until(30.0, 29.1) == 29.1  # a clock that ran ahead never lengthens the run


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
