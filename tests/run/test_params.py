"""Tests for qdanalysis.run.params: params/<year>.yaml is read safely and refused precisely."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.paths import PARAMS, PROJECT_ROOT
from qdanalysis.run import params as params_module
from qdanalysis.run.params import (
    DEFAULT_CELL_TIMEOUT,
    RUNNER_FILE,
    default_title,
    list_param_files,
    load_no_contract_threshold,
    load_params,
    load_runner,
    validate_params,
)
from qdanalysis.run.portfolio_file import load_portfolio
from qdanalysis.run.trends_params import load_trends_thresholds

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def write(tmp_path: Path, text: str, name: str = "2020.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        load_params(path)
    for problem in info.value.problems:
        assert problem.file.endswith(path.name)
        assert problem.sheet == ""
        assert CHINESE.search(problem.message) and CHINESE.search(problem.hint), problem
    return info.value


def test_shipped_2020_params_load():
    params = load_params(PARAMS / "2020.yaml")

    assert params["year"] == 2020
    assert params["data_root"] == (PROJECT_ROOT / "data" / "raw").resolve()
    assert params["allow_external_root"] is False
    assert CHINESE.search(params["title"])
    assert 10 <= params["cell_timeout"] <= 3600


def test_the_default_title_is_a_data_analysis_of_the_run_year():
    assert default_title(2021) == "2021年专项业务费绩效评价数据分析"
    shipped = load_params(PARAMS / "2020.yaml")["title"]
    assert "2020年" in shipped and shipped.endswith("绩效评价数据分析")  # not the source report's own title


def test_minimal_file_gets_defaults(tmp_path):
    params = load_params(write(tmp_path, "year: 2021\n", "2021.yaml"))

    assert params == {
        "year": 2021,
        "data_root": (PROJECT_ROOT / "data" / "raw").resolve(),
        "allow_external_root": False,
        "title": default_title(2021),
        "cell_timeout": DEFAULT_CELL_TIMEOUT,
        "no_contract_threshold": None,  # the rule's default (100万元), to be checked against the local limit
    }


def test_the_no_contract_threshold_is_read_exactly_in_yuan(tmp_path):
    params = load_params(write(tmp_path, "year: 2020\nno_contract_threshold: 500000.5\n"))
    assert params["no_contract_threshold"] == Decimal("500000.50")
    assert load_no_contract_threshold(tmp_path / "2020.yaml") == Decimal("500000.50")
    assert load_no_contract_threshold(tmp_path / "2031.yaml") is None  # no such file: the default


def test_a_bad_no_contract_threshold_is_refused_naming_the_file_and_key(tmp_path):
    path = write(tmp_path, "year: 2020\nno_contract_threshold: 100万元\n")
    with pytest.raises(ValidationError) as info:
        load_no_contract_threshold(path)
    [problem] = info.value.problems
    assert problem.file.endswith("2020.yaml") and (problem.column, problem.row) == ("no_contract_threshold", 2)
    assert problem.message == "no_contract_threshold「100万元」写成了文字"
    assert "以元为单位的数字" in problem.hint


def test_full_file_ok(tmp_path):
    text = "year: 2020\ndata_root: data/raw\ntitle: 二〇二〇年报告\n"
    write(tmp_path, "cell_timeout: 120\n", RUNNER_FILE)
    params = load_params(write(tmp_path, text))

    assert params["title"] == "二〇二〇年报告"
    assert params["cell_timeout"] == 120  # from runner.yaml beside it


def test_the_shipped_year_file_holds_only_what_the_notebook_declares():
    import yaml

    from qdanalysis.run.notebook import ANNUAL_NOTEBOOK, check_notebook

    keys = set(yaml.safe_load((PARAMS / "2020.yaml").read_text(encoding="utf-8")))
    assert keys == {"year", "data_root", "title"}
    assert keys | {"no_contract_threshold"} <= check_notebook(ANNUAL_NOTEBOOK)  # the optional key, commented in the file
    assert load_runner(PARAMS) == {"cell_timeout": 600, "allow_external_root": False}


@pytest.mark.slow
def test_papermill_own_command_line_runs_the_shipped_year_file_without_unknown_parameters(tmp_path):
    """The scheduler's path: papermill NOTEBOOK OUT -f params/2020.yaml -k qdanalysis (prepared, not run:
    papermill checks the parameters against the notebook's before it starts a kernel)."""
    import ast
    import subprocess
    import sys

    import nbformat

    out = tmp_path / "out.ipynb"
    papermill = Path(sys.executable).with_name("papermill")
    done = subprocess.run([str(papermill), "notebooks/1.0-annual-report.ipynb", str(out), "-f", "params/2020.yaml",
                           "-k", "qdanalysis", "--prepare-only"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr
    assert "unknown parameter" not in (done.stdout + done.stderr).lower()
    injected = [c.source for c in nbformat.read(out, as_version=4).cells
                if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assigned = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(injected[0]).body}
    assert assigned == {"year": 2020, "data_root": "data/raw", "title": "青岛市大数据局专项业务费2020年绩效评价数据分析"}

    # A file of the earlier layout is what made papermill warn: the same command says so.
    old = write(tmp_path, "year: 2020\ndata_root: data/raw\ncell_timeout: 600\n")
    done = subprocess.run([str(papermill), "notebooks/1.0-annual-report.ipynb", str(out), "-f", str(old),
                           "-k", "qdanalysis", "--prepare-only"],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert "Passed unknown parameter: cell_timeout" in done.stdout + done.stderr


@pytest.mark.parametrize("key", ["cell_timeout", "allow_external_root"])
def test_a_runner_setting_in_a_year_file_is_refused_with_where_to_move_it(tmp_path, key):
    err = refusal(write(tmp_path, f"year: 2020\ntitle: 报告\n{key}: 600\n"))

    assert [(p.column, p.row) for p in err.problems] == [(key, 3)]
    assert f"Passed unknown parameter: {key}" in err.problems[0].message
    assert "runner.yaml" in err.problems[0].hint


def test_runner_file_allows_an_external_data_root(tmp_path):
    write(tmp_path, "allow_external_root: true\n", RUNNER_FILE)
    params = load_params(write(tmp_path, f"year: 2020\ndata_root: {tmp_path}\n"))

    assert params["data_root"] == tmp_path.resolve()
    assert params["allow_external_root"] is True


@pytest.mark.parametrize(
    ("text", "key", "line", "fragment"),
    [
        ("cell_timeout: 5\n", "cell_timeout", 1, "超出范围"),
        ("# 注释\ncell_timeout: '600'\n", "cell_timeout", 2, "整数"),
        ("cell_timeout: 600\nallow_external_root: 'yes'\n", "allow_external_root", 2, "true 或 false"),
        ("cell_timeout: 600\ntitle: 报告\n", "title", 2, "笔记本参数"),
        ("colour: red\n", "colour", 1, "不认识的运行设置"),
        ("cell_timeout: 60\ncell_timeout: 90\n", "cell_timeout", 2, "两次"),
    ],
)
def test_runner_file_refusals_name_key_and_line(tmp_path, text, key, line, fragment):
    write(tmp_path, text, RUNNER_FILE)
    with pytest.raises(ValidationError) as info:
        load_params(write(tmp_path, "year: 2020\n"))
    err = info.value

    assert all(CHINESE.search(p.message) and CHINESE.search(p.hint) for p in err.problems)
    matching = [p for p in err.problems if p.column == key]
    assert matching, err.problems
    assert matching[0].file.endswith(RUNNER_FILE)
    assert matching[0].row == line
    assert fragment in matching[0].message


@pytest.mark.parametrize(
    ("text", "key", "line", "fragment"),
    [
        ("year: 2020\ncolour: red\n", "colour", 2, "colour"),
        ("year: 2020\ndata_root: data/raw\nyaer: 2021\n", "yaer", 3, "yaer"),
        ('year: "2020"\n', "year", 1, "文字"),
        ("year: 2020.0\n", "year", 1, "整数"),
        ("year: true\n", "year", 1, "整数"),
        ("year: 1999\n", "year", 1, "超出范围"),
        ("year: 2101\n", "year", 1, "超出范围"),
        ("title: 报告\n", "year", None, "缺少必填参数 year"),
        ("year: 2020\ndata_root: ../../etc\n", "data_root", 2, "项目之外"),
        ("year: 2020\ndata_root: /etc\n", "data_root", 2, "项目之外"),
        ("year: 2020\ndata_root: 42\n", "data_root", 2, "路径"),
        ("year: 2020\ntitle: 12345\n", "title", 2, "文字"),
        ("year: 2020\ntitle: ''\n", "title", 2, "空"),
        (f"year: 2020\ntitle: {'长' * 201}\n", "title", 2, "超过 200"),
        ('year: 2020\ntitle: "第一行\\n第二行"\n', "title", 2, "控制字符"),
        # a 2021 file copied from 2020.yaml must not publish a 2021 report under a 2020 title
        ("year: 2021\ntitle: 青岛市大数据局专项业务费2020年绩效评价数据分析\n", "title", 2, "2020年与参数 year（2021）不一致"),
        ("year: 2020\nyear: 2020\n", "year", 2, "两次"),
        ("year: 2020\nno_contract_threshold: '1000000'\n", "no_contract_threshold", 2, "写成了文字"),
        ("year: 2020\nno_contract_threshold: 0\n", "no_contract_threshold", 2, "大于 0"),
        ("year: 2020\nno_contract_threshold: -5\n", "no_contract_threshold", 2, "大于 0"),
        ("year: 2020\nno_contract_threshold: true\n", "no_contract_threshold", 2, "应为金额"),
        ("year: 2020\nno_contract_threshold: 100000000000\n", "no_contract_threshold", 2, "超出范围"),
        ("year: 2020\nno_contract_threshold: 1000.005\n", "no_contract_threshold", 2, "两位小数"),
    ],
)
def test_refused_values_name_key_and_line(tmp_path, text, key, line, fragment):
    err = refusal(write(tmp_path, text))

    matching = [p for p in err.problems if p.column == key]
    assert matching, err.problems
    assert matching[0].row == line
    assert fragment in matching[0].message


def test_all_problems_reported_at_once(tmp_path):
    err = refusal(write(tmp_path, "year: '2020'\ncolour: red\ntitle: ''\n"))

    assert [p.column for p in err.problems] == ["colour", "year", "title"]


def test_unknown_key_hint_lists_the_allowed_keys(tmp_path):
    err = refusal(write(tmp_path, "year: 2020\ndataroot: data/raw\n"))

    assert "data_root" in err.problems[0].hint


def test_file_name_must_match_year(tmp_path):
    err = refusal(write(tmp_path, "year: 2020\n", "2021.yaml"))

    assert err.problems[0].column == "year"
    assert "2021" in err.problems[0].message and "2020" in err.problems[0].message


def test_file_name_must_be_a_year(tmp_path):
    err = refusal(write(tmp_path, "year: 2020\n", "latest.yaml"))

    assert "不是年份" in err.problems[0].message
    assert "2020.yaml" in err.problems[0].hint


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "空"),
        ("- 2020\n", "键: 值"),
        ("year: [2020\n", "YAML"),
        ("!!python/object/apply:os.system ['true']\n", "YAML"),  # safe_load refuses tags
    ],
)
def test_malformed_files(tmp_path, text, fragment):
    err = refusal(write(tmp_path, text))

    assert fragment in err.problems[0].message


def test_missing_file(tmp_path):
    err = refusal(tmp_path / "2020.yaml")

    assert "找不到参数文件" in err.problems[0].message
    assert err.problems[0].hint == "新增年度请用 qdanalysis new-year <年份> 生成参数文件"


def test_symlink_escaping_the_project_is_refused(tmp_path, monkeypatch):
    project = tmp_path / "project"
    outside = tmp_path / "outside"
    (project / "data").mkdir(parents=True)
    outside.mkdir()
    (project / "data" / "link").symlink_to(outside, target_is_directory=True)
    monkeypatch.setattr(params_module, "PROJECT_ROOT", project)

    with pytest.raises(ValidationError, match="项目之外"):
        validate_params({"year": 2020, "data_root": "data/link"}, "2020.yaml")
    with pytest.raises(ValidationError, match="项目之外"):
        validate_params({"year": 2020, "data_root": "data/../../outside"}, "2020.yaml")
    inside = validate_params({"year": 2020, "data_root": "data/../data"}, "2020.yaml")
    assert inside["data_root"] == (project / "data").resolve()


def test_external_root_allowed_when_declared(tmp_path):
    params = validate_params({"year": 2020, "data_root": str(tmp_path)}, "x",
                             runner={"cell_timeout": 600, "allow_external_root": True})

    assert params["data_root"] == tmp_path.resolve()


def test_list_param_files_sorted(tmp_path):
    for name in ("2021.yaml", "2019.yaml", "2020.yaml", "notes.txt", "scoring-2020.yaml"):
        write(tmp_path, "year: 2020\n", name)

    assert [p.name for p in list_param_files(tmp_path)] == ["2019.yaml", "2020.yaml", "2021.yaml"]
    assert PARAMS / "2020.yaml" in list_param_files()
    assert all(p.stem.isdigit() for p in list_param_files())  # params/scoring-2020.yaml is not a run


def _year(path):
    return load_params(path)


def _runner(path):
    return load_runner(path.parent)


def _trends(path):
    return load_trends_thresholds(path.parent)


def _portfolio(path):
    return load_portfolio(path)


@pytest.mark.parametrize("name, load, text, row, key, message, hint", [
    ("2020.yaml", _year, "year: 2020\nyear: 2021\n", 2, "year", "参数「year」写了两次", "请只保留一处"),
    ("2020.yaml", _year, "year: 2020\ncolor: red\n", 2, "color", "不认识的参数「color」",
     "可用的参数只有：year、data_root、title、no_contract_threshold（运行设置写在 runner.yaml 中）"),
    ("2020.yaml", _year, "- 2020\n", 1, "", "参数文件应当是「键: 值」的形式", "例如写一行 year: 2020"),
    ("2020.yaml", _year, "# 空\n", None, "", "参数文件是空的", "至少要写 year: 年份"),
    ("runner.yaml", _runner, "cell_timeout: 60\ncell_timeout: 90\n", 2, "cell_timeout",
     "运行设置「cell_timeout」写了两次", "请只保留一处"),
    ("runner.yaml", _runner, "colour: red\n", 1, "colour", "不认识的运行设置「colour」",
     "可用的运行设置只有：cell_timeout、allow_external_root"),
    ("runner.yaml", _runner, "title: 报告\n", 1, "title", "「title」是笔记本参数，不是运行设置",
     "请写在同一文件夹的各年份参数文件（如 2020.yaml）中"),
    ("runner.yaml", _runner, "- 600\n", 1, "", "运行设置文件应当是「键: 值」的形式", "例如写一行 cell_timeout: 600"),
    ("trends.yaml", _trends, "standing_years: 6\nstanding_years: 7\n", 2, "standing_years",
     "参数「standing_years」写了两次", "请只保留一处"),
    ("trends.yaml", _trends, "standing_year: 6\n", 1, "standing_year", "不认识的参数「standing_year」",
     "可用的参数只有：standing_years、price_gap_ratio、price_gap_years"),
    ("trends.yaml", _trends, "- 6\n", 1, "", "趋势分析参数文件应当是「键: 值」的形式", "例如写一行 standing_years: 6"),
    ("portfolio.yaml", _portfolio, "title: 甲\ntitle: 乙\nprojects: []\n", 2, "title", "键「title」写了两次",
     "请只保留一处"),
    ("portfolio.yaml", _portfolio, "titel: 总览\n", 1, "titel", "不认识的键「titel」",
     "可用的键只有：title、projects、flag_execution_below（每个项目的键写在 projects 下的各项中）"),
    ("portfolio.yaml", _portfolio, "- a\n", 1, "", "项目组合文件应当是「键: 值」的形式", "第一层写 title: 和 projects:"),
    ("portfolio.yaml", _portfolio, "", None, "", "项目组合文件是空的", "至少要写 projects: 和一个项目"),
])
def test_every_key_value_file_words_each_mistake_alike_naming_file_line_and_key(tmp_path, name, load, text, row,
                                                                              key, message, hint):
    path = write(tmp_path, text, name)
    if name == "runner.yaml":
        write(tmp_path, "year: 2020\n")
    with pytest.raises(ValidationError) as err:
        load(path)
    problem = next(p for p in err.value.problems if p.message == message)
    assert problem.file.endswith(name)
    assert (problem.row, problem.column, problem.hint) == (row, key, hint)
