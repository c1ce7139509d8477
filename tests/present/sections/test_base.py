"""What a section reads (Context) and declares (Section): workbooks and sources in words, tables of the year."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from section_checks import context

from qdanalysis.present.blocks import TableLayout
from qdanalysis.present.sections.base import DEFAULT_TITLE, Context, Section, no_sheets

LAYOUT = TableLayout("测试", "测试表", {"item": "项目", "budget": "预算数（万元）", "adjusted_budget": "调整后预算数（万元）"},
                     money=("budget", "adjusted_budget"))
FRAME = pd.DataFrame({"item": ["甲"], "budget": [100], "adjusted_budget": [None]})


def test_the_context_reads_the_analysis_its_data_and_the_default_title(analysis2020):
    ctx = Context(analysis2020)
    assert ctx.title == DEFAULT_TITLE == "专项业务费绩效评价数据分析"
    assert ctx.data is analysis2020.data and ctx.demo is False


def test_workbooks_and_sources_are_named_in_words(ctx2020):
    assert ctx2020.workbooks() == "《2020年专项业务费》工作簿"
    assert ctx2020.source("预算执行") == "《2020年专项业务费》工作簿的预算执行表"
    assert ctx2020.source("线路清单", "绩效指标") == "《2020年专项业务费》工作簿的线路清单表、绩效指标表"


def test_several_workbooks_none_and_demo_data(analysis2020):
    two = context(analysis2020, data={"files": [Path("a/2021年预算.xlsx"), Path("a/2021年合同.xlsx")]})
    assert two.workbooks() == "《2021年预算》、《2021年合同》工作簿"
    assert context(analysis2020, data={"files": []}).workbooks() == "2020年数据文件夹"
    demo = context(analysis2020, data={"demo": True})
    assert demo.demo and demo.source("短信结算") == "《2020年专项业务费》工作簿的短信结算表（示例数据，非真实数据）"


def test_a_table_of_the_year_is_marked_demo_and_keeps_its_options(analysis2020):
    table = context(analysis2020, data={"demo": True}).table(LAYOUT, FRAME, shown=False)
    assert table.demo and not table.shown and table.layout is LAYOUT and table.frame is FRAME


def test_a_budget_never_adjusted_has_no_adjusted_column(analysis2020):
    totals = {**analysis2020.data.totals, "adjustment": "未调整"}
    table = context(analysis2020, data={"totals": totals}).table(LAYOUT, FRAME)
    assert list(table.layout.columns) == ["item", "budget"] and table.layout.money == ("budget",)
    assert list(table.text_frame().columns) == ["项目", "预算数（万元）"]
    assert list(Context(analysis2020).table(LAYOUT, FRAME).layout.columns) == ["item", "budget", "adjusted_budget"]


def test_a_section_has_no_sheet_and_no_dimension_unless_it_declares_them(ctx2020):
    section = Section("extra", "附加", "说明。", lambda ctx: [])
    assert section.sheets is no_sheets and section.sheets(ctx2020) == [] and section.dimension == ""
