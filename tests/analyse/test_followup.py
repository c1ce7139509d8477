"""What became of the year before's problems: the rule's proposal, the team's record, and their disagreement."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from qdanalysis import ValidationError
from qdanalysis.analyse.engine import analyse
from qdanalysis.analyse.findings import Rule
from qdanalysis.analyse.followup import (
    FROM_RECORD,
    FROM_SHEET,
    PriorProblem,
    Unread,
    follow_up,
    prior_from_analysis,
    prior_from_record,
    prior_from_sheet,
    rule_status,
)
from qdanalysis.analyse.rules import registry
from qdanalysis.domain import PROCESS
from qdanalysis.errors import Problem
from qdanalysis.read.columns import frame
from qdanalysis.read.loaders.followup import FOLLOWUP_DTYPES


def _record(*rows):
    keys = ["code", "title", "category", "status", "measures", "evidence", "evaluator", "date"]
    return frame([{**dict(zip(keys, r)), "src_file": "x.xlsx", "src_sheet": "整改情况", "src_row": n}
                  for n, r in enumerate(rows, start=3)], FOLLOWUP_DTYPES)


def _with(data, name, table):
    return replace(data, frames={**data.frames, name: table})


@pytest.fixture(scope="module")
def prior(a2020):
    return prior_from_analysis(a2020)


def test_the_year_before_is_listed_in_its_report_order_with_its_subjects(prior, a2020):
    assert prior.year == 2020 and len(prior.problems) == len(a2020.findings) == 12
    assert [p.number for p in prior.problems][:3] == ["1", "2", "3"]
    f04 = next(p for p in prior.problems if p.code == "F04")
    assert ("budget", "1.1") in f04.subjects and ("budget", "1.2") in f04.subjects


def test_the_same_year_again_is_not_fixed_and_no_problem_is_invented(prior, a2020, y2020):
    followed = follow_up(prior, a2020.findings, y2020)
    assert {i.status for i in followed.items} == {"未整改"}
    assert len(followed.items) == 12 and not any(i.decided for i in followed.items)
    assert all("本年仍发现此问题" in i.evidence for i in followed.items)


def test_a_rule_that_no_longer_fires_proposes_fixed(prior, y2020):
    followed = follow_up(prior, [], y2020)
    f02 = next(i for i in followed.items if i.problem.code == "F02")
    assert f02.status == "已整改" and f02.proposed == "已整改" and not f02.decided
    assert f02.evidence == "本年数据分析未再发现此问题（同一规则F02本年未发现问题）"


def test_fewer_subjects_is_partly_fixed_with_both_years(prior, a2020, y2020):
    f05 = next(p for p in prior.problems if p.code == "F05-3")
    now = next(f for f in a2020.findings if f.code == "F05-3")
    fewer = replace(now, rows=now.rows.iloc[:1])
    status, evidence = rule_status(f05, [fewer], y2020)
    assert status == "部分整改"
    assert evidence.startswith("上年涉及4项（合同台账HT-2019-1.1、HT-2019-1.2、HT-2020-1.1、HT-2020-1.2），本年仍涉及1项（合同台账HT-2019-1.1）")
    assert "上年：" in evidence and "本年：" in evidence


def test_a_smaller_figure_is_partly_fixed(prior, a2020, y2020):
    f03 = next(p for p in prior.problems if p.code == "F03")
    now = next(f for f in a2020.findings if f.code == "F03")
    smaller = replace(now, figures={**now.figures, "share": now.figures["share"] / 2})
    assert rule_status(f03, [smaller], y2020)[0] == "部分整改"
    assert rule_status(f03, [now], y2020)[0] == "未整改"


def test_each_rule_declares_the_figure_that_shrinks_as_its_problem_is_fixed():
    assert {r.code: r.shrinks for r in registry.RULES if r.shrinks} == {
        "F01": ("share", "未覆盖支出占比"), "F03": ("share", "刚性支出占比"), "F06": ("ratio", "同带宽价格倍数"),
        "F10": ("share", "未填实际完成值的指标占比"), "F21": ("december_share", "12月支付占比"),
        "F22": ("contracts", "超合同支付的合同数"), "F23": ("contracts", "收款人不一致的合同数"),
        "F24": ("pairs", "无合同大额支付笔数")}


def test_a_new_rule_with_a_shrinking_figure_is_followed_by_it_alone(monkeypatch, y2020):
    """A rule's module declares its shrinking figure: the follow-up needs no list of its own."""
    rule = Rule("F99", PROCESS, read=lambda e: None, shrinks=("gap", "某项差额"))
    monkeypatch.setattr(registry, "RULES", (*registry.RULES, rule))
    before = PriorProblem("9", "F99", "某问题", "过程", origin="数据分析", summary="差额为10。",
                          subjects=frozenset(), tables=(), figures={"gap": 10})
    now = [rule.finding(title="某问题", severity="低", summary="差额为4。", figures={"gap": 4}, rows=pd.DataFrame(),
                        recommendation="")]
    assert rule_status(before, now, y2020) == ("部分整改", "某项差额较上年下降。上年：差额为10。本年：差额为4。")
    monkeypatch.setattr(registry, "RULES", (*registry.RULES[:-1], replace(rule, shrinks=())))
    assert rule_status(before, now, y2020)[0] == "未整改"


def test_an_empty_table_cannot_tell(prior, a2020, y2020):
    f06 = next(p for p in prior.problems if p.code == "F06")
    no_lines = _with(y2020, "lines", y2020.lines.iloc[0:0])
    assert rule_status(f06, [], no_lines) == ("", "本年未提供线路清单，数据分析无法判断，待评价组核实")


def test_a_team_problem_waits_for_the_team():
    p = PriorProblem("3", "H01", "立项程序欠规范", "决策", origin="评价组核查")
    assert rule_status(p, [], None)[0] == ""


def test_the_team_status_wins_and_the_disagreement_is_kept(prior, a2020, y2020):
    data = _with(y2020, "followup", _record(["F09", None, None, "部分整改", "扩容", "验收报告", "张三", "2021-05-20"]))
    followed = follow_up(prior, a2020.findings, data)
    f09 = next(i for i in followed.items if i.problem.code == "F09")
    assert f09.status == "部分整改" and f09.proposed == "未整改" and f09.decided and f09.disagrees
    assert f09.by == "张三，2021-05-20" and f09.measures == "扩容" and f09.proof == "验收报告"


def test_a_record_code_the_year_before_has_not_is_refused(prior, a2020, y2020):
    data = _with(y2020, "followup", _record(["F99", None, None, "已整改", None, None, None, None]))
    with pytest.raises(ValidationError, match="上年的问题中没有编号为F99的问题") as err:
        follow_up(prior, a2020.findings, data)
    assert err.value.problems[0].row == 3 and err.value.problems[0].column == "问题编号"


def test_nothing_known_of_the_year_before_gives_none(y2020, a2020):
    assert follow_up(None, a2020.findings, y2020) is None
    assert a2020.followup is None


def test_a_record_alone_names_the_problems(a2020, y2020):
    data = _with(y2020, "followup", _record(["H01", "立项程序欠规范", "决策", None, None, None, None, None],
                                            ["F02", "数量指标设在按量计费的服务上", "决策", None, None, None, None, None]))
    followed = follow_up(None, [], data)
    assert followed.source == FROM_RECORD and followed.year == 2019
    assert [(i.problem.code, i.status) for i in followed.items] == [("H01", "待核实"), ("F02", "已整改")]
    assert prior_from_record(data.followup, 2019).problems[1].origin == "数据分析"


def test_the_exported_sheet_leaves_a_rejected_problem_out(y2020, a2020):
    sheet = pd.DataFrame([{"number": "1", "code": "F02", "title": "数量指标设在按量计费的服务上", "category": "决策",
                           "severity": "中", "basis": "x", "advice": "", "origin": "数据分析", "decision": ""},
                          {"number": "2", "code": "F04", "title": "不同项目的服务内容重叠", "category": "决策",
                           "severity": "中", "basis": "x", "advice": "", "origin": "数据分析", "decision": "不采纳"}])
    prior = prior_from_sheet(sheet, 2019)
    assert prior.source == FROM_SHEET and [p.code for p in prior.problems] == ["F02"]
    assert prior.not_followed == ("不同项目的服务内容重叠",)
    followed = analyse(_with(y2020, "prior_problems", sheet)).followup
    assert followed.items[0].status == "未整改" and followed.not_followed == ("不同项目的服务内容重叠",)


UNREAD = Unread(2019, Problem("2019年专项业务费.xlsx", "预算执行", 9, "执行数", "执行数「abc」不是数字"), 3,
                "qdanalysis validate --year 2019")


def test_a_refused_year_before_is_said_and_the_record_then_names_the_problems(y2020):
    data = _with(y2020, "followup", _record(["H01", "立项程序欠规范", "决策", None, None, None, None, None]))
    followed = analyse(data, previous=UNREAD).followup
    assert followed.unread == UNREAD and followed.source == FROM_RECORD and followed.year == 2019
    assert [i.problem.code for i in followed.items] == ["H01"]


def test_a_refused_year_before_with_nothing_else_lists_no_problem(y2020):
    followed = analyse(y2020, previous=UNREAD).followup
    assert followed is not None and followed.unread == UNREAD
    assert (followed.source, followed.items, followed.year) == ("", (), 2019)
