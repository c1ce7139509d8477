"""Scoring: every rule type, grades, the evaluator's entries and record, a table from a year's own sheet, and the
2020 sheet (reading and validating a table is tested in test_scoring_file.py, the presets in test_scoring_presets.py)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest

import qdanalysis
from qdanalysis import ValidationError
from qdanalysis.analyse.scoring import display_sheet, grade, score
from qdanalysis.analyse.scoring_file import load_scoring, validate_scoring
from qdanalysis.analyse.scoring_presets import load_preset
from qdanalysis.analyse.scoring_table import (
    STATUS_EVALUATOR,
    STATUS_EXPLAIN,
    STATUS_MISSING,
    STATUS_SCORED,
    ScoringTable,
)
from qdanalysis.paths import PARAMS
from qdanalysis.read import parsing as P
from qdanalysis.read.loaders.indicators import is_met

NOTE = "权重须以本地财政部门现行规定为准"


# --- tiny inputs ---------------------------------------------------------------------------


def indicators(*rows: tuple[str, str, str | None]) -> pd.DataFrame:
    """An indicators sheet as the loader returns it, from (name, target, actual) texts."""
    out = []
    for name, target_text, actual_text in rows:
        t = P.parse_target(target_text)
        a = P.parse_quantity(actual_text)
        out.append({
            "level1": "产出指标", "level2": "数量指标", "name": name, "target_op": t.op,
            "target_value": None if t.value is None else float(t.value), "target_unit": t.unit,
            "target_text": t.text, "actual_value": None if a is None or a.value is None else float(a.value),
            "actual_unit": a.unit if a else None, "actual_text": a.text if a else None,
            "met": is_met(t, a), "weight": None,
        })
    df = pd.DataFrame(out)
    df["target_value"] = df["target_value"].astype("Float64")
    df["actual_value"] = df["actual_value"].astype("Float64")
    df["met"] = df["met"].astype("boolean")
    df["weight"] = df["weight"].astype("Float64")
    return df


def year(sheet: pd.DataFrame | None = None, *, budget="100", adjusted=None, executed="90",
         warnings=(), year_=2020, adjustment=None) -> SimpleNamespace:
    """A YearData-like object: totals in 元, an indicators sheet and data warnings."""
    money = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return SimpleNamespace(
        year=year_, indicators=sheet if sheet is not None else indicators(("占位", "≥1", None)).iloc[0:0],
        totals={"budget": money(budget), "adjusted_budget": money(adjusted), "executed": money(executed),
                "adjustment": adjustment},
        warnings=list(warnings),
    )


def table(*items: dict, total: int | None = None, **top) -> ScoringTable:
    """A scoring table from indicator dicts; a 填充 indicator tops the weights up to 100."""
    items = [dict({"level1": "产出指标", "rule": "ratio"}, **i) for i in items]
    used = sum(Decimal(str(i["weight"])) for i in items)
    limit = Decimal(total or 100)
    if used < limit:
        items.append({"level1": "其他", "name": "填充", "weight": float(limit - used), "rule": "manual",
                      "evaluator": "填充"})
    data = {"name": "测试", "source": "测试用", "note": NOTE, "indicators": items, **top}
    if total is not None:
        data["total"] = total
    return validate_scoring(data, "测试.yaml")


def row(result, name: str) -> pd.Series:
    return result.sheet.set_index("name").loc[name]


# --- ratio ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target, actual, weight, expected", [
    ("≥10万", "5.1万路", 8, 4.08),           # 51% of the weight
    ("≥3万条", "4.8万路", 10, 10.0),          # 160%: capped at the weight
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


def test_ratio_basis_states_the_figures():
    t = table({"name": "整合视频监控数量", "weight": 8, "indicator": "整合视频监控数量"})
    basis = row(score(t, year(indicators(("整合视频监控数量", "≥10万", "5.1万路")))), "整合视频监控数量")["basis"]

    assert "5.1万路" in basis and "10万" in basis and "51.00%" in basis and "4.08" in basis


@pytest.mark.parametrize("actual, expected", [("健全", 10.0), ("不健全", 0.0)])
def test_ratio_on_a_qualitative_target_scores_met_or_not(actual, expected):
    t = table({"name": "制度健全性", "weight": 10, "indicator": "制度健全性"})
    assert row(score(t, year(indicators(("制度健全性", "健全", actual)))), "制度健全性")["score"] == expected


@pytest.mark.parametrize("actual", [None, "已完成"])
def test_missing_or_unusable_actual_waits_for_evidence_never_full(actual):
    t = table({"name": "保障网络线路数量", "weight": 8, "indicator": "保障网络线路数量"})
    result = score(t, year(indicators(("保障网络线路数量", "≥80条", actual))))

    r = row(result, "保障网络线路数量")
    assert pd.isna(r["score"]) and result.total == 0.0  # no score, and nothing towards the total
    assert r["status"] == STATUS_MISSING == "待补充佐证"
    assert r["basis"].endswith("待补充佐证后计分") and "不是满分" not in r["basis"]
    assert "保障网络线路数量" in result.missing
    assert result.missing_weight >= 8


def test_no_indicators_sheet_means_missing_evidence():
    t = table({"name": "保障网络线路数量", "weight": 8, "indicator": "保障网络线路数量"})
    r = row(score(t, year()), "保障网络线路数量")
    assert pd.isna(r["score"]) and r["status"] == STATUS_MISSING
    assert "没有绩效指标表" in r["basis"]


def test_ratio_with_evaluator_actual():
    t = table({"name": "资金到位率", "weight": 4, "evaluator": "资金到位率", "target": "100%"})
    r = row(score(t, year(), {"资金到位率": 75}), "资金到位率")
    assert (r["score"], r["status"]) == (3.0, STATUS_EVALUATOR)


# --- budget execution and adjustment ----------------------------------------------------------


def execution(weight=10, **extra):
    return table({"level1": "预算执行率", "name": "预算执行率", "weight": weight, "measure": "execution_rate", **extra})


def test_execution_rate_denominator_switch():
    data = year(budget="100", adjusted="80", executed="72")
    by_adjusted = row(score(execution(), data), "预算执行率")
    by_budget = row(score(execution(denominator="budget"), data), "预算执行率")

    assert (by_adjusted["score"], by_adjusted["status"], by_adjusted["actual_text"]) == (9.0, STATUS_SCORED, "90.00%")
    assert "调整后预算数" in by_adjusted["basis"]
    assert (by_budget["score"], by_budget["status"], by_budget["actual_text"]) == (7.2, STATUS_EXPLAIN, "72.00%")
    assert "需说明原因" in by_budget["basis"]


@pytest.mark.parametrize("executed, flagged", [("89.99", True), ("90", False), ("100", False)])
def test_execution_rate_below_90_is_flagged(executed, flagged):
    result = score(execution(), year(budget="100", executed=executed))
    assert (row(result, "预算执行率")["status"] == STATUS_EXPLAIN) is flagged
    assert bool(result.flags) is flagged
    if flagged:
        assert "89.99%" in result.flags[0] and "需说明原因" in result.flags[0]


def test_execution_rate_without_adjusted_budget_uses_the_budget_and_says_so():
    r = row(score(execution(), year(budget="941", adjusted=None, executed="924.68")), "预算执行率")
    assert r["score"] == 9.83
    assert "按预算数计算" in r["basis"]


def test_execution_rate_over_100_is_capped_and_missing_executed_is_missing():
    assert row(score(execution(), year(budget="100", executed="120")), "预算执行率")["score"] == 10.0
    r = row(score(execution(), year(executed=None)), "预算执行率")
    assert pd.isna(r["score"]) and r["status"] == STATUS_MISSING


ADJUSTMENT_BANDS = [{"max": 0, "score": 3}, {"max": 10, "score": 2}, {"max": 20, "score": 1}]


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


def test_adjustment_rate_without_adjusted_budget_is_missing():
    t = table({"name": "预算调整率", "weight": 3, "rule": "bands", "measure": "adjustment_rate", "bands": ADJUSTMENT_BANDS})
    r = row(score(t, year(adjusted=None, adjustment="未披露")), "预算调整率")
    assert pd.isna(r["score"]) and r["status"] == STATUS_MISSING
    assert "调整后预算数未披露" in r["basis"]


def test_a_budget_that_was_not_adjusted_has_an_adjustment_rate_of_zero():
    """A blank 调整后预算数 means not adjusted (the data contract): 0%, the first band, not 缺少佐证."""
    t = table({"name": "预算调整率", "weight": 3, "rule": "bands", "measure": "adjustment_rate", "bands": ADJUSTMENT_BANDS})
    r = row(score(t, year(adjusted=None, adjustment="未调整")), "预算调整率")
    assert (r["score"], r["status"]) == (3.0, STATUS_SCORED) and "0.00%" in r["actual_text"]


@pytest.mark.parametrize("value, expected", [(95, 10.0), (90, 10.0), (89.99, 8.0), (85, 8.0), (80, 5.0), (79, 0.0)])
def test_bands_lower_bounds(value, expected):
    t = table({"name": "满意度", "weight": 10, "rule": "bands", "evaluator": "满意度",
               "bands": [{"min": 90, "score": 10}, {"min": 85, "score": 8}, {"min": 80, "score": 5}]})
    assert row(score(t, year(), {"满意度": value}), "满意度")["score"] == expected


# --- deduction and manual --------------------------------------------------------------------


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


@pytest.mark.parametrize("entries, match", [
    ({"运维": 11}, "不在 0 到分值 10 之间"),
    ({"运维": "很好"}, "不是数字"),
    ({"运维": {"value": 5, "score": 5}}, "不认识的键「score」"),
    ({"运维x": 5}, "没有评价人打分键「运维x」"),
    ({"合规": 1.5}, "不是不小于0的整数"),
])
def test_evaluator_entries_refused(entries, match):
    t = table({"name": "运维", "weight": 10, "rule": "manual", "evaluator": "运维"},
              {"name": "合规", "weight": 5, "rule": "deduction", "per_instance": 1, "evaluator": "合规"})
    with pytest.raises(ValidationError, match=match):
        score(t, year(), entries)


# --- totals, groups, grades --------------------------------------------------------------------


@pytest.mark.parametrize("total, expected", [
    (100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"),
])
def test_grade_boundaries(total, expected):
    assert grade(total) == expected


def test_grade_scales_other_maxima():
    assert grade(45, 50) == "优" and grade(44.99, 50) == "良"


def test_total_groups_and_inputs_untouched():
    sheet = indicators(("甲", "≥10条", "5条"), ("乙", "≥10条", None))
    before = sheet.copy()
    t = table({"name": "甲", "weight": 30, "indicator": "甲"}, {"name": "乙", "weight": 20, "indicator": "乙"},
              {"level1": "效益指标", "name": "丙", "weight": 50, "rule": "manual", "evaluator": "丙"},
              grade_threshold=20)
    result = score(t, year(sheet), {"丙": 45})

    pd.testing.assert_frame_equal(sheet, before)
    # 20 points without evidence is not more than the threshold (20%): graded, 乙 earning nothing
    assert (result.total, result.max_total, result.grade) == (60.0, 100.0, "中")
    assert result.missing == ["乙"] and result.missing_weight == 20.0
    groups = result.groups.set_index("level1")
    assert groups.loc["产出指标", ["weight", "score", "missing_weight"]].tolist() == [50.0, 15.0, 20.0]
    assert "分值合计 20 分，未超过定级阈值（满分的 20%），未计入得分" in result.summary() and NOTE in result.summary()
    shown = display_sheet(result)
    assert list(shown.columns)[:3] == ["一级指标", "二级指标", "三级指标"]
    assert shown["三级指标"].tolist().count("小计") == 2 and shown["一级指标"].iloc[-1] == "合计"


def test_indicator_not_in_the_sheet_is_refused():
    t = table({"name": "整合视频监控数量", "weight": 8, "indicator": "整合视频监控数"})
    with pytest.raises(ValidationError, match="「整合视频监控数」不在2020年的绩效指标表中"):
        score(t, year(indicators(("整合视频监控数量", "≥10万", "5.1万路"))))


def test_table_for_another_year_is_refused():
    with pytest.raises(ValidationError, match="评分表适用于2019年，数据是2020年"):
        score(table({"name": "甲", "weight": 100, "rule": "manual", "evaluator": "甲"}, year=2019), year())


def test_bands_on_a_qualitative_target_are_refused():
    t = table({"name": "健全性", "weight": 10, "rule": "bands", "indicator": "健全性",
               "bands": [{"min": 1, "score": 10}]})
    with pytest.raises(ValidationError, match="定性目标，不能按分档计分"):
        score(t, year(indicators(("健全性", "健全", "健全"))))


# --- presets -------------------------------------------------------------------------------------


def test_self_evaluation_preset_scores_without_evaluator_as_missing():
    result = score(load_preset("self-evaluation"), year(budget="100", executed="95"))
    assert result.total == 9.5
    assert result.missing_weight == 90.0 and result.grade == "暂不定级"
    assert result.score_range == (9.5, 99.5) and result.grade_range == ("差", "优")


# --- the real 2020 data --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def result_2020():
    return score(load_scoring(PARAMS / "scoring-2020.yaml"), qdanalysis.load_year(2020))


EXPECTED_2020 = [
    ("预算执行率", 10, 9.83, STATUS_SCORED),
    ("保障网络线路数量", 8, None, STATUS_MISSING),
    ("保障金宏短信数量", 6, None, STATUS_MISSING),
    ("整合视频监控数量", 8, 4.08, STATUS_SCORED),      # 5.1万 / 10万 = 51% of 8
    ("系统正常运行率", 8, None, STATUS_MISSING),
    ("验收合格率", 7, None, STATUS_MISSING),
    ("故障响应时间", 7, None, STATUS_MISSING),
    ("采购成本", 6, 6.0, STATUS_SCORED),               # 924.68 ≤ 941: full
    ("视频资源共享数量", 10, 10.0, STATUS_SCORED),      # 4.8万 / 3万: capped
    ("运行维护制度健全性", 10, None, STATUS_MISSING),
    ("应急保障制度健全性", 10, None, STATUS_MISSING),
    ("使用部门满意度", 10, None, STATUS_MISSING),
]


def test_2020_score_sheet(result_2020):
    got = [(n, w, None if pd.isna(s) else s, st)
           for n, w, s, st in result_2020.sheet[["name", "weight", "score", "status"]].itertuples(index=False, name=None)]
    assert got == EXPECTED_2020


def test_2020_total_grade_and_missing_weight(result_2020):
    r = result_2020
    assert (r.total, r.max_total, r.grade, r.graded) == (29.91, 100.0, "暂不定级", False)
    assert r.missing_weight == 66.0 and len(r.missing) == 8
    assert (r.evidenced_max, f"{r.evidenced_rate:.1%}") == (34.0, "88.0%")
    assert r.score_range == (29.91, 95.91) and r.grade_range == ("差", "优")
    assert r.flags == []  # 98.27% is above 90%
    assert r.headline() == (
        "暂不定级：待补充佐证的指标分值合计 66 分，超过满分的 10%（定级阈值）。有佐证的指标分值合计 34 分，得 29.91 分，"
        "得分率 88.0%；待补充佐证的指标若全部不得分或全部得满分，总分在 29.91—95.91 分之间（等级「差」至「优」）。")
    assert "待补充佐证（8 项）：保障网络线路数量、" in r.summary() and "等级「差」。" not in r.summary()
    assert r.groups.set_index("level1")["weight"].to_dict() == {
        "预算执行率": 10.0, "产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
    assert "98.27%" in row(r, "预算执行率")["basis"] and "941.00万元" in row(r, "预算执行率")["basis"]
    assert row(r, "运行维护制度健全性")["target_text"] == "健全"


def test_2020_with_evaluator_scores():
    t = load_scoring(PARAMS / "scoring-2020.yaml")
    r = score(t, qdanalysis.load_year(2020), {"运行维护制度健全性": {"value": 0, "note": "未制定专项业务费资金管理办法"},
                                              "应急保障制度健全性": 10, "使用部门满意度": 9})
    assert r.total == pytest.approx(48.91)
    assert row(r, "运行维护制度健全性")["status"] == STATUS_EVALUATOR
    assert r.missing_weight == 36.0


# --- grade only where the evidence carries one ------------------------------------------------------


@pytest.mark.parametrize("threshold, missing_weight, expected", [
    (None, 10, "优"),        # 10 points without evidence: not more than the default 10%
    (None, 11, "暂不定级"),
    (0, 1, "暂不定级"),
    (50, 40, "中"),
])
def test_grade_threshold(threshold, missing_weight, expected):
    rest = 100 - missing_weight
    sheet = indicators(("甲", "≥10条", "10条"), ("乙", "≥10条", None))
    top = {} if threshold is None else {"grade_threshold": threshold}
    t = table({"name": "甲", "weight": rest, "indicator": "甲"}, {"name": "乙", "weight": missing_weight, "indicator": "乙"},
              **top)
    result = score(t, year(sheet))
    assert result.grade == expected
    if expected == "暂不定级":
        shown = display_sheet(result)
        assert shown["状态"].iloc[-1] == "暂不定级" and shown["得分"].iloc[-1] == rest
        assert pd.isna(shown.set_index("三级指标").loc["乙", "得分"])


@pytest.mark.parametrize("value", ["x", 101, -1])
def test_grade_threshold_refused(value):
    with pytest.raises(ValidationError, match="定级阈值「.*」不是 0 到 100 之间的数字"):
        table({"name": "甲", "weight": 100, "indicator": "甲"}, grade_threshold=value)


# --- qualitative indicators (levels) ---------------------------------------------------------------


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


def test_the_data_quoting_a_shortcoming_gives_a_proposal_not_a_score(result_2020):
    r = row(result_2020, "运行维护制度健全性")
    assert pd.isna(r["score"]) and r["status"] == STATUS_MISSING
    assert result_2020.proposals == [{"name": "运行维护制度健全性", "level": "部分达成",
                                      "quote": "大数据局未制定专项业务费资金管理办法，管理制度有待进一步完善"}]
    assert "系统建议：“部分达成”" in r["basis"] and "待评价人在评价记录表中确认或改定，确认前不计分" in r["basis"]
    assert "系统建议（待评价人确认，未计入得分）：「运行维护制度健全性」建议为“部分达成”" in result_2020.summary()
    assert row(result_2020, "应急保障制度健全性")["basis"].count("系统建议") == 0  # the data says nothing of it


# --- the evaluator's record (评价记录) -----------------------------------------------------------------


def record(*rows: dict) -> pd.DataFrame:
    """A 评价记录 frame as the loader returns it, rows from row 4 of 评价记录.xlsx."""
    out = []
    for n, r in enumerate(rows, start=4):
        out.append({"level1": None, "name": r["name"], "weight": None, "method": None, "actual": r.get("actual"),
                    "score": r.get("score"),
                    "evidence": r.get("evidence"), "opinion": r.get("opinion"), "evaluator": r.get("evaluator"),
                    "date": pd.Timestamp(r["date"]) if r.get("date") else pd.NaT,
                    "src_file": "评价记录.xlsx", "src_sheet": "评价记录", "src_row": n})
    return pd.DataFrame(out)


def recorded(sheet=None, rows=()) -> SimpleNamespace:
    data = year(sheet)
    data.record = record(*rows)
    return data


RECORD_TABLE = [
    {"name": "系统正常运行率", "weight": 8, "indicator": "系统正常运行率"},
    {"name": "运行维护制度健全性", "weight": 10, "rule": "levels", "indicator": "运行维护制度健全性"},
    {"level1": "满意度指标", "name": "使用部门满意度", "weight": 10, "rule": "manual", "evaluator": "满意度"},
]


def test_the_record_gives_actuals_scores_and_evidence():
    t = table(*RECORD_TABLE)
    sheet = indicators(("系统正常运行率", "≥95%", "99%"), ("运行维护制度健全性", "健全", None))
    result = score(t, recorded(sheet, [
        {"name": "系统正常运行率", "actual": "90%", "evidence": "2020年运维工单统计表", "evaluator": "张三",
         "date": "2021-05-20"},
        {"name": "运行维护制度健全性", "actual": "部分达成", "evidence": "《机房运维管理制度》（2019年修订）",
         "opinion": "未制定专项业务费资金管理办法", "evaluator": "李四", "date": "2021-05-21"},
        {"name": "使用部门满意度", "score": 8.5, "evidence": "满意度问卷汇总（回收62份）"},
    ]))
    uptime = row(result, "系统正常运行率")
    assert uptime["score"] == pytest.approx(7.58) and uptime["status"] == STATUS_EVALUATOR
    assert uptime["actual_text"] == "90%" and "评价组核实为 90%（绩效指标表填报 99%）" in uptime["basis"]
    assert uptime["evidence"] == "2020年运维工单统计表"
    rules = row(result, "运行维护制度健全性")
    assert (rules["score"], rules["evidence"]) == (5.0, "《机房运维管理制度》（2019年修订）")
    assert "（评价意见：未制定专项业务费资金管理办法）" in rules["basis"]
    assert row(result, "使用部门满意度")["score"] == 8.5
    assert result.evaluators == ["张三（2021-05-20）", "李四（2021-05-21）"]
    assert result.proposals == []


def test_a_record_row_without_evidence_shows_a_placeholder():
    t = table(*RECORD_TABLE)
    result = score(t, recorded(None, [{"name": "使用部门满意度", "score": 9}]))
    assert row(result, "使用部门满意度")["evidence"] == "【待评价组填写：佐证材料】"


@pytest.mark.parametrize("entry, column, message", [
    ({"name": "网站访问量", "score": 5}, "三级指标", "评分表“测试”中没有指标「网站访问量」"),
    ({"name": "使用部门满意度", "score": 10.5}, "得分", "「使用部门满意度」的得分 10.5 超过分值 10"),
    ({"name": "运行维护制度健全性", "actual": "8"}, "实际完成值",
     "「运行维护制度健全性」按定性分档计分，实际完成值应填 达成、部分达成、未达成 之一，而不是数字「8」"),
    ({"name": "运行维护制度健全性", "actual": "基本健全"}, "实际完成值", "而不是「基本健全」"),
    ({"name": "使用部门满意度", "actual": "92%"}, "得分", "按评价人打分计分，只填了实际完成值「92%」，没有填得分"),
    ({"name": "系统正常运行率", "actual": "良好"}, "实际完成值", "实际完成值「良好」不是数值"),
    ({"name": "填充", "actual": "x"}, "得分", "按评价人打分计分"),
])
def test_record_rows_refused_with_file_sheet_row_and_column(entry, column, message):
    t = table(*RECORD_TABLE)
    with pytest.raises(ValidationError) as err:
        first = {"name": "填充", "score": 1} if entry["name"] != "填充" else {"name": "使用部门满意度", "score": 9}
        score(t, recorded(None, [first, entry]))
    [problem] = err.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == ("评价记录.xlsx", "评价记录", 5, column)
    assert message in problem.message and problem.hint


def test_an_indicator_recorded_twice_under_its_two_names_is_refused():
    t = table({"name": "运行维护制度", "weight": 10, "rule": "levels", "indicator": "运行维护制度健全性"})
    with pytest.raises(ValidationError, match="指标「运行维护制度」在评价记录中写了两次（另一处：评价记录表第4行）"):
        score(t, recorded(indicators(("运行维护制度健全性", "健全", None)),
                          [{"name": "运行维护制度", "actual": "达成"}, {"name": "运行维护制度健全性", "actual": "未达成"}]))


def test_a_measured_indicator_takes_no_score_from_the_record():
    t = table({"level1": "预算执行率", "name": "预算执行率", "weight": 10, "rule": "ratio", "measure": "execution_rate"})
    with pytest.raises(ValidationError, match="「预算执行率」由数据计算（预算执行率），评价记录不填得分和实际完成值"):
        score(t, recorded(None, [{"name": "预算执行率", "score": 10}]))
    ok = score(t, recorded(None, [{"name": "预算执行率", "evidence": "2020年决算报表"}]))
    assert row(ok, "预算执行率")["score"] == 9.0  # 90 of 100: the record's evidence does not change the figure


# --- a year without a scoring file: its own indicators sheet -----------------------------------------


def sheet_with(weights, level1s=None):
    sheet = indicators(("线路数量", "≥80条", "85条"), ("运行率", "≥95%", "99%"), ("制度健全性", "健全", "健全"))
    sheet["weight"] = pd.array(weights, dtype="Float64")
    if level1s:
        sheet["level1"] = level1s
    sheet["src_file"], sheet["src_sheet"], sheet["src_row"] = "2021.xlsx", "绩效指标", [4, 5, 6]
    return sheet


def test_a_table_from_the_sheets_weights():
    from qdanalysis.analyse.scoring_from_indicators import table_from_indicators

    t = table_from_indicators(sheet_with([40, 30, 20]), 2021, "《2021》工作簿「绩效指标」表")
    assert [(i.name, i.weight, i.rule) for i in t.indicators] == [
        ("预算执行率", 10, "ratio"), ("线路数量", 40, "ratio"), ("运行率", 30, "ratio"), ("制度健全性", 20, "levels")]
    assert t.total == 100 and t.flags == () and "分值取自2021年绩效指标表「分值」列" in t.note
    result = score(t, year(sheet_with([40, 30, 20]), budget="100", executed="100", year_=2021))
    assert (result.total, result.grade) == (100.0, "优")


def test_weights_that_do_not_make_90_are_reported_with_their_sum():
    from qdanalysis.analyse.scoring_from_indicators import table_from_indicators

    t = table_from_indicators(sheet_with([40, 30, 15]), 2021)
    assert t.total == 95
    assert t.flags == ("绩效指标表「分值」列合计 85 分，不是 90 分（预算执行率另计10分）；本次按表列分值计分，满分为 95 分，"
                       "等级按得分率折算。请核对分值，或另行指定评分表",)
    assert t.flags[0] in score(t, year(sheet_with([40, 30, 15]), year_=2021)).flags


def test_weights_given_for_some_indicators_only_are_refused_by_row():
    from qdanalysis.analyse.scoring_from_indicators import table_from_indicators

    with pytest.raises(ValidationError) as err:
        table_from_indicators(sheet_with([40, None, 20]), 2021)
    [p] = err.value.problems
    assert (p.file, p.sheet, p.row, p.column) == ("2021.xlsx", "绩效指标", 5, "分值")
    assert p.message == "指标「运行率」没有分值，而本表其他指标列有分值"


def test_without_weights_the_presets_groups_are_shared_evenly():
    from qdanalysis.analyse.scoring_from_indicators import table_from_indicators

    t = table_from_indicators(sheet_with([None, None, None], ["产出指标", "产出", "效益指标"]), 2021)
    weights = {i.name: i.weight for i in t.indicators}
    assert (weights["线路数量"], weights["运行率"], weights["制度健全性"]) == (25, 25, 30)
    assert weights["服务对象满意度指标"] == 10  # the sheet has no 满意度: the preset's own indicator stays
    assert t.total == 100 and sum(weights.values()) == 100
    assert "绩效指标表未列分值" in t.note and "绩效指标表没有满意度指标，保留预置自评表的同名指标" in t.note
    with pytest.raises(ValidationError, match="一级指标「决策指标」不在预置自评表的一级指标（产出指标、效益指标、满意度指标）中"):
        table_from_indicators(sheet_with([None, None, None], ["产出指标", "决策指标", "效益指标"]), 2021)


def test_three_sevenths_are_rounded_so_that_the_group_still_adds_up():
    from qdanalysis.analyse.scoring_from_indicators import table_from_indicators

    sheet = indicators(*[(f"指标{k}", "≥1条", "1条") for k in range(7)])
    t = table_from_indicators(sheet, 2021)
    group = [i.weight for i in t.indicators if i.level1 == "产出指标"]
    assert group == [Decimal("7.16")] + [Decimal("7.14")] * 6 and sum(group) == 50


def test_a_year_without_a_scoring_file_is_scored_from_its_own_sheet(tmp_path):
    from qdanalysis.run.pipeline import scoring_for as scoring_table

    data = qdanalysis.load_year(2020)
    t = scoring_table(2031, "", data)  # no params/scoring-2031.yaml
    assert t.name == "2031年绩效评分（按2031年绩效指标表生成）"
    assert "《2020年专项业务费》工作簿「绩效指标」表" in t.source
    assert [i.name for i in t.indicators][1:] == list(data.indicators["name"])
    assert scoring_table(2031, "third-party").name.startswith("项目支出绩效评价（预置")


def test_a_missing_evaluator_entry_speaks_of_the_record_not_of_python(result_2020):
    basis = row(result_2020, "使用部门满意度")["basis"]
    assert basis.startswith("评价记录表未填写该指标的打分；") and "键" not in basis


def test_a_project_with_its_own_params_folder_is_scored_from_it_not_from_params(tmp_path):
    import shutil

    from qdanalysis.paths import PARAMS
    from qdanalysis.run.pipeline import scoring_for as scoring_table

    data = qdanalysis.load_year(2020)
    # params/scoring-2020.yaml exists, but the project's own folder has none: its indicators sheet decides
    assert scoring_table(2020, "", data, params_dir=tmp_path).name == "2020年绩效评分（按2020年绩效指标表生成）"
    shutil.copy(PARAMS / "scoring-2020.yaml", tmp_path / "scoring-2020.yaml")
    table = scoring_table(2020, "", data, params_dir=tmp_path)
    assert table.name == "青岛市大数据局专项业务费2020年绩效评分（自评表结构）" and table.file == str(tmp_path / "scoring-2020.yaml")
    from pathlib import Path

    default = scoring_table(2020, "", data).file  # without one: params/, as before
    assert Path(default).resolve() == (PARAMS / "scoring-2020.yaml").resolve()


def test_a_year_with_no_evidence_at_all_says_so_not_0_of_0(tmp_path):
    from workbooks import make_workbook

    from qdanalysis.present.summary import score_line

    make_workbook(tmp_path / "2021" / "a.xlsx", {
        "预算执行": [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1.1", "甲", "A", None, None]],
        "绩效指标": [["一级指标", "二级指标", "三级指标", "指标值", "实际完成值"],
                     ["产出指标", "数量指标", "保障网络线路数量", "≥80条", None]]})
    from qdanalysis.run.pipeline import scoring_for as scoring_table

    data = qdanalysis.load_year(2021, root=tmp_path)
    r = score(scoring_table(2021, "", data, params_dir=tmp_path), data)  # from the year's own indicator sheet
    assert r.evidenced_max == 0 and not r.graded
    assert r.headline() == ("暂不定级：全部指标（分值合计 100 分）均待补充佐证，尚无可计分的指标；"
                            "补充佐证后总分在 0—100 分之间（等级「差」至「优」）。")
    line = score_line(SimpleNamespace(score=r))
    assert "0/0" not in line and "暂不定级，全部指标均待补充佐证，尚无得分" in line
