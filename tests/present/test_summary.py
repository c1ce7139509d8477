"""Tests for qdanalysis.present.summary: the run summary a notebook hands to the runner and the overview."""

from __future__ import annotations

import json

import pytest

from qdanalysis.present.summary import run_payload


@pytest.fixture(scope="module")
def payload_2020(analysis2020) -> dict:
    return run_payload(analysis2020)  # qdanalysis.analyse_year(2020), once per session


def test_the_2020_run_summary_carries_the_figures_of_the_analysis(payload_2020):
    p = payload_2020

    assert (p["year"], p["demo"], p["budget"], p["executed"]) == (2020, False, "9410000.00", "9246800.00")
    assert round(p["execution_rate"], 6) == 0.982657 and round(p["recurring_share"], 4) == 0.5396
    assert (p["graded"], p["grade"], p["total"], p["max_total"]) == (False, "暂不定级", 4.91, 100.0)
    assert p["findings"] == {"高": 5, "中": 6, "低": 1} and p["findings_decided"] == 0  # all proposals
    assert p["findings_total"] == 12
    # 结余 against the budget the rate divides by: 2020's was not adjusted, so 941.00 - 924.68
    assert (p["adjusted_budget"], p["balance"]) == (None, "163200.00")
    assert "暂不定级，已确认的指标得 4.91/5 分（98.2%）" in p["score"] and "按系统建议计约 22.16 分" in p["score"]


def test_the_balance_is_taken_from_the_adjusted_budget_where_stated():
    from decimal import Decimal

    from qdanalysis.present.summary import balance

    assert balance({"budget": Decimal(100), "adjusted_budget": Decimal(90), "executed": Decimal("80.5")}) == \
        Decimal("9.5")
    assert balance({"budget": Decimal(100), "adjusted_budget": None, "executed": Decimal(80)}) == Decimal(20)
    assert balance({"budget": Decimal(100), "executed": None}) is None  # 未披露, never 0


def test_the_run_summary_is_plain_json(payload_2020):
    assert json.loads(json.dumps(payload_2020, ensure_ascii=False)) == payload_2020


@pytest.mark.slow
def test_the_conclusion_at_the_top_of_the_report(payload_2020, analysis2020):
    assert payload_2020["conclusion"] == [
        "2020年预算数 941.00万元，执行数 924.68万元，执行率 98.27%。",
        "评分（按评分表计算的建议分，以评价组的评价记录为准）：" + analysis2020.score.headline(),
        "发现的问题（工具提出，待评价组确认）：共 12 项，其中严重程度高 5 项、中 6 项、低 1 项，详见“主要问题与建议”。"]


def test_last_years_problems_counted_by_status_for_the_overview(payload_2020, analysis2020):
    from dataclasses import replace

    from qdanalysis.analyse.followup import FollowUp, FollowUpItem, PriorProblem
    from qdanalysis.present.summary import followup_counts

    assert payload_2020["followup"] is None  # no year before 2020: nothing counted, nothing invented
    items = tuple(FollowUpItem(PriorProblem(str(n), f"F0{n}", "x"), "", "", s)
                  for n, s in enumerate(["已整改", "未整改", "未整改", "待核实"], start=1))
    counts = followup_counts(replace(analysis2020, followup=FollowUp(2020, "上年数据", items)))
    assert counts == {"year": 2020, "fixed": 1, "partly": 0, "open": 2, "unverified": 1}
    # its data folder there but refused, nothing else naming the problems: no count (zeros would read as none open)
    assert followup_counts(replace(analysis2020, followup=FollowUp(2020, "", ()))) == {"year": 2020, "unread": True}
