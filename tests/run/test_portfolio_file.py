"""Tests for qdanalysis.run.portfolio_file: the portfolio file is read safely and refused precisely."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.paths import PARAMS, PROJECT_ROOT
from qdanalysis.run.portfolio_file import DEFAULT_TITLE, load_portfolio

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def folders(tmp_path) -> Path:
    for name in ("a/raw/2019", "a/raw/2020", "a/params", "b/raw/2020", "b/params"):
        (tmp_path / name).mkdir(parents=True)
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "portfolio.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
title: 二〇二一年度专项资金绩效评价总览
projects:
  - id: a
    name: 甲项目
    department: 甲局
    data_root: a/raw
    params: a/params
    years: [2020, 2019]
  - id: b-2
    name: 乙项目
    department: 乙局
    data_root: b/raw
    params: b/params
    years: [2020]
    scoring: third-party
"""


def refusal(path: Path) -> list:
    with pytest.raises(ValidationError) as info:
        load_portfolio(path)
    for p in info.value.problems:
        assert p.file.endswith("portfolio.yaml") and CHINESE.search(p.message) and CHINESE.search(p.hint), p
    return info.value.problems


def test_a_good_file_resolves_paths_against_its_own_folder(folders):
    portfolio = load_portfolio(write(folders, GOOD))

    assert portfolio.title == "二〇二一年度专项资金绩效评价总览"
    a, b = portfolio.projects
    assert (a.id, a.name, a.department, a.years) == ("a", "甲项目", "甲局", (2019, 2020))
    assert a.data_root == (folders / "a" / "raw").resolve() and a.params == (folders / "a" / "params").resolve()
    assert a.scoring == "" and b.scoring == "third-party"
    assert [(p.id, y) for p, y in portfolio.project_years()] == [("a", 2019), ("a", 2020), ("b-2", 2020)]
    assert portfolio.flag_execution_below == Decimal(90)  # the overview's threshold where the file sets none


def test_the_overview_threshold_is_a_percentage(folders):
    path = write(folders, "flag_execution_below: 87.5\n" + GOOD)
    assert load_portfolio(path).flag_execution_below == Decimal("87.5")


def test_the_shipped_portfolio_lists_the_bureau_2020():
    portfolio = load_portfolio(PARAMS / "portfolio.yaml")

    assert portfolio.title == DEFAULT_TITLE
    (project,) = portfolio.projects
    assert project.data_root == PROJECT_ROOT / "data" / "raw" and project.params == PARAMS
    assert project.years == (2020,)


@pytest.mark.parametrize("old, new, line, column, fragment", [
    ("    years: [2020, 2019]", "    years: [2020, '2019']", 8, "projects[1].years[2]", "写成了文字"),
    ("    years: [2020, 2019]", "    years: [2020, 2020]", 8, "projects[1].years[2]", "写了两次"),
    ("    years: [2020, 2019]", "    years: 2020", 8, "projects[1].years", "整数列表"),
    ("    years: [2020, 2019]", "    years: [1820]", 8, "projects[1].years[1]", "超出范围"),
    ("    data_root: a/raw", "    data_root: a/rwa", 6, "projects[1].data_root", "不存在"),
    ("    params: b/params", "    params: 3", 13, "projects[2].params", "应为一个路径"),
    ("  - id: b-2", "  - id: B 2", 9, "projects[2].id", "不能用作文件夹名"),
    ("  - id: b-2", "  - id: portfolio", 9, "projects[2].id", "不能是「portfolio」"),
    ("  - id: b-2", "  - id: a", 9, "projects[2].id", "与第 1 个项目重复"),
    ("    scoring: third-party", "    scoring: 评分.yaml", 15, "projects[2].scoring", "评分表文件「评分.yaml」不存在"),
    ("    department: 乙局", "    departmnet: 乙局", 9, "projects[2]", "缺少「department」"),
    ("title: 二〇二一年度专项资金绩效评价总览", "titel: 总览", 1, "titel", "不认识的键"),
    ("title: 二〇二一年度专项资金绩效评价总览", "title: 总览\nflag_execution_below: 0.9x", 2, "flag_execution_below",
     "0 到 100 之间"),
    ("title: 二〇二一年度专项资金绩效评价总览", "title: 总览\nflag_execution_below: 190", 2, "flag_execution_below",
     "0 到 100 之间"),
])
def test_each_mistake_names_its_line_and_key(folders, old, new, line, column, fragment):
    problems = refusal(write(folders, GOOD.replace(old, new)))

    assert any(p.row == line and p.column == column and fragment in p.message for p in problems), problems


def test_every_mistake_is_reported_at_once(folders):
    text = GOOD.replace("data_root: a/raw", "data_root: a/rwa").replace("years: [2020]", "years: []")
    problems = refusal(write(folders, text))

    assert [(p.row, p.column) for p in problems] == [(6, "projects[1].data_root"), (14, "projects[2].years")]


@pytest.mark.parametrize("text, fragment", [
    ("", "是空的"),
    ("- a\n- b\n", "「键: 值」"),
    ("projects: []\n", "缺少项目列表"),
    ("projects:\n  - id: a\n   name: x\n", "不是合法的 YAML"),
    ("projects:\n  - 甲项目\n", "第 1 个项目应当是「键: 值」"),
])
def test_malformed_files(folders, text, fragment):
    problems = refusal(write(folders, text))

    assert any(fragment in p.message for p in problems), problems


def test_a_key_written_twice_is_refused(folders):
    problems = refusal(write(folders, GOOD.replace("    name: 甲项目\n", "    name: 甲项目\n    name: 丙项目\n")))

    assert [(p.row, p.column, p.message) for p in problems] == [(5, "projects[1].name", "键「projects[1].name」写了两次")]


def test_missing_file(tmp_path):
    problems = refusal(tmp_path / "portfolio.yaml")

    assert problems[0].message == "找不到项目组合文件" and "demo --projects" in problems[0].hint
