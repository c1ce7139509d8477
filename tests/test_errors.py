"""Errors about a user's input: problems that name their place (file:sheet:row:column), all of them at once."""

from __future__ import annotations

import pytest

from qdanalysis.errors import (
    MissingTableError,
    Problem,
    ProblemCollector,
    QdanalysisError,
    ValidationError,
    display_path,
)


def test_a_location_prints_no_empty_fields():
    from qdanalysis.errors import Problem

    assert Problem("a.xlsx", "", None, "", "文件为空").location() == "a.xlsx"
    assert Problem("params/2021.yaml", "", 3, "year", "m").location() == "params/2021.yaml:3:year"
    assert Problem("a.xlsx", "预算执行", None, "", "m").location() == "a.xlsx:预算执行"
    assert str(Problem("a.xlsx", "预算执行", 9, "预算数(D列)", "不是数字", "请填写数字")) == \
        "a.xlsx:预算执行:9:预算数(D列): 不是数字（请填写数字）"


def test_a_validation_error_carries_every_problem_and_lists_them():
    first = Problem("a.xlsx", "预算执行", 3, "预算数(C列)", "不是数字")
    second = Problem("a.xlsx", "合同台账", 5, "金额(E列)", "为负数", "请核对")
    err = ValidationError([first, second])
    assert err.problems == [first, second]
    assert str(err) == ("输入数据有 2 处问题：\n  a.xlsx:预算执行:3:预算数(C列): 不是数字\n"
                        "  a.xlsx:合同台账:5:金额(E列): 为负数（请核对）")
    assert ValidationError(first).problems == [first]
    assert isinstance(err, QdanalysisError) and isinstance(err, ValueError)


def test_a_missing_table_is_a_validation_error_naming_the_table():
    err = MissingTableError(Problem("2021", "", None, "", "没有合同台账"), "contracts", "合同台账")
    assert (err.table, err.title) == ("contracts", "合同台账") and isinstance(err, ValidationError)
    assert str(err) == "输入数据有 1 处问题：\n  2021: 没有合同台账"


def test_a_collector_raises_once_with_everything_it_collected():
    collector = ProblemCollector("b.xlsx")
    collector.raise_if_any()  # nothing collected: nothing raised
    collector.add("预算执行", 4, "执行数(D列)", "为负数")
    collector.add("", None, "", "文件为空", "请重新导出")
    with pytest.raises(ValidationError) as raised:
        collector.raise_if_any()
    assert [str(p) for p in raised.value.problems] == ["b.xlsx:预算执行:4:执行数(D列): 为负数", "b.xlsx: 文件为空（请重新导出）"]


def test_paths_are_shown_relative_to_the_working_directory_when_they_can_be(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    assert display_path(tmp_path / "data" / "a.xlsx") == "data/a.xlsx"
    assert display_path("/elsewhere/b.xlsx") == "/elsewhere/b.xlsx"
