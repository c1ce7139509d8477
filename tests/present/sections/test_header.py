"""The report's head: the title with its year, the sources in words, the demo warning, the tables not provided."""

from __future__ import annotations

from section_checks import context, paragraphs, shape

from qdanalysis.present.sections import header
from qdanalysis.present.sections.base import Context


def test_the_title_gets_the_year_in_front_unless_it_names_it(analysis2020):
    assert header.heading(Context(analysis2020)) == "2020年专项业务费绩效评价数据分析"
    assert header.heading(Context(analysis2020, "青岛市2020年专项业务费数据分析")) == "青岛市2020年专项业务费数据分析"
    assert header.heading(Context(analysis2020, "专项业务费分析")) == "2020年专项业务费分析"


def test_2020_has_the_title_and_the_sources_in_words(ctx2020):
    blocks = header.blocks(ctx2020)
    assert shape(blocks) == ["title", "note"]
    assert paragraphs(blocks) == [
        "2020年专项业务费绩效评价数据分析",
        "数据来源：《2020年专项业务费》工作簿。金额单位：万元（保留两位小数，四舍五入）；空白或“未披露”表示数据未给出，不按零计。"]


def test_demo_data_is_announced_right_under_the_title(analysis2020):
    blocks = header.blocks(context(analysis2020, data={"demo": True}))
    assert shape(blocks) == ["title", "warning", "note"]
    assert paragraphs(blocks)[1] == "【示例数据】本报告使用程序生成的示例数据，所有数字均非真实数据，仅用于演示。"


def test_the_tables_a_year_does_not_provide_are_named_last(analysis2020):
    blocks = header.blocks(context(analysis2020, data={"missing": ["线路清单", "短信结算"]}))
    assert shape(blocks) == ["title", "note", "note"]
    assert paragraphs(blocks)[-1] == "本年度未提供：线路清单、短信结算。相关章节注明“未提供”。"


def test_the_head_has_no_heading_and_no_sheet(ctx2020):
    assert (header.SECTION.key, header.SECTION.title, header.SECTION.intro) == ("header", "", "")
    assert header.SECTION.sheets(ctx2020) == []
