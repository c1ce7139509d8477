"""Run the years: one year, every year of a folder (in parallel), or the multi-year trends.

Each run is one notebook run (:func:`qdanalysis.run.notebook.run_notebook`); a year that fails is
reported and the other years are unaffected. Results are printed by :mod:`qdanalysis.run.results`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from qdanalysis.domain import DEMO_LABEL, is_year_name
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.paths import PROJECT_ROOT, REPORTS
from qdanalysis.run.notebook import (
    ANNUAL_NOTEBOOK,
    RUNS_FOLDER,
    TRENDS_NOTEBOOK,
    check_notebook,
    notebook_path,
    run_notebook,
)
from qdanalysis.run.params import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_DATA_ROOT,
    list_param_files,
    load_params,
    load_runner,
    param_file_for,
    validate_params,
)
from qdanalysis.run.results import (
    STATUS_FAILED,
    STATUS_NOT_RUN,
    TRENDS_LABEL,
    RunResult,
    format_progress,
    format_summary,
)

TRENDS_TITLE = "青岛市大数据局专项业务费多年趋势分析"


def is_demo_folder(path: str | Path) -> bool:
    """:func:`qdanalysis.read.year.is_demo_folder`, imported when a data root is asked about: qdanalysis.read.year
    imports pandas (0.2-0.4 s), which neither ``run --year`` without ``--root`` nor the runner of
    ``run --portfolio`` (it imports :func:`default_jobs` from here) needs in its own process."""
    from qdanalysis.read.year import is_demo_folder as is_demo

    return is_demo(path)


def _out_root(out: str | Path | None) -> Path:
    return Path(out) if out is not None else REPORTS


def _year_params(year: int, root: Path | None, params_file: str | Path | None,
                 params_dir: str | Path | None) -> dict[str, Any]:
    """The validated parameters of ``year``: its params file, or defaults when ``root`` is given; defaults
    (titled 示例数据) for a demo folder, whatever file the real years' params/ has for the year."""
    if params_file is not None:
        params = load_params(params_file)
        if params["year"] != year:
            raise ValidationError(Problem(display_path(params_file), "", None, "year",
                                          f"参数文件是 {params['year']} 年的，不是 {year} 年的",
                                          f"请使用 {year}.yaml"))
        return params
    path = param_file_for(year, params_dir)
    if root is not None and params_dir is None and is_demo_folder(root / str(year)):
        # 示例数据 never takes a real year's parameters (its title, its thresholds): the defaults, labelled
        return validate_params({"year": year, "title": f"{DEMO_LABEL}：{year}年度绩效评价数据分析（非真实数据）"},
                               f"--year {year}", runner=load_runner(params_dir))
    if path.exists():
        return load_params(path)
    if root is None:
        raise ValidationError(Problem(display_path(path), "", None, "", f"找不到 {year} 年的参数文件",
                                      f"请用 qdanalysis new-year {year} 生成（同时按上一年度预填数据文件夹），"
                                      "或用 --root 指定数据目录按默认参数运行"))
    return validate_params({"year": year}, f"--year {year}", runner=load_runner(params_dir))


def run_year(
    year: int,
    out: str | Path | None = None,
    root: str | Path | None = None,
    params_file: str | Path | None = None,
    *,
    notebook: str | Path = ANNUAL_NOTEBOOK,
    params_dir: str | Path | None = None,
    pdf: bool = False,
) -> RunResult:
    """Run the annual report of ``year`` into ``<out>/<year>/``.

    Args:
        year: the year.
        out: output root (default ``reports/``).
        root: raw-data root, overriding the params file's ``data_root`` (relative to the
            working directory, as typed on the command line).
        params_file: the params file (default ``params/<year>.yaml``; without it and
            without ``root`` the run is refused).
        notebook: the notebook to run.
        params_dir: where the params files live (default ``params/``).
        pdf: also print the report to an A4 PDF beside it (see :func:`run_notebook`).

    Raises:
        ValidationError: the params file or the notebook is refused (nothing was run).
    """
    root_path = Path(root).resolve() if root is not None else None
    params = _year_params(year, root_path, params_file, params_dir)
    declared = check_notebook(notebook)
    values: dict[str, Any] = {
        "year": params["year"],
        "data_root": notebook_path(root_path or params["data_root"]),
    }
    if "title" in declared:
        values["title"] = params["title"]
    if "no_contract_threshold" in declared and params.get("no_contract_threshold") is not None:
        values["no_contract_threshold"] = str(params["no_contract_threshold"])  # a string: exact to the fen
    return run_notebook(notebook, _out_root(out) / str(params["year"]), values,
                        cell_timeout=params["cell_timeout"], title=params["title"], label=str(year), pdf=pdf,
                        prepare_export=True)  # one run at a time in this process (run_all: one per worker)


def _run_year_job(year: int, out: Path | None, root: Path | None, params_file: Path | None,
                  notebook: Path, params_dir: Path | None, pdf: bool = False) -> RunResult:
    """One year of ``run --all`` (in a thread): refusals become a failed result of this year only."""
    start = time.monotonic()
    try:
        return run_year(year, out, root, params_file, notebook=notebook, params_dir=params_dir, pdf=pdf)
    except ValidationError as err:
        return RunResult(str(year), STATUS_FAILED, time.monotonic() - start, error=_problems_text(err))


def _problems_text(err: ValidationError) -> str:
    return "；".join(str(p) for p in err.problems)


def _planned_years(root: Path | None, params_dir: str | Path | None) -> tuple[list[tuple[int, Path | None]], list[RunResult]]:
    """The (year, params file) pairs to run, and the results of the years not run: refused params
    files (failed), and, without ``root``, the years that have a params file or a data folder but
    not both (not run, each saying why)."""
    planned: list[tuple[int, Path | None]] = []
    refused: list[RunResult] = []
    if root is None:
        candidates = [(None, f) for f in list_param_files(params_dir)]
    else:
        if not root.is_dir():
            raise ValidationError(Problem(display_path(root), "", None, "", "找不到数据目录", "请检查 --root"))
        years = sorted(int(d.name) for d in root.iterdir() if d.is_dir() and is_year_name(d.name))
        candidates = []
        for year in years:
            path = param_file_for(year, params_dir)
            # a demo year takes no real year's params/ file
            real = path.exists() and not (params_dir is None and is_demo_folder(root / str(year)))
            candidates.append((year, path if real else None))
    # Without --root the years come from the params files: a data folder beside them is looked for too,
    # so that a year added as a folder alone is named rather than silently left out.
    roots = {(PROJECT_ROOT / DEFAULT_DATA_ROOT).resolve()} if root is None and params_dir is None else set()
    seen: set[int] = set()
    for year, path in candidates:
        if path is None:
            planned.append((year, None))
            continue
        seen.add(int(path.stem))
        try:
            params = load_params(path)
        except ValidationError as err:
            refused.append(RunResult(path.stem, STATUS_FAILED, 0.0, error=_problems_text(err)))
            continue
        if root is None:
            roots.add(params["data_root"])
            folder = params["data_root"] / str(params["year"])
            if not folder.is_dir():
                refused.append(_not_run(params["year"], f"{display_path(path)} 所指的数据文件夹 {display_path(folder)}/ 不存在"
                                        f"（请把{params['year']}年的工作簿放入该文件夹，或检查 data_root）"))
                continue
        planned.append((params["year"], path))
    for data_root in sorted(roots):
        for folder in sorted(data_root.iterdir()) if data_root.is_dir() else ():
            if folder.is_dir() and is_year_name(folder.name) and int(folder.name) not in seen:
                year = int(folder.name)
                seen.add(year)
                refused.append(_not_run(year, f"没有 {display_path(param_file_for(year, params_dir))}"
                                        f"（数据文件夹 {display_path(folder)}/ 已有；可用 qdanalysis new-year {year} --params-only 生成参数文件"
                                        f"，或用 --root {display_path(data_root)} 按默认参数运行）"))
    return planned, sorted(refused, key=lambda r: r.label)


def _not_run(year: int, why: str) -> RunResult:
    return RunResult(str(year), STATUS_NOT_RUN, 0.0, error=why)


def default_jobs() -> int:
    """Runs at once by default: one per CPU, plus one.

    A run is a parent process and a kernel that mostly take turns, and five years on two
    CPUs would otherwise end with one year running alone: with one run more than the CPUs,
    the five demo years take 12.2 s instead of 13.9 s on two cores (five at once: 13.6 s).
    """
    return (os.cpu_count() or 1) + 1


def run_all(
    out: str | Path | None = None,
    root: str | Path | None = None,
    jobs: int | None = None,
    *,
    notebook: str | Path = ANNUAL_NOTEBOOK,
    params_dir: str | Path | None = None,
    stream: TextIO | None = None,
    pdf: bool = False,
) -> list[RunResult]:
    """Run the annual report of every year, in parallel.

    As ``run --portfolio`` (:func:`qdanalysis.run.portfolio.run_portfolio`): each year's notebook runs in a kernel
    process of its own (forked, for two years or more, from one process that imported the kernel's libraries once:
    :mod:`qdanalysis.run.zygote`), and what drives the kernels (papermill, the HTML export) in threads of this process, not
    in worker processes that would each import papermill, nbconvert and fontTools again.

    The years are those of ``params/*.yaml``, or with ``root`` every 4-digit folder in it.
    Every params file is validated first; a refused file fails only its own year. A line
    is printed as each year finishes, then a summary table.

    Args:
        out: output root (default ``reports/``).
        root: raw-data root to scan for year folders (overrides each ``data_root``).
        jobs: at most this many runs at once (default: :func:`default_jobs`).
        notebook: the notebook to run.
        params_dir: where the params files live (default ``params/``).
        stream: where to print (default stdout).
        pdf: also print each report to an A4 PDF beside it (see :func:`run_notebook`).

    Returns:
        One result per year, sorted by year.

    Raises:
        ValidationError: the notebook is refused or there is no year to run (nothing was run).
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    stream = stream or sys.stdout
    notebook = Path(notebook)
    root_path = Path(root).resolve() if root is not None else None
    check_notebook(notebook)
    planned, results = _planned_years(root_path, params_dir)
    total = len(planned) + len(results)
    if total == 0:
        where = display_path(root_path) if root_path else display_path(Path(params_dir or "params"))
        raise ValidationError(Problem(where, "", None, "", "没有找到任何年份",
                                      "params/ 下应有 <年份>.yaml，数据目录下应有 <年份>/ 文件夹"))
    for done, result in enumerate(results, start=1):
        print(format_progress(result, done, total), file=stream, flush=True)

    if planned:
        from qdanalysis.run import zygote

        workers = min(len(planned), jobs or default_jobs())
        out_path = Path(out) if out is not None else None
        # Two years or more: each kernel forked from one process that imported the kernel's libraries once.
        forking = zygote.serving(_out_root(out) / RUNS_FOLDER / "kernel-zygote.log", PROJECT_ROOT) \
            if len(planned) > 1 else contextlib.nullcontext()
        with forking, ThreadPoolExecutor(max_workers=workers, thread_name_prefix="qdanalysis-run") as pool:
            futures = {
                pool.submit(_run_year_job, year, out_path, root_path, path, notebook,
                            Path(params_dir) if params_dir else None, pdf): year
                for year, path in planned
            }
            try:
                for future in as_completed(futures):
                    try:
                        result = future.result()
                    except Exception as err:  # noqa: BLE001 - an internal error fails its year only
                        result = RunResult(str(futures[future]), STATUS_FAILED, 0.0,
                                           error=f"内部错误：{type(err).__name__}: {err}")
                    results.append(result)
                    print(format_progress(result, len(results), total), file=stream, flush=True)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    results.sort(key=lambda r: r.label)
    print(format_summary(results), file=stream, flush=True)
    return results


def run_trends(
    out: str | Path | None = None,
    root: str | Path | None = None,
    *,
    notebook: str | Path = TRENDS_NOTEBOOK,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    pdf: bool = False,
) -> RunResult:
    """Run the multi-year notebook over every year folder into ``<out>/trends/``.

    Args:
        out: output root (default ``reports/``).
        root: raw-data root (default ``data/raw``; relative to the working directory).
        notebook: the notebook to run.
        cell_timeout: seconds one cell may run.
        pdf: also print the report to an A4 PDF beside it (see :func:`run_notebook`).

    Raises:
        ValidationError: ``params/trends.yaml`` is refused (the notebook would refuse it; nothing was run). The
            demo's years (示例数据) read no ``params/`` file and are not refused for it.
    """
    data_root = Path(root).resolve() if root is not None else PROJECT_ROOT / DEFAULT_DATA_ROOT
    if not any(is_demo_folder(p) for p in _year_folders(data_root)):  # 示例数据 reads no params/ file
        from qdanalysis.run.trends_params import load_trends_thresholds

        load_trends_thresholds()  # a refused params/trends.yaml is refused before the kernel starts
    values = {"data_root": notebook_path(data_root), "years": []}  # [] = every year folder found
    return run_notebook(notebook, _out_root(out) / TRENDS_LABEL, values,
                        cell_timeout=cell_timeout, title=trends_title(data_root), label=TRENDS_LABEL, pdf=pdf,
                        prepare_export=True)


def _year_folders(data_root: Path) -> list[Path]:
    return [p for p in data_root.iterdir() if p.is_dir() and is_year_name(p.name)] if data_root.is_dir() else []


def trends_title(data_root: Path) -> str:
    """The trends page's title: the real project's, or 示例数据 when every year folder under ``data_root`` is the
    demo's (the demo is never titled as the bureau's own)."""
    years = _year_folders(data_root)
    if years and all(is_demo_folder(p) for p in years):
        return f"{DEMO_LABEL}：多年趋势分析（非真实数据）"
    return TRENDS_TITLE
