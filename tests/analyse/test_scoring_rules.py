"""Each scoring rule (ratio, bands, deduction, manual, levels) turns an actual into points."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from scoring_inputs import (
    ADJUSTMENT_BANDS,
    indicators,
    row,
    table,
    year,
)

from qdanalysis import ValidationError
from qdanalysis.analyse.scoring import score
from qdanalysis.analyse.scoring_table import STATUS_DOUBT, STATUS_EVALUATOR, STATUS_MISSING, STATUS_SCORED
from qdanalysis.read import parsing as P


@pytest.mark.parametrize("target, actual, weight, expected", [
    ("≥80条", "80条", 8, 8.0),                # exactly met
    ("≥80条", "0条", 8, 0.0),                 # an actual of 0 is known: 0 points, not 缺少佐证
    ("100%", "95%", 7, 6.65),
    ("≤941万元", "924.68万元", 6, 6.0),        # ≤ target met: full
    ("≤2小时", "4小时", 7, 3.5),              # ≤ target: target / actual
    ("≤2小时", "0小时", 7, 7.0),
])
def test_ratio(target, actual, weight, expected):
    t = table({"name": "指标", "weight": weight, "indicator": "指标"})
    result = score(t, year(indicators(("指标", target, actual))))

    r = row(result, "指标")
    assert r["score"] == expected
    assert r["status"] == STATUS_SCORED
    assert r["target_text"] == P.compact(target) and r["actual_text"] == P.compact(actual)


@pytest.mark.parametrize("target, actual, weight, expected", [
    ("≥10万", "5.1万路", 8, "4.08"),           # a target without a unit: 51% of the weight, if confirmed
    ("≥3万条", "4.8万路", 10, "10"),            # 条 against 路: 160%, capped at the weight, if confirmed
])
def test_a_doubted_ratio_is_a_proposal_not_a_score(target, actual, weight, expected):
    t = table({"name": "指标", "weight": weight, "indicator": "指标"})
    result = score(t, year(indicators(("指标", target, actual))))

    r = row(result, "指标")
    assert pd.isna(r["score"]) and r["status"] == STATUS_DOUBT
    assert result.proposal_of("指标").score == Decimal(expected)


def test_ratio_basis_states_the_figures():
    t = table({"name": "线路数量", "weight": 8, "indicator": "线路数量"})
    basis = row(score(t, year(indicators(("线路数量", "≥80条", "40条")))), "线路数量")["basis"]
    assert basis == "实际 40条 ÷ 目标 ≥80条 = 50.00%，× 分值 8 = 4"
    t = table({"name": "整合视频监控数量", "weight": 8, "indicator": "整合视频监控数量"})
    result = score(t, year(indicators(("整合视频监控数量", "≥10万", "5.1万路"))))
    text = result.proposal_of("整合视频监控数量").text()
    assert "5.1万路" in text and "10万" in text and "51.00%" in text and "4.08" in text


@pytest.mark.parametrize("actual, expected", [("健全", 10.0), ("不健全", 0.0)])
def test_ratio_on_a_qualitative_target_scores_met_or_not(actual, expected):
    t = table({"name": "制度健全性", "weight": 10, "indicator": "制度健全性"})
    assert row(score(t, year(indicators(("制度健全性", "健全", actual)))), "制度健全性")["score"] == expected


@pytest.mark.parametrize("adjusted, expected", [
    ("100", 3.0),       # 0%: first band
    ("110", 2.0),       # 10%: the bound belongs to its band
    ("90", 2.0),        # |−10%|
    ("110.01", 1.0),    # 10.01%: next band
    ("120", 1.0),
    ("120.01", 0.0),    # beyond every band
])
def test_bands_upper_bounds_with_adjustment_rate(adjusted, expected):
    t = table({"level1": "决策", "name": "预算调整率", "weight": 3, "rule": "bands", "measure": "adjustment_rate",
               "bands": ADJUSTMENT_BANDS})
    r = row(score(t, year(budget="100", adjusted=adjusted)), "预算调整率")
    assert (r["score"], r["status"]) == (expected, STATUS_SCORED)


@pytest.mark.parametrize("value, expected", [(95, 10.0), (90, 10.0), (89.99, 8.0), (85, 8.0), (80, 5.0), (79, 0.0)])
def test_bands_lower_bounds(value, expected):
    t = table({"name": "满意度", "weight": 10, "rule": "bands", "evaluator": "满意度",
               "bands": [{"min": 90, "score": 10}, {"min": 85, "score": 8}, {"min": 80, "score": 5}]})
    assert row(score(t, year(), {"满意度": value}), "满意度")["score"] == expected


@pytest.mark.parametrize("instances, expected", [(0, 5.0), (1, 3.0), (2, 1.0), (3, 0.0), (10, 0.0)])
def test_deduction_until_the_weight_is_used_up(instances, expected):
    t = table({"name": "资金使用合规性", "weight": 5, "rule": "deduction", "per_instance": 2, "evaluator": "合规"})
    r = row(score(t, year(), {"合规": instances}), "资金使用合规性")
    assert (r["score"], r["status"]) == (expected, STATUS_EVALUATOR)
    assert f"{instances} 处" in r["basis"]


def test_deduction_without_a_count_is_missing_not_full():
    t = table({"name": "资金使用合规性", "weight": 5, "rule": "deduction", "per_instance": 2, "evaluator": "合规"})
    r = row(score(t, year()), "资金使用合规性")
    assert pd.isna(r["score"]) and r["status"] == STATUS_MISSING


def test_deduction_from_a_data_count():
    t = table({"name": "数据一致性", "weight": 3, "rule": "deduction", "per_instance": 1, "measure": "data_warnings"})
    r = row(score(t, year(warnings=["甲", "乙"])), "数据一致性")
    assert (r["score"], r["status"]) == (1.0, STATUS_SCORED)


def test_manual_given_and_not_given():
    t = table({"name": "运行维护制度健全性", "weight": 10, "rule": "manual", "evaluator": "运维",
               "indicator": "运行维护制度健全性"},
              {"name": "使用部门满意度", "weight": 10, "rule": "manual", "evaluator": "满意度"})
    sheet = indicators(("运行维护制度健全性", "健全", None))
    given = score(t, year(sheet), {"运维": {"value": 4, "note": "未制定专项业务费资金管理办法"}, "满意度": None})

    r = row(given, "运行维护制度健全性")
    assert (r["score"], r["status"], r["target_text"]) == (4.0, STATUS_EVALUATOR, "健全")
    assert "未制定专项业务费资金管理办法" in r["basis"]
    assert row(given, "使用部门满意度")["status"] == STATUS_MISSING
    assert row(score(t, year(sheet)), "运行维护制度健全性")["status"] == STATUS_MISSING


@pytest.mark.parametrize("actual, expected, status", [
    ("健全", 10.0, STATUS_SCORED), ("不健全", 0.0, STATUS_SCORED), (None, None, STATUS_MISSING)])
def test_levels_from_the_indicator_sheet(actual, expected, status):
    t = table({"name": "制度健全性", "weight": 10, "rule": "levels", "indicator": "制度健全性"})
    r = row(score(t, year(indicators(("制度健全性", "健全", actual)))), "制度健全性")
    assert (None if pd.isna(r["score"]) else r["score"], r["status"]) == (expected, status)


def test_levels_from_the_evaluator_and_their_shares():
    t = table({"name": "制度健全性", "weight": 10, "rule": "levels", "evaluator": "制度"},
              {"name": "应急", "weight": 10, "rule": "levels", "evaluator": "应急",
               "levels": {"达成": "100%", "部分达成": "60%", "未达成": 0}})
    result = score(t, year(), {"制度": "部分达成", "应急": "部分达成"})
    assert row(result, "制度健全性")["score"] == 5.0 and row(result, "应急")["score"] == 6.0
    assert row(result, "应急")["basis"] == "评价为“部分达成”，分值 10 × 60% = 6 分"
    with pytest.raises(ValidationError, match="定性分档应当恰好写明达成、部分达成、未达成三档"):
        table({"name": "应急", "weight": 10, "rule": "levels", "evaluator": "应急", "levels": {"达成": 1}})
