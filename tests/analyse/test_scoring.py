"""The scoring engine: grades, totals and groups, the presets and the 2020 score sheet (the rules and the evidence have their own test modules)."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pandas as pd
import pytest
from scoring_inputs import (
    NOTE,
    indicators,
    row,
    table,
    year,
)

import qdanalysis
from qdanalysis import ValidationError
from qdanalysis.analyse.scoring import display_sheet, grade, score
from qdanalysis.analyse.scoring_file import load_scoring
from qdanalysis.analyse.scoring_presets import load_preset
from qdanalysis.analyse.scoring_table import STATUS_DOUBT, STATUS_EVALUATOR, STATUS_MISSING, STATUS_SCORED
from qdanalysis.paths import PARAMS

# --- tiny inputs ---------------------------------------------------------------------------


# --- ratio ---------------------------------------------------------------------------------


# --- budget execution and adjustment ----------------------------------------------------------


# --- deduction and manual --------------------------------------------------------------------


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
    from qdanalysis.analyse.engine import analyse

    return analyse(qdanalysis.load_year(2020), load_scoring(PARAMS / "scoring-2020.yaml")).score


EXPECTED_2020 = [
    ("立项依据充分性", 4, None, STATUS_MISSING),
    ("立项程序规范性", 4, None, STATUS_MISSING),
    ("绩效目标合理性", 3, None, STATUS_MISSING),
    ("绩效指标明确性", 3, None, STATUS_MISSING),
    ("预算编制科学性", 3, None, STATUS_MISSING),
    ("资金分配合理性", 3, None, STATUS_MISSING),
    ("资金到位率", 3, None, STATUS_MISSING),
    ("预算执行率", 5, 4.91, STATUS_SCORED),            # 924.68 ÷ 941 = 98.27% of 5 = 4.913
    ("资金使用合规性", 4, None, STATUS_MISSING),
    ("管理制度健全性", 3, None, STATUS_MISSING),
    ("制度执行有效性", 3, None, STATUS_MISSING),
    ("政府采购及合同管理规范性", 2, None, STATUS_MISSING),
    ("保障网络线路数量", 5, None, STATUS_MISSING),
    ("保障金宏短信数量", 4, None, STATUS_MISSING),
    ("整合视频监控数量", 5, None, STATUS_DOUBT),       # ≥10万 without a unit; 5.1万路 is the bureau's 工作成效
    ("系统正常运行率", 4, None, STATUS_MISSING),
    ("验收合格率", 4, None, STATUS_MISSING),
    ("故障响应时间", 4, None, STATUS_MISSING),
    ("采购成本", 4, None, STATUS_DOUBT),               # ≤941万元 is the budget (F11: 不科学)
    ("视频资源共享数量", 8, None, STATUS_DOUBT),        # 条 against 路 (F12)
    ("运行维护制度健全性", 6, None, STATUS_MISSING),
    ("应急保障制度健全性", 6, None, STATUS_MISSING),
    ("使用部门满意度", 10, None, STATUS_MISSING),
]


def test_2020_score_sheet(result_2020):
    got = [(n, w, None if pd.isna(s) else s, st)
           for n, w, s, st in result_2020.sheet[["name", "weight", "score", "status"]].itertuples(index=False, name=None)]
    assert got == EXPECTED_2020


def test_2020_total_grade_and_missing_weight(result_2020):
    r = result_2020
    assert (r.total, r.max_total, r.grade, r.graded) == (4.91, 100.0, "暂不定级", False)
    assert (r.missing_weight, len(r.missing), r.doubted_weight, len(r.doubted)) == (78.0, 19, 17.0, 3)
    assert (r.evidenced_max, f"{r.evidenced_rate:.1%}") == (5.0, "98.2%")  # 4.91 of the 5 confirmed points
    assert r.score_range == (4.91, 99.91)
    # the confirmed 4.91 and the proposals: 0 + 0.6 + 1.2 + 0.6 (决策) + 0.3 + 0 (过程) + 2.55 + 4 + 8 (待核实);
    # 61 points have no proposal
    assert r.estimate == (pytest.approx(22.16), 61.0)
    assert r.flags == []  # 98.27% is above 90%
    assert r.headline().startswith(
        "暂不定级：未确认的指标分值合计 95 分（待补充佐证19项78分、待核实3项17分），超过满分的 10%（定级阈值。"
        "该阈值是本工具的约定，不是财预〔2020〕10号的规定，可在评分表中以 grade_threshold 设定）。"
        "已确认的指标分值合计 5 分，得 4.91 分，得分率 98.2%。总分在 4.91—99.91 分之间；"
        "按系统建议（待评价人确认）计约 22.16 分，其中尚无系统建议的 61 分按不得分计。"
        "定级前，评价组须在评价记录中补充：待核实的3项（17分）须核实实际完成值或直接给分：产出2项9分（整合视频监控数量、采购成本）；"
        "效益1项8分（视频资源共享数量）。待补充佐证的19项（78分）须填写得分、评价结论或实际完成值及佐证材料：决策6项20分（")
    assert "等级「差」至「优」" not in r.headline()
    assert r.groups.set_index("level1")["weight"].to_dict() == {"决策": 20.0, "过程": 20.0, "产出": 30.0, "效益": 30.0}
    scores = r.groups.set_index("level1")["score"]
    assert scores["过程"] == 4.91 and pd.isna(scores["决策"]) and pd.isna(scores["产出"])  # nothing scored: not 0
    assert "98.27%" in row(r, "预算执行率")["basis"] and "941.00万元" in row(r, "预算执行率")["basis"]
    assert row(r, "运行维护制度健全性")["target_text"] == "健全"


def test_2020_doubts_give_the_reason_and_a_proposal_not_a_score(result_2020):
    r = row(result_2020, "视频资源共享数量")
    assert r["basis"].startswith("待核实：口径不一致：指标值“≥3万条”以“条”计，实际完成值“4.8万路”以“路”计；"
                                 "实际完成值“4.8万路”是“产出与成效”表所列的单位整体工作成效（二（一）")
    assert "指标值“≥10万”没有计量单位" in row(result_2020, "整合视频监控数量")["basis"]
    assert "指标值“≤941万元”即项目预算总额，与预算执行率重复，指标设置不科学" in row(result_2020, "采购成本")["basis"]
    proposal = result_2020.proposal_of("整合视频监控数量")
    assert (proposal.kind, proposal.score) == ("doubt", Decimal("2.55"))  # 5.1 ÷ 10 × 5, if confirmed
    assert proposal.text().startswith("建议得2.55分（分值5），即按填报的实际完成值计分（实际 5.1万路 ÷ 目标 ≥10万 = 51.00%")
    assert proposal.text().endswith("（待评价人确认）")


def test_2020_proposals_from_the_findings_that_bear_on_an_indicator(result_2020):
    p = result_2020.proposal_of("预算编制科学性")
    assert (p.kind, p.score) == ("findings", Decimal("1.2"))  # two 中 findings: 3 − 2 × 30% × 3
    assert [code.split("-")[0] for code, _, _ in p.findings] == ["F04", "F08"]
    assert p.text() == ("建议得1.2分（分值3）：数据分析发现2项相关问题：不同项目的服务内容重叠（中）；预算测算依据不明确（中）；"
                        "按严重程度建议扣1.8分（高扣分值的50%，中30%，低10%，扣完为止）（待评价人确认）")
    assert row(result_2020, "预算编制科学性")["proposal"] == p.text()
    assert result_2020.proposal_of("立项依据充分性") is None  # no finding bears on it


def test_2020_with_evaluator_scores():
    t = load_scoring(PARAMS / "scoring-2020.yaml")
    r = score(t, qdanalysis.load_year(2020), {"运行维护制度健全性": {"value": 0, "note": "未制定运行维护制度"},
                                              "应急保障制度健全性": 6, "使用部门满意度": 9})
    assert r.total == pytest.approx(19.91)  # 4.91 + 0 + 6 + 9
    assert row(r, "运行维护制度健全性")["status"] == STATUS_EVALUATOR
    assert r.missing_weight == 56.0


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
        # the unconfirmed total is never shown alone: 暂不定级 and the confirmed part
        assert shown["状态"].iloc[-1] == "暂不定级"
        assert shown["得分"].iloc[-1] == f"暂不定级（已确认{rest}分中得{rest}分）"
        assert pd.isna(shown.set_index("三级指标").loc["乙", "得分"])


@pytest.mark.parametrize("value", ["x", 101, -1])
def test_grade_threshold_refused(value):
    with pytest.raises(ValidationError, match="定级阈值「.*」不是 0 到 100 之间的数字"):
        table({"name": "甲", "weight": 100, "indicator": "甲"}, grade_threshold=value)


# --- qualitative indicators (levels) ---------------------------------------------------------------


def test_a_quote_about_another_matter_is_no_proposal(result_2020):
    # 运行维护制度健全性's note quotes 未制定专项业务费资金管理办法: that is 资金管理, not maintenance rules
    r = row(result_2020, "运行维护制度健全性")
    assert pd.isna(r["score"]) and r["status"] == STATUS_MISSING
    assert result_2020.proposal_of("运行维护制度健全性") is None


def test_the_data_quoting_a_shortcoming_of_the_indicator_gives_a_proposal_not_a_score():
    sheet = indicators(("运行维护制度健全性", "健全", None))
    sheet["note"] = "三（二）2：运行维护制度有待进一步完善"
    t = table({"level1": "效益指标", "name": "运行维护制度健全性", "weight": 10, "rule": "levels",
               "indicator": "运行维护制度健全性", "evaluator": "运行维护制度健全性"})
    result = score(t, year(sheet))
    p = result.proposal_of("运行维护制度健全性")
    assert (p.kind, p.level, p.score, p.quote) == ("quote", "部分达成", Decimal("5"), "运行维护制度有待进一步完善")
    assert row(result, "运行维护制度健全性")["status"] == STATUS_MISSING and result.total == 0
    assert "系统建议（待评价人确认，未计入得分）：“运行维护制度健全性”建议评为“部分达成”（5分）" in result.summary()


# --- the evaluator's record (评价记录) -----------------------------------------------------------------


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
    t = scoring_table(2031, "", data)  # no params/scoring-2031.yaml: the evaluation table on the year's sheet
    assert t.name == "2031年绩效评价指标体系（决策、过程按预置表，产出、效益按2031年绩效指标表）"
    assert "《2020年专项业务费》工作簿「绩效指标」表" in t.source
    assert [i.name for i in t.indicators][12:] == list(data.indicators["name"])
    assert [i.level1 for i in t.indicators][12:] == ["产出"] * 7 + ["效益"] * 4
    own = scoring_table(2031, "self-evaluation", data)  # the unit's 自评 split, from the same sheet
    assert own.name == "2031年绩效评分（按2031年绩效指标表生成）" and own.kind == "单位自评结构"
    assert [i.name for i in own.indicators][1:] == list(data.indicators["name"])
    assert scoring_table(2031, "third-party").name.startswith("项目支出绩效评价指标体系（预置")  # no data: the preset


def test_a_missing_evaluator_entry_speaks_of_the_record_not_of_python(result_2020):
    basis = row(result_2020, "使用部门满意度")["basis"]
    assert basis.startswith("评价记录表未填写该指标的打分；") and "键" not in basis


def test_a_project_with_its_own_params_folder_is_scored_from_it_not_from_params(tmp_path):
    import shutil

    from qdanalysis.paths import PARAMS
    from qdanalysis.run.pipeline import scoring_for as scoring_table

    data = qdanalysis.load_year(2020)
    # params/scoring-2020.yaml exists, but the project's own folder has none: its indicators sheet decides
    own = scoring_table(2020, "", data, params_dir=tmp_path)
    assert own.name == "2020年绩效评价指标体系（决策、过程按预置表，产出、效益按2020年绩效指标表）"
    assert own.chosen == "本年度没有评分表文件 scoring-2020.yaml，默认按评价指标体系（third-party），产出、效益取自绩效指标表"
    shutil.copy(PARAMS / "scoring-2020.yaml", tmp_path / "scoring-2020.yaml")
    table = scoring_table(2020, "", data, params_dir=tmp_path)
    assert table.name == "青岛市大数据局专项业务费2020年绩效评价指标体系" and table.file == str(tmp_path / "scoring-2020.yaml")
    assert table.chosen == "本年度的评分表文件 scoring-2020.yaml"
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
    assert r.headline().startswith("暂不定级：全部指标（分值合计 100 分）均未确认（待补充佐证14项100分），尚无可计分的指标。"
                                   "总分在 0.00—100.00 分之间。定级前，评价组须在评价记录中补充：待补充佐证的14项（100分）须填写")
    assert "按系统建议" not in r.headline()  # nothing is proposed: no estimate
    line = score_line(SimpleNamespace(score=r))
    assert "0/0" not in line and "暂不定级，全部指标均未确认，尚无得分" in line


# --- a doubt until the record confirms it ----------------------------------------------------------


@pytest.mark.parametrize("entry, expected, how", [
    ({"actual": "3.2万条", "evidence": "平台共享台账"}, 10.0, "评价组核实为 3.2万条（绩效指标表填报 4.8万路）"),
    ({"score": 6, "opinion": "以路计，按比例给分"}, 6.0, "评价人评分 6 分（分值 10）"),
])
def test_the_record_confirms_a_doubted_indicator(entry, expected, how):
    from scoring_inputs import recorded

    t = table({"name": "视频资源共享数量", "weight": 10, "indicator": "视频资源共享数量"})
    sheet = indicators(("视频资源共享数量", "≥3万条", "4.8万路"))
    assert row(score(t, year(sheet)), "视频资源共享数量")["status"] == STATUS_DOUBT
    only_evidence = score(t, recorded(sheet, [{"name": "视频资源共享数量", "evidence": "平台截图"}]))
    assert row(only_evidence, "视频资源共享数量")["status"] == STATUS_DOUBT  # evidence alone confirms nothing
    result = score(t, recorded(sheet, [{"name": "视频资源共享数量", **entry}]))
    r = row(result, "视频资源共享数量")
    assert (r["score"], r["status"]) == (expected, STATUS_EVALUATOR) and r["basis"].startswith(how)
    assert result.doubted == [] and result.proposal_of("视频资源共享数量") is None


def test_a_score_given_without_its_actual_is_taken_with_nothing_to_compare():
    from scoring_inputs import recorded

    # 资金到位率 scored in the record, its rate not written: the rule has no actual to compute from
    t = table({"level1": "过程", "name": "资金到位率", "weight": 3, "evaluator": "资金到位率", "target": "100%"})
    result = score(t, recorded(None, [{"name": "资金到位率", "score": 2.5}]))
    r = row(result, "资金到位率")
    assert (r["score"], r["status"]) == (2.5, STATUS_EVALUATOR)
    assert r["basis"] == "评价人评分 2.5 分（分值 3）"  # no "按评分规则计算为" without an actual
    given = score(t, recorded(None, [{"name": "资金到位率", "actual": "90%", "score": 2.5}]))
    assert row(given, "资金到位率")["basis"] == "评价人评分 2.5 分（分值 3）；按评分规则计算为 2.7 分"


def test_the_total_row_of_an_ungraded_sheet_says_why_in_one_line_not_the_whole_headline(result_2020):
    from qdanalysis.analyse.scoring_table import SHEET_LABELS

    total = display_sheet(result_2020).iloc[-1]
    assert total[SHEET_LABELS["basis"]] == ("未确认的指标分值合计95分，超过满分的10%，暂不定级；"
                                            "按系统建议计约22.16分（待评价人确认，未计入得分）")
    assert result_2020.headline() not in list(display_sheet(result_2020)[SHEET_LABELS["basis"]])
