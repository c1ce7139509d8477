"""Tests for qdanalysis.present.html_export: one offline, self-contained HTML report without code."""

from __future__ import annotations

import base64
import io
import os
import re
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import nbformat
import pytest
from browser import chromium_available, screenshot
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image

from qdanalysis.errors import QdanalysisError
from qdanalysis.present import style
from qdanalysis.present.html_export import ExternalResourceError, export_html, find_external_resources

CODE_MARKER = "qd_hidden_input_marker = 42"
MARKDOWN_TEXT = "专项业务费绩效评价"
TEXT_OUTPUT = "合计 924.68 万元"
ERROR_NAME = "ZeroDivisionError"


def _chart_png() -> str:
    fig, ax = style.new_figure(6, 3.5)
    style.bar_with_undisclosed(ax, ["关键设备维护服务费", "网络线路及安全保障"], [924.68, None])
    ax.set_title("各类别支出")
    style.finish(fig, source="示例", demo=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    matplotlib.pyplot.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _notebook(*extra_cells) -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell(f"# {MARKDOWN_TEXT}\n\n本报告由笔记本自动生成。"),
            new_code_cell(
                f"{CODE_MARKER}\nfig",
                execution_count=1,
                outputs=[new_output("display_data", data={"image/png": _chart_png(), "text/plain": "<Figure>"})],
            ),
            new_code_cell(
                "print(total)",
                execution_count=2,
                outputs=[
                    new_output("stream", name="stdout", text=TEXT_OUTPUT + "\n"),
                    new_output("execute_result", data={"text/plain": "'共 5 类'"}, execution_count=2),
                ],
            ),
            *extra_cells,
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    """The page of :func:`_notebook`, exported once for the module (the tests read it, never change it)."""
    folder = tmp_path_factory.mktemp("report")
    notebook_path = folder / "report.ipynb"
    nbformat.write(_notebook(), notebook_path)
    return export_html(notebook_path, folder / "out" / "report.html", title="2020年度绩效评价报告")


def test_report_has_no_network_reference(report):
    html = report.read_text(encoding="utf-8")

    assert not re.search(r"<script[^>]+src\s*=\s*[\"']?\s*(?:https?:)?//", html, re.IGNORECASE)
    assert not re.search(r"<link[^>]+href\s*=\s*[\"']?\s*(?:https?:)?//", html, re.IGNORECASE)
    for word in ("cdnjs", "mathjax", "require.js", "require.min.js", "mermaid", "unpkg", "jsdelivr"):
        assert word not in html.lower(), word
    assert find_external_resources(html) == []


def test_report_embeds_images_and_hides_code(report):
    html = report.read_text(encoding="utf-8")
    sources = re.findall(r"<img[^>]+src=\"([^\"]{0,40})", html)

    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "qd_hidden_input_marker" not in html
    assert "print(total)" not in html
    assert "共 5 类" in html
    assert "In&nbsp;[1]" not in html and "Out[2]" not in html


def test_report_is_chinese(report):
    html = report.read_text(encoding="utf-8")

    assert '<html lang="zh-CN">' in html
    assert MARKDOWN_TEXT in html and TEXT_OUTPUT in html
    assert "<title>2020年度绩效评价报告</title>" in html
    assert "Microsoft YaHei" in html  # the bureau's PCs have it; the embedded font comes first
    # the one web font is Noto Sans SC, embedded: it renders the text where no Chinese font is installed
    assert html.count("@font-face") == 1 and '@font-face { font-family: "Noto Sans SC";' in html
    assert set(re.findall(r"url\((\w+):", html)) == {"data"}


@pytest.mark.slow
def test_error_output_of_a_failed_cell_is_shown(tmp_path):
    failed = new_code_cell(
        "1 / 0",
        execution_count=3,
        outputs=[
            new_output(
                "error",
                ename=ERROR_NAME,
                evalue="division by zero",
                traceback=[f"\x1b[0;31m{ERROR_NAME}\x1b[0m: division by zero"],
            )
        ],
    )
    # The two banners papermill adds to a failed run (papermill.execute).
    banner = new_markdown_cell(
        '<span style="color:red;">An Exception was encountered at \'<a href="#papermill-error-cell">In [3]</a>\'.</span>',
        metadata={"tags": ["papermill-error-cell-tag"]},
    )
    anchor = new_markdown_cell(
        '<span id="papermill-error-cell" style="color:red;">Execution using papermill encountered an exception'
        " here and stopped:</span>",
        metadata={"tags": ["papermill-error-cell-tag"]},
    )
    notebook = _notebook(anchor, failed)
    notebook.cells.insert(0, banner)
    nbformat.write(notebook, tmp_path / "broken.ipynb")

    html = export_html(tmp_path / "broken.ipynb", tmp_path / "broken.html", title="失败").read_text("utf-8")

    assert ERROR_NAME in html and "division by zero" in html
    assert "本报告不完整" in html and "第 3 个代码单元" in html
    # the reason in words; the traceback folded away for maintainers, without terminal colour codes
    assert "<b>出错原因：</b>division by zero" in html
    folded = html.split('<details class="qd-traceback">')[1].split("</details>")[0]
    assert f"技术细节（供维护人员）：{ERROR_NAME}" in folded and f"{ERROR_NAME}: division by zero" in folded
    assert "\x1b[" not in html and "[0;31m" not in html
    assert 'id="papermill-error-cell"' in html and 'href="#papermill-error-cell"' in html
    assert "An Exception was encountered" not in html and "Execution using papermill" not in html


@pytest.mark.slow
def test_export_replaces_the_old_report_and_leaves_no_temp_file(tmp_path):
    nbformat.write(_notebook(), tmp_path / "report.ipynb")
    target = tmp_path / "report.html"
    target.write_text("旧报告", encoding="utf-8")

    export_html(tmp_path / "report.ipynb", target, title="新报告")

    assert "新报告" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.ipynb"]


@pytest.mark.slow
def test_remote_markdown_image_is_refused(tmp_path):
    remote = new_markdown_cell("![图](https://example.com/chart.png)")
    nbformat.write(_notebook(remote), tmp_path / "remote.ipynb")

    with pytest.raises(ExternalResourceError, match="example.com/chart.png") as info:
        export_html(tmp_path / "remote.ipynb", tmp_path / "remote.html", title="远程")

    assert isinstance(info.value, QdanalysisError)
    assert info.value.urls == ["https://example.com/chart.png"]
    assert not (tmp_path / "remote.html").exists()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="https://cdn.example/x.js"></script>', ["https://cdn.example/x.js"]),
        ("<link rel=stylesheet href=//fonts.example/css>", ["//fonts.example/css"]),
        ("<style>body{background:url('http://a.example/b.png')}</style>", ["http://a.example/b.png"]),
        ('<style>@import "https://a.example/c.css";</style>', ["https://a.example/c.css"]),
        ('<script>import("https://a.example/m.mjs")</script>', ["https://a.example/m.mjs"]),
        ('<a href="https://www.qingdao.gov.cn/">链接</a>', []),
        ('<svg xmlns="http://www.w3.org/2000/svg"></svg>', []),
        ('<img src="data:image/png;base64,AAAA">', []),
    ],
)
def test_find_external_resources(html, expected):
    assert find_external_resources(html) == expected


def _require_chromium() -> None:
    if chromium_available():
        return
    if os.environ.get("CI"):
        pytest.fail("chromium is missing at /usr/bin/chromium but CI is set: .ci/run must install it")
    pytest.skip("chromium is not installed (apt-get install -y chromium)")


@pytest.mark.slow
def test_report_renders_offline_in_chromium(report, tmp_path):
    _require_chromium()
    png = tmp_path / "report.png"

    started = time.perf_counter()
    screenshot(report, png, 1200, 2000)
    elapsed = time.perf_counter() - started

    with Image.open(png) as image:
        rgb = image.convert("RGB")
        assert rgb.size == (1200, 2000)
        colours = rgb.getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50
        non_white = sum(n for n, c in colours if c != (255, 255, 255))
        assert non_white > 0.01 * rgb.size[0] * rgb.size[1]
    assert elapsed < 60


@pytest.mark.slow
def test_the_conclusion_and_the_contents_stand_under_the_title(tmp_path):
    from qdanalysis.fmt import SUMMARY_MIME

    title = new_output("display_data", data={"text/html": '<h1 class="qd-title">2020年报告</h1>'})
    sections = [new_output("display_data", data={"text/markdown": f"## {name}\n\n说明"})
                for name in ("一、项目概况", "九、评分")]
    summary = new_output("display_data", data={SUMMARY_MIME: {"conclusion": ["执行率 98.27%。", "评分：<暂不定级>。"]}})
    nb = new_notebook(cells=[new_code_cell("x", outputs=[title, *sections]), new_code_cell("y", outputs=[summary])])
    path = tmp_path / "r.ipynb"
    nbformat.write(nb, path)

    html = export_html(path, tmp_path / "r.html", title="t").read_text(encoding="utf-8")

    nav = html[html.index("<nav"):html.index("</nav>")]
    assert 'class="qd-top"' in nav.split(">", 1)[0]
    assert html.index('class="qd-title"') < html.index("<nav") < html.index(">一、项目概况<")
    assert "<h2 class=\"qd-top-title\">结论摘要</h2><p>执行率 98.27%。</p><p>评分：&lt;暂不定级&gt;。</p>" in nav
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav)
    assert [text for _, text in links] == ["一、项目概况", "九、评分"]
    for anchor, _ in links:
        assert f'id="{anchor}"' in html  # each link goes to its heading
    assert nbformat.read(path, as_version=4) == nb  # the notebook itself is not changed



def _broken_font_tools(folder: Path, body: str) -> str:
    """A PYTHONPATH on which ``fontTools`` is a package doing ``body`` (a font worker started with it fails)."""
    (folder / "fontTools").mkdir(parents=True)
    (folder / "fontTools" / "__init__.py").write_text(body, encoding="utf-8")
    return os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])


@pytest.mark.slow
def test_a_page_exported_with_the_preparation_is_the_one_exported_without(tmp_path, monkeypatch):
    from qdanalysis.present import font_worker, html_export

    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "processed"))  # no subset kept: each is made
    answered = []
    result = font_worker.FontWorker.result
    monkeypatch.setattr(font_worker.FontWorker, "result", lambda self: answered.append(self.asked) or result(self))
    notebook_path = tmp_path / "report.ipynb"
    nbformat.write(_notebook(), notebook_path)
    prepared = html_export.ExportPreparation()
    prepared.start()
    with_it = export_html(notebook_path, tmp_path / "with.html", title="2020年度绩效评价报告", prepared=prepared)
    (tmp_path / "processed").rename(tmp_path / "processed-with")
    without = export_html(notebook_path, tmp_path / "without.html", title="2020年度绩效评价报告")
    assert with_it.read_bytes() == without.read_bytes()
    # the characters predicted from the notebook were the page's: the subset kept is the worker's
    assert len(answered) == 1 and set(MARKDOWN_TEXT + "2020年度绩效评价报告") <= set(answered[0])
    assert len(list((tmp_path / "processed-with").rglob("*.woff"))) == 1
    with pytest.raises(html_export.ExportPreparationError, match="只能用于一次导出"):
        prepared.take()


@pytest.mark.slow
def test_a_font_worker_that_fails_leaves_the_page_as_it_would_be(tmp_path, monkeypatch):
    from qdanalysis.present import html_export

    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "processed"))
    notebook_path = tmp_path / "report.ipynb"
    nbformat.write(_notebook(), notebook_path)
    without = export_html(notebook_path, tmp_path / "without.html", title="t").read_bytes()
    for entry in (tmp_path / "processed").rglob("*.woff"):
        entry.unlink()
    monkeypatch.setenv("PYTHONPATH", _broken_font_tools(tmp_path / "broken", "raise ImportError('no fontTools')"))
    prepared = html_export.ExportPreparation()
    prepared.start()
    assert export_html(notebook_path, tmp_path / "with.html", title="t", prepared=prepared).read_bytes() == without


def test_a_failure_while_preparing_is_raised_by_the_export(tmp_path, monkeypatch):
    from qdanalysis.present import html_export

    def no_template():
        raise FileNotFoundError("找不到导出模板 qdanalysis_offline")

    monkeypatch.setattr(html_export, "make_exporter", no_template)
    notebook_path = tmp_path / "report.ipynb"
    nbformat.write(_notebook(), notebook_path)
    prepared = html_export.ExportPreparation()
    prepared.start()
    worker = prepared._worker  # stopped with the failed preparation
    started = time.monotonic()
    with pytest.raises(FileNotFoundError, match="找不到导出模板"):
        export_html(notebook_path, tmp_path / "report.html", title="t", prepared=prepared)
    assert time.monotonic() - started < 60 and not (tmp_path / "report.html").exists()
    assert worker._process.poll() is not None


def test_a_preparation_that_does_not_finish_fails_the_export_after_its_timeout(monkeypatch):
    import threading

    from qdanalysis.present import html_export

    release = threading.Event()
    monkeypatch.setattr(html_export, "make_exporter", lambda: release.wait(30))
    prepared = html_export.ExportPreparation(timeout=1.0)
    prepared.start()
    try:
        with pytest.raises(html_export.ExportPreparationError, match="1 秒内未完成"):
            prepared.take()
    finally:
        release.set()


def test_a_preparation_never_started_makes_the_exporter_at_once():
    from qdanalysis.present import html_export

    exporter, template, worker = html_export.ExportPreparation().take()
    assert exporter.template_name == html_export.TEMPLATE_NAME and exporter.exclude_input
    assert template == "" and worker is None


def test_the_page_characters_are_predicted_from_what_each_output_shows():
    from qdanalysis.present.html_export import page_characters

    nb = new_notebook(cells=[
        new_markdown_cell("## 预算"),
        new_code_cell("x = '代码不显示'", outputs=[
            new_output("display_data", data={"text/html": "<p>执行&amp;率</p>", "text/plain": "纯文本不显示"}),
            new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<图>"}),
            new_output("stream", name="stdout", text="合计"),
            new_output("error", ename="错误", evalue="原因", traceback=["追溯"]),
        ]),
    ])
    chars = page_characters(nb, "标题", "…")
    assert set("预算执行率合计错误原因追溯标题…&") <= set(chars)
    assert not set("代码不显纯图") & set(chars) and chars == "".join(sorted(chars))


@pytest.mark.parametrize("kept", [True, False])
def test_the_font_worker_is_stopped_once_whether_its_subset_is_needed_or_not(tmp_path, monkeypatch, kept):
    from qdanalysis.present import html_export
    from qdanalysis.present.font_worker import FontWorkerError

    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "processed"))
    calls = []

    class Worker:
        asked = None

        def ask(self, characters):
            calls.append("ask")
            self.asked = characters

        def result(self):
            raise FontWorkerError("字体子集进程失败")  # the page subsets its characters itself

        def stop(self):
            calls.append("stop")

    class Prepared:
        def take(self):
            return html_export.make_exporter(), "", Worker()

    monkeypatch.setattr(html_export, "cached_font_subset", lambda characters: b"wOFF" if kept else None)
    html = html_export.render_html(_notebook(), title="t", prepared=Prepared())
    assert calls == (["stop"] if kept else ["ask", "stop"]) and "@font-face" in html
