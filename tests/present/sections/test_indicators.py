"""七、绩效目标完成情况: how many indicators are met, not met, 口径不一致 or 未披露; each one not met, in a warning."""

from __future__ import annotations

from section_checks import context, paragraphs, shape

from qdanalysis.present.sections import indicators


def test_2020_counts_and_the_indicator_not_met(ctx2020):
    blocks = indicators.blocks(ctx2020)
    assert shape(blocks) == ["p", "warning", "chart:indicators", "table:绩效指标"]
    assert paragraphs(blocks) == ["共11个绩效指标：1个已完成，1个未完成，1个指标值与完成值口径不一致，8个完成值未披露。",
                                  "未完成：“整合视频监控数量”目标≥10万，实际5.1万路，完成51%。"]


def test_without_a_mismatch_the_count_does_not_mention_one(analysis2020):
    status = analysis2020.indicator_status
    status = status[status["status"] != "口径不一致"]
    assert paragraphs(indicators.blocks(context(analysis2020, indicator_status=status)))[0] == (
        "共10个绩效指标：1个已完成，1个未完成，8个完成值未披露。")


def test_a_year_without_indicators_says_so(analysis2020):
    status = analysis2020.indicator_status.iloc[0:0]
    blocks = indicators.blocks(context(analysis2020, indicator_status=status))
    assert shape(blocks) == ["note"] and paragraphs(blocks) == ["本年度未提供绩效指标表。"]


def test_the_sheet_is_the_indicator_table(ctx2020):
    [sheet] = indicators.sheets(ctx2020)
    assert sheet.key == "绩效指标" and len(sheet.frame) == 11
    assert list(sheet.text_frame().columns) == ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "完成情况", "对比"]
