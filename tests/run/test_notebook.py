"""Tests for qdanalysis.run.notebook: papermill runs of tiny fixture notebooks (built by tests/tiny_notebooks.py).

Each fixture notebook does one thing (print its parameters, raise, sleep past the timeout,
lack a parameters cell), like papermill's own test notebooks.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from tiny_notebooks import PRINT_PARAMS, make_notebook, outputs_text

from qdanalysis.errors import QdanalysisError, ValidationError
from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.present.pdf import NO_CHROMIUM, find_chromium
from qdanalysis.run.notebook import check_notebook, run_notebook
from qdanalysis.run.results import STATUS_FAILED, STATUS_OK, format_progress, format_summary

pytestmark = pytest.mark.slow  # each test runs a notebook through papermill and a kernel


@pytest.fixture
def simple(tmp_path) -> Path:
    return make_notebook(tmp_path / "nb" / "report.ipynb", PRINT_PARAMS, "import sys; print(sys.executable)")


def test_run_writes_executed_notebook_and_html(simple, tmp_path):
    out = tmp_path / "out" / "2021"
    result = run_notebook(simple, out, {"year": 2021, "data_root": "data/demo"}, title="测试报告", label="2021")

    assert result.status == STATUS_OK and result.ok and result.error == ""
    assert result.ipynb == out / "report.ipynb" and result.html == out / "report.html"
    text = outputs_text(result.ipynb)
    assert "年份=2021" in text and "目录=data/demo" in text
    assert sys.executable in text  # kernel "python3" is the interpreter running us
    html = result.html.read_text(encoding="utf-8")
    assert "年份=2021" in html
    assert "<title>测试报告</title>" in html
    assert not [p.name for p in out.iterdir() if p.name.startswith(".report")]  # no temp file left
    assert (out.parent / ".runs" / out.name / "report.kernel.log").exists()  # kept apart from the report
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.ipynb"]


def test_a_rerun_writes_the_same_html_byte_for_byte(simple, tmp_path):
    first = run_notebook(simple, tmp_path / "a", {"year": 2021}, title="测试报告")
    second = run_notebook(simple, tmp_path / "b", {"year": 2021}, title="测试报告")
    assert first.html.read_bytes() == second.html.read_bytes()
    injected = [c for c in nbformat.read(second.ipynb, as_version=4).cells
                if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.id for c in injected] == ["injected-parameters"]  # papermill's would be random


def test_parameter_values_never_become_code(tmp_path):
    marker = tmp_path / "pwned"
    title = (
        "\"双引号\" and 'single' ''' \"\"\" \\ \\n \\\\\" 尾\n第二行\r\n"
        "\nimport os; os.system('touch /tmp/pwned')"
        f"\"; import os; os.system('touch {marker}'); x = \""
        f"\\\"; import os; os.system('touch {marker}') #"
    )
    notebook = make_notebook(tmp_path / "title.ipynb", "import json\nprint(json.dumps(title))",
                             parameters='title = "默认"')
    pwned_before = Path("/tmp/pwned").exists()

    result = run_notebook(notebook, tmp_path / "out", {"title": title}, title="注入测试")

    assert result.ok, result.error
    assert not marker.exists()
    assert Path("/tmp/pwned").exists() == pwned_before
    printed = outputs_text(result.ipynb).strip()
    assert json.loads(printed) == title


def test_failed_run_keeps_partial_notebook_and_html_shows_error(tmp_path):
    notebook = make_notebook(tmp_path / "broken.ipynb", "print('第一步完成')",
                             "raise ValueError('预算表缺少合计行')", "print('不应运行')")

    result = run_notebook(notebook, tmp_path / "out", {"year": 2021}, title="失败的报告")

    assert result.status == STATUS_FAILED
    assert "ValueError" in result.error and "预算表缺少合计行" in result.error
    nb = nbformat.read(result.ipynb, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["ValueError"]
    assert "第一步完成" in outputs_text(result.ipynb) and "不应运行" not in outputs_text(result.ipynb)
    html = result.html.read_text(encoding="utf-8")
    assert "本报告不完整" in html and "<b>出错原因：</b>预算表缺少合计行" in html
    assert "An Exception was encountered" not in html
    assert "Traceback" not in html.split('<details class="qd-traceback">')[0]  # folded away for maintainers


def test_a_failed_run_keeps_the_last_good_report_and_writes_its_error_page_beside_it(tmp_path):
    out = tmp_path / "out"
    good = make_notebook(tmp_path / "report.ipynb", PRINT_PARAMS)
    first = run_notebook(good, out, {"year": 2020, "data_root": "x"}, title="报告")
    good_html = first.html.read_bytes()
    make_notebook(tmp_path / "report.ipynb", "raise ValueError('预算表缺少合计行')")

    failed = run_notebook(good, out, {"year": 2020, "data_root": "x"}, title="报告", pdf=True)

    assert failed.status == STATUS_FAILED
    assert failed.html == out / "report（运行失败）.html" and failed.ipynb == out / "report（运行失败）.ipynb"
    assert (out / "report.html").read_bytes() == good_html  # untouched
    assert "本报告不完整" in failed.html.read_text(encoding="utf-8")
    assert failed.error.endswith(f"（上次成功生成的报告未改动：{out / 'report.html'}）")
    assert failed.pdf is None  # an error page is not printed

    make_notebook(tmp_path / "report.ipynb", PRINT_PARAMS)
    again = run_notebook(good, out, {"year": 2020, "data_root": "x"}, title="报告")

    assert again.ok and again.html == out / "report.html"
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.ipynb"]  # the error pages are gone


def test_timeout_stops_the_run_and_html_says_so(tmp_path):
    notebook = make_notebook(tmp_path / "slow.ipynb", "print('开始')",
                             "import time\ntime.sleep(60)", "print('不应运行')")

    start = time.monotonic()
    result = run_notebook(notebook, tmp_path / "out", {}, cell_timeout=1, title="超时的报告")

    assert time.monotonic() - start < 20
    assert result.status == STATUS_FAILED
    assert "超过 1 秒" in result.error
    nb = nbformat.read(result.ipynb, as_version=4)
    stopped = [c for c in nb.cells if c.cell_type == "code" and "time.sleep" in c.source][0]
    assert stopped.outputs[-1].output_type == "error" and "超过 1 秒" in stopped.outputs[-1].evalue
    assert "开始" in outputs_text(result.ipynb)
    html = result.html.read_text(encoding="utf-8")
    assert "本报告不完整" in html and "超过 1 秒" in html


def test_notebook_without_parameters_cell_is_refused_before_running(tmp_path):
    notebook = make_notebook(tmp_path / "plain.ipynb", "year = 2020", "open('ran', 'w')", parameters=None)
    out = tmp_path / "out"

    with pytest.raises(ValidationError, match="没有带 parameters 标签") as info:
        run_notebook(notebook, out, {"year": 2021}, title="x")

    assert info.value.problems[0].file.endswith("plain.ipynb")
    assert not out.exists()
    with pytest.raises(ValidationError, match="parameters"):
        check_notebook(notebook)


def test_undeclared_parameter_is_refused(simple, tmp_path):
    with pytest.raises(ValidationError, match="没有定义参数「colour」"):
        run_notebook(simple, tmp_path / "out", {"year": 2021, "colour": "red"}, title="x")


def test_unsupported_parameter_type_is_refused(simple, tmp_path):
    with pytest.raises(TypeError, match="unsupported type"):
        run_notebook(simple, tmp_path / "out", {"year": object()}, title="x")


def test_reports_are_never_written_under_raw(simple):
    with pytest.raises(QdanalysisError, match="data/raw"):
        run_notebook(simple, PROJECT_ROOT / "data" / "raw" / "reports", {"year": 2020}, title="x")


def _run_in_subprocess(notebook: Path, out: Path, year: int, timeout: int = 600) -> subprocess.Popen:
    code = ("import sys; from qdanalysis.run.notebook import run_notebook; "
            f"r = run_notebook({str(notebook)!r}, {str(out)!r}, {{'year': {year}}}, "
            f"cell_timeout={timeout}, title='并发'); sys.exit(0 if r.ok else 1)")
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_concurrent_runs_of_the_same_year_leave_a_complete_report(simple, tmp_path):
    out = tmp_path / "out"
    procs = [_run_in_subprocess(simple, out, year) for year in (2031, 2032)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()

    nb = nbformat.read(out / "report.ipynb", as_version=4)
    nbformat.validate(nb)
    printed = outputs_text(out / "report.ipynb")
    year = 2031 if "年份=2031" in printed else 2032
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f"年份={year}" in html and f"年份={2063 - year}" not in html  # both files from one run
    assert html.rstrip().endswith("</html>")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.ipynb"]


def test_killed_run_leaves_previous_report(tmp_path):
    good = make_notebook(tmp_path / "good" / "report.ipynb", PRINT_PARAMS)
    slow = make_notebook(tmp_path / "slow" / "report.ipynb", "print('开始')", "import time\ntime.sleep(60)")
    out = tmp_path / "out"
    first = run_notebook(good, out, {"year": 2020}, title="上一次")
    before = {p.name: p.read_bytes() for p in (first.ipynb, first.html)}

    proc = _run_in_subprocess(slow, out, 2021)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".report.ipynb.") and p.stat().st_size for p in out.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None, "the run never started"
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    assert {p.name: p.read_bytes() for p in (first.ipynb, first.html)} == before
    assert run_notebook(good, out, {"year": 2022}, title="下一次").ok
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.ipynb"]  # the leftovers are gone


@pytest.mark.skipif(find_chromium() is None and not os.environ.get("CI"), reason="chromium not installed")
def test_run_with_pdf_prints_an_a4_pdf_beside_the_html(simple, tmp_path):
    out = tmp_path / "out" / "2021"
    result = run_notebook(simple, out, {"year": 2021}, title="测试报告", pdf=True)

    assert result.ok and result.notice == "" and result.pdf == out / "report.pdf"
    info = subprocess.run(["pdfinfo", result.pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M) and re.search(r"^Page size:\s+594.96 x 841.92 pts \(A4\)$", info, re.M)
    text = subprocess.run(["pdftotext", result.pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "年份=2021" in text and "第 1 页，共 1 页" in text
    assert not [p.name for p in out.iterdir() if p.name.startswith(".report")]  # no temp file left


def test_without_chromium_the_html_is_written_and_the_run_says_why_there_is_no_pdf(simple, tmp_path, monkeypatch):
    out = tmp_path / "out" / "2021"
    out.mkdir(parents=True)
    (out / "report.pdf").write_bytes(b"%PDF- an older run's")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no chromium, chrome or chromium-browser to find

    result = run_notebook(simple, out, {"year": 2021}, title="测试报告", label="2021", pdf=True)

    assert result.ok and result.html.exists() and result.pdf is None
    assert result.notice == NO_CHROMIUM and "未找到 Chromium 浏览器" in NO_CHROMIUM and "HTML 报告已生成" in NO_CHROMIUM
    assert not (out / "report.pdf").exists()  # an older PDF cannot pass for this run's
    assert format_progress(result, 1, 1).endswith(f"report.html（{NO_CHROMIUM}）")
    assert format_summary([result]).splitlines()[-1] == f"2021：{NO_CHROMIUM}"


def test_a_kernel_that_does_not_start_is_started_once_more(tmp_path, monkeypatch):
    """Two runs starting kernels at the same moment can race for a port; the kernel then never answers.
    No cell has run, so the run starts it once more rather than failing the year."""
    import papermill

    from qdanalysis.run import notebook as runner

    calls = []

    def flaky(*args, **kwargs):
        calls.append(kwargs["kernel_name"])
        if len(calls) == 1:
            raise RuntimeError("Kernel didn't respond in 60 seconds")

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    monkeypatch.setattr(runner, "KERNEL_RETRY_WAIT", 0)
    assert runner._execute(tmp_path / "a.ipynb", tmp_path / "out.ipynb", {}, 60, tmp_path / "kernel.log") == ""
    assert calls == [runner.KERNEL_NAME, runner.KERNEL_NAME]

    def dead(*args, **kwargs):
        calls.append(kwargs["kernel_name"])
        raise RuntimeError("Kernel died before replying to kernel_info")

    calls.clear()
    monkeypatch.setattr(papermill, "execute_notebook", dead)
    error = runner._execute(tmp_path / "a.ipynb", tmp_path / "out.ipynb", {}, 60, tmp_path / "kernel.log")
    assert len(calls) == 2
    assert error == ("Python 计算内核未能启动（已重试一次）：Kernel died before replying to kernel_info"
                     "（请查看运行目录 .runs 中的内核日志；机器负载过高时请减少同时运行的数量，如 --jobs 1）")

    def other(*args, **kwargs):
        raise RuntimeError("something else")

    monkeypatch.setattr(papermill, "execute_notebook", other)
    with pytest.raises(RuntimeError, match="something else"):  # not a kernel start: not retried, not hidden
        runner._execute(tmp_path / "a.ipynb", tmp_path / "out.ipynb", {}, 60, tmp_path / "kernel.log")


def test_the_export_prepared_while_the_kernel_runs_gives_the_same_page(simple, tmp_path, monkeypatch):
    from qdanalysis.present.html_export import ExportPreparation

    monkeypatch.setenv("QDANALYSIS_PROCESSED", str(tmp_path / "processed"))
    started = []
    start = ExportPreparation.start

    def recorded(self):
        started.append(self)
        start(self)

    monkeypatch.setattr(ExportPreparation, "start", recorded)
    prepared = run_notebook(simple, tmp_path / "a", {"year": 2021}, title="测试报告", prepare_export=True)
    assert len(started) == 1  # once the kernel was launched
    for entry in (tmp_path / "processed").rglob("*.woff"):
        entry.unlink()  # the font subset made again, not taken from the prepared run
    plain = run_notebook(simple, tmp_path / "b", {"year": 2021}, title="测试报告")
    assert len(started) == 1  # the default prepares nothing
    assert prepared.ok and prepared.html.read_bytes() == plain.html.read_bytes()
