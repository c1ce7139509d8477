"""The team's sheets: 评价发现 (its fieldwork findings) and 发现处理 (its decision on each finding of the data)."""

from __future__ import annotations

import pandas as pd
import pytest

import qdanalysis
from qdanalysis import ValidationError
from qdanalysis.read.inputs import read_inputs
from qdanalysis.read.loaders.team import indicator_names, load_decisions, load_team_findings

TEAM_HEADER = ["类别", "二级", "问题", "具体情况", "依据", "原因", "建议", "关联指标", "严重程度", "评价人", "日期"]
#: Two problems of the 2020 source report that come from fieldwork, not from the data.
TEAM_ROWS = [
    ["决策", "项目立项", "立项程序欠规范", "项目事前未经过必要的可行性研究、专家论证、风险评估、绩效评估、集体决策。",
     "座谈记录", None, "加强项目前期的决策管理及评估论证。", "立项程序规范性", None, "张三", "2021-05-20"],
    ["过程", "过程管理", "未制定专项业务费资金管理办法", "大数据局未制定专项业务费资金管理办法。", "财务制度汇编",
     "制度建设重视不够。", "尽快出台专项业务费资金管理办法。", "管理制度健全性、资金使用合规性", "中", "李四", "2021-05-21"],
]
DECISION_HEADER = ["编号", "系统发现", "处理意见", "修改后问题", "修改后具体情况", "修改后建议", "理由", "评价人", "日期"]
DECISION_ROWS = [
    ["F04", "不同项目的服务内容重叠", "修改", "同类运维项目分别立项，服务内容重叠", None, None, None, "张三", "2021-05-22"],
    ["f05-3", None, "不采纳", None, None, None, "续签一次，不属于长期续签", "张三", "2021-05-22"],
    ["F06", None, "采纳", None, None, None, None, None, None],
]


def test_the_team_findings_load_as_written(workbook):
    path = workbook({"评价发现": [["2020年评价发现"], TEAM_HEADER, *TEAM_ROWS]})
    team = load_team_findings(path)
    assert list(team["title"]) == ["立项程序欠规范", "未制定专项业务费资金管理办法"]
    assert list(team["category"]) == ["决策", "过程"] and list(team["severity"]) == [None, "中"]
    assert team["indicators"].iloc[1] == "管理制度健全性、资金使用合规性" and team["cause"].iloc[1] == "制度建设重视不够。"
    assert team["date"].iloc[0] == pd.Timestamp("2021-05-20") and list(team["src_row"]) == [3, 4]


def test_the_decisions_load_with_their_codes_written_one_way(workbook):
    path = workbook({"发现处理": [DECISION_HEADER, *DECISION_ROWS]})
    decisions = load_decisions(path)
    assert list(decisions["code"]) == ["F04", "F05-3", "F06"]
    assert list(decisions["decision"]) == ["修改", "不采纳", "采纳"]
    assert decisions["title"].iloc[0] == "同类运维项目分别立项，服务内容重叠"
    assert decisions["reason"].iloc[1] == "续签一次，不属于长期续签"


def test_a_finding_listed_but_not_decided_yet_is_skipped(workbook):
    path = workbook({"发现处理": [DECISION_HEADER, ["F01", "产出指标未覆盖主要支出项目", *[None] * 7], DECISION_ROWS[2]]})
    assert list(load_decisions(path)["code"]) == ["F06"]


def test_the_example_row_of_the_template_is_not_read(workbook):
    example = ["过程", "资金管理", "【示例】未制定专项业务费资金管理办法", *[None] * 8]
    path = workbook({"评价发现": [TEAM_HEADER, example, TEAM_ROWS[0]],
                     "发现处理": [DECISION_HEADER, ["【示例】F04", None, "修改", *[None] * 6]]})
    assert list(load_team_findings(path)["title"]) == ["立项程序欠规范"]
    assert load_decisions(path).empty  # the example 修改 without wording is not an error: it is not read


def test_both_sheets_may_sit_in_any_workbook_of_the_folder(tmp_path, workbook):
    folder = tmp_path / "2021"
    workbook({"预算执行": [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1.1", "运维", "机房维护", 10, 10]]},
             name="2021/数据.xlsx")
    workbook({"评价发现": [TEAM_HEADER, TEAM_ROWS[0]]}, name="2021/现场核查.xlsx")
    workbook({"发现处理": [DECISION_HEADER, DECISION_ROWS[2]]}, name="2021/处理意见.xlsx")
    found = read_inputs(folder, 2021)
    assert found.problems == [] and (found.rows["team_findings"], found.rows["decisions"]) == (1, 1)
    assert found.loaded["team_findings"]["src_file"].iloc[0].endswith("现场核查.xlsx")


def test_a_sheet_not_named_for_them_is_not_taken_for_them(workbook):
    """Their headers (类别, 问题, 编号…) resemble other tables': they are found by the sheet's name only."""
    path = workbook({"问题清单": [TEAM_HEADER, TEAM_ROWS[0]], "处理": [DECISION_HEADER, DECISION_ROWS[0]]})
    found = read_inputs(path, 2020, require=False)
    assert "team_findings" not in found.rows and "decisions" not in found.rows


def test_a_year_without_them_has_empty_tables_not_reported_missing():
    data = qdanalysis.load_year(2020)
    assert data.team_findings.empty and data.decisions.empty
    assert "评价发现" not in data.missing and "发现处理" not in data.missing


@pytest.mark.parametrize("row, column, message, hint", [
    (["决算", None, "立项程序欠规范", *[None] * 8], "类别(A列)", "类别「决算」无法识别", "决策、过程、产出、效益"),
    (["决策", "项目立项", None, "没有写标题", *[None] * 7], "问题(C列)", "缺少问题", "一句话写明问题"),
    (["决策", None, "立项程序欠规范", *[None] * 5, "很高", None, None], "严重程度(I列)", "严重程度「很高」无法识别", "高、中、低"),
    (["过程", None, " 立项程序 欠规范", *[None] * 8], "问题(C列)",
     "问题「立项程序 欠规范」重复：《发现》「评价发现」表第2行已有这一问题", "删除其中一行"),
])
def test_a_bad_team_finding_is_named_by_file_sheet_row_and_column(workbook, row, column, message, hint):
    path = workbook({"评价发现": [TEAM_HEADER, TEAM_ROWS[0], row]}, name="发现.xlsx")
    with pytest.raises(ValidationError) as err:
        load_team_findings(path)
    [p] = err.value.problems
    assert (p.file.endswith("发现.xlsx"), p.sheet, p.row, p.column) == (True, "评价发现", 3, column)
    assert message in p.message and hint in p.hint


def test_a_category_is_written_once_for_the_rows_below_and_the_first_row_must_have_one(workbook):
    rows = [TEAM_HEADER, TEAM_ROWS[0], [None, None, "决策程序不完整", *[None] * 8]]
    assert list(load_team_findings(workbook({"评价发现": rows}))["category"]) == ["决策", "决策"]
    path = workbook({"评价发现": [TEAM_HEADER, [None, None, "立项程序欠规范", *[None] * 8]]})
    with pytest.raises(ValidationError) as err:
        load_team_findings(path)
    [p] = err.value.problems
    assert (p.row, p.column, p.message) == (2, "类别(A列)", "问题「立项程序欠规范」缺少类别")


@pytest.mark.parametrize("row, column, message, hint", [
    (["F06", None, "同意", *[None] * 6], "处理意见(C列)", "处理意见「同意」无法识别", "采纳、修改、不采纳"),
    (["F06", None, None, None, None, None, "理由", None, None], "处理意见(C列)",
     "编号F06填写了修改后的表述或理由，但没有处理意见", "采纳、修改、不采纳"),
    ([None, None, "采纳", *[None] * 6], "编号(A列)", "缺少编号", "主要问题"),
    (["F06", None, "修改", None, None, None, "表述不准确", None, None], "处理意见(C列)",
     "编号F06的处理意见为“修改”，但没有填写修改后的表述", "至少填写一项"),
    (["F06", None, "不采纳", *[None] * 6], "理由(G列)", "编号F06的处理意见为“不采纳”，但没有填写理由", "写明不采纳的理由"),
    (["f04", None, "采纳", *[None] * 6], "编号(A列)", "编号F04重复：《处理》「发现处理」表第2行已处理这一问题",
     "保留最终的处理意见"),
])
def test_a_bad_decision_is_named_by_file_sheet_row_and_column(workbook, row, column, message, hint):
    path = workbook({"发现处理": [DECISION_HEADER, DECISION_ROWS[0], row]}, name="处理.xlsx")
    with pytest.raises(ValidationError) as err:
        load_decisions(path)
    [p] = err.value.problems
    assert (p.file.endswith("处理.xlsx"), p.sheet, p.row, p.column) == (True, "发现处理", 3, column)
    assert message in p.message and hint in p.hint


def test_a_sheet_without_its_required_headers_says_which(workbook):
    path = workbook({"发现处理": [["编号", "理由"], ["F04", "x"]]}, name="处理.xlsx")
    with pytest.raises(ValidationError) as err:
        load_decisions(path)
    [p] = err.value.problems
    assert (p.sheet, p.column, p.message) == ("发现处理", "处理意见", "缺少必填列「处理意见」")


@pytest.mark.parametrize("text, names", [
    ("立项程序规范性", ("立项程序规范性",)),
    ("管理制度健全性、资金使用合规性；管理制度健全性", ("管理制度健全性", "资金使用合规性")),
    (None, ()), ("  ", ()),
])
def test_the_indicators_a_finding_names(text, names):
    assert indicator_names(text) == names
