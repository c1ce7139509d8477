"""整改情况 (the team's word on each problem of the year before) and 上年主要问题 (that year's exported problems)."""

from __future__ import annotations

import pandas as pd
import pytest

from qdanalysis import ValidationError
from qdanalysis.read.loaders.followup import load_followup, load_prior_problems

HEADER = ["问题编号", "上年问题", "类别", "整改状态", "整改措施", "佐证", "评价人", "日期"]


def test_the_record_loads_with_codes_written_one_way_and_unchecked_rows_kept(workbook):
    path = workbook({"整改情况": [["2021年整改情况"], HEADER,
                                  ["【示例】F02", "示例", "决策", "已整改", None, None, None, None],
                                  ["f04", "不同项目的服务内容重叠", "决策", "已整改", "两项目合并", "预算批复", "张三", "2021-05-20"],
                                  ["F09", "绩效目标未完成", "产出", None, None, None, None, None]]})
    record = load_followup(path)
    assert list(record["code"]) == ["F04", "F09"]
    assert record["status"].iloc[0] == "已整改" and record["status"].iloc[1] is None
    assert record["measures"].iloc[0] == "两项目合并" and record["date"].iloc[0] == pd.Timestamp("2021-05-20")
    assert list(record["src_row"]) == [4, 5]


@pytest.mark.parametrize("row, message", [
    ([None, "无编号", "决策", "已整改", None, None, None, None], "缺少问题编号"),
    (["F04", "x", "决策", "基本整改", None, None, None, None], "整改状态「基本整改」无法识别"),
])
def test_a_bad_row_is_refused_naming_its_row_and_column(workbook, row, message):
    path = workbook({"整改情况": [HEADER, row]})
    with pytest.raises(ValidationError, match=message) as err:
        load_followup(path)
    problem = err.value.problems[0]
    assert problem.row == 2 and problem.sheet == "整改情况"


def test_a_code_written_twice_is_refused(workbook):
    path = workbook({"整改情况": [HEADER, ["F04", None, None, "已整改", None, None, None, None],
                                  ["F04", None, None, "未整改", None, None, None, None]]})
    with pytest.raises(ValidationError) as err:
        load_followup(path)
    problem = err.value.problems[0]
    assert (problem.row, problem.message) == (3, f"问题编号F04重复：《{path.stem}》「整改情况」表第2行已有这一问题")


def test_an_exported_problem_written_twice_is_refused_naming_the_first_row(workbook):
    header = ["序号", "编号", "问题"]
    path = workbook({"上年主要问题": [header, [1, "F01", "产出指标未覆盖主要支出项目"], [2, "f01", "同一问题"]]})
    with pytest.raises(ValidationError) as err:
        load_prior_problems(path)
    problem = err.value.problems[0]
    assert (problem.row, problem.message) == (3, f"编号F01重复：《{path.stem}》「上年主要问题」表第2行已有这一问题")


def test_the_exported_problems_load_as_written(workbook):
    path = workbook({"上年主要问题": [["序号", "编号", "问题", "严重程度", "类别", "依据", "建议", "来源", "评价组处理"],
                                    [1, "F01", "产出指标未覆盖主要支出项目", "高", "决策", "依据", "建议", "数据分析", "系统发现，待评价组确认"],
                                    [2, "H01", "立项程序欠规范", "未定级", "决策", None, None, "评价组核查", "评价组核查"]]})
    prior = load_prior_problems(path)
    assert list(prior["code"]) == ["F01", "H01"] and list(prior["number"]) == ["1", "2"]
    assert prior["origin"].iloc[1] == "评价组核查"
