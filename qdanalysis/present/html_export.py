"""Export an executed notebook to one self-contained HTML file that works offline.

The report is read on an intranet without internet: no script, style sheet, font or
image may come from a network. nbconvert's ``lab`` template links require.js, MathJax
and mermaid from CDNs; the ``qdanalysis_offline`` template shipped in
``qdanalysis/templates/`` empties those blocks (see its index.html.j2).
"""

from __future__ import annotations

import copy
import functools
import os
import re
import tempfile
import threading
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat

from qdanalysis.errors import QdanalysisError, display_path
from qdanalysis.fmt import SUMMARY_MIME
from qdanalysis.present.cache import cached_font_subset, font_subset
from qdanalysis.present.font_worker import FontWorker
from qdanalysis.present.webfont import characters_of, font_face_css

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "qdanalysis_offline"

_REMOTE = r"(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'<>()]+"
# Tags whose src/href/data the browser fetches by itself (an <a href> is only a link).
_FETCHING_TAG = re.compile(
    r"<(?:script|link|img|iframe|frame|source|video|audio|embed|object|track|input|image|use)\b[^>]*>",
    re.IGNORECASE,
)
_FETCHING_ATTR = re.compile(
    rf"""\b(?:src|href|xlink:href|data|poster|srcset)\s*=\s*["']?\s*({_REMOTE})""", re.IGNORECASE
)
_CSS_OR_JS = re.compile(
    rf"""(?:url\(\s*["']?|@import\s+["']|import\(\s*["'])\s*({_REMOTE})""", re.IGNORECASE
)


# papermill marks a failed run with two English Markdown cells carrying this tag.
PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
PAPERMILL_ERROR_ANCHOR = "papermill-error-cell"


class ExternalResourceError(QdanalysisError):
    """The rendered report would fetch something from a network.

    Attributes:
        notebook: the notebook being exported.
        urls: the remote addresses found, in order of appearance.
    """

    def __init__(self, notebook: str | Path, urls: list[str]):
        self.notebook = str(notebook)
        self.urls = urls
        shown = "\n".join(f"  {u}" for u in urls[:10])
        super().__init__(
            f"{display_path(notebook)}：导出的报告引用了 {len(urls)} 个网络资源，内网中无法打开：\n{shown}\n"
            "请把图片改为在笔记本中生成（嵌入报告），不要引用网址。"
        )


def find_external_resources(html: str) -> list[str]:
    """Remote URLs that a browser would fetch when opening ``html``.

    Plain hyperlinks (``<a href>``) and XML namespaces are not fetches and are ignored.
    """
    urls = [m.group(1) for tag in _FETCHING_TAG.finditer(html) for m in _FETCHING_ATTR.finditer(tag.group(0))]
    urls += [m.group(1) for m in _CSS_OR_JS.finditer(html)]
    return list(dict.fromkeys(urls))


def _translate_papermill_banners(nb: nbformat.NotebookNode) -> None:
    """Replace papermill's English failure banners by Chinese ones (in place)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or PAPERMILL_ERROR_TAG not in cell.metadata.get("tags", []):
            continue
        if f'id="{PAPERMILL_ERROR_ANCHOR}"' in cell.source:
            cell.source = (
                f'<div id="{PAPERMILL_ERROR_ANCHOR}" class="qd-run-error">'
                "运行在下面这一步出错并中止，此后的内容没有生成：</div>"
            )
        else:
            found = re.search(r"In \[(\d+)\]", cell.source)
            step = f"第 {found.group(1)} 个代码单元（In [{found.group(1)}]）" if found else "一个代码单元"
            cell.source = (
                f'<div class="qd-run-error">本报告不完整：运行到'
                f'<a href="#{PAPERMILL_ERROR_ANCHOR}">{step}</a>时出错，错误信息见下文红色部分。</div>'
            )


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _fold_tracebacks(nb: nbformat.NotebookNode) -> None:
    """Each error output becomes the reason in words, with the Python traceback folded away (in place).

    The finance bureau reads why the report is incomplete (for a refused workbook, the problems with
    file, sheet, row and column); the traceback stays in a collapsed section for maintainers.
    """
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.get("outputs"):
            continue
        outputs = []
        for out in cell.outputs:
            if out.get("output_type") != "error":
                outputs.append(out)
                continue
            reason = html_escape(str(out.get("evalue") or out.get("ename") or "未知错误")).replace("\n", "<br>")
            trace = html_escape(_ANSI.sub("", "\n".join(out.get("traceback") or [])))
            markup = (f'<div class="qd-run-error-detail"><p><b>出错原因：</b>{reason}</p>'
                      f'<details class="qd-traceback"><summary>技术细节（供维护人员）：{html_escape(str(out.get("ename", "")))}'
                      f"</summary><pre>{trace}</pre></details></div>")
            outputs.append(nbformat.v4.new_output("display_data", data={"text/html": markup}))
        cell.outputs = outputs


def make_exporter() -> HTMLExporter:
    """An HTMLExporter for offline reports: no code, no prompts, no CDN scripts."""
    # nbconvert is imported here, not with the module: a run imports it while its kernel executes
    # (:class:`ExportPreparation`), not before the kernel starts (0.15-0.2 s).
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,  # Markdown images become data: URIs, like PNG outputs
    )


class ExportPreparationError(QdanalysisError):
    """The work prepared for an HTML export while the kernel ran did not finish in time (or was used twice)."""


#: Seconds the export waits for its preparation once the kernel is done (it takes about half a second).
PREPARATION_TIMEOUT = 300.0

#: A notebook with an output of each kind a report has, in ASCII only: rendering it loads and compiles all that a
#: report's rendering needs (templates, Markdown, the HTML post-processing's CSS selectors), and the characters
#: outside ASCII of its page are those of the template alone.
_WARM_UP = nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_markdown_cell("## ready"),
    nbformat.v4.new_code_cell("", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": "<p>ready</p>", "text/plain": "ready"}),
        nbformat.v4.new_output("display_data", data={"text/markdown": "ready", "text/plain": "ready"}),
        nbformat.v4.new_output("stream", name="stdout", text="ready"),
    ]),
])


class ExportPreparation:
    """The exporter and the font worker of an HTML export, made while the kernel executes.

    A run's own process waits, idle, while its kernel computes (3-4 s for 2020): in that time a background thread
    imports nbconvert and renders a small notebook with the exporter the report will use (its templates loaded
    and compiled), and a :class:`~qdanalysis.present.font_worker.FontWorker` process opens and parses the font.
    The export then subsets the font in that process while it renders the page (:func:`render_html`); the page
    is the same as without a preparation. :meth:`start` is called once the kernel is launched, so the
    preparation does not slow the kernel's start; :meth:`take` waits for it. A preparation serves one export.
    """

    def __init__(self, timeout: float = PREPARATION_TIMEOUT):
        self._timeout = timeout
        self._thread: threading.Thread | None = None
        self._worker: FontWorker | None = None
        self._made: tuple[HTMLExporter, str] | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        """Begin preparing: the font worker and a background thread (a second call does nothing)."""
        if self._thread is None:
            self._worker = FontWorker()
            self._thread = threading.Thread(target=self._prepare, name="qdanalysis-export-preparation", daemon=True)
            self._thread.start()

    def _prepare(self) -> None:
        try:
            exporter = make_exporter()
            page, _ = exporter.from_notebook_node(copy.deepcopy(_WARM_UP), resources={"metadata": {"name": "ready"}})
            self._made = (exporter, characters_of(page))
        except BaseException as err:  # noqa: BLE001 - handed to the thread that exports, by take()
            self._error = err

    def take(self) -> tuple[HTMLExporter, str, FontWorker | None]:
        """The exporter, the characters of its template, and the font worker, once ready.

        Without :meth:`start` the exporter is made now, with no worker (and no template characters: none is
        needed without a worker).

        Raises:
            ExportPreparationError: the preparation is still running after the timeout, or was taken already.
            Exception: what the preparation raised (as making the exporter now would raise it).
        """
        if self._thread is None:
            return make_exporter(), "", None
        self._thread.join(self._timeout)
        worker, self._worker = self._worker, None
        if self._thread.is_alive() or self._error is not None or self._made is None:
            if worker is not None:
                worker.stop()
            if self._thread.is_alive():
                raise ExportPreparationError(f"HTML 报告导出的准备工作（加载导出模板）{self._timeout:.0f} 秒内未完成，"
                                             "报告未生成；请检查机器负载后重新运行")
            if self._error is not None:
                raise self._error
            raise ExportPreparationError("HTML 报告导出的准备工作只能用于一次导出")
        (exporter, template), self._made = self._made, None
        return exporter, template, worker


def page_characters(nb: nbformat.NotebookNode, title: str, template: str) -> str:
    """What :func:`~qdanalysis.present.webfont.characters_of` will find in the page of ``nb`` (already prepared for
    rendering), predicted from the notebook: the characters of the template, of the title, of each Markdown cell
    and of what each output shows (its first kind in the exporter's display order that is text, its stream text,
    its error). A prediction: the export uses it only when the rendered page has exactly these characters."""
    texts = [template, title]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            shown = next((kind for kind in _DISPLAY_ORDER if kind in data), None)
            if shown is not None and shown.startswith("text/"):
                value = data[shown]
                texts.append("".join(value) if isinstance(value, list) else str(value))
            if output.get("output_type") == "stream":
                texts.append(str(output.get("text", "")))
            if output.get("output_type") == "error":
                texts.extend(str(output.get(key, "")) for key in ("ename", "evalue", "traceback"))
    found: set[str] = set()
    for text in texts:
        found.update(characters_of(text))
    return "".join(sorted(found))


#: nbconvert's HTML display order (HTMLExporter.default_config): an output shows its first kind in this list.
_DISPLAY_ORDER = ("application/vnd.jupyter.widget-view+json", "application/javascript", "text/html", "text/markdown",
                  "image/svg+xml", "text/vnd.mermaid", "text/latex", "image/png", "image/jpeg", "text/plain")


def render_html(notebook: nbformat.NotebookNode, *, title: str, base_dir: str | Path = ".",
                prepared: ExportPreparation | None = None) -> str:
    """The offline HTML of an (executed) notebook; the notebook is not modified.

    Error outputs (a failed cell) are kept so a failed run is visible in the report, and
    papermill's English failure banners are replaced by Chinese ones. The Chinese font is
    embedded, subset to the page's characters (:func:`~qdanalysis.present.webfont.font_face_css`; a page with the
    same characters reuses the subset kept by :func:`~qdanalysis.present.cache.font_subset`).

    Args:
        notebook: the notebook.
        title: the page title.
        base_dir: folder that relative Markdown image paths are resolved against.
        prepared: the exporter and the font worker made while the kernel ran (:class:`ExportPreparation`),
            waited for here; the worker subsets the font to the predicted characters (:func:`page_characters`)
            while the page renders. None makes the exporter now. The page is the same either way.
    """
    exporter, template, worker = prepared.take() if prepared is not None else (make_exporter(), "", None)
    try:
        nb = copy.deepcopy(notebook)
        nb.metadata["title"] = title
        add_page_top(nb)
        for cell in nb.cells:  # the runner's summary is for the terminal, not for the report
            if cell.get("outputs"):
                cell.outputs = [o for o in cell.outputs if SUMMARY_MIME not in o.get("data", {})]
        _translate_papermill_banners(nb)
        _fold_tracebacks(nb)
        if worker is not None:
            predicted = page_characters(nb, title, template)
            if cached_font_subset(predicted) is None:
                worker.ask(predicted)
            else:  # the page's subset is kept already: the worker ends now, not after the render
                worker.stop()
                worker = None
        resources = {"metadata": {"name": title, "path": str(base_dir)}}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        # The font goes in last: it is subset to the characters of the finished page.
        css = font_face_css(body, subset=functools.partial(_subset, worker=worker))
    finally:
        if worker is not None:
            worker.stop()
    return body.replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)


def _subset(characters: str, worker: FontWorker | None) -> bytes:
    """The font subset to ``characters`` from :func:`~qdanalysis.present.cache.font_subset`, made (when not in the
    cache) by ``worker`` if it was asked for exactly these characters (:meth:`FontWorker.subset`)."""
    if worker is None or worker.asked != characters:
        return font_subset(characters)
    return font_subset(characters, made=functools.partial(worker.subset, characters))


def add_page_top(nb: nbformat.NotebookNode) -> None:
    """Put the report's conclusion and contents under its title (in this copy of the notebook).

    The conclusion is the one the run summary carries (:func:`qdanalysis.present.summary.conclusion_lines`); the
    contents link each section heading (the ``## …`` each section displays) to the anchor nbconvert gives it. They
    go in as an output of their own right after the output that holds the title (at the top without one).
    """
    from html import escape
    from urllib.parse import quote

    conclusion: list[str] = []
    contents: list[tuple[str, str]] = []
    title_at = None
    for cell in nb.cells:
        for i, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            if title_at is None and 'class="qd-title"' in "".join(data.get("text/html", "")):
                title_at = (cell, i)
            summary = data.get(SUMMARY_MIME)
            if isinstance(summary, dict) and isinstance(summary.get("conclusion"), list):
                conclusion = [str(line) for line in summary["conclusion"]]
            text = data.get("text/markdown", "")
            text = "".join(text) if isinstance(text, list) else str(text)
            if text.startswith("## "):
                heading = text[3:].split("\n", 1)[0].strip()
                # as nbconvert.filters.strings._convert_header_id makes a heading's id
                contents.append((heading, quote(heading.replace(" ", "-"), safe="?/:@!$&'()*+,;=")))
    if not (conclusion or contents) or not nb.cells:
        return
    parts = ['<nav class="qd-top" aria-label="结论和目录">']
    if conclusion:
        parts.append('<section class="qd-conclusion"><h2 class="qd-top-title">结论摘要</h2>'
                     + "".join(f"<p>{escape(line)}</p>" for line in conclusion) + "</section>")
    if contents:
        parts.append('<section class="qd-contents"><h2 class="qd-top-title">目录</h2><ol>'
                     + "".join(f'<li><a href="#{escape(anchor)}">{escape(heading)}</a></li>' for heading, anchor in contents)
                     + "</ol></section>")
    parts.append("</nav>")
    output = nbformat.v4.new_output("display_data", data={"text/html": "".join(parts)})
    if title_at is not None:
        cell, i = title_at
        cell.outputs.insert(i + 1, output)
    else:
        cell = nbformat.v4.new_code_cell("", outputs=[output])
        nb.cells.insert(0, cell)


def _write_atomically(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, so readers never see half a file."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)  # mkstemp makes 0600; the report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def export_html(notebook_path: str | Path, html_path: str | Path, *, title: str,
                prepared: ExportPreparation | None = None) -> Path:
    """Export an executed notebook to one self-contained, offline HTML report.

    Args:
        notebook_path: the executed .ipynb (for example papermill's output).
        html_path: where to write the report; its folder is created if needed.
        title: the page title shown in the browser tab.
        prepared: what was made for this export while the kernel ran (see :func:`render_html`).

    Returns:
        The path of the written report.

    Raises:
        ExternalResourceError: the report would load something from a network.
        ExportPreparationError: the preparation did not finish in time.
    """
    notebook_path = Path(notebook_path)
    html_path = Path(html_path)
    notebook = nbformat.read(notebook_path, as_version=4)
    html = render_html(notebook, title=title, base_dir=notebook_path.parent, prepared=prepared)
    remote = find_external_resources(html)
    if remote:
        raise ExternalResourceError(notebook_path, remote)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(html_path, html)
    return html_path

