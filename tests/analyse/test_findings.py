"""Findings: the dataclass, their order and table, then every rule on 2020 (each rule's own tests, on a tiny
inline case and on 2020, are in tests/analyse/rules/)."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest
from rule_inputs import assert_same, budget, unchanged

from qdanalysis.analyse.engine import analyse
from qdanalysis.analyse.findings import SEVERITIES, Finding, findings_table, in_report_order, sort_findings
from qdanalysis.domain import DIMENSIONS

D = Decimal


# --- the dataclass and the table -------------------------------------------------------------


def test_finding_refuses_unknown_severity_and_category():
    with pytest.raises(ValueError, match="severity"):
        Finding("F00", "t", "严重", "决策", {}, pd.DataFrame(), "", "")
    with pytest.raises(ValueError, match="category"):
        Finding("F00", "t", "高", "其他", {}, pd.DataFrame(), "", "")


def test_report_order_groups_by_first_level_indicator():
    def mk(code, sev, category):
        return Finding(code, "问题" + code, sev, category, {}, pd.DataFrame(), "摘要。", "建议")

    out = in_report_order([mk("F03", "高", "效益"), mk("F07", "中", "产出"), mk("F06", "高", "过程"),
                             mk("F02", "中", "决策"), mk("F01", "高", "决策")])
    assert [(f.category, f.code) for f in out] == [("决策", "F01"), ("决策", "F02"), ("过程", "F06"), ("产出", "F07"),
                                                   ("效益", "F03")]


def test_sort_and_table():
    def mk(code, sev):
        return Finding(code, "问题" + code, sev, "决策", {}, budget(("1", "a", D(1), None)), "摘要。", "建议")

    out = sort_findings([mk("F03", "低"), mk("F10", "高"), mk("F05-2", "中"), mk("F02", "高"), mk("F05-1", "中")])
    assert [f.code for f in out] == ["F02", "F10", "F05-1", "F05-2", "F03"]
    table = findings_table(out)
    assert list(table.columns) == ["序号", "编号", "问题", "严重程度", "类别", "依据", "建议"]
    assert table["序号"].tolist() == [1, 2, 3, 4, 5]
    assert table.loc[0, "依据"] == "摘要。（来源：《t》「预算执行」第2行）"  # workbook, sheet, row
    assert findings_table([]).empty


# --- all rules on 2020 ------------------------------------------------------------------------------------


def test_find_all_2020(y2020, found2020):
    codes = [f.code for f in found2020]
    assert len(set(codes)) == len(codes)
    assert {c[:3] for c in codes} == {"F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09", "F10", "F11", "F12", "F14"}
    ranks = [SEVERITIES.index(f.severity) for f in found2020]
    assert ranks == sorted(ranks)
    for f in found2020:
        assert f.category in DIMENSIONS and f.summary and f.recommendation
        assert "src_row" in f.rows and f.rows["src_row"].notna().any(), f.code
    table = findings_table(found2020)
    assert len(table) == len(found2020) and table["依据"].str.contains("来源：").all()
    # input rows a reader can open: workbook, sheet and row
    assert table["依据"].str.contains("（来源：《2020年专项业务费》「").all()
    before = unchanged(*y2020.tables().values())
    analyse(y2020)
    assert_same(before, list(y2020.tables().values()))


def test_2020_findings_in_the_register_of_a_report(found2020):
    """No 「」, no "vs", no cumulative sums since first contracts, and recommendations that do not repeat the problem."""
    for f in found2020:
        text = f.title + f.summary + f.recommendation
        assert "「" not in text and "」" not in text and "vs" not in text, f.code
        assert not any(total in text for total in ("638.40", "878.10", "207.99", "122.40", "累计")), f.code
        assert "长期" not in f.title, f.code
        clauses = [c for c in re.split(r"[，；。：]", f.summary) if len(c) >= 8]
        assert not any(c in f.recommendation for c in clauses), f.code


def test_a_rules_findings_carry_what_it_bears_on_and_a_rule_without_it_bears_on_nothing():
    from qdanalysis.analyse.findings import Rule

    def found(_):
        return [Finding("F98", "t", "高", "过程", {}, pd.DataFrame(), "", ""),
                Finding("F98", "t", "高", "过程", {}, pd.DataFrame(), "", "", bears_on=("资金使用合规性",))]

    with_it = Rule("F98", "过程", read=found, bears_on=("预算执行率",)).apply(None)
    assert [f.bears_on for f in with_it] == [("预算执行率",), ("资金使用合规性",)]  # a finding's own stays
    assert Rule("F99", "过程", read=found).apply(None)[0].bears_on == ()


def test_the_2020_findings_bear_on_the_evaluation_indicators(found2020):
    bears = {f.code: f.bears_on for f in found2020}
    assert bears["F01"] == ("绩效指标明确性", "绩效目标合理性")
    assert bears["F04"] == ("预算编制科学性", "资金分配合理性")
    assert bears["F11"] == ("绩效目标合理性",)
