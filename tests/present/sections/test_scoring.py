"""九、评分: the table used, the grade or why there is none, what lacks evidence, proposals, the score sheet."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from section_checks import context, paragraphs, placeholders, shape

from qdanalysis.present.sections import scoring

NAME = "青岛市大数据局专项业务费2020年绩效评分（自评表结构）"


def test_2020_blocks(ctx2020):
    blocks = scoring.blocks(ctx2020)
    assert shape(blocks) == ["p", "warning", "p", "note", "warning", "note", "note", "table:评分"]
    texts = paragraphs(blocks)
    assert texts[0].startswith(f"采用评分表“{NAME}”（依据：一级指标分值依据财政部《项目支出绩效评价管理办法》")
    assert texts[1].startswith("暂不定级：待补充佐证的指标分值合计 66 分，超过满分的 10%（定级阈值）。")
    assert texts[2].startswith("待补充佐证（8项，分值合计66分）：保障网络线路数量、保障金宏短信数量、")
    assert texts[3] == ("系统建议（待评价人确认，未计入得分）：「运行维护制度健全性」建议评为“部分达成”，"
                        "依据数据原文：“大数据局未制定专项业务费资金管理办法，管理制度有待进一步完善”。")
    assert placeholders(blocks) == ["评价记录（评价人、日期、各指标的佐证材料和评价意见，可在“评价记录”表中填写）"]


def test_the_indicator_checks_beside_the_score_are_f11_to_f13_only(ctx2020):
    note = paragraphs(scoring.blocks(ctx2020))[5]
    assert note.startswith("指标设置核查（详见“主要问题与建议”决策类）：成本指标设置不科学：“采购成本”指标值为≤941万元")
    assert "指标值与实际完成值口径不一致：“视频资源共享数量”" in note
    assert "产出指标未覆盖" not in note  # F01 is a finding, not a check of the indicators


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
