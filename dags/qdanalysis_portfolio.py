"""Airflow DAG: every project-year and every project's trends report of a qdanalysis portfolio as one mapped task
each, then the overview.

The tasks run the project's own command line (``qdanalysis`` in the project's environment) with
BashOperator, so that Airflow's dependencies and the project's never mix: this file imports only
Airflow and the standard library, and the workers need the project's environment at a known path,
not its packages inside Airflow's.

    plan            qdanalysis run --portfolio FILE --list        the project-years, validated by the project
    project_year    qdanalysis run --portfolio FILE --only P/Y    one mapped task each; retried; fails alone
    project_trends  qdanalysis run --portfolio FILE --only P/trends   each project's trends report (its years'
                                                                  data, not their reports: beside them)
    overview        qdanalysis overview --portfolio FILE          runs whatever the others did

As ``qdanalysis run --portfolio`` does in one command. A project-year (or trends report) whose inputs and
code are unchanged since its last successful run is skipped by the command itself (nothing is parsed), so a rerun of the DAG costs little.

Configuration (environment of the scheduler and workers; each is also a DAG parameter that a
manual run can override):
    QDANALYSIS_BIN        the project's command (default: ../.venv/bin/qdanalysis beside this file)
    QDANALYSIS_PORTFOLIO  the portfolio file (default: ../params/portfolio.yaml)
    QDANALYSIS_REPORTS    the reports root (default: ../reports); shared storage with several workers
    QDANALYSIS_RETRIES, QDANALYSIS_RETRY_DELAY   retries of a project-year (default 2, 300 seconds)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Param, TriggerRule, get_current_context, task

CHECKOUT = Path(__file__).resolve().parent.parent
DAG_ID = "qdanalysis_portfolio"


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
}

with DAG(
    dag_id=DAG_ID,
    description="专项资金绩效评价：项目组合中每个项目年度的报告，以及财政局总览",
    schedule=None,
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    max_active_runs=1,  # two runs would race for the same reports/ folders
    params={key: Param(value, type="string") for key, value in DEFAULTS.items()},
    default_args={
        "retries": int(_setting("QDANALYSIS_RETRIES", 2)),
        "retry_delay": dt.timedelta(seconds=int(_setting("QDANALYSIS_RETRY_DELAY", 300))),
    },
    tags=["qdanalysis"],
) as dag:
    plan = BashOperator(
        task_id="plan",
        bash_command='"$QDANALYSIS_BIN" run --portfolio "$QDANALYSIS_PORTFOLIO" --list',
        env=_ENV,
        append_env=True,
        output_processor=json.loads,  # the command's last line: a JSON list of "<project>/<year>"
        retries=0,  # a refused portfolio file is not a passing failure
    )

    def only_envs(labels: list[str]) -> list[dict[str, str]]:
        """One environment per ``--only`` label, with this run's parameters."""
        params = get_current_context()["params"]
        return [{"QDANALYSIS_BIN": params["qdanalysis"], "QDANALYSIS_PORTFOLIO": params["portfolio"],
                 "QDANALYSIS_REPORTS": params["reports"], "QDANALYSIS_ONLY": label} for label in labels]

    @task
    def project_years(labels: list[str]) -> list[dict[str, str]]:
        """One environment per project-year."""
        return only_envs(labels)

    @task
    def projects_trends(labels: list[str]) -> list[dict[str, str]]:
        """One environment per project (``<project>/trends``, from its years' labels)."""
        return only_envs([f"{project}/trends" for project in dict.fromkeys(label.split("/")[0] for label in labels)])

    def run_only(task_id: str, envs):
        """One mapped task per environment: ``qdanalysis run --portfolio FILE --only LABEL``."""
        return BashOperator.partial(
            task_id=task_id,
            bash_command=('"$QDANALYSIS_BIN" run --portfolio "$QDANALYSIS_PORTFOLIO" --out "$QDANALYSIS_REPORTS"'
                          ' --only "$QDANALYSIS_ONLY"'),
            append_env=True,
            map_index_template="{{ task.env['QDANALYSIS_ONLY'] }}",
        ).expand(env=envs)

    run_project_year = run_only("project_year", project_years(plan.output))
    run_project_trends = run_only("project_trends", projects_trends(plan.output))

    overview = BashOperator(
        task_id="overview",
        bash_command='"$QDANALYSIS_BIN" overview --portfolio "$QDANALYSIS_PORTFOLIO" --out "$QDANALYSIS_REPORTS"',
        env=_ENV,
        append_env=True,
        trigger_rule=TriggerRule.ALL_DONE,  # a failed project-year shows in its row, it does not stop the page
    )
    [run_project_year, run_project_trends] >> overview


if __name__ == "__main__":
    dag.test()
