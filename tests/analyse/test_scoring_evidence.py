"""Where an indicator's actual comes from: the data, the 评价记录, the evaluator's entries; no evidence, no score."""

from __future__ import annotations

import pandas as pd
import pytest
from scoring_inputs import (
    ADJUSTMENT_BANDS,
    RECORD_TABLE,
    execution,
    indicators,
    recorded,
    row,
    table,
    year,
)

from qdanalysis import ValidationError
from qdanalysis.analyse.scoring import score
from qdanalysis.analyse.scoring_table import STATUS_EVALUATOR, STATUS_EXPLAIN, STATUS_MISSING, STATUS_SCORED


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


def _replaced(*record_rows, level1=None):
    """A table built on a 绩效指标 sheet whose 保障网络线路数量 the user replaced after new-year pre-filled 评价记录."""
    t = table({"name": "接入网络线路数量", "weight": 8, "indicator": "接入网络线路数量"},
              {"name": "系统正常运行率", "weight": 8, "indicator": "系统正常运行率"},
              {"level1": "效益指标", "name": "运行维护制度健全性", "weight": 10, "rule": "levels",
               "indicator": "运行维护制度健全性"})
    sheet = indicators(("接入网络线路数量", "≥80条", None), ("系统正常运行率", "≥99%", None),
                       ("运行维护制度健全性", "健全", None)).assign(
        src_file="data/raw/2021/2021年专项业务费.xlsx", src_sheet="绩效指标", src_row=[4, 5, 6])
    data = recorded(sheet, record_rows)
    data.record["level1"] = level1
    with pytest.raises(ValidationError) as err:
        score(t, data)
    [problem] = err.value.problems
    assert (problem.file, problem.sheet, problem.column) == ("评价记录.xlsx", "评价记录", "三级指标")
    return problem


def test_a_row_for_a_replaced_indicator_says_which_row_to_rename_to_what_or_delete():
    problem = _replaced({"name": "保障网络线路数量", "actual": "92条"}, {"name": "系统正常运行率", "actual": "99.9%"},
                        {"name": "运行维护制度健全性", "actual": "达成"}, {"name": "填充", "score": 1})
    assert problem.row == 4
    assert problem.message == "评分表“测试”中没有指标「保障网络线路数量」（评分表的指标取自测试.yaml），可能已改名或删除"
    assert problem.hint == ("评价记录中尚未记录的指标只有「接入网络线路数量」（产出指标，《2021年专项业务费.xlsx》「绩效指标」表第4行）。"
                            "若第4行记的是该指标，请把第4行「三级指标」改为「接入网络线路数量」；若「保障网络线路数量」已不再评分，请删除第4行")


def test_the_indicators_a_replaced_row_could_mean_are_those_of_its_level1_without_a_row():
    problem = _replaced({"name": "保障网络线路数量"}, level1="产出")
    assert problem.hint.startswith("评价记录中尚未记录的同一一级指标的指标有：「接入网络线路数量」（产出指标，《2021年专项业务费.xlsx》"
                                   "「绩效指标」表第4行）、「系统正常运行率」（产出指标，《2021年专项业务费.xlsx》「绩效指标」表第5行）。")
    assert problem.hint.endswith("请把第4行「三级指标」改为其中一个指标的名称；若「保障网络线路数量」已不再评分，请删除第4行")
    assert "运行维护制度健全性" not in problem.hint and "填充" not in problem.hint


def test_a_row_for_a_dropped_indicator_when_every_indicator_has_its_row_is_to_be_deleted():
    problem = _replaced({"name": "接入网络线路数量"}, {"name": "系统正常运行率"}, {"name": "运行维护制度健全性"},
                        {"name": "填充"}, {"name": "保障网络线路数量", "evidence": "工单"})
    assert (problem.row, problem.hint) == (8, "评分表的每个指标在评价记录中都已有一行，第8行多余：请删除第8行（其中已填写、需要保留的内容，请先并入对应指标的行）")


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
