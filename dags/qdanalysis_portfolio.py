"""Airflow DAG: every project-year and every project's trends report of a qdanalysis portfolio as one mapped task
each, then the overview.

The tasks run the project's own command line (``qdanalysis`` in the project's environment) with
BashOperator, so that Airflow's dependencies and the project's never mix: this file imports only
Airflow and the standard library, and the workers need the project's environment at a known path,
not its packages inside Airflow's.

    plan      qdanalysis run --portfolio FILE --out REPORTS --list   the project-years, validated by the project;
                                                            its output: one environment per report to make
    report    qdanalysis run --portfolio FILE --only LABEL  one mapped task per report, retried, failing alone:
                                                            LABEL is a project-year ``<project>/<year>`` or a
                                                            project's trends report ``<project>/trends`` (its
                                                            years' data, not their reports: it need not wait)
    overview  qdanalysis overview --portfolio FILE          runs whatever the others did

As ``qdanalysis run --portfolio`` does in one command. A project-year (or trends report) whose inputs and
code are unchanged since its last successful run is skipped by the command itself (nothing is parsed), so a rerun of the DAG costs little.

The report tasks and the overview share one *report server* (qdanalysis.run.report_server;
QDANALYSIS_REPORT_SERVER=1, set for every task's command): ``plan`` starts it, detached, and each report's command
(and the overview's) is a thin client that hands it the command, environment and output; the server forks a child per report, which runs the command as a
new ``qdanalysis`` process would (its kernel forked from a preloaded zygote, as in ``run --portfolio``), writes
to the task's own log and sends back its exit status: each report still fails and retries alone, and Airflow sees
its real outcome. The server listens on a Unix socket for its own user only, is keyed by the code, environment,
folder and portfolio (one that differs is replaced, never used), and leaves by itself after
QDANALYSIS_REPORT_SERVER_IDLE seconds idle (default 60). When no server can be used, the command runs in its own
process as before and says why in the task's log. Every task runs in the portfolio file's folder (the server is
keyed by it), not in a new temporary folder each.

Configuration (environment of the scheduler and workers; each is also a DAG parameter that a
manual run can override):
    QDANALYSIS_BIN        the project's command (default: ../.venv/bin/qdanalysis beside this file)
    QDANALYSIS_PORTFOLIO  the portfolio file (default: ../params/portfolio.yaml)
    QDANALYSIS_REPORTS    the reports root (default: ../reports); shared storage with several workers
    QDANALYSIS_RETRIES, QDANALYSIS_RETRY_DELAY   retries of a report (default 2, 300 seconds)
    QDANALYSIS_TASKS      task instances of a run at once (default: the machine's cores); Airflow's executor
                          needs two processes more ([core] parallelism, airflow.cfg)
    QDANALYSIS_REPORT_SERVER    1 (default): the reports and the overview through the report server; 0: each in
                                its own process
    QDANALYSIS_REPORT_SERVER_IDLE   seconds the report server waits for work before it leaves (default 60)
Airflow's own settings for running it (and why each): airflow.cfg and README.md beside this file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Param, TriggerRule, get_current_context

CHECKOUT = Path(__file__).resolve().parent.parent
DAG_ID = "qdanalysis_portfolio"
#: "1": each report task's command, and the overview's, is a thin client of the report server
#: (qdanalysis.run.report_server); "0": each runs in its own process.
REPORT_SERVER = os.environ.get("QDANALYSIS_REPORT_SERVER") or "1"


def _setting(name: str, default: Path | str) -> str:
    return os.environ.get(name) or str(default)


DEFAULTS = {
    "qdanalysis": _setting("QDANALYSIS_BIN", CHECKOUT / ".venv" / "bin" / "qdanalysis"),
    "portfolio": _setting("QDANALYSIS_PORTFOLIO", CHECKOUT / "params" / "portfolio.yaml"),
    "reports": _setting("QDANALYSIS_REPORTS", CHECKOUT / "reports"),
}
#: The variables every task's command reads (set from the run's parameters, never interpolated into the command).
_ENV = {
    "QDANALYSIS_BIN": "{{ params.qdanalysis }}",
    "QDANALYSIS_PORTFOLIO": "{{ params.portfolio }}",
    "QDANALYSIS_REPORTS": "{{ params.reports }}",
    "QDANALYSIS_REPORT_SERVER": REPORT_SERVER,
}
#: The folder of every task's command (the portfolio file's), not a new temporary one each: the report server is
#: keyed by it.
_CWD = "{{ params.portfolio.rsplit('/', 1)[0] or '/' }}"

with DAG(
    dag_id=DAG_ID,
    description="专项资金绩效评价：项目组合中每个项目年度的报告，以及财政局总览",
    schedule=None,
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    max_active_runs=1,  # two runs would race for the same reports/ folders
    # How many of its task instances run at once (a report runs one kernel: about one core). The DAG's own limit,
    # not the executor's: a finished task's supervisor holds its executor process up to a second after the task's
    # end (dags/airflow.cfg), and with the executor as the limit each report waited for that second; the
    # scheduler queues the next one as soon as the task's end is recorded.
    max_active_tasks=int(_setting("QDANALYSIS_TASKS", os.cpu_count() or 1)),
    params={key: Param(value, type="string") for key, value in DEFAULTS.items()},
    default_args={
        "retries": int(_setting("QDANALYSIS_RETRIES", 2)),
        "retry_delay": dt.timedelta(seconds=int(_setting("QDANALYSIS_RETRY_DELAY", 300))),
    },
    tags=["qdanalysis"],
) as dag:
    def report_envs(output: str) -> list[dict[str, str]]:
        """One environment per report to make, from ``--list``'s output (its last line: a JSON list of
        ``"<project>/<year>"``), with this run's parameters: each project's trends report first, then the
        project-years, in the portfolio's order.

        The trends reports are the longest runs: started first, they do not form a tail of their own at the end
        of a run with few slots. One mapped task for both kinds, straight from ``plan``, so that no task stands
        between ``plan`` and the reports (each task costs its own start, about a second).
        """
        params = get_current_context()["params"]
        years = json.loads(output)
        trends = [f"{project}/trends" for project in dict.fromkeys(label.split("/")[0] for label in years)]
        return [{"QDANALYSIS_BIN": params["qdanalysis"], "QDANALYSIS_PORTFOLIO": params["portfolio"],
                 "QDANALYSIS_REPORTS": params["reports"], "QDANALYSIS_ONLY": label,
                 "QDANALYSIS_REPORT_SERVER": REPORT_SERVER} for label in trends + years]

    plan = BashOperator(
        task_id="plan",
        bash_command='"$QDANALYSIS_BIN" run --portfolio "$QDANALYSIS_PORTFOLIO" --out "$QDANALYSIS_REPORTS" --list',
        env=_ENV,
        append_env=True,
        cwd=_CWD,
        output_processor=report_envs,
        retries=0,  # a refused portfolio file is not a passing failure
    )

    # One mapped task per report: qdanalysis run --portfolio FILE --only LABEL.
    report = BashOperator.partial(
        task_id="report",
        bash_command=('"$QDANALYSIS_BIN" run --portfolio "$QDANALYSIS_PORTFOLIO" --out "$QDANALYSIS_REPORTS"'
                      ' --only "$QDANALYSIS_ONLY"'),
        append_env=True,
        cwd=_CWD,
        map_index_template="{{ task.env['QDANALYSIS_ONLY'] }}",
    ).expand(env=plan.output)

    overview = BashOperator(
        task_id="overview",
        bash_command='"$QDANALYSIS_BIN" overview --portfolio "$QDANALYSIS_PORTFOLIO" --out "$QDANALYSIS_REPORTS"',
        env=_ENV,
        append_env=True,
        cwd=_CWD,
        trigger_rule=TriggerRule.ALL_DONE,  # a failed project-year shows in its row, it does not stop the page
    )
    report >> overview


if __name__ == "__main__":
    dag.test()
