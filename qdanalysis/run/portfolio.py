"""Run every project-year of a portfolio, skip what has not changed, and build the overview.

``qdanalysis run --portfolio FILE`` runs the annual notebook for each project-year of the
portfolio file (:mod:`qdanalysis.run.portfolio_file`) into ``<out>/<project>/<year>/``, with the
failure isolation, progress lines and summary table of ``run --all``; each project's trends
report into ``<out>/<project>/trends/`` (:mod:`qdanalysis.run.portfolio_trends`), started right after the
project's years in the same pool of runs; then it writes the finance bureau's overview ``<out>/portfolio/index.html`` and ``portfolio.xlsx``
(:mod:`qdanalysis.present.overview`).

Beside each report the run writes ``summary.json``: the project, the year, the outcome (with
the error of a failed run), the figures the notebook displayed for the runner
(:func:`qdanalysis.present.summary.run_payload`, read from the executed notebook) and the
fingerprint of everything the report depends on. A project-year whose fingerprint equals the
one of its last successful run is skipped: nothing is parsed, the report stays as it is.

The fingerprint is the SHA-256 of: every file of ``<data_root>/<year>/`` (the workbooks and
what they point to), the project's ``<year>.yaml``, ``runner.yaml`` and scoring table, the project's entries
in the portfolio file, the notebook, and every file of the ``qdanalysis`` package with its
version. It does not cover the installed libraries: ``--force`` reruns after an upgrade.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from qdanalysis.domain import is_year_name
from qdanalysis.errors import QdanalysisError, display_path
from qdanalysis.paths import PROJECT_ROOT, REPORTS
from qdanalysis.read.hashes import sha256, source_hashes
from qdanalysis.run.notebook import ANNUAL_NOTEBOOK, check_notebook, notebook_path, notebook_summary, run_notebook
from qdanalysis.run.params import load_params, load_runner, param_file_for, runner_file_for
from qdanalysis.run.portfolio_file import OVERVIEW_FOLDER, Portfolio, Project, load_portfolio
from qdanalysis.run.portfolio_trends import (
    TRENDS_NOTEBOOK,
    check_trends_params,
    crashed_trends,
    run_project_trends,
    trends_label,
    trends_link,
    trends_to_run,
)
from qdanalysis.run.report_key import package_fingerprint
from qdanalysis.run.results import (
    STATUS_FAILED,
    STATUS_NOT_RUN,
    STATUS_OK,
    STATUS_SKIPPED,
    RunResult,
    format_progress,
    format_summary,
)
from qdanalysis.run.runner import default_jobs
from qdanalysis.run.unchanged import (
    SUMMARY_FILE,
    crashed_result,
    read_summary,
    run_unless_unchanged,
    to_run,
    unchanged_result,
    write_summary,
)

LABEL_HEADER = "项目/年份"
#: Bumped when the fingerprint's recipe changes, so that old fingerprints never match.
FINGERPRINT_VERSION = 1


def label_of(project: Project | str, year: int) -> str:
    """``"<project>/<year>"``: how a project-year is named in progress lines, ``--only`` and Airflow."""
    return f"{project.id if isinstance(project, Project) else project}/{year}"


def out_dir_of(out: str | Path | None, project: Project, year: int) -> Path:
    return (Path(out) if out is not None else REPORTS) / project.id / str(year)


def default_report_title(project: Project, year: int) -> str:
    """The title of a project-year whose ``<year>.yaml`` names none."""
    return f"{project.name}{year}年绩效评价数据分析"


# --------------------------------------------------------------------------- planning


def _plan(project: Project, year: int, notebook: Path) -> dict[str, Any]:
    """What one project-year's run is made of: notebook values, title, timeout, the files it reads.

    Raises:
        ValidationError: the project's ``<year>.yaml`` is refused.
    """
    year_file = param_file_for(year, project.params)
    params = load_params(year_file) if year_file.exists() else None
    runner = load_runner(project.params)
    runner_file = runner_file_for(project.params)
    title = params["title"] if params and _explicit_title(year_file) else default_report_title(project, year)
    scoring_file = None
    if project.scoring and Path(project.scoring).is_file():
        scoring_file = Path(project.scoring)
    elif not project.scoring and (project.params / f"scoring-{year}.yaml").is_file():
        scoring_file = project.params / f"scoring-{year}.yaml"
    values: dict[str, Any] = {
        "year": year,
        "data_root": notebook_path(project.data_root),
        "title": title,
        "scoring": project.scoring,
        "params_dir": str(project.params),
    }
    return {
        "values": values,
        "title": title,
        "cell_timeout": runner["cell_timeout"],
        "files": [f for f in (year_file if params else None, runner_file if runner_file.exists() else None,
                              scoring_file) if f is not None],
        "notebook": notebook,
    }


def _explicit_title(year_file: Path) -> bool:
    import yaml

    data = yaml.safe_load(year_file.read_text(encoding="utf-8"))
    return isinstance(data, dict) and "title" in data


def fingerprint(project: Project, year: int, plan: dict[str, Any]) -> str:
    """SHA-256 of everything one project-year's report depends on (see the module docstring)."""
    folder = project.data_root / str(year)
    recipe = {
        "version": FINGERPRINT_VERSION,
        "package": package_fingerprint(),
        "notebook": sha256(plan["notebook"]),
        "project": [project.id, project.name, project.department, str(project.data_root), str(project.params),
                    project.scoring],
        "values": plan["values"],
        "cell_timeout": plan["cell_timeout"],
        "data": source_hashes(folder) if folder.is_dir() else None,
        "files": [[str(f), sha256(f)] for f in plan["files"]],
    }
    return hashlib.sha256(json.dumps(recipe, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- running


def _write_summary(out_dir: Path, project: Project, year: int, result: RunResult, stamp: str) -> None:
    summary = notebook_summary(result.ipynb) if result.ipynb is not None else {}
    write_summary(out_dir, result, stamp,
                  head={"project": project.id, "name": project.name, "department": project.department, "year": year},
                  tail={"summary": summary})


def run_project_year(project: Project, year: int, out: str | Path | None = None, *,
                     notebook: str | Path = ANNUAL_NOTEBOOK, force: bool = False,
                     prepare_export: bool = False) -> RunResult:
    """Run one project-year into ``<out>/<project>/<year>/`` unless it is unchanged; write its summary.

    A refused ``<year>.yaml`` or scoring table fails this project-year only; its summary says why.
    ``prepare_export``: see :func:`~qdanalysis.run.notebook.run_notebook` (for a process with this one run).

    Returns:
        The result: ``"skipped"`` when the inputs and code are those of the last successful run.
    """
    notebook = Path(notebook)
    label = label_of(project, year)
    out_dir = out_dir_of(out, project, year)
    return run_unless_unchanged(
        label, out_dir, force=force,
        prepare=lambda: _plan(project, year, notebook),
        fingerprint=lambda plan: fingerprint(project, year, plan),
        execute=lambda plan: run_notebook(notebook, out_dir, plan["values"], title=plan["title"], label=label,
                                          cell_timeout=plan["cell_timeout"], prepare_export=prepare_export),
        write=lambda result, stamp: _write_summary(out_dir, project, year, result, stamp))


def unchanged_year(project: Project, year: int, out: Path | None, notebook: Path) -> RunResult | None:
    """The skipped result of a project-year that is unchanged, recognised without a worker."""
    return unchanged_result(label_of(project, year), out_dir_of(out, project, year),
                            lambda: _plan(project, year, notebook), lambda plan: fingerprint(project, year, plan))


def select(portfolio: Portfolio, only: list[str] | None) -> list[tuple[Project, int]]:
    """The project-years to run: all, or those ``only`` names (``<project>/<year>`` or ``<project>``; a project's
    trends report ``<project>/trends`` chooses no project-year, see :func:`select_trends`).

    Raises:
        QdanalysisError: ``only`` names a project, year or trends report the portfolio does not list.
    """
    pairs = portfolio.project_years()
    if not only:
        return pairs
    chosen = []
    for name in only:
        hits = [(p, y) for p, y in pairs if name in (p.id, label_of(p, y))]
        if not hits and name not in (trends_label(p) for p in portfolio.projects):
            listed = "、".join([label_of(p, y) for p, y in pairs] + [trends_label(p) for p in portfolio.projects])
            raise QdanalysisError(f"项目组合文件中没有「{name}」（可选：{listed}）")
        chosen += [h for h in hits if h not in chosen]
    return chosen


def select_trends(portfolio: Portfolio, only: list[str] | None) -> list[Project]:
    """The projects whose trends report runs: all, or those ``only`` names as ``<project>/trends`` (an Airflow
    task per project runs each; ``<project>`` alone runs the project's years, not its trends)."""
    if not only:
        return list(portfolio.projects)
    return [p for p in portfolio.projects if trends_label(p) in only]


def unlisted_years(portfolio: Portfolio) -> list[RunResult]:
    """A not-run result for each year folder of a project's data root that its ``years`` do not list.

    The portfolio runs the years it lists; a year added as a folder (``qdanalysis new-year``) is
    named, with what to do, rather than left out in silence.
    """
    out = []
    for project in portfolio.projects:
        for folder in sorted(project.data_root.iterdir()):
            if folder.is_dir() and is_year_name(folder.name) and int(folder.name) not in project.years:
                year = int(folder.name)
                out.append(RunResult(label_of(project, year), STATUS_NOT_RUN, 0.0, error=(
                    f"项目组合文件 {display_path(portfolio.file)} 中项目 {project.id} 的 years 未列出 {year}"
                    f"（数据文件夹 {display_path(folder)}/ 已有；要纳入评价，请把 {year} 加入 years）")))
    return out


#: One run of a portfolio: a project-year ``(project, year)``, or a project's trends report ``(project, None)``.
Job = tuple[Project, int | None]


def _interleave(years: list[tuple[Project, int]], trends: list[Project]) -> list[Job]:
    """The runs in the order they start: each project's trends report right after the project's years.

    The trends notebook reads the years' data, not their reports, so it need not wait for them; started among
    the years, the longer trends runs share the pool with them instead of forming a tail of their own.
    """
    jobs: list[Job] = list(years)
    for project in trends:
        last = max((i for i, (p, _) in enumerate(jobs) if p.id == project.id), default=len(jobs) - 1)
        jobs.insert(last + 1, (project, None))
    return jobs


def _run_job(job: Job, out: Path | None, notebook: Path, trends_notebook: str | Path | None,
             force: bool, prepare_export: bool = False) -> RunResult:
    project, year = job
    if year is None:
        return run_project_trends(project, out, package=package_fingerprint(), force=force,
                                  notebook=Path(trends_notebook).resolve(), prepare_export=prepare_export)
    return run_project_year(project, year, out, notebook=notebook, force=force, prepare_export=prepare_export)


def _crashed(job: Job, out: Path | None, err: BaseException) -> RunResult:
    """The failed result of a run that raised inside the runner (an internal error): it fails that run only."""
    project, year = job
    if year is None:
        return crashed_trends(project, out, err)
    result = crashed_result(label_of(project, year), err)
    _write_summary(out_dir_of(out, project, year), project, year, result, "")
    return result


def run_portfolio(
    portfolio_file: str | Path,
    out: str | Path | None = None,
    jobs: int | None = None,
    *,
    force: bool = False,
    only: list[str] | None = None,
    overview: bool = True,
    notebook: str | Path = ANNUAL_NOTEBOOK,
    stream: TextIO | None = None,
    trends_notebook: str | Path | None = TRENDS_NOTEBOOK,
) -> list[RunResult]:
    """Run every project-year of a portfolio and each project's trends report in parallel, then write the overview.

    Each run's notebook runs in a kernel process of its own (a new one for every run: nothing of one
    project-year can leak into another), forked from one process that imported ipykernel, pandas, matplotlib and
    qdanalysis once (:mod:`qdanalysis.run.zygote`: ~1.4 s of CPU less per run); what drives the kernels (papermill, the HTML export) runs in threads
    of this process, not in one worker process per run: a worker would hold another copy of papermill,
    nbconvert and fontTools (~200 MB each) only to wait for its kernel most of the time. The trends reports
    share the same threads, each started after its project's years (:func:`_interleave`).

    Args:
        portfolio_file: the portfolio file (validated first; a refused file runs nothing).
        out: output root (default ``reports/``).
        jobs: at most this many runs at once (default: one per CPU, plus one).
        force: rerun project-years that are unchanged since their last successful run.
        only: run just these project-years (``<project>/<year>``), projects' years (``<project>``) or projects'
            trends reports (``<project>/trends``); no other trends report runs then.
        overview: write ``<out>/portfolio/`` afterwards (an Airflow task per project-year
            leaves it to the DAG's last task).
        notebook: the annual notebook.
        stream: where to print progress lines and the summary table (default stdout).
        trends_notebook: the multi-year notebook run for each project (None: no trends reports).

    Returns:
        One result per project-year, in the portfolio's order; then, unless ``only`` chooses, one
        not-run result per year folder a project's ``years`` do not list (:func:`unlisted_years`); then
        one result per project's trends report that ran (``<project>/trends``).

    Raises:
        ValidationError: the portfolio file, the notebook or the ``trends.yaml`` of a project whose trends report
            is to run is refused (nothing was run).
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    stream = stream or sys.stdout
    portfolio_file = Path(portfolio_file).resolve()
    notebook = Path(notebook).resolve()
    portfolio = load_portfolio(portfolio_file)
    check_notebook(notebook)
    planned = select(portfolio, only)
    unlisted = [] if only else unlisted_years(portfolio)
    out_path = Path(out).resolve() if out is not None else None
    with_trends = select_trends(portfolio, only) if trends_notebook is not None else []
    check_trends_params(with_trends, trends_notebook)
    total = len(planned) + len(unlisted) + len(with_trends)
    results: dict[str, RunResult] = {}

    def report(result: RunResult) -> None:
        results[result.label] = result
        print(format_progress(result, len(results), total), file=stream, flush=True)

    for result in unlisted:
        report(result)

    # Unchanged project-years are recognised here, without starting a worker or parsing anything.
    years_to_run = to_run(planned, lambda pair: unchanged_year(*pair, out_path, notebook), force=force,
                          report=report)
    trends_projects = trends_to_run(with_trends, out_path, force=force, package=package_fingerprint(),
                                    report=report, notebook=Path(trends_notebook).resolve()) if with_trends else []
    jobs_list = _interleave(years_to_run, trends_projects)
    if jobs_list:
        workers = min(len(jobs_list), jobs or default_jobs())
        # A single report (an Airflow task's --only LABEL) prepares its export while its kernel runs, as run --year
        # does: the same page, sooner. With several, each preparation would be one more process per run at once.
        single = len(jobs_list) == 1
        with _kernel_zygote(out_path, len(jobs_list)), \
                ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qdanalysis-run") as pool:
            futures = {pool.submit(_run_job, job, out_path, notebook, trends_notebook, force, single): job
                       for job in jobs_list}
            try:
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except Exception as err:  # noqa: BLE001 - an internal error fails its project-year only
                        result = _crashed(job, out_path, err)
                    report(result)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    trends = [results[trends_label(p)] for p in with_trends]
    ordered = [results[label_of(p, y)] for p, y in planned] + unlisted + trends
    print(format_summary(ordered, LABEL_HEADER), file=stream, flush=True)
    if overview:
        paths = write_portfolio_overview(portfolio, out_path)
        print(f"财政局总览：{display_path(paths[0])}（表格另存为 {display_path(paths[1])}）", file=stream, flush=True)
    return ordered


def _kernel_zygote(out: Path | None, runs: int) -> contextlib.AbstractContextManager[Any]:
    """The forking kernel launcher (:mod:`qdanalysis.run.zygote`) for two runs or more: each kernel forked from
    one process that imported the kernel's libraries once (its log: ``<out>/.runs/kernel-zygote.log``)."""
    from qdanalysis.run import zygote
    from qdanalysis.run.notebook import RUNS_FOLDER

    if runs < 2:
        return contextlib.nullcontext()
    return zygote.serving((out or REPORTS) / RUNS_FOLDER / "kernel-zygote.log", PROJECT_ROOT)


# --------------------------------------------------------------------------- overview


def overview_entries(portfolio: Portfolio, out: str | Path | None = None) -> list[dict[str, Any]]:
    """One entry per project-year of the portfolio, from its ``summary.json``.

    A project-year that has never run is an entry with its error (未运行), not a missing row.
    """
    root = Path(out) if out is not None else REPORTS
    entries = []
    for project, year in portfolio.project_years():
        out_dir = out_dir_of(root, project, year)
        record = read_summary(out_dir)
        if record is None:
            record = {"status": STATUS_FAILED, "html": None, "summary": {},
                      "error": f"尚未运行（{display_path(out_dir / SUMMARY_FILE)} 不存在），"
                               f"请运行 qdanalysis run --portfolio {display_path(portfolio.file)}"}
        html = record.get("html")
        entries.append({
            "project": project.id, "name": project.name, "department": project.department, "year": year,
            "status": record.get("status", STATUS_FAILED), "error": record.get("error", ""),
            "link": f"../{project.id}/{year}/{html}" if html else None,
            "trends": trends_link(project, root),
            "summary": record.get("summary") or {},
        })
    return entries


def write_portfolio_overview(portfolio: Portfolio | str | Path, out: str | Path | None = None) -> tuple[Path, Path]:
    """Write ``<out>/portfolio/index.html`` and ``portfolio.xlsx`` from the project-years' summaries.

    A font worker (:class:`~qdanalysis.present.font_worker.FontWorker`) is started first: it parses the font while
    this imports pandas and matplotlib and draws the charts, and subsets it while this writes the workbook.
    """
    from qdanalysis.present.font_worker import FontWorker

    if not isinstance(portfolio, Portfolio):
        portfolio = load_portfolio(portfolio)
    root = Path(out) if out is not None else REPORTS
    entries = overview_entries(portfolio, root)
    worker = FontWorker()
    try:
        from qdanalysis.present.overview import write_overview
    except BaseException:
        worker.stop()
        raise
    return write_overview(entries, root / OVERVIEW_FOLDER, title=portfolio.title,
                          threshold=portfolio.flag_execution_below, font_worker=worker)


__all__ = ["run_portfolio", "run_project_year", "write_portfolio_overview", "overview_entries", "fingerprint",
           "read_summary", "select", "label_of", "SUMMARY_FILE", "STATUS_OK", "STATUS_FAILED", "STATUS_SKIPPED"]
