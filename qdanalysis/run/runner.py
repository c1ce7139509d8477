"""Run the parameterised notebooks with papermill and export each run to offline HTML.

One run writes ``<out>/<label>/<notebook>.ipynb`` and ``.html``, and ``<out>/.runs/<label>/<notebook>.kernel.log`` (the
kernel's own log, kept off the terminal). All three are built under temporary names in the
output folder and renamed into place at the end, under a lock per folder: a killed run
leaves the previous report untouched, and two runs of the same year never interleave. A
notebook that raises (or a cell that runs too long) still produces the notebook and an HTML
stating in Chinese where the run stopped; other years are unaffected.

papermill, nbformat and nbconvert are imported inside the functions so that the CLI starts fast.
"""

from __future__ import annotations

import os
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from qdanalysis.atomic import atomic_path, locked
from qdanalysis.domain import is_year_name
from qdanalysis.errors import Problem, QdanalysisError, ValidationError, display_path
from qdanalysis.fmt import SUMMARY_MIME
from qdanalysis.paths import DATA_RAW, NOTEBOOKS, PROJECT_ROOT, REPORTS
from qdanalysis.run.params import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_DATA_ROOT,
    list_param_files,
    load_params,
    load_runner,
    param_file_for,
    validate_params,
)

ANNUAL_NOTEBOOK = NOTEBOOKS / "1.0-annual-report.ipynb"
TRENDS_NOTEBOOK = NOTEBOOKS / "2.0-multi-year-trends.ipynb"
TRENDS_LABEL = "trends"
TRENDS_TITLE = "青岛市大数据局专项业务费多年趋势分析"
# The kernel spec that jupyter_client resolves to the interpreter running us (argv "python"
# is replaced by sys.executable), i.e. the project's .venv: the notebooks import qdanalysis.
KERNEL_NAME = "python3"
PARAMETERS_TAG = "parameters"
LOCK_NAME = "run.lock"
#: The hidden folder beside the reports that holds each run's kernel log and lock.
RUNS_FOLDER = ".runs"


def run_folder(out_dir: Path) -> Path:
    """``<out>/.runs/<label>/`` for the report folder ``<out>/<label>/`` (created)."""
    folder = Path(out_dir).parent / RUNS_FOLDER / Path(out_dir).name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

if "jsonschema" not in sys.modules:
    # nbformat imports jsonschema, whose optional "iri" format checker imports rfc3987_syntax,
    # which compiles a grammar for ~0.8 s on every start (python-jsonschema/jsonschema#1428):
    # 15 % of a report run. jsonschema skips that checker when the import fails, and neither
    # nbformat nor papermill or nbconvert ever checks formats.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

STATUS_OK, STATUS_FAILED = "ok", "failed"
#: A portfolio's project-year whose inputs and code are unchanged since its last successful run.
STATUS_SKIPPED = "skipped"
#: A year that a batch finds but cannot run (a data folder without its params file, or the reverse); its
#: ``error`` says why and what to do. Not a failure: nothing was asked of it that went wrong.
STATUS_NOT_RUN = "not-run"
_STATUS_TEXT = {STATUS_OK: "成功", STATUS_FAILED: "失败", STATUS_SKIPPED: "未变化，跳过", STATUS_NOT_RUN: "跳过"}


@dataclass(frozen=True)
class RunResult:
    """The outcome of one notebook run.

    Attributes:
        label: the year (``"2020"``), ``"trends"``, or a portfolio's ``"<project>/<year>"``.
        status: ``"ok"``, ``"failed"``, ``"skipped"`` (unchanged since its last successful run) or
            ``"not-run"`` (found but not runnable: a data folder without its params file, or the reverse).
        seconds: wall-clock time of the run.
        ipynb: the executed notebook, or None when nothing was written.
        html: the report, or None when nothing was written.
        error: why the run failed or was not run, in Chinese ("" when it succeeded).
        score: the score line the notebook displayed for the runner ("" when it shows none).
        pdf: the A4 PDF of the report (``--pdf``), or None when none was asked for or printed.
        notice: why a PDF that was asked for is missing, in Chinese ("" otherwise); the HTML
            is written all the same and the run keeps its status.
    """

    label: str
    status: str
    seconds: float
    ipynb: Path | None = None
    html: Path | None = None
    error: str = ""
    score: str = ""
    pdf: Path | None = None
    notice: str = ""

    @property
    def ok(self) -> bool:
        return self.status in (STATUS_OK, STATUS_SKIPPED, STATUS_NOT_RUN)


# --------------------------------------------------------------------------- notebooks


def check_notebook(path: str | Path) -> set[str]:
    """Refuse a notebook that papermill could not parameterise, before running it.

    Without a cell tagged ``parameters`` papermill silently ignores the parameters and runs
    the defaults, exiting 0; a report of the wrong year must never come out of that.

    Returns:
        The names the parameters cell assigns.

    Raises:
        ValidationError: the notebook is missing, unreadable, or has no parameters cell.
    """
    import nbformat
    from papermill.translators import PythonTranslator

    path = Path(path)
    source = display_path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise ValidationError(Problem(source, "", None, "", "找不到笔记本文件", "请检查路径")) from None
    except (ValueError, UnicodeDecodeError) as err:  # nbformat.reader.NotJSONError is a ValueError
        raise ValidationError(Problem(source, "", None, "", f"笔记本文件已损坏，无法读取（{err}）",
                                      "请从版本库恢复该笔记本")) from None
    cells = [c for c in nb.cells if c.cell_type == "code" and PARAMETERS_TAG in c.metadata.get("tags", [])]
    if not cells:
        raise ValidationError(Problem(
            source, "", None, "", "笔记本中没有带 parameters 标签的代码单元，无法按年份传入参数",
            "请在 JupyterLab 中选中写有 year = … 的单元，在右侧“属性检查器”中添加标签 parameters"))
    return {p.name for p in PythonTranslator.inspect(cells[0])}


def _literal(value: Any, name: str) -> Any:
    """``value`` as a JSON-like value that papermill's translator writes as a literal.

    papermill falls back to ``f'"{value}"'`` (unescaped) for types it does not know, so
    anything else is refused rather than risk a parameter becoming code.
    """
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple, range)):
        return [_literal(v, name) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _literal(v, name) for k, v in value.items()}
    raise TypeError(f"parameter {name!r}: unsupported type {type(value).__name__}")


def _notebook_path(path: Path) -> str:
    """A data path as the notebook (run in PROJECT_ROOT) should receive it: relative when inside."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(resolved)


def _quiet_papermill_logging() -> None:
    """Keep papermill/nbclient's English log lines off the terminal unless logging is configured.

    Without any handler Python prints warnings through ``logging.lastResort``; the run's
    outcome is reported in Chinese by :class:`RunResult` instead.
    """
    import logging

    logger = logging.getLogger("papermill")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def _mark_stopped(notebook_path: Path, message: str, ename: str) -> None:
    """Record in a partial notebook where a run was cut off (timeout, dead kernel).

    papermill adds error banners only for an exception raised inside a cell. Here the cell
    that was running gets an error output, and the same banners are added so that
    :mod:`qdanalysis.present.html_export` shows the Chinese notice.
    """
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    nb = nbformat.read(notebook_path, as_version=4)
    started = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and c.metadata.get("papermill", {}).get("start_time")]
    exec_count = None
    if started:
        index = started[-1]
        cell = nb.cells[index]
        cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=message, traceback=[message]))
        cell.metadata.setdefault("papermill", {}).update(exception=True, status="failed")
        exec_count = cell.get("execution_count")
        anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
        anchor.metadata["tags"] = [ERROR_MARKER_TAG]
        nb.cells.insert(index, anchor)
    nb.metadata.setdefault("papermill", {})["exception"] = True
    banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % exec_count)
    banner.metadata["tags"] = [ERROR_MARKER_TAG]
    nb.cells.insert(0, banner)
    nbformat.write(nb, notebook_path)


def _kernel_manager_class(stderr_path: Path) -> type:
    """A kernel manager whose kernel writes its own log to ``stderr_path``, not the terminal.

    The kernel process logs in English (for instance "KeyboardInterrupt caught in kernel"
    when a failed run shuts it down); the outcome is reported in Chinese instead, and the
    log stays beside the report for a maintainer. Kernel sockets are CurveZMQ-encrypted
    whenever pyzmq supports it (ipykernel 7 warns on every start otherwise).
    """
    import zmq
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    encrypt = zmq.has("curve")

    class QuietKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _default_transport_encryption(self) -> str:
            return "auto" if encrypt else "disabled"

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # The kernel inherits the descriptor; closing ours after the launch is fine.
            with open(stderr_path, "ab") as log:
                kw["stderr"] = log
                await super()._async_launch_kernel(kernel_cmd, **kw)

    return QuietKernelManager


#: What nbclient raises when a kernel never comes up (no cell has run yet): a kernel that does not
#: answer in time, or one that dies at once, as when two runs starting together race for a port.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying to kernel_info")
#: Seconds to wait before starting a kernel once more.
KERNEL_RETRY_WAIT = 2.0


def _execute(notebook: Path, output: Path, parameters: dict[str, Any], cell_timeout: int,
             kernel_log: Path) -> str:
    """Execute ``notebook`` into ``output``; return "" or why it failed (Chinese).

    Failures of the notebook itself are results, not exceptions: the partial notebook that
    papermill saved after every cell stays in ``output``. A kernel that does not start
    (:data:`KERNEL_START_FAILURES`) is started once more: no cell has run, so nothing is done twice.
    """
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    def execute() -> None:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters,
            kernel_name=KERNEL_NAME, language="python",  # the Python translator writes literals
            cwd=str(PROJECT_ROOT), execution_timeout=cell_timeout,
            progress_bar=False, log_output=False, kernel_manager_class=_kernel_manager_class(kernel_log),
            # Every output is in once the last cell has run: stop the kernel instead of
            # waiting ~0.3 s for it to tear its imports down (nbclient's "graceful" default).
            shutdown_kernel="immediate",
        )

    try:
        try:
            execute()
        except RuntimeError as err:
            if not str(err).startswith(KERNEL_START_FAILURES):
                raise
            time.sleep(KERNEL_RETRY_WAIT)
            try:
                execute()
            except RuntimeError as again:
                if not str(again).startswith(KERNEL_START_FAILURES):
                    raise
                return (f"Python 计算内核未能启动（已重试一次）：{again}"
                        "（请查看运行目录 .runs 中的内核日志；机器负载过高时请减少同时运行的数量，如 --jobs 1）")
    except PapermillExecutionError as err:
        if err.ename == "ValidationError":  # the user's data, not the code: say so plainly
            return f"数据未通过校验：{err.evalue}"
        where = f"第 {err.exec_count} 个代码单元" if err.exec_count else "一个代码单元"
        return f"{where}出错：{err.ename}: {err.evalue}"
    except CellTimeoutError:
        message = f"有一个代码单元运行超过 {cell_timeout} 秒，已被中止"
        _mark_stopped(output, message, "超时")
        return f"{message}（如确需更长时间，请调大运行设置文件 runner.yaml 中的 cell_timeout）"
    except DeadKernelError:
        message = "Python 计算内核意外退出（可能是内存不足或被强制结束）"
        _mark_stopped(output, message, "内核退出")
        return message
    except NoSuchKernel:
        message = f"找不到名为 {KERNEL_NAME} 的 Jupyter 内核（请在项目环境中安装 ipykernel）"
        _mark_stopped(output, message, "内核缺失")
        return message
    return ""


def _remove_stale_temps(*paths: Path) -> None:
    """Delete the temporary files a killed run left beside ``paths``.

    Called with the folder's lock held: no other run is writing there, so every
    hidden ``.<name>.*`` file (``..<name>.*`` for the HTML exporter's own temporary) is a
    leftover of a run that never reached its rename.
    """
    for path in paths:
        for stale in path.parent.glob(f".*{path.name}.*"):
            stale.unlink(missing_ok=True)


def run_notebook(
    notebook: str | Path,
    out_dir: str | Path,
    parameters: dict[str, Any],
    *,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    title: str,
    label: str | None = None,
    pdf: bool = False,
) -> RunResult:
    """Execute one notebook with papermill and export it to one offline HTML file.

    Args:
        notebook: the notebook to run (it is not modified).
        out_dir: folder of the outputs ``<notebook name>.ipynb`` and ``.html`` (the kernel log and the lock go to
            ``<out_dir>/../.runs/<out_dir name>/``).
        parameters: values for the parameters cell; each must be declared there.
        cell_timeout: seconds one cell may run before the run is stopped.
        title: the HTML page title.
        label: what the result is called in progress lines (default: the folder name).
        pdf: also print the HTML to ``<notebook name>.pdf`` (A4) with the system Chromium;
            without Chromium the result's ``notice`` says so and the HTML is still written.

    Returns:
        The result; a notebook that raised or timed out gives status "failed", with the
        executed part and an HTML that shows the error.

    Raises:
        ValidationError: the notebook has no parameters cell or does not declare a parameter.
        QdanalysisError: ``out_dir`` lies under ``data/raw/``.
    """
    from qdanalysis.present.html_export import ExternalResourceError, export_html

    _quiet_papermill_logging()
    notebook = Path(notebook)
    out_dir = Path(out_dir)
    label = label or out_dir.name
    declared = check_notebook(notebook)
    unknown = [name for name in parameters if name not in declared]
    if unknown:
        raise ValidationError([Problem(display_path(notebook), "", None, name,
                                       f"笔记本的 parameters 单元中没有定义参数「{name}」",
                                       f"请在该单元中加一行 {name} = 默认值") for name in unknown])
    values = {}
    for name, value in parameters.items():
        if not _IDENTIFIER.match(name):
            raise ValueError(f"parameter name {name!r} is not a Python identifier")
        values[name] = _literal(value, name)

    raw = DATA_RAW.resolve()
    if out_dir.resolve() == raw or raw in out_dir.resolve().parents:
        raise QdanalysisError(f"报告不能写入 {display_path(out_dir)}：data/raw/ 只存放原始数据（请换一个 --out 目录）")

    ipynb_path = out_dir / notebook.name
    html_path = ipynb_path.with_suffix(".html")
    pdf_path = ipynb_path.with_suffix(".pdf")
    # What is for maintainers (the kernel's log, the lock two runs of one year share) stays out of the
    # folder the finance bureau opens: <out>/.runs/<label>/.
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = run_folder(out_dir)
    log_path = runs / notebook.with_suffix(".kernel.log").name
    start = time.monotonic()
    with locked(runs / LOCK_NAME):
        _remove_stale_temps(ipynb_path, html_path, log_path, pdf_path)
        try:
            with atomic_path(ipynb_path) as tmp_nb, atomic_path(html_path) as tmp_html, \
                    atomic_path(log_path) as tmp_log:
                error = _execute(notebook, tmp_nb, values, cell_timeout, tmp_log)
                tmp_log.chmod(0o644)
                tmp_nb.chmod(0o644)  # mkstemp makes 0600; the report folder is shared
                export_html(tmp_nb, tmp_html, title=title)
        except ExternalResourceError as err:
            # Nothing is published: the previous report stays, this one would not open offline.
            return RunResult(label, STATUS_FAILED, time.monotonic() - start, None, None, str(err))
        printed, notice = _print_pdf(html_path, pdf_path) if pdf else (None, "")
    status = STATUS_FAILED if error else STATUS_OK
    return RunResult(label, status, time.monotonic() - start, ipynb_path, html_path, error, _score_of(ipynb_path),
                     printed, notice)


def _print_pdf(html_path: Path, pdf_path: Path) -> tuple[Path | None, str]:
    """The PDF of a published HTML report, or None and why not (Chinese).

    A PDF is an extra: without Chromium, or when it fails, the HTML stands and the run keeps
    its status; an older PDF beside it is removed so it cannot pass for this run's.
    """
    from qdanalysis.present.pdf import NO_CHROMIUM, PdfError, find_chromium, print_pdf

    chromium = find_chromium()
    try:
        if chromium is None:
            pdf_path.unlink(missing_ok=True)
            return None, NO_CHROMIUM
        return print_pdf(html_path, pdf_path, chromium), ""
    except PdfError as err:
        pdf_path.unlink(missing_ok=True)
        return None, str(err)


def _score_of(ipynb: Path) -> str:
    """The score line an executed notebook displayed for the runner (:data:`~qdanalysis.fmt.SUMMARY_MIME`)."""
    score = notebook_summary(ipynb).get("score")
    return score if isinstance(score, str) else ""


def notebook_summary(ipynb: str | Path) -> dict[str, Any]:
    """The run summary an executed notebook displayed (:data:`~qdanalysis.fmt.SUMMARY_MIME`), or {}.

    The annual notebook displays :func:`qdanalysis.present.summary.run_payload` of its analysis:
    the runner and the portfolio overview read the year's figures from here, never from the HTML.
    """
    import json

    try:
        cells = json.loads(Path(ipynb).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return {}
    for cell in cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(SUMMARY_MIME)
            if isinstance(data, dict):
                return data
    return {}


# --------------------------------------------------------------------------- years


def _out_root(out: str | Path | None) -> Path:
    return Path(out) if out is not None else REPORTS


def _year_params(year: int, root: Path | None, params_file: str | Path | None,
                 params_dir: str | Path | None) -> dict[str, Any]:
    """The validated parameters of ``year``: its params file, or defaults when ``root`` is given."""
    if params_file is not None:
        params = load_params(params_file)
        if params["year"] != year:
            raise ValidationError(Problem(display_path(params_file), "", None, "year",
                                          f"参数文件是 {params['year']} 年的，不是 {year} 年的",
                                          f"请使用 {year}.yaml"))
        return params
    path = param_file_for(year, params_dir)
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
        "data_root": _notebook_path(root_path or params["data_root"]),
    }
    if "title" in declared:
        values["title"] = params["title"]
    return run_notebook(notebook, _out_root(out) / str(params["year"]), values,
                        cell_timeout=params["cell_timeout"], title=params["title"], label=str(year), pdf=pdf)


def _run_year_job(year: int, out: Path | None, root: Path | None, params_file: Path | None,
                  notebook: Path, params_dir: Path | None, pdf: bool = False) -> RunResult:
    """Worker-process entry point: refusals become a failed result of this year only."""
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
            candidates.append((year, path if path.exists() else None))
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
    """Run the annual report of every year, in parallel processes.

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
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

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
        workers = min(len(planned), jobs or default_jobs())
        # spawn, not fork: the parent may hold ZeroMQ threads from an earlier in-process run.
        context = multiprocessing.get_context("spawn")
        out_path = Path(out) if out is not None else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {
                pool.submit(_run_year_job, year, out_path, root_path, path, notebook,
                            Path(params_dir) if params_dir else None, pdf): year
                for year, path in planned
            }
            try:
                for future in as_completed(futures):
                    try:
                        result = future.result()
                    except Exception as err:  # noqa: BLE001 - a crashed worker fails its year only
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
    """
    data_root = Path(root).resolve() if root is not None else PROJECT_ROOT / DEFAULT_DATA_ROOT
    values = {"data_root": _notebook_path(data_root), "years": []}  # [] = every year folder found
    return run_notebook(notebook, _out_root(out) / TRENDS_LABEL, values,
                        cell_timeout=cell_timeout, title=TRENDS_TITLE, label=TRENDS_LABEL, pdf=pdf)


# --------------------------------------------------------------------------- printing


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _label_text(label: str) -> str:
    return "多年趋势" if label == TRENDS_LABEL else label


def format_progress(result: RunResult, done: int, total: int) -> str:
    """One line per finished run: ``[2/5] 2020 成功 12.3 秒 reports/2020/1.0-annual-report.html``."""
    if result.status == STATUS_NOT_RUN:
        return f"[{done}/{total}] 跳过 {_label_text(result.label)}：{result.error}"
    head = f"[{done}/{total}] {_label_text(result.label)} {_STATUS_TEXT[result.status]} {result.seconds:.1f} 秒"
    if result.html is not None:
        head += f" {display_path(result.html)}"
    if result.pdf is not None:
        head += f" {display_path(result.pdf)}"
    if result.error:
        head += f"：{result.error}"
    if result.notice:
        head += f"（{result.notice}）"
    return head


def _outputs(result: RunResult) -> str:
    shown = [display_path(p) for p in (result.html, result.pdf) if p is not None]
    return "、".join(shown) if shown else "（无）"


def format_summary(results: list[RunResult], label_header: str = "年份") -> str:
    """The table printed after a batch: 年份 (a portfolio's 项目/年份), 状态, 用时(秒), 输出 (the HTML, and the
    PDF when one was printed)."""
    header = [label_header, "状态", "用时(秒)", "输出"]
    rows = [[_label_text(r.label), _STATUS_TEXT[r.status], f"{r.seconds:.1f}",
             _outputs(r)] for r in results]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        lines.append("  ".join([*(_pad(c, w) for c, w in zip(row, widths)), row[-1]]).rstrip())
    failed = sum(not r.ok for r in results)
    skipped = sum(r.status == STATUS_SKIPPED for r in results)
    not_run = sum(r.status == STATUS_NOT_RUN for r in results)
    counts = (f"成功 {len(results) - failed - skipped - not_run}，失败 {failed}" + (f"，未变化跳过 {skipped}" if skipped else "")
              + (f"，跳过 {not_run}" if not_run else ""))
    lines.append(f"共 {len(results)} 项：{counts}")
    lines += [f"跳过 {_label_text(r.label)}：{r.error}" for r in results if r.status == STATUS_NOT_RUN]
    lines += [f"{_label_text(r.label)}：{r.score}" for r in results if r.score]
    lines += [f"{_label_text(r.label)}：{r.notice}" for r in results if r.notice]
    return "\n".join(lines)
