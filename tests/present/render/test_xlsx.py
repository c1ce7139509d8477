"""Blocks as Excel sheets: numbers with number formats, 未披露 right-aligned, formulas as text, printable pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook

from qdanalysis.present.blocks import Table, TableLayout
from qdanalysis.present.render import xlsx as render

COLUMNS = {"item": "项目", "budget": "预算数（万元）", "rate": "执行率", "n": "条数", "month": "月份", "ratio": "倍数",
           "signed": "签订日期", "score": "得分"}


def sheet(frame: pd.DataFrame, **kwargs):
    wb = Workbook()
    render.write_table(wb, kwargs.pop("name", "明细"), kwargs.pop("caption", "预算明细"), frame, COLUMNS,
                       money=("budget",), percent=("rate",), integer=("n",), dates=("month",),
                       number_formats={"ratio": '0.0"倍"'}, **kwargs)
    return wb[wb.sheetnames[-1]]


def frame() -> pd.DataFrame:
    return pd.DataFrame({"item": ["=SUM(A1)", "乙"], "budget": [Decimal("667000.50"), None], "rate": [0.9827, None],
                         "n": [3, None], "month": [pd.Timestamp("2020-03-01"), None], "ratio": [9.62, None],
                         "signed": [dt.date(2019, 8, 10), None], "score": [Decimal("9.5"), 7]})


def test_values_are_numbers_with_number_formats_and_missing_ones_say_so():
    ws = sheet(frame())
    assert ws["A1"].value == "预算明细（金额单位：万元）" and ws["A1"].font.bold
    assert [c.value for c in ws[2]] == list(COLUMNS.values())
    row = ws[3]
    assert [c.value for c in row][1:] == [66.7, 0.9827, 3, dt.date(2020, 3, 1), 9.62, dt.date(2019, 8, 10), 9.5]
    assert [c.number_format for c in row][1:] == ["#,##0.00", "0.00%", "0", 'yyyy"年"m"月"', '0.0"倍"', "yyyy-mm-dd",
                                                  "0.00"]
    missing = ws[4]
    assert [c.value for c in missing] == ["乙", "未披露", "未披露", "—", "—", "—", "—", 7]
    assert missing[1].alignment.horizontal == "right" and missing[1].font.color.rgb.endswith("808080")
    assert ws.freeze_panes == "A3"


def test_text_a_spreadsheet_would_run_is_written_as_text():
    ws = sheet(frame())
    assert ws["A3"].value == "=SUM(A1)" and ws["A3"].data_type == "s" and ws["A3"].quotePrefix
    cell = Workbook().active["A1"]
    render.safe_text(cell, "a\x07b\x00")
    assert cell.value == "a␇b␀"


def test_a_total_row_is_bold_over_a_rule_and_the_note_sits_below():
    ws = sheet(frame().iloc[:1], total={"item": "合计", "budget": Decimal("667000.50")}, note="注：说明。", demo=True)
    assert ws["A1"].value == "预算明细（示例数据，非真实数据）（金额单位：万元）"
    total = ws[4]
    assert [total[0].value, total[1].value] == ["合计", 66.7]
    assert total[0].font.bold and total[0].border.top.style == "thin"
    assert ws["A6"].value == "注：说明。"


def test_every_sheet_prints_on_a4_one_page_wide_with_its_footer():
    ws = sheet(frame())
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9 and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2" and ws.oddFooter.center.text == render.FOOTER
    narrow = Workbook().active
    render.print_setup(narrow, render.PORTRAIT_WIDTH)
    assert narrow.page_setup.orientation == "portrait"
    wide = Workbook().active
    render.print_setup(wide, render.PORTRAIT_WIDTH + 1, title_rows="")
    assert wide.page_setup.orientation == "landscape" and not wide.print_title_rows


def test_columns_fit_their_text_up_to_a_width_beyond_which_text_wraps():
    long = "很长的说明文字" * 10
    ws = sheet(frame().assign(item=[long, "乙"]))
    assert ws.column_dimensions["A"].width == render.MAX_WIDTH
    assert ws.column_dimensions["D"].width == 8  # a narrow column keeps the minimum
    assert ws["A3"].alignment.wrap_text and ws.row_dimensions[3].height > render.LINE_HEIGHT


def test_a_sheet_name_is_cut_to_what_excel_allows():
    ws = sheet(frame(), name="一" * 40)
    assert ws.title == "一" * 31


LAYOUT = TableLayout("月度", "月度费用", {"month": "月份", "cost": "费用（万元）", "n": "条数"}, money=("cost",),
                     integer=("n",), dates=("month",), detail=True)


def test_a_detail_total_adds_each_column_exactly_or_leaves_it_undisclosed():
    months = pd.DataFrame({"month": pd.to_datetime(["2020-01-01", "2020-02-01"]), "cost": [Decimal("0.1"), Decimal("0.2")],
                           "n": [1, None]})
    assert render.column_totals(months, LAYOUT) == {"month": "合计", "cost": Decimal("0.3"), "n": None}
    assert render.column_totals(months.iloc[0:0], LAYOUT) == {"month": "合计", "cost": None, "n": None}


def test_a_block_is_written_with_its_number_suffix_and_total():
    months = pd.DataFrame({"month": pd.to_datetime(["2020-01-01"]), "cost": [Decimal("10000")], "n": [2]})
    wb = Workbook()
    render.write_block(wb, Table(LAYOUT, months, number=4, sheet_suffix="：附"))
    ws = wb["月度"]
    assert ws["A1"].value == "表4 月度费用：附（金额单位：万元）"
    assert [c.value for c in ws[4]] == ["合计", 1.0, 2]
    given = Workbook()
    render.write_block(given, Table(LAYOUT, months, total={"month": "总计", "cost": Decimal("20000")}))
    assert [c.value for c in given["月度"][4]] == ["总计", 2.0, "—"]


def test_figures_written_as_text_are_right_aligned_and_never_wrapped():
    # the classification is the HTML renderer's (qdanalysis.present.render.cells); the row wraps for its long text
    wb = Workbook()
    columns = {"id": "合同", "change": "变动", "amount": "金额", "note": "说明"}
    rows = pd.DataFrame({"id": ["SL-2019-2.2-DX"], "change": ["-3.65%"], "amount": ["152.30+未披露"],
                         "note": ["很长的说明文字" * 10]})
    render.write_table(wb, "变动", "合同变动", rows, columns)
    ws = wb["变动"]
    assert ws.row_dimensions[3].height > render.LINE_HEIGHT and ws["D3"].alignment.wrap_text
    for ref in ("B3", "C3"):
        assert ws[ref].alignment.horizontal == "right" and not ws[ref].alignment.wrap_text
        assert ws.column_dimensions[ref[0]].width >= render.display_width(ws[ref].value) + 2
    assert ws["A3"].alignment.horizontal is None and not ws["A3"].alignment.wrap_text
    assert ws["B3"].value == "-3.65%" and ws["B3"].data_type == "s"  # text, not a formula
    render.write_table(wb, "编号", "编号", pd.DataFrame({"id": ["1.1", "2.10"]}), {"id": "项目编号"})
    assert wb["编号"]["A3"].alignment.horizontal == "left"  # an item code kept as text, not a figure


def test_identifiers_are_aligned_as_text_and_money_stays_right():
    # 序号 and 年度 written as numbers (they sort and filter) but aligned as the labels they are, as in the report
    wb = Workbook()
    rows = pd.DataFrame({"no": [1, 12], "code": ["1.1", "F05-1"], "year": [2020, 2021],
                         "budget": [Decimal("667000"), Decimal("12000")]})
    render.write_table(wb, "问题", "问题", rows, {"no": "序号", "code": "问题编号", "year": "年度", "budget": "预算数（万元）"},
                       money=("budget",), integer=("no", "year"))
    ws = wb["问题"]
    assert ws["A3"].value == 1 and ws["C4"].value == 2021 and ws["D3"].value == 66.7
    assert [ws[ref].alignment.horizontal for ref in ("A3", "A4", "B3", "B4", "C3", "C4")] == ["left"] * 6
    assert ws["D3"].alignment.horizontal is None and ws["D3"].number_format == render.MONEY_FORMAT  # right, as a number


def test_a_sheet_too_wide_for_7_pt_on_one_page_prints_across_pages_with_its_first_column():
    one = render.LANDSCAPE_WIDTH / render.MIN_PRINT_SCALE  # the widest that prints at 7 pt on one page
    assert render.pages_across(one) == 1 and render.pages_across(one + 1) == 2 and render.pages_across(2 * one + 1) == 3
    wide = Workbook().active
    render.print_setup(wide, one + 1, legible=True)
    assert wide.page_setup.orientation == "landscape" and wide.page_setup.fitToWidth == 2
    assert wide.print_title_cols == "$A:$A"  # which row is which on the page to the right
    narrow = Workbook().active
    render.print_setup(narrow, one, legible=True)
    assert narrow.page_setup.fitToWidth == 1 and not narrow.print_title_cols
    squeezed = Workbook().active  # not asked: one page wide whatever the scale (the annual workbook's sheets)
    render.print_setup(squeezed, one + 1)
    assert squeezed.page_setup.fitToWidth == 1


def test_column_caps_narrow_text_but_never_a_figure_and_the_note_wraps_across_the_table():
    wb = Workbook()
    columns = {"name": "项目名称", "amount": "金额", "note": "说明"}
    rows = pd.DataFrame({"name": ["示例市大数据局专项业务费"], "amount": ["1,234,567.89"], "note": ["短"]})
    render.write_table(wb, "t", "表", rows, columns, note="注：" + "很长的说明文字" * 20,
                       max_widths={"name": 10, "amount": 6})
    ws = wb["t"]
    assert ws.column_dimensions["A"].width == 10 and ws["A3"].alignment.wrap_text  # capped: the name wraps
    assert ws.column_dimensions["B"].width == len("1,234,567.89") + 2  # a figure keeps its width
    assert "A5:C5" in {str(r) for r in ws.merged_cells.ranges} and ws["A5"].alignment.wrap_text
    assert ws.row_dimensions[5].height > render.LINE_HEIGHT * 5  # as tall as its lines


def test_a_header_wider_than_its_column_breaks_before_its_bracket():
    assert render.header_lines("预算数（万元）", 10) == "预算数\n（万元）"
    assert render.header_lines("预算数（万元）", 16) == "预算数（万元）"
    assert render.header_lines("评价等级", 6) == "评价等级"


def test_a_figure_in_a_column_of_text_is_not_pushed_right():
    wb = Workbook()
    render.write_table(wb, "指标", "指标", pd.DataFrame({"a": ["≥80条", "100%", "健全"], "b": ["91条", "-3.65%", "未披露"]}),
                       {"a": "指标值", "b": "实际完成值"})
    ws = wb["指标"]
    assert ws["A4"].value == "100%" and ws["A4"].alignment.horizontal is None
    assert ws["B3"].alignment.horizontal == "right" and ws["B4"].alignment.horizontal == "right"


def test_a_header_broken_into_lines_keeps_each_line_whole_and_a_wide_sheet_prints_in_parts():
    wb = Workbook()
    columns = {"name": "项目名称", "flag": "执行率\n提示", "a": "甲", "b": "乙", "c": "丙"}
    rows = pd.DataFrame({"name": ["示例项目"], "flag": ["低"], "a": ["x" * 60], "b": ["y" * 60], "c": ["z" * 60]})
    render.write_table(wb, "t", "表", rows, columns, max_widths={"flag": 4}, note="注：很长的说明" * 10, note_columns=2)
    ws = wb["t"]
    assert ws.column_dimensions["B"].width == render.display_width("执行率") + 2  # not 4: 执行率 is never cut
    assert "A5:B5" in {str(r) for r in ws.merged_cells.ranges}  # the note within the first two columns
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    scale = render.print_in_parts(ws, widths, [3, 5], title_cols="A:B")
    assert [b.id for b in ws.col_breaks.brk] == [2, 4] and ws.print_title_cols == "$A:$B"
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale == scale
    widest = sum(widths[:2]) + widths[2] + widths[3]  # C and D with the repeated A:B
    assert scale == max(82, min(100, int(100 * render.LANDSCAPE_WIDTH / widest)))
