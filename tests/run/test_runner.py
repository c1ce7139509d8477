"""Tests for qdanalysis.run.runner: a year, every year and the trends run on tiny fixture notebooks
(tests/tiny_notebooks.py), and the run command's usage errors.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from tiny_notebooks import PRINT_PARAMS, make_notebook, outputs_text

from qdanalysis.errors import ValidationError
from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.present.pdf import NO_CHROMIUM
from qdanalysis.run import cli
from qdanalysis.run.runner import TRENDS_TITLE, run_all, run_trends, run_year, trends_title


@pytest.mark.slow
def test_run_all_one_failing_year_does_not_stop_the_others(tmp_path):
    notebook = make_notebook(
        tmp_path / "annual.ipynb", PRINT_PARAMS, "import os; print(f'父进程={os.getppid()}')",
        "if year == 2019:\n    raise ValueError(f'{year}年数据有误')", "print('完成')")
    root = tmp_path / "raw"
    for name in ("2018", "2019", "2020", "notes", "20201"):
        (root / name).mkdir(parents=True)
    stream = io.StringIO()

    results = run_all(tmp_path / "reports", root, notebook=notebook, params_dir=tmp_path / "no-params",
                      stream=stream)

    assert [(r.label, r.status) for r in results] == [("2018", "ok"), ("2019", "failed"), ("2020", "ok")]
    assert "2019年数据有误" in results[1].error
    for r in results:  # a failed year's page is named as such
        name = "annual.html" if r.ok else "annual（运行失败）.html"
        assert r.html == tmp_path / "reports" / r.label / name and r.html.exists()
    assert f"目录={root}" in (tmp_path / "reports" / "2018" / "annual.html").read_text(encoding="utf-8")
    printed = stream.getvalue()
    assert printed.count("[") >= 3 and "[3/3]" in printed
    assert "年份  状态  用时(秒)  输出" in printed and "成功 2，失败 1" in printed
    # three years: every kernel forked by the zygote (qdanalysis.run.zygote), which has left
    parents = {outputs_text(r.ipynb).split("父进程=")[1].split()[0] for r in results}
    assert len(parents) == 1 and str(os.getpid()) not in parents
    assert not Path(f"/proc/{parents.pop()}").exists()
    # the zygote's log: at most pydevd's warning on importing ipykernel's debugger, no error
    assert "Traceback" not in (tmp_path / "reports" / ".runs" / "kernel-zygote.log").read_text()
    assert all((tmp_path / "reports" / ".runs" / y / "annual.kernel.log").read_text() == "" for y in ("2018", "2020"))


@pytest.mark.slow
def test_run_all_broken_params_file_fails_only_its_year(tmp_path):
    notebook = make_notebook(tmp_path / "annual.ipynb", PRINT_PARAMS)
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "runner.yaml").write_text("allow_external_root: true\n", encoding="utf-8")
    (params_dir / "2018.yaml").write_text(f"year: 2018\ndata_root: {tmp_path}\ntitle: 二〇一八\n", encoding="utf-8")
    (tmp_path / "2018").mkdir()
    (params_dir / "2019.yaml").write_text("year: 2019\ncolour: red\n", encoding="utf-8")

    results = run_all(tmp_path / "reports", notebook=notebook, params_dir=params_dir, jobs=1,
                      stream=io.StringIO())

    assert [(r.label, r.status) for r in results] == [("2018", "ok"), ("2019", "failed")]
    assert "colour" in results[1].error and results[1].html is None
    html = results[0].html.read_text(encoding="utf-8")
    assert "<title>二〇一八</title>" in html and f"目录={tmp_path}" in html


@pytest.mark.slow
def test_run_all_names_every_year_it_skips_and_why(tmp_path):
    notebook = make_notebook(tmp_path / "annual.ipynb", PRINT_PARAMS)
    params_dir, raw = tmp_path / "params", tmp_path / "raw"
    params_dir.mkdir()
    for year in (2020, 2022):  # 2022: a params file whose data folder is missing
        (params_dir / f"{year}.yaml").write_text(f"year: {year}\ndata_root: {raw}\n", encoding="utf-8")
    (params_dir / "runner.yaml").write_text("allow_external_root: true\n", encoding="utf-8")
    for year in (2020, 2021):  # 2021: a data folder without its params file
        (raw / str(year)).mkdir(parents=True)
    stream = io.StringIO()

    results = run_all(tmp_path / "reports", notebook=notebook, params_dir=params_dir, jobs=1, stream=stream)

    assert [(r.label, r.status, r.ok) for r in results] == [
        ("2020", "ok", True), ("2021", "not-run", True), ("2022", "not-run", True)]
    assert results[1].html is None and not (tmp_path / "reports" / "2021").exists()
    printed = stream.getvalue().splitlines()
    skip_2021 = (f"跳过 2021：没有 {params_dir / '2021.yaml'}（数据文件夹 {raw / '2021'}/ 已有；"
                 f"可用 qdanalysis new-year 2021 --params-only 生成参数文件，或用 --root {raw} 按默认参数运行）")
    skip_2022 = (f"跳过 2022：{params_dir / '2022.yaml'} 所指的数据文件夹 {raw / '2022'}/ 不存在"
                 "（请把2022年的工作簿放入该文件夹，或检查 data_root）")
    assert printed[-3:] == ["共 3 项：成功 1，失败 0，跳过 2", skip_2021, skip_2022]
    assert f"[1/3] {skip_2021}" in printed and f"[2/3] {skip_2022}" in printed
    assert "2021  跳过  0.0       （无）" in printed


def test_run_all_refuses_a_notebook_without_parameters_before_running(tmp_path):
    notebook = make_notebook(tmp_path / "plain.ipynb", "print(1)", parameters=None)
    (tmp_path / "raw" / "2020").mkdir(parents=True)

    with pytest.raises(ValidationError, match="parameters"):
        run_all(tmp_path / "reports", tmp_path / "raw", notebook=notebook, stream=io.StringIO())
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_run_year_uses_params_file_and_root_overrides_data_root(tmp_path):
    notebook = make_notebook(tmp_path / "annual.ipynb", PRINT_PARAMS, "print(title)")
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "2021.yaml").write_text("year: 2021\ntitle: 二〇二一年报告\n", encoding="utf-8")
    (params_dir / "runner.yaml").write_text("cell_timeout: 30\n", encoding="utf-8")

    result = run_year(2021, tmp_path / "reports", tmp_path / "raw", notebook=notebook, params_dir=params_dir)

    assert result.ok and result.html == tmp_path / "reports" / "2021" / "annual.html"
    text = outputs_text(result.ipynb)
    assert "年份=2021" in text and f"目录={tmp_path / 'raw'}" in text and "二〇二一年报告" in text


def test_run_year_without_params_file_or_root_is_refused(tmp_path):
    notebook = make_notebook(tmp_path / "annual.ipynb", PRINT_PARAMS)

    with pytest.raises(ValidationError, match="找不到 2031 年的参数文件") as err:
        run_year(2031, tmp_path / "reports", notebook=notebook, params_dir=tmp_path)
    assert err.value.problems[0].hint.startswith("请用 qdanalysis new-year 2031 生成")


@pytest.mark.slow
def test_run_trends_writes_to_trends_folder(tmp_path):
    notebook = make_notebook(tmp_path / "trends.ipynb", "print(f'年度={years} 目录={data_root}')",
                             parameters='data_root = "data/raw"\nyears = [2020]')

    result = run_trends(tmp_path / "reports", tmp_path / "raw", notebook=notebook)

    assert result.ok and result.label == "trends"
    assert result.html == tmp_path / "reports" / "trends" / "trends.html"
    assert f"年度=[] 目录={tmp_path / 'raw'}" in outputs_text(result.ipynb)


def test_the_trends_page_of_the_demo_is_not_titled_as_the_bureaus_own(demo_root, tmp_path):
    assert trends_title(demo_root) == "示例数据：多年趋势分析（非真实数据）"
    (tmp_path / "2020").mkdir()  # a real year folder (no demo marker)
    assert trends_title(tmp_path) == TRENDS_TITLE == "青岛市大数据局专项业务费多年趋势分析"
    assert trends_title(tmp_path / "absent") == TRENDS_TITLE


@pytest.mark.slow
def test_run_all_and_run_trends_pass_pdf_on(tmp_path, monkeypatch):
    notebook = make_notebook(tmp_path / "annual.ipynb", PRINT_PARAMS)
    trends = make_notebook(tmp_path / "trends.ipynb", "print(years)", parameters='data_root = "data/raw"\nyears = [2020]')
    for name in ("2018", "2019"):
        (tmp_path / "raw" / name).mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    stream = io.StringIO()

    results = run_all(tmp_path / "reports", tmp_path / "raw", notebook=notebook, stream=stream, pdf=True)
    results.append(run_trends(tmp_path / "reports", tmp_path / "raw", notebook=trends, pdf=True))

    assert [(r.label, r.ok, r.notice) for r in results] == [(label, True, NO_CHROMIUM)
                                                           for label in ("2018", "2019", "trends")]
    assert f"2018：{NO_CHROMIUM}" in stream.getvalue()


@pytest.mark.parametrize(
    "argv",
    [["run"], ["run", "--year", "2020", "--all"], ["run", "--all", "--trends"], ["run", "--year", "abc"]],
)
def test_cli_run_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2


@pytest.mark.parametrize("argv", [["run", "--year", "2020", "--jobs", "2"], ["run", "--all", "--jobs", "0"]])
def test_cli_run_bad_jobs_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    assert "--jobs" in capsys.readouterr().err


def test_cli_demo_refuses_raw(capsys):
    assert cli.main(["demo", "--out", str(PROJECT_ROOT / "data" / "raw" / "demo")]) == 1
    assert "data/raw" in capsys.readouterr().err


@pytest.mark.slow
def test_run_year_passes_the_params_files_no_contract_threshold_to_a_notebook_that_declares_it(tmp_path):
    from tiny_notebooks import YEAR_PARAMS

    declares = YEAR_PARAMS + '\nno_contract_threshold = ""\n'
    notebook = make_notebook(tmp_path / "annual.ipynb", "print(f'阈值={no_contract_threshold!r}')", parameters=declares)
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "2021.yaml").write_text("year: 2021\nno_contract_threshold: 500000.5\n", encoding="utf-8")

    result = run_year(2021, tmp_path / "reports", tmp_path / "raw", notebook=notebook, params_dir=params_dir)

    assert result.ok and "阈值='500000.5'" in outputs_text(result.ipynb)  # text: exact to the fen
    (params_dir / "2021.yaml").write_text("year: 2021\n", encoding="utf-8")
    result = run_year(2021, tmp_path / "reports", tmp_path / "raw", notebook=notebook, params_dir=params_dir)
    assert result.ok and "阈值=''" in outputs_text(result.ipynb)  # unset: the notebook's default


def test_a_demo_year_takes_no_real_params_file(tmp_path):
    """params/2020.yaml is the real 2020's: a demo folder's year runs on the defaults, titled 示例数据."""
    from qdanalysis.demo.generate import generate_demo
    from qdanalysis.run.runner import _planned_years, _year_params

    generate_demo(tmp_path / "demo")
    assert (PROJECT_ROOT / "params" / "2020.yaml").exists()
    params = _year_params(2020, tmp_path / "demo", None, None)
    assert params["title"] == "示例数据：2020年度绩效评价数据分析（非真实数据）"
    planned, _ = _planned_years(tmp_path / "demo", None)
    assert (2020, None) in planned


def test_a_refused_trends_file_stops_run_trends_before_its_kernel_with_the_notebooks_message(tmp_path, monkeypatch,
                                                                                            capsys, demo_root):
    from qdanalysis.run import runner, trends_params

    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "trends.yaml").write_text("standing_years: 六年\n", encoding="utf-8")
    monkeypatch.setattr(trends_params, "PARAMS", tmp_path / "params")
    ran = []
    monkeypatch.setattr(runner, "run_notebook", lambda *args, **kwargs: ran.append(args[2]) or "ran")
    (tmp_path / "raw" / "2020").mkdir(parents=True)

    code = cli.main(["run", "--trends", "--root", str(tmp_path / "raw"), "--out", str(tmp_path / "reports")])

    assert code == cli.EXIT_PROBLEMS and ran == []
    said = capsys.readouterr().out.strip()
    assert said.endswith("trends.yaml:1:standing_years: standing_years「六年」写成了文字"
                         "（写 2 到 30 之间的整数年数，不加引号和单位，例如 standing_years: 6）")
    # the demo's years read no params/ file: their trends run is not refused for it
    assert run_trends(tmp_path / "reports", demo_root) == "ran" and ran[0]["data_root"].endswith(demo_root.name)
