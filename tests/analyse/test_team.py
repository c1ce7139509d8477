"""The team's word on the problems: its own findings joined to the data's, and its decision on each."""

from __future__ import annotations

import pandas as pd
import pytest

from qdanalysis import ValidationError
from qdanalysis.analyse.findings import DATA_ORIGIN, TEAM_ORIGIN, Finding, findings_table, in_report_order
from qdanalysis.analyse.team import apply_decisions, decision_text, rejected_table, team_findings, with_team
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.team import DECISION_DTYPES, TEAM_DTYPES

SRC = {"src_file": "记录.xlsx", "src_row": 3}


def data_finding(code: str, title: str, severity: str = "中", category: str = "决策", limitation: bool = False):
    return Finding(code=code, title=title, severity=severity, category=category, figures={}, rows=pd.DataFrame(),
                   summary=f"{title}的情况。", recommendation=f"针对{title}的建议。", limitation=limitation)


FOUND = [data_finding("F01", "产出指标未覆盖主要支出项目", "高"), data_finding("F04", "不同项目的服务内容重叠"),
         data_finding("F05-3", "合同续签未重新采购", "低"), data_finding("F06", "同带宽线路价格差异较大", "高", "过程")]
LIMITS = [data_finding("F07", "计划项目无支付或合同记录", "低", "产出", limitation=True)]


def team_frame(*rows: dict) -> pd.DataFrame:
    return frame([{"src_sheet": "评价发现", **SRC, **r} for r in rows], TEAM_DTYPES)


def decisions(*rows: dict) -> pd.DataFrame:
    return frame([{"src_sheet": "发现处理", **SRC, **r} for r in rows], DECISION_DTYPES)


TEAM = team_frame(
    {"category": "决策", "title": "立项程序欠规范", "detail": "未经可行性研究、专家论证。", "basis": "座谈记录",
     "advice": "加强前期论证。", "indicators": "立项程序规范性、绩效目标合理性", "evaluator": "张三",
     "date": pd.Timestamp("2021-05-20")},
    {"category": "过程", "title": "未制定专项业务费资金管理办法", "detail": "未制定办法。", "cause": "重视不够。",
     "severity": "高"},
)


def test_the_team_findings_are_findings_of_its_own_coded_in_sheet_order():
    first, second = team_findings(TEAM)
    assert (first.code, first.origin, first.severity, first.category) == ("H01", TEAM_ORIGIN, "", "决策")
    assert first.bears_on == ("立项程序规范性", "绩效目标合理性")
    assert (first.summary, first.basis, first.recommendation, first.note) == (
        "未经可行性研究、专家论证。", "座谈记录", "加强前期论证。", "张三，2021-05-20")
    assert (second.code, second.severity, second.cause, second.recommendation) == ("H02", "高", "重视不够。", "")
    assert list(first.rows["src_row"]) == [3] and first.rows["table"].iloc[0] == "评价发现"


def test_a_finding_of_the_data_must_have_a_severity_a_team_finding_need_not():
    with pytest.raises(ValueError, match="severity"):
        data_finding("F01", "x", "")
    with pytest.raises(ValueError, match="origin"):
        Finding("H01", "x", "", "决策", {}, pd.DataFrame(), "", "", origin="座谈")


def test_data_and_team_findings_are_numbered_together_by_dimension():
    merged, rejected = with_team(FOUND, LIMITS, TEAM, decisions())
    ordered = in_report_order(merged)
    # 决策: the data's by severity, the team's without one after them; 过程: by severity, the data's first in one
    assert [f.code for f in ordered] == ["F01", "F04", "F05-3", "H01", "F06", "H02"]
    table = findings_table(ordered)
    assert list(table["序号"]) == [1, 2, 3, 4, 5, 6]
    assert table.loc[3, "严重程度"] == "未定级"
    assert table.loc[3, "依据"] == "未经可行性研究、专家论证。（来源：《记录》「评价发现」第3行）（依据：座谈记录）"
    assert rejected == []


def test_without_a_decision_a_finding_of_the_data_stays_a_proposal():
    kept, rejected = apply_decisions(FOUND, LIMITS, decisions())
    assert [f.decision for f in kept] == ["", "", "", ""] and rejected == []
    assert decision_text(kept[0]) == "系统发现，待评价组确认"


def test_each_kind_of_decision():
    kept, rejected = apply_decisions(FOUND, LIMITS, decisions(
        {"code": "F01", "decision": "采纳", "evaluator": "李四"},
        {"code": "F04", "decision": "修改", "title": "同类运维项目分别立项", "advice": "合并同类运维项目。",
         "evaluator": "张三", "date": pd.Timestamp("2021-05-22")},
        {"code": "F05-3", "decision": "不采纳", "reason": "续签一次，不属于长期续签", "evaluator": "张三"},
    ))
    assert [f.code for f in kept] == ["F01", "F04", "F06"]
    adopted, amended, pending = kept
    assert (adopted.decision, adopted.title, decision_text(adopted)) == ("采纳", FOUND[0].title, "评价组采纳（李四）")
    # 修改: the team's words where it wrote them, the system's where it did not
    assert (amended.title, amended.recommendation, amended.summary) == (
        "同类运维项目分别立项", "合并同类运维项目。", "不同项目的服务内容重叠的情况。")
    assert decision_text(amended) == "评价组修改（张三，2021-05-22）" and amended.origin == DATA_ORIGIN
    assert pending.decision == "" and FOUND[1].title == "不同项目的服务内容重叠"  # the input is unchanged
    [r] = rejected
    assert (r.finding.code, r.reason, r.by) == ("F05-3", "续签一次，不属于长期续签", "张三")
    assert rejected_table(rejected).to_dict("records") == [{
        "编号": "F05-3", "问题": "合同续签未重新采购", "类别": "决策", "系统发现的内容": "合同续签未重新采购的情况。",
        "不采纳理由": "续签一次，不属于长期续签", "评价人": "张三"}]
    assert decision_text(team_findings(TEAM)[0]) == "评价组核查（张三，2021-05-20）"


@pytest.mark.parametrize("row, column, message, hint", [
    ({"code": "F99", "decision": "采纳"}, "编号", "本年度数据分析没有编号为F99的问题", "现有编号：F01、F04、F05-3、F06"),
    ({"code": "F07", "decision": "不采纳", "reason": "x"}, "编号",
     "编号F07（计划项目无支付或合同记录）是数据局限，列入“其他需要说明的问题”，不是问题", "删除这一行"),
    ({"code": "F04", "original": "合同长期续签", "decision": "采纳"}, "系统发现",
     "编号F04的问题是「不同项目的服务内容重叠」，与本行所写「合同长期续签」不一致", "核对编号和标题"),
])
def test_a_decision_on_a_finding_the_year_does_not_have_is_refused_by_file_sheet_row_and_column(row, column, message,
                                                                                                hint):
    with pytest.raises(ValidationError) as err:
        apply_decisions(FOUND, LIMITS, decisions({"code": "F01", "decision": "采纳"}, row))
    [p] = err.value.problems
    assert (p.file, p.sheet, p.row, p.column) == ("记录.xlsx", "发现处理", 3, column)
    assert p.message == message and hint in p.hint


def test_a_title_written_with_other_spaces_is_the_same_title():
    kept, _ = apply_decisions(FOUND, LIMITS, decisions({"code": "F04", "original": "不同项目的 服务内容重叠",
                                                        "decision": "采纳"}))
    assert kept[1].decision == "采纳"
