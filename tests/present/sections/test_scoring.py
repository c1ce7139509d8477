"""九、评分: the table used, the grade or why there is none, what lacks evidence, proposals, the score sheet."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from section_checks import context, paragraphs, placeholders, shape

from qdanalysis.present.sections import scoring

NAME = "青岛市大数据局专项业务费2020年绩效评价指标体系"


def test_2020_blocks(ctx2020):
    blocks = scoring.blocks(ctx2020)
    assert shape(blocks) == ["p", "warning", "warning"] + ["note"] * 9 + ["warning", "note", "note", "table:评分"]
    texts = paragraphs(blocks)
    assert texts[0].startswith(f"采用评分表“{NAME}”（依据：财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）附件")
    assert texts[1].startswith("暂不定级：未确认的指标分值合计 95 分（待补充佐证19项78分、待核实3项17分），超过满分的 10%")
    assert "按系统建议（待评价人确认）计约 22.16 分" in texts[1]
    assert texts[2].startswith("待核实（3项，分值合计17分）：整合视频监控数量（指标值“≥10万”没有计量单位，")
    assert texts[3] == ("系统建议（未计入得分）：“绩效目标合理性”建议得0分（分值3）：数据分析发现3项相关问题："
                        "产出指标未覆盖主要支出项目（高）；数量指标设在按量计费的服务上（中）；成本指标设置不科学（中）；"
                        "按严重程度建议扣3分（高扣分值的50%，中30%，低10%，扣完为止）（待评价人确认）")
    assert not any("运行维护制度健全性”建议" in t for t in texts)  # 未制定资金管理办法 is about 资金管理
    assert placeholders(blocks) == ["评价记录（评价人、日期、各指标的佐证材料和评价意见）"]


def test_the_indicator_checks_beside_the_score_are_f11_to_f13_only(ctx2020):
    note = paragraphs(scoring.blocks(ctx2020))[13]
    assert note.startswith("指标设置核查（详见“主要问题与建议”决策类）：成本指标设置不科学：“采购成本”")
    assert "指标值与实际完成值口径不一致：“视频资源共享数量”" in note
    assert "产出指标未覆盖" not in note  # F01 is a finding, not a check of the indicators


def test_the_subtotals_of_groups_with_nothing_scored_are_a_dash_not_0(ctx2020):
    frame = scoring.table(ctx2020).text_frame()
    subtotals = frame[frame["三级指标"] == "小计"]
    assert subtotals["得分"].tolist() == ["—", "4.91", "—", "—"]
    assert frame["得分"].iloc[-1] == "暂不定级（已确认5分中得4.91分）"
    narrow = scoring.table(ctx2020, full=False).text_frame()
    assert "评分要点" in frame and "评分要点" not in narrow and "系统建议（待评价人确认，不计分）" not in narrow


def test_evaluators_replace_the_placeholder(analysis2020):
    score = replace(analysis2020.score, evaluators=["张三（2021-05-20）", "李四（2021-05-21）"])
    blocks = scoring.blocks(context(analysis2020, score=score))
    assert "评价人：张三（2021-05-20）、李四（2021-05-21）。各项得分的佐证材料见下表“佐证材料”列。" in paragraphs(blocks)
    assert placeholders(blocks) == []


def test_an_unscored_year_says_so_and_has_no_score_sheet(analysis2020):
    ctx = context(analysis2020, score=None)
    blocks = scoring.blocks(ctx)
    assert shape(blocks) == ["note"] and paragraphs(blocks) == ["本次未评分（未指定评分表）。"]
    assert scoring.table(ctx) is None and scoring.sheets(ctx) == []


def test_the_score_sheet_names_its_table_on_the_excel_sheet(ctx2020):
    [sheet] = scoring.sheets(ctx2020)
    assert (sheet.key, sheet.sheet_suffix) == ("评分", f"：{NAME}")
    assert sheet.text_frame()["状态"].iloc[-1] == "暂不定级"


def test_scores_are_written_with_two_decimals_and_text_as_it_is():
    assert scoring._score_text(Decimal("9.5")) == "9.50" and scoring._score_text(29.914) == "29.91"
    assert scoring._score_text(10) == "10.00"
    assert scoring._score_text("—") == "—" and scoring._score_text(float("nan")) == "—"
    assert scoring._score_text(None) == "—"
