"""Section ``airflow`` of ``benchmarks/run.py`` (issue 28 target 7): the portfolio DAG triggered under Airflow's own
scheduler, two tasks at once, against ``qdanalysis run --portfolio --jobs 2`` on the same 6 project-years.

Each DAG run is a child process in Airflow's environment (``.venv-airflow/``, built by ``make airflow-test``):
dags/airflow_standalone.py starts Airflow as a deployment does (scheduler with the LocalExecutor over SQLite, DAG
processor, API server on 127.0.0.1) in a temporary AIRFLOW_HOME with the deployment's settings (dags/airflow.cfg),
triggers the DAG through the REST API (``POST /api/v2/dags/qdanalysis_portfolio/dagRuns``, as the UI's trigger
button and ``airflowctl dags trigger`` do), waits for the run through the same API, and stops every process it
started. What is timed: from the trigger request until the run's end as Airflow recorded it (the run's
``end_date``, set by the scheduler; starting Airflow is not counted: a deployment starts it once). The waiter looks
every 2 s (dags/airflow_standalone.py, BENCH_POLL): each look costs the API server about 16 ms of CPU, which the
reports would otherwise have. The two sides alternate (the DAG first in even runs), each on a cold cache (a store
of its own, ``QDANALYSIS_PROCESSED``).

Until 5 December 2026 the bench triggered with ``airflow dags trigger`` (``make airflow-test``'s first run still
does) and timed until a poll every 0.5 s saw the run succeed: the command spends 1.3-2.5 s importing Airflow
before it creates the run, which counted in the DAG's time, and the polls cost the API server about 1 s of CPU
per run. ``--airflow-trigger cli`` triggers with the command again (timed, as now, until the run's recorded end).

Where the DAG's time goes, from the task instances' queued/start/end times (the API's): the trigger request until
the run is queued; the first task's start until the last one's end; in that span, the seconds the two executor
slots held no running task instance (between a task's end and the next one's start: the task process's exit
noticed by its supervisor, the next task's supervisor and DAG parse, the scheduler's loop, dependencies); and
after the last task, until the run's end.

The DAG's report tasks and its overview run through the report server (qdanalysis.run.report_server, started by
``plan``): the section prints how many commands its children ran and whether it was replaced, and compares every
HTML page of the two sides byte for byte (the 9 reports and the overview). "Two tasks at once" is the DAG's own
limit (``max_active_tasks``, QDANALYSIS_TASKS=2; the executor has two processes more, dags/airflow.cfg): the
section prints the most task instances that ran at once in each run, from their start and end times, and refuses
a run with more.

Both sides are measured by benchmarks/measure.py's sampler, which takes at most 5% of one core (it printed
its share). Sampling every 50 ms whatever it cost, it took 32% of a core during a DAG run (about 25 processes'
``smaps_rollup`` each time) and 21% during ``run --portfolio``'s, and slowed what it measured: in one run each
of the same code, the DAG 36.7 s against 31.6 s with the sampler capped, ``run --portfolio`` 25.0 s against
23.6 s.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import measure as M
from bench_common import heading, row
from measure import median, spread, verdict

AIRFLOW_TARGET = 1.3  # the triggered DAG, two tasks at once, at most this many times run --portfolio --jobs 2
SLOTS = 2  # task instances of the DAG at once (its max_active_tasks, QDANALYSIS_TASKS), as --jobs 2


def _demo_portfolio(tmp: Path, name: str, projects: int, years: int) -> Path:
    from qdanalysis.demo.portfolio import generate_portfolio

    portfolio, _ = generate_portfolio(tmp / name, projects, years)
    return portfolio


def _store(folder: Path) -> dict[str, str]:
    """The environment of a command with its own store and cache (``folder``): a cold cache when new."""
    return {"QDANALYSIS_PROCESSED": str(folder)}


def idle_slot_seconds(tasks: list[dict], slots: int = SLOTS) -> float:
    """Seconds the executor's ``slots`` ran no task instance between the first task's start and the last one's end
    (slot-seconds: two idle slots for one second count two)."""
    spans = [(t["start"], t["end"]) for t in tasks if t.get("start") is not None and t.get("end") is not None]
    if not spans:
        return float("nan")
    first, last = min(s for s, _ in spans), max(e for _, e in spans)
    return slots * (last - first) - sum(e - s for s, e in spans)


def same_pages(a: Path, b: Path) -> tuple[int, list[str]]:
    """How many HTML pages under ``a`` (the reports and the overview) and which of them differ from ``b``'s or are
    missing."""
    pages = sorted(p.relative_to(a) for p in a.rglob("*.html"))
    return len(pages), [str(p) for p in pages if not (b / p).is_file() or (a / p).read_bytes() != (b / p).read_bytes()]


def server_use(reports: Path) -> tuple[int, int]:
    """(commands run by children of the report server: the reports and the overview, servers started) from its
    log."""
    try:
        text = (reports / ".runs" / "report-server.log").read_text(encoding="utf-8")
    except OSError:
        return 0, 0
    return len(re.findall(r": child \d+: ", text)), len(re.findall(r": listening on ", text))


def timeline(result: dict) -> dict:
    """The phases of one triggered run (seconds), from the child's result."""
    tasks = [t for t in result["tasks"] if t.get("start") is not None and t.get("end") is not None]
    first, last = min(t["start"] for t in tasks), max(t["end"] for t in tasks)
    return {"trigger_s": result["trigger_s"], "to_first_task_s": first, "tasks_s": last - first,
            "after_last_task_s": result["run_s"] - last, "idle_slot_s": idle_slot_seconds(tasks),
            "task_instances": len(tasks)}


def bench_airflow(args, tmp: Path) -> dict:
    """The DAG triggered under Airflow's scheduler, two tasks at once, against ``run --portfolio --jobs 2``."""
    heading("13. Airflow: the portfolio DAG under its own scheduler against run --portfolio --jobs 2")
    airflow_python = Path(os.environ.get("AIRFLOW_VENV") or M.PROJECT_ROOT / ".venv-airflow") / "bin" / "python"
    if not airflow_python.exists():
        print("  Airflow: .venv-airflow/ not found, skipped (make airflow-test builds it)")
        return {}
    portfolio = _demo_portfolio(tmp, "p6", 3, 2)
    child = M.PROJECT_ROOT / "dags" / "airflow_standalone.py"
    qd = M.qdanalysis_command()[0]
    trigger = getattr(args, "airflow_trigger", "api")  # --airflow-trigger cli: with `airflow dags trigger`
    dag_t, ours_t, start_t, dag_mb, ours_mb, dag_load, ours_load, phases, tasks, at_once = ([] for _ in range(10))
    sampler: dict[str, list[float]] = {"dag": [], "ours": []}  # the sampler's share of a core, each side
    for i in range(args.runs):
        def dag() -> None:
            r = M.run([str(airflow_python), str(child), str(portfolio), str(tmp / f"dag-{i}"), qd, str(SLOTS),
                       trigger],
                      extra_env=_store(tmp / f"dag-{i}-store"), detached=True)
            result = json.loads(r.stdout.strip().splitlines()[-1])
            if result["state"] != "success" or set(result["states"]) != {"success"}:
                raise RuntimeError(f"the DAG run did not succeed: {result['state']} {result['states']}")
            if result["most_at_once"] > SLOTS:  # the comparison with --jobs 2 would not be a fair one
                raise RuntimeError(f"{result['most_at_once']} task instances ran at once, more than {SLOTS}")
            dag_t.append(result["run_s"])
            start_t.append(result["start_s"])
            dag_mb.append(r.peak_mb)
            dag_load.append(r.others_running)
            sampler["dag"].append(r.sampler_cpu_s / r.seconds)
            phases.append(timeline(result))
            at_once.append(result["most_at_once"])
            tasks.append(result["tasks"])

        def ours() -> None:
            r = M.run(M.qdanalysis_command("run", "--portfolio", str(portfolio), "--out", str(tmp / f"ours-{i}"),
                                           "--jobs", str(SLOTS)), extra_env=_store(tmp / f"ours-{i}-store"))
            ours_t.append(r.seconds)
            ours_mb.append(r.peak_mb)
            ours_load.append(r.others_running)
            sampler["ours"].append(r.sampler_cpu_s / r.seconds)

        for step in ((dag, ours) if i % 2 == 0 else (ours, dag)):
            step()
    ratio = median(dag_t) / median(ours_t)
    row(f"run --portfolio --jobs {SLOTS}, 6 project-years + 3 trends (whole command)",
        f"{median(ours_t):6.1f} s{spread(ours_t)}, peak {median(ours_mb):5.0f} MB, "
        f"others' load {median(ours_load):4.1f}")
    how = "the trigger request (REST API)" if trigger == "api" else "airflow dags trigger"
    row(f"Airflow: {how} until the run's end",
        f"{median(dag_t):6.1f} s{spread(dag_t)}, others' load {median(dag_load):4.1f}")
    row(f"ratio Airflow / run --portfolio --jobs {SLOTS} (target <= {AIRFLOW_TARGET})",
        f"{ratio:6.2f} x   {verdict(ratio <= AIRFLOW_TARGET)}")
    split = {key: median([p[key] for p in phases]) for key in phases[0]}
    row(f"  of which: {'the trigger request (POST, REST API)' if trigger == 'api' else 'the command'}",
        f"{split['trigger_s']:6.1f} s")
    row("  trigger's start until the first task instance starts", f"{split['to_first_task_s']:6.1f} s")
    row(f"  first task's start until the last one's end ({split['task_instances']:.0f} task instances)",
        f"{split['tasks_s']:6.1f} s, of which {SLOTS} slots idle {split['idle_slot_s']:5.1f} slot-s")
    row("  last task's end until the run's end (its end_date)", f"{split['after_last_task_s']:6.1f} s")
    row(f"  most task instances running at once (the DAG's limit {SLOTS})", ", ".join(map(str, at_once)))
    used = [server_use(tmp / f"dag-{i}") for i in range(args.runs)]
    row("  reports and overviews run by the report server's children, servers started",
        ", ".join(f"{a}, {b}" for a, b in used))
    compared = [same_pages(tmp / f"ours-{i}", tmp / f"dag-{i}") for i in range(args.runs)]
    row("  HTML pages (reports, overview) byte-identical to run --portfolio's",
        "; ".join(f"{n - len(d)} of {n}" + (f" (differ: {', '.join(d)})" if d else "") for n, d in compared))
    print(f"  (starting Airflow — db migrate, scheduler, DAG processor, API server until the API lists the DAG and"
          f" answers on its execution API — {median(start_t):.0f} s, not counted; peak memory with Airflow's own"
          f" processes and the report server's {median(dag_mb):.0f} MB)")
    shares = {side: median(values) for side, values in sampler.items()}
    print(f"  (the bench's memory sampler took {100 * shares['dag']:.1f}% of one core during the DAG runs,"
          f" {100 * shares['ours']:.1f}% during run --portfolio's)")
    print(f"  {M.load_line()}")
    return {"trigger": trigger, "run_portfolio_jobs2_s": median(ours_t), "triggered_s": median(dag_t), "ratio": ratio,
            "most_at_once": at_once, "sampler_core_share": shares,
            "airflow_start_s": median(start_t), "airflow_peak_mb": median(dag_mb), "phases": split,
            "server_use": used, "differing_pages": [d for _, d in compared],
            "runs": {"dag_s": dag_t, "run_portfolio_jobs2_s": ours_t}, "task_instances": tasks}
