"""Tests for qdanalysis.run.portfolio: every project-year runs, fails alone, is skipped when unchanged.

The notebook is a tiny fixture that displays a run summary as the annual notebook does and
appends a line to a log each time it runs, so that a skipped project-year is seen not to run.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from openpyxl import load_workbook

from qdanalysis.errors import QdanalysisError, ValidationError
from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.run import cli, zygote
from qdanalysis.run.portfolio import SUMMARY_FILE, read_summary, run_portfolio, select, select_trends
from qdanalysis.run.portfolio_file import load_portfolio

PARAMS = 'year = 2020\ndata_root = "data/raw"\ntitle = "标题"\nscoring = ""\nparams_dir = ""'
DISPLAY = """\
import json, pathlib
from IPython.display import display
with open(pathlib.Path(data_root).parent / "runs.log", "a", encoding="utf-8") as log:
    log.write(f"{year}\\n")
if "broken" in data_root and year == 2020:
    raise ValueError(f"{year}年预算表合计行与明细不符")
budget = 1_000_000 * (year - 2017)
display({"application/vnd.qdanalysis.summary+json": {
    "year": year, "demo": True, "score": f"{title}：总分 {80 + year % 10} 分",
    "budget": f"{budget}.00", "executed": f"{budget * 9 // 10}.00", "execution_rate": 0.9,
    "graded": True, "grade": "良", "total": 80.0 + year % 10, "max_total": 100.0,
    "recurring_share": 0.25 + (year - 2019) / 10, "findings": {"高": 1, "中": year - 2018, "低": 0}}}, raw=True)
print(title, scoring, params_dir)
"""


TRENDS_PARAMS = 'data_root = "data/raw"\nyears = []'
TRENDS_RUN = """\
import pathlib
with open(pathlib.Path(data_root).parent / "trends.log", "a", encoding="utf-8") as log:
    log.write(",".join(map(str, years)) + "\\n")
print("趋势", years)
"""


def make_portfolio(tmp_path: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell(PARAMS), new_code_cell(DISPLAY)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, tmp_path / "annual.ipynb")
    nb = new_notebook(cells=[new_code_cell(TRENDS_PARAMS), new_code_cell(TRENDS_RUN)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, tmp_path / "trends.ipynb")
    for project in ("good", "broken"):
        for year in (2019, 2020):
            (tmp_path / project / "raw" / str(year)).mkdir(parents=True)
            (tmp_path / project / "raw" / str(year) / "预算.xlsx").write_bytes(f"{project}{year}".encode())
        (tmp_path / project / "params").mkdir()
    (tmp_path / "good" / "params" / "2020.yaml").write_text("year: 2020\ntitle: 甲项目二〇二〇年度分析\n",
                                                              encoding="utf-8")
    path = tmp_path / "portfolio.yaml"
    path.write_text("""\
title: 测试总览
projects:
  - {id: good, name: 甲项目, department: 甲局, data_root: good/raw, params: good/params, years: [2019, 2020]}
  - {id: broken, name: 乙项目, department: 乙局, data_root: broken/raw, params: broken/params, years: [2019, 2020]}
""", encoding="utf-8")
    return path


def runs(tmp_path: Path, project: str) -> list[str]:
    log = tmp_path / project / "runs.log"
    return log.read_text(encoding="utf-8").split() if log.exists() else []


@pytest.fixture
def portfolio(tmp_path) -> Path:
    return make_portfolio(tmp_path)


@pytest.fixture(scope="module")
def module_zygote(tmp_path_factory):
    """One zygote for the module's portfolios (started as a portfolio starts one; PYTEST_CURRENT_TEST, which pytest
    sets per test and phase, left out of the environment it shares with its kernels: each kernel still gets the
    environment it asked for)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(zygote, "PER_KERNEL_ENV", zygote.PER_KERNEL_ENV | {"PYTEST_CURRENT_TEST"})
        with zygote.serving(tmp_path_factory.mktemp("zygote") / "kernel-zygote.log", PROJECT_ROOT) as forker:
            zygote.ACTIVE = None
            yield forker


@pytest.fixture
def shared_zygote(module_zygote, monkeypatch):
    """A portfolio of two reports or more forks its kernels from the module's zygote rather than from one it starts
    and stops (test_every_project_year_runs_and_one_failure_stays_in_its_row keeps that, as a user's run)."""

    @contextlib.contextmanager
    def serving(log: Path, cwd: Path):
        assert module_zygote is None or str(cwd) == module_zygote.cwd
        zygote.ACTIVE = module_zygote
        try:
            yield module_zygote
        finally:
            zygote.ACTIVE = None

    monkeypatch.setattr(zygote, "serving", serving)


@pytest.mark.slow
def test_every_project_year_runs_and_one_failure_stays_in_its_row(portfolio, tmp_path):
    stream = io.StringIO()
    out = tmp_path / "reports"

    results = run_portfolio(portfolio, out, jobs=2, notebook=tmp_path / "annual.ipynb", stream=stream,
                            trends_notebook=tmp_path / "trends.ipynb")

    assert [(r.label, r.status) for r in results] == [
        ("good/2019", "ok"), ("good/2020", "ok"), ("broken/2019", "ok"), ("broken/2020", "failed"),
        ("good/trends", "ok"), ("broken/trends", "ok")]  # each project's trends, over the years it lists
    assert "2020年预算表合计行与明细不符" in results[3].error
    assert (tmp_path / "good" / "trends.log").read_text(encoding="utf-8") == "2019,2020\n"
    assert results[4].html == out / "good" / "trends" / "trends.html" and results[4].html.is_file()
    assert "甲项目2019—2020年趋势分析" in results[4].html.read_text(encoding="utf-8")
    for r in results[:4]:
        project, year = r.label.split("/")
        name = "annual.html" if r.ok else "annual（运行失败）.html"  # a failed year's page is named as such
        assert r.html == out / project / year / name and r.html.is_file()
    good = read_summary(out / "good" / "2020")
    assert good["status"] == "ok" and good["name"] == "甲项目" and good["department"] == "甲局"
    assert good["summary"]["budget"] == "3000000.00" and good["summary"]["findings"] == {"高": 1, "中": 2, "低": 0}
    assert len(good["fingerprint"]) == 64
    broken = read_summary(out / "broken" / "2020")
    assert broken["status"] == "failed" and "合计行与明细不符" in broken["error"] and broken["fingerprint"] == ""
    # the project's own 2020.yaml gives the title; without one the title is the project's name and year
    assert "甲项目二〇二〇年度分析" in (out / "good" / "2020" / "annual.html").read_text(encoding="utf-8")
    assert "甲项目2019年绩效评价数据分析" in (out / "good" / "2019" / "annual.html").read_text(encoding="utf-8")
    assert str((tmp_path / "good" / "params").resolve()) in (out / "good" / "2019" / "annual.html").read_text(
        encoding="utf-8")
    printed = stream.getvalue()
    assert "[6/6]" in printed and "项目/年份" in printed and "成功 5，失败 1" in printed
    assert "broken/2020 失败" in printed and "财政局总览：" in printed
    html = (out / "portfolio" / "index.html").read_text(encoding="utf-8")
    table = html[html.index('<table class="qd-sortable">'):]
    assert table.count("<tr") == 5 and "失败：" in html and "2020年预算表合计行与明细不符" in html
    assert 'href="../good/2020/annual.html"' in html
    assert table.count('href="../good/trends/trends.html"') == 2  # on each of the project's rows
    ws = load_workbook(out / "portfolio" / "portfolio.xlsx")["总览"]
    assert [ws.cell(row=r, column=3).value for r in range(3, 7)] == [2019, 2020, 2019, 2020]


@pytest.mark.slow
def test_a_year_folder_the_portfolio_does_not_list_is_named_not_run(portfolio, shared_zygote, tmp_path):
    (tmp_path / "good" / "raw" / "2021").mkdir()  # added with new-year, years: not yet updated
    stream = io.StringIO()

    results = run_portfolio(portfolio, tmp_path / "reports", jobs=2, notebook=tmp_path / "annual.ipynb",
                            stream=stream, overview=False, trends_notebook=None)

    assert [(r.label, r.status) for r in results][-1] == ("good/2021", "not-run")
    assert len(results) == 5 and sorted(runs(tmp_path, "good")) == ["2019", "2020"]
    skip = (f"跳过 good/2021：项目组合文件 {portfolio} 中项目 good 的 years 未列出 2021"
            f"（数据文件夹 {tmp_path / 'good' / 'raw' / '2021'}/ 已有；要纳入评价，请把 2021 加入 years）")
    printed = stream.getvalue().splitlines()
    assert printed[0] == f"[1/5] {skip}"
    counts = printed.index("共 5 项：成功 3，失败 1，跳过 1")
    assert printed[counts + 1] == skip
    assert not (tmp_path / "reports" / "good" / "2021").exists()
    # --only runs what it names, and names nothing else
    chosen = run_portfolio(portfolio, tmp_path / "reports", notebook=tmp_path / "annual.ipynb", stream=io.StringIO(),
                           only=["good/2019"], overview=False)
    assert [r.label for r in chosen] == ["good/2019"]


@pytest.mark.slow
def test_an_unchanged_project_year_is_skipped_and_force_reruns_it(portfolio, shared_zygote, tmp_path):
    out = tmp_path / "reports"
    notebook, trends = tmp_path / "annual.ipynb", tmp_path / "trends.ipynb"
    run_portfolio(portfolio, out, jobs=2, notebook=notebook, stream=io.StringIO(), trends_notebook=trends)
    assert sorted(runs(tmp_path, "good")) == ["2019", "2020"]
    before = (out / "good" / "2019" / "annual.html").stat().st_mtime_ns

    stream = io.StringIO()
    results = run_portfolio(portfolio, out, jobs=2, notebook=notebook, stream=stream, trends_notebook=trends)

    assert [r.status for r in results] == ["skipped", "skipped", "skipped", "failed", "skipped", "skipped"]
    assert (tmp_path / "good" / "trends.log").read_text(encoding="utf-8") == "2019,2020\n"  # ran once
    assert sorted(runs(tmp_path, "good")) == ["2019", "2020"]  # nothing of project good ran again
    assert runs(tmp_path, "broken").count("2020") == 2  # a failed project-year is always retried
    assert (out / "good" / "2019" / "annual.html").stat().st_mtime_ns == before
    assert "good/2019 未变化，跳过" in stream.getvalue() and "未变化跳过 5" in stream.getvalue()
    assert "总分 80 分" in stream.getvalue()  # the score line of the last successful run

    (tmp_path / "good" / "raw" / "2020" / "预算.xlsx").write_bytes(b"changed")
    (tmp_path / "good" / "params" / "scoring-2019.yaml").write_text("name: x\n", encoding="utf-8")
    results = run_portfolio(portfolio, out, notebook=notebook, only=["good"], overview=False, stream=io.StringIO())
    assert [(r.label, r.status) for r in results] == [("good/2019", "ok"), ("good/2020", "ok")]

    results = run_portfolio(portfolio, out, notebook=notebook, only=["good/2019"], force=True, overview=False,
                            stream=io.StringIO())
    assert [(r.label, r.status) for r in results] == [("good/2019", "ok")]

    # a project's trends report alone, as the Airflow DAG's task for it runs it
    results = run_portfolio(portfolio, out, notebook=notebook, only=["good/trends"], force=True, overview=False,
                            stream=io.StringIO(), trends_notebook=trends)
    assert [(r.label, r.status) for r in results] == [("good/trends", "ok")]
    assert (tmp_path / "good" / "trends.log").read_text(encoding="utf-8") == "2019,2020\n" * 2
    assert sorted(runs(tmp_path, "good")) == ["2019", "2019", "2019", "2020", "2020"]  # no year ran with it
    assert sorted(runs(tmp_path, "good")) == ["2019", "2019", "2019", "2020", "2020"]


@pytest.mark.slow
def test_a_changed_notebook_means_a_rerun(portfolio, tmp_path):
    out = tmp_path / "reports"
    notebook = tmp_path / "annual.ipynb"
    run_portfolio(portfolio, out, notebook=notebook, only=["good/2019"], overview=False, stream=io.StringIO())
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(new_code_cell("print('新增一节')"))
    nbformat.write(nb, notebook)

    results = run_portfolio(portfolio, out, notebook=notebook, only=["good/2019"], overview=False,
                            stream=io.StringIO())

    assert results[0].status == "ok" and runs(tmp_path, "good") == ["2019", "2019"]


def test_the_runner_settings_of_a_project_count_in_its_fingerprint(portfolio, tmp_path):
    from qdanalysis.run.portfolio import _plan, fingerprint

    project = next(p for p in load_portfolio(portfolio).projects if p.id == "good")
    notebook = tmp_path / "annual.ipynb"
    before = _plan(project, 2020, notebook)
    (project.params / "runner.yaml").write_text("cell_timeout: 45\n", encoding="utf-8")
    after = _plan(project, 2020, notebook)

    assert (before["cell_timeout"], after["cell_timeout"]) == (600, 45)
    assert project.params / "runner.yaml" in after["files"]
    assert fingerprint(project, 2020, before) != fingerprint(project, 2020, after)


@pytest.mark.slow
def test_a_runner_setting_left_in_a_year_file_fails_its_project_year_with_where_to_move_it(portfolio, tmp_path):
    (tmp_path / "good" / "params" / "2019.yaml").write_text("year: 2019\ncell_timeout: 600\n", encoding="utf-8")

    results = run_portfolio(portfolio, tmp_path / "reports", notebook=tmp_path / "annual.ipynb", only=["good/2019"],
                            overview=False, stream=io.StringIO())

    assert results[0].status == "failed" and runs(tmp_path, "good") == []
    assert "2019.yaml:2:cell_timeout" in results[0].error and "runner.yaml" in results[0].error


@pytest.mark.slow
def test_a_refused_year_file_fails_only_its_project_year(portfolio, shared_zygote, tmp_path):
    (tmp_path / "broken" / "params" / "2019.yaml").write_text("year: 2019\ncolour: red\n", encoding="utf-8")
    out = tmp_path / "reports"

    results = run_portfolio(portfolio, out, notebook=tmp_path / "annual.ipynb", only=["broken/2019", "good/2019"],
                            stream=io.StringIO())

    assert [(r.label, r.status) for r in results] == [("broken/2019", "failed"), ("good/2019", "ok")]
    assert "不认识的参数「colour」" in results[0].error
    assert "colour" in read_summary(out / "broken" / "2019")["error"]
    html = (out / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert "不认识的参数「colour」" in html and "尚未运行" in html  # the two project-years never run keep rows too


def test_only_names_what_the_portfolio_lists(portfolio):
    p = load_portfolio(portfolio)

    assert [(x.id, y) for x, y in select(p, ["broken", "good/2020"])] == [("broken", 2019), ("broken", 2020),
                                                                          ("good", 2020)]
    with pytest.raises(QdanalysisError, match="没有「good/2018」（可选：good/2019、good/2020、broken/2019、broken/2020、"
                                              "good/trends、broken/trends）"):
        select(p, ["good/2018"])
    # a project's trends report is chosen by <project>/trends, and chooses none of its years
    assert select(p, ["good/trends"]) == [] and [x.id for x in select_trends(p, ["good/trends"])] == ["good"]
    assert select_trends(p, ["good", "broken/2019"]) == [] and len(select_trends(p, None)) == 2
    with pytest.raises(QdanalysisError, match="没有「other/trends」"):
        select(p, ["other/trends"])


def test_a_refused_portfolio_runs_nothing(tmp_path):
    path = tmp_path / "portfolio.yaml"
    path.write_text("projects:\n  - id: a\n", encoding="utf-8")

    with pytest.raises(ValidationError, match="缺少「name」"):
        run_portfolio(path, tmp_path / "reports", stream=io.StringIO())
    assert not (tmp_path / "reports").exists()


def test_cli_portfolio_usage(capsys, portfolio, tmp_path):
    assert cli.main(["run", "--all", "--force"]) == cli.EXIT_USAGE
    assert "--force、--only、--no-overview 和 --list 只能与 --portfolio 一起使用" in capsys.readouterr().err
    assert cli.main(["run", "--year", "2020", "--jobs", "2"]) == cli.EXIT_USAGE
    assert "--jobs 只能与 --all 或 --portfolio 一起使用" in capsys.readouterr().err
    assert cli.main(["run", "--portfolio", str(tmp_path / "none.yaml")]) == cli.EXIT_PROBLEMS
    assert "找不到项目组合文件" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_overview_writes_the_page_from_the_summaries(portfolio, shared_zygote, tmp_path, capsys):
    out = tmp_path / "reports"
    run_portfolio(portfolio, out, notebook=tmp_path / "annual.ipynb", only=["good"], overview=False,
                  stream=io.StringIO())
    assert not (out / "portfolio").exists()

    assert cli.main(["overview", "--portfolio", str(portfolio), "--out", str(out)]) == cli.EXIT_OK

    assert "财政局总览：" in capsys.readouterr().out
    html = (out / "portfolio" / "index.html").read_text(encoding="utf-8")
    assert "<title>测试总览</title>" in html and html.count("查看报告") == 2 and html.count("尚未运行") == 2
    assert json.loads((out / "good" / "2019" / SUMMARY_FILE).read_text(encoding="utf-8"))["year"] == 2019


def test_cli_list_prints_the_project_years_as_json(portfolio, capsys):
    assert cli.main(["run", "--portfolio", str(portfolio), "--list"]) == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out) == ["good/2019", "good/2020", "broken/2019", "broken/2020"]
    assert cli.main(["run", "--portfolio", str(portfolio), "--list", "--only", "broken/2020"]) == cli.EXIT_OK
    assert capsys.readouterr().out == '["broken/2020"]\n'


def test_the_portfolio_runner_imports_no_pandas():
    # the runner only drives kernels: pandas, numpy and pyarrow would be ~90 MB more of its memory, in no use
    code = ("import sys, qdanalysis.run.cli, qdanalysis.run.portfolio, qdanalysis.read.hashes; "
            "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_refused_trends_file_of_a_project_whose_trends_run_stops_the_portfolio_before_any_run(
        portfolio, shared_zygote, tmp_path, monkeypatch):
    from qdanalysis.run import portfolio as module
    from qdanalysis.run.results import STATUS_OK, RunResult

    nb = new_notebook(cells=[new_code_cell(TRENDS_PARAMS + '\nparams_dir = ""'), new_code_cell(TRENDS_RUN)])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, tmp_path / "trends-params.ipynb")
    (tmp_path / "broken" / "params" / "trends.yaml").write_text("standing_years: 六年\n", encoding="utf-8")
    ran = []
    monkeypatch.setattr(module, "_run_job", lambda job, *args: ran.append(job) or RunResult(
        module.label_of(*job) if job[1] else module.trends_label(job[0]), STATUS_OK, 0.0))
    out = tmp_path / "reports"
    with pytest.raises(ValidationError) as err:
        run_portfolio(portfolio, out, notebook=tmp_path / "annual.ipynb", stream=io.StringIO(),
                      trends_notebook=tmp_path / "trends-params.ipynb")
    [problem] = err.value.problems
    assert problem.file.endswith("broken/params/trends.yaml") and (problem.row, problem.column) == (1, "standing_years")
    assert problem.message == "standing_years「六年」写成了文字" and "例如 standing_years: 6" in problem.hint
    assert ran == [] and not out.exists()
    # runs that make no trends report of that project are not refused for its file
    results = run_portfolio(portfolio, out, notebook=tmp_path / "annual.ipynb", stream=io.StringIO(),
                            trends_notebook=tmp_path / "trends-params.ipynb", only=["broken/2019", "good/trends"])
    assert [r.label for r in results] == ["broken/2019", "good/trends"]
    # a trends notebook that does not take the project's parameters folder does not read the file
    results = run_portfolio(portfolio, out, notebook=tmp_path / "annual.ipynb", stream=io.StringIO(),
                            trends_notebook=tmp_path / "trends.ipynb", only=["broken/trends"])
    assert [r.label for r in results] == ["broken/trends"]


def test_a_single_report_prepares_its_export_while_its_kernel_runs_and_several_do_not(portfolio, tmp_path, monkeypatch):
    from qdanalysis.run import portfolio as module
    from qdanalysis.run import portfolio_trends
    from qdanalysis.run.results import STATUS_OK, RunResult

    asked = []

    def fake_run_notebook(notebook, out_dir, values, **kwargs):
        asked.append((kwargs["label"], kwargs["prepare_export"]))
        return RunResult(kwargs["label"], STATUS_OK, 0.0)

    monkeypatch.setattr(module, "run_notebook", fake_run_notebook)
    monkeypatch.setattr(portfolio_trends, "run_notebook", fake_run_notebook)
    out = tmp_path / "reports"
    kw = {"notebook": tmp_path / "annual.ipynb", "stream": io.StringIO(), "trends_notebook": tmp_path / "trends.ipynb",
          "overview": False}
    for only in (["good/2020"], ["good/trends"]):  # an Airflow task's report: its export prepared, as run --year
        asked.clear()
        run_portfolio(portfolio, out, only=only, force=True, **kw)
        assert asked == [(only[0], True)]
    asked.clear()
    monkeypatch.setenv("QDANALYSIS_KERNEL_ZYGOTE", "0")  # no kernel runs here
    run_portfolio(portfolio, out, only=["good/2019", "good/2020", "good/trends"], force=True, **kw)
    assert sorted(asked) == [("good/2019", False), ("good/2020", False), ("good/trends", False)]
