"""One notebook run with papermill, exported to offline HTML (and PDF when asked).

A run writes ``<out>/<label>/<notebook>.ipynb`` and ``.html``, and ``<out>/.runs/<label>/<notebook>.kernel.log`` (the
kernel's own log, kept off the terminal). All three are built under temporary names in the
output folder and renamed into place at the end, under a lock per folder: a killed run
leaves the previous report untouched, and two runs of the same year never interleave. A
notebook that raises (or a cell that runs too long) still produces the notebook and an HTML
stating in Chinese where the run stopped, named ``<notebook>（运行失败）.html`` and written beside
the last good report, which it never replaces.

papermill, nbformat and nbconvert are imported inside the functions so that the CLI starts fast.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

from qdanalysis.atomic import atomic_path, locked
from qdanalysis.errors import Problem, QdanalysisError, ValidationError, display_path
from qdanalysis.fmt import SUMMARY_MIME
from qdanalysis.paths import DATA_RAW, NOTEBOOKS, PROJECT_ROOT
from qdanalysis.run.params import DEFAULT_CELL_TIMEOUT
from qdanalysis.run.results import STATUS_FAILED, STATUS_OK, RunResult

ANNUAL_NOTEBOOK = NOTEBOOKS / "1.0-annual-report.ipynb"
TRENDS_NOTEBOOK = NOTEBOOKS / "2.0-multi-year-trends.ipynb"
# The kernel spec that jupyter_client resolves to the interpreter running us (argv "python"
# is replaced by sys.executable), i.e. the project's .venv: the notebooks import qdanalysis.
KERNEL_NAME = "python3"
PARAMETERS_TAG = "parameters"
LOCK_NAME = "run.lock"
#: The hidden folder beside the reports that holds each run's kernel log and lock.
RUNS_FOLDER = ".runs"
#: One HTML export at a time in a process (``run --portfolio`` drives its runs from threads): an export is
#: Python under the GIL, so two at once are no faster, and each holds the font and the page (~50 MB).
_EXPORTING = threading.Lock()


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


def _import_papermill() -> None:
    """Import papermill without the HDFS support it imports from pyarrow (numpy and pyarrow: ~0.2 s of every run).

    papermill.iorw imports ``pyarrow.fs`` for ``hdfs://`` notebooks and does without it when the import fails; a
    report reads and writes local files only. The block is lifted at once: pandas still imports pyarrow.fs later.
    """
    if "papermill.iorw" in sys.modules or "pyarrow.fs" in sys.modules:
        return
    sys.modules["pyarrow.fs"] = None  # type: ignore[assignment]
    try:
        import papermill.iorw  # noqa: F401
    finally:
        del sys.modules["pyarrow.fs"]


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

    _import_papermill()
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


def notebook_path(path: Path) -> str:
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


def _kernel_manager_class(stderr_path: Path, on_launch: Callable[[], None] | None = None) -> type:
    """A kernel manager whose kernel writes its own log to ``stderr_path``, not the terminal, and that calls
    ``on_launch`` once the kernel's process is started (while it starts up, this process only waits).

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
                if not self._launch_forked(kernel_cmd, kw, log):
                    await super()._async_launch_kernel(kernel_cmd, **kw)
            if on_launch is not None:
                on_launch()

        def _launch_forked(self, kernel_cmd: list[str], kw: dict[str, Any], log: Any) -> bool:
            """Fork the kernel from the zygote of ``run --portfolio`` (:mod:`qdanalysis.run.zygote`), if one serves
            this process; False (the reason in the kernel log) when it cannot, and the kernel is launched normally."""
            from qdanalysis.run import zygote

            if zygote.ACTIVE is None:
                return False
            try:
                process = zygote.launch(kernel_cmd, kw)
            except zygote.ZygoteUnavailable as err:
                log.write(f"qdanalysis: kernel launched normally, not forked by the zygote: {err}\n".encode())
                log.flush()
                return False
            provisioner = self.provisioner
            provisioner.process, provisioner.pid, provisioner.pgid = process, process.pid, process.pid
            provisioner.cwd = kw.get("cwd") or os.getcwd()
            self._reconcile_connection_info(provisioner.connection_info)
            return True

    return QuietKernelManager


#: The papermill engine the runs use: :func:`_register_engine`.
ENGINE = "qdanalysis-save-at-end"


def _register_engine() -> str:
    """Register papermill's nbclient engine that writes the notebook once, when the run ends.

    papermill's own engine writes the whole notebook (every figure in it) before and after each cell and
    at the start and the end, and then once more: 0.3-0.5 s of a report run. This one writes it before the
    kernel starts (no output yet) and when the run ends; a run cut off (a cell over its time, a kernel that died) still leaves what it did, for
    :func:`_mark_stopped`, and a cell that raised is written by papermill with its error banners.
    """
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb

    class SaveAtEnd(NBClientEngine):
        @classmethod
        def execute_notebook(cls, nb, kernel_name, output_path=None, **kwargs):
            for cell in nb.cells:  # papermill gives the cell it adds a random id: the same run, the same files
                if "injected-parameters" in cell.metadata.get("tags", []):
                    cell.id = "injected-parameters"
            if output_path:  # the parameterised notebook, before any output: cheap, and a started run shows
                write_ipynb(nb, output_path)
            try:
                return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
            except BaseException:
                if output_path:
                    write_ipynb(nb, output_path)
                raise

    papermill_engines.register(ENGINE, SaveAtEnd)
    return ENGINE


#: What nbclient raises when a kernel never comes up (no cell has run yet): a kernel that does not
#: answer in time, or one that dies at once, as when two runs starting together race for a port.
KERNEL_START_FAILURES = ("Kernel didn't respond", "Kernel died before replying to kernel_info")
#: Seconds to wait before starting a kernel once more.
KERNEL_RETRY_WAIT = 2.0


def _execute(notebook: Path, output: Path, parameters: dict[str, Any], cell_timeout: int,
             kernel_log: Path, on_launch: Callable[[], None] | None = None) -> str:
    """Execute ``notebook`` into ``output``; return "" or why it failed (Chinese).

    Failures of the notebook itself are results, not exceptions: the partial notebook that
    papermill saved after every cell stays in ``output``. A kernel that does not start
    (:data:`KERNEL_START_FAILURES`) is started once more: no cell has run, so nothing is done twice.
    ``on_launch`` is called each time a kernel process is started.
    """
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    def execute() -> None:
        papermill.execute_notebook(
            str(notebook), str(output), parameters=parameters, engine_name=_register_engine(),
            kernel_name=KERNEL_NAME, language="python",  # the Python translator writes literals
            # The kernel starts in PROJECT_ROOT (nbclient's resources path), and this process stays where it is:
            # papermill's cwd= would chdir the whole process, which runs in parallel threads cannot share.
            resources={"metadata": {"path": str(PROJECT_ROOT)}}, execution_timeout=cell_timeout,
            progress_bar=False, log_output=False, kernel_manager_class=_kernel_manager_class(kernel_log, on_launch),
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
    prepare_export: bool = False,
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
        prepare_export: while the kernel executes, prepare the HTML export: the exporter in a thread of this
            process, the font in a worker process that then subsets it while the page renders
            (:class:`~qdanalysis.present.html_export.ExportPreparation`: the same page, sooner). For a process that
            runs one notebook at a time: each preparation is one more process (~70 MB) until its export.

    Returns:
        The result; a notebook that raised or timed out gives status "failed", with the
        executed part and an HTML that shows the error.

    Raises:
        ValidationError: the notebook has no parameters cell or does not declare a parameter.
        QdanalysisError: ``out_dir`` lies under ``data/raw/``.
    """
    from qdanalysis.present.html_export import ExportPreparation, ExternalResourceError, export_html

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
    failed_nb, failed_html = failed_name(ipynb_path), failed_name(html_path)
    start = time.monotonic()
    with locked(runs / LOCK_NAME):
        _remove_stale_temps(ipynb_path, html_path, log_path, pdf_path, failed_nb, failed_html)
        try:
            with _staged(ipynb_path) as tmp_nb, _staged(html_path) as tmp_html, atomic_path(log_path) as tmp_log:
                prepared = ExportPreparation() if prepare_export else None
                error = _execute(notebook, tmp_nb, values, cell_timeout, tmp_log,
                                 on_launch=prepared.start if prepared is not None else None)
                tmp_log.chmod(0o644)
                tmp_nb.chmod(0o644)  # mkstemp makes 0600; the report folder is shared
                with _EXPORTING:
                    export_html(tmp_nb, tmp_html, title=title, prepared=prepared)
                tmp_html.chmod(0o644)
                # A failed run never replaces the last good report: its pages are published beside it,
                # named as such; a good run removes the error pages of an earlier failure.
                nb_out, html_out = (failed_nb, failed_html) if error else (ipynb_path, html_path)
                os.replace(tmp_nb, nb_out)
                os.replace(tmp_html, html_out)
        except ExternalResourceError as err:
            # Nothing is published: the previous report stays, this one would not open offline.
            return RunResult(label, STATUS_FAILED, time.monotonic() - start, None, None, str(err))
        if error:
            if html_path.exists():
                error += f"（上次成功生成的报告未改动：{display_path(html_path)}）"
            printed, notice = None, ""
        else:
            failed_nb.unlink(missing_ok=True)
            failed_html.unlink(missing_ok=True)
            printed, notice = _print_pdf(html_path, pdf_path) if pdf else (None, "")
    status = STATUS_FAILED if error else STATUS_OK
    return RunResult(label, status, time.monotonic() - start, nb_out, html_out, error, _score_of(nb_out),
                     printed, notice)


#: What the name of a failed run's pages adds: ``1.0-annual-report（运行失败）.html``.
FAILED_MARK = "（运行失败）"


def failed_name(path: Path) -> Path:
    """Where a failed run's page goes, beside the last good report: ``<stem>（运行失败）<suffix>``."""
    return path.with_name(f"{path.stem}{FAILED_MARK}{path.suffix}")


@contextlib.contextmanager
def _staged(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` (hidden, removed on the way out unless moved away by the caller)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
    finally:
        tmp_path.unlink(missing_ok=True)


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
