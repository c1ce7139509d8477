"""The system's proposals: from the findings that bear on an indicator, from a doubt, from the data's words."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from scoring_inputs import table

from qdanalysis.analyse.scoring_proposals import bearing_on, from_doubt, from_findings, from_quote


def finding(code: str, severity: str, *bears_on: str):
    return SimpleNamespace(code=code, title=f"问题{code}", severity=severity, bears_on=bears_on)


IND = table({"level1": "决策", "name": "绩效目标合理性", "weight": 3, "rule": "manual",
             "evaluator": "绩效目标合理性"}).indicators[0]


def test_a_finding_without_bears_on_bears_on_nothing():
    plain = SimpleNamespace(code="F99", title="付款集中在年末", severity="高")  # a rule that declares nothing
    assert bearing_on("绩效目标合理性", [plain, finding("F02", "中", "绩效目标合理性")])[0].code == "F02"
    assert from_findings(IND, [plain]) is None


@pytest.mark.parametrize("severities, expected", [
    (("中",), "2.1"),            # 3 − 30% × 3
    (("高", "低"), "1.2"),       # 3 − (50% + 10%) × 3
    (("高", "高", "中"), "0"),    # 扣完为止
])
def test_the_deduction_follows_the_severities(severities, expected):
    found = [finding(f"F0{k}", s, "绩效目标合理性", "其他") for k, s in enumerate(severities)]
    p = from_findings(IND, found)
    assert (p.kind, p.score) == ("findings", Decimal(expected))
    assert [code for code, _, _ in p.findings] == [f.code for f in found]


def test_the_proposal_text_names_the_findings_and_waits_for_the_evaluator():
    p = from_findings(IND, [finding("F11", "中", "绩效目标合理性"), finding("TEAM-1", "高", "绩效目标合理性")])
    assert p.text() == ("建议得0.6分（分值3）：数据分析发现2项相关问题：问题F11（中）；问题TEAM-1（高）；"
                        "按严重程度建议扣2.4分（高扣分值的50%，中30%，低10%，扣完为止）（待评价人确认）")


def test_a_doubt_proposes_the_rules_score():
    p = from_doubt(IND, Decimal("2.554"), "实际 5.1万路 ÷ 目标 ≥10万 = 51.00%",
                   ["口径不一致：…", "实际完成值“5.1万路”是…单位整体工作成效…"])
    assert p.score == Decimal("2.55") and p.text() == (
        "建议得2.55分（分值3），即按填报的实际完成值计分（实际 5.1万路 ÷ 目标 ≥10万 = 51.00%），"
        "评价组核实口径、是否本项目产出后方可计分（待评价人确认）")


def test_a_quote_proposes_a_band():
    ind = table({"level1": "效益", "name": "运维制度健全性", "weight": 6, "rule": "levels",
                 "evaluator": "运维制度健全性"}).indicators[0]
    p = from_quote(ind, "部分达成", "运维制度有待完善")
    assert (p.score, p.text()) == (Decimal("3"), "建议评为“部分达成”（3分），依据数据原文：“运维制度有待完善”（待评价人确认）")


def test_the_teams_findings_feed_a_proposal_say_whose_they_are_and_an_ungraded_one_proposes_no_score():
    team = SimpleNamespace(code="H01", title="立项程序欠规范", severity="", bears_on=("绩效目标合理性",),
                           origin="评价组核查")
    only_team = from_findings(IND, [team])
    assert only_team.score is None  # no severity: a deduction would be a guess and full marks wrong
    assert only_team.text() == ("不提出分数，由评价组据相关问题评分：评价组核查发现1项相关问题：立项程序欠规范"
                                "（评价组核查，未定级）（待评价人确认）")
    assert from_findings(IND, [team, finding("F02", "中", "绩效目标合理性")]).score is None
    graded = SimpleNamespace(code="H02", title="目标偏低", severity="中", bears_on=("绩效目标合理性",),
                             origin="评价组核查")
    both = from_findings(IND, [finding("F02", "中", "绩效目标合理性"), graded])
    assert both.score == Decimal("1.2")  # 3 − 2 × 30% × 3
    assert both.basis.startswith("数据分析和评价组核查发现2项相关问题：问题F02（中）；目标偏低（评价组核查，中）；")
