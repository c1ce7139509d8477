"""Budget loader: every variation of DATA_CONTRACT.md is accepted, every refusal names the cell."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

import qdanalysis
from qdanalysis import ValidationError
from qdanalysis.read.loaders import read_budget

HEADER = ["编号", "类别", "项目名称", "预算数", "执行数"]


def budget_rows(unit_line="单位：万元"):
    """A realistic finance-bureau export: title, unit line, header, items, subtotals, total, notes."""
    return [
        ["2020年专项业务费预算执行明细表"],
        [None, None, None, None, unit_line],
        HEADER,
        ["1.1", "关键设备维护服务费", "机房维护", 66.7, "60.00"],
        ["1.2", None, "网络设备维护", "７２．８", "70"],
        [None, "关键设备维护服务费 小计", None, 139.5, 130],
        [],
        ["2.1", "网络线路及安全保障", "Internet专线", "1,006,800元", "100.68万元"],
        [None, "小计", None, 100.68, 100.68],
        [None, "合计", None, "240.18", 230.68],
        [],
        ["注：本表金额单位为万元。"],
        ["制表人：张三", None, "审核人：李四"],
    ]


def test_finance_bureau_export_loads_exact(workbook):
    path = workbook({"预算执行": budget_rows()}, merges={"预算执行": ["A1:E1"]})
    sheet = read_budget(path)
    items = sheet.items
    assert list(items["item"]) == ["机房维护", "网络设备维护", "Internet专线"]
    assert list(items["category"]) == ["关键设备维护服务费", "关键设备维护服务费", "网络线路及安全保障"]
    assert items["budget"].sum() == Decimal("2401800.00")
    assert list(items["budget"]) == [Decimal("667000.00"), Decimal("728000.00"), Decimal("1006800.00")]
    assert items["executed"].sum() == Decimal("2306800.00")
    assert sheet.totals["budget"] == Decimal("2401800.00")
    assert sheet.totals["executed"] == Decimal("2306800.00")
    assert sheet.total_row == 10
    assert list(sheet.subtotals["category"]) == ["关键设备维护服务费", "网络线路及安全保障"]
    assert list(items["src_row"]) == [4, 5, 8]
    assert str(items["budget"].dtype) == "decimal128(18, 2)[pyarrow]"


def test_merged_category_cells(workbook):
    rows = [
        ["单位：元"],
        ["序号", "大类", "明细项目", "年初预算", "实际支出"],
        ["1", "甲类", "项目A", 100, 90],
        ["2", None, "项目B", 200, 180],
        ["3", None, "项目C", 300, 270],
        ["4", "乙类", "项目D", 400, 360],
    ]
    path = workbook({"Sheet1": rows}, merges={"Sheet1": ["B3:B5"]})
    items = qdanalysis.load_budget(path)
    assert list(items["category"]) == ["甲类", "甲类", "甲类", "乙类"]
    assert items["budget"].sum() == Decimal("1000.00")
    assert items.attrs["totals"]["budget"] == Decimal("1000.00")  # no 合计 row: sum of complete items


def test_header_units_and_synonyms_and_extra_columns(workbook):
    rows = [
        ["项目类别", "支出项目", "预算金额（万元）", "调整预算(万元)", "执行金额（元）", "经办处室"],
        ["甲类", "项目A", "1.5", "1.2", "12,000.5", "信息处"],
        ["甲类", "项目B", 2, None, 20000, "综合处"],
    ]
    items = qdanalysis.load_budget(workbook({"预算": rows}))
    assert list(items["budget"]) == [Decimal("15000.00"), Decimal("20000.00")]
    assert items["adjusted_budget"].iloc[0] == Decimal("12000.00")
    assert pd_isna(items["adjusted_budget"].iloc[1])
    assert list(items["executed"]) == [Decimal("12000.50"), Decimal("20000.00")]
    assert list(items["经办处室"]) == ["信息处", "综合处"]


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_found_by_header_when_sheet_named_otherwise(workbook):
    rows = [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 1, 1]]
    items = qdanalysis.load_budget(workbook({"Sheet1": rows, "封面": [["2020年"]]}))
    assert items["budget"].iloc[0] == Decimal("10000.00")


def test_percent_and_blank_rows_and_codes_as_text(workbook):
    rows = [
        ["单位：万元"],
        ["编号", "类别", "项目名称", "预算数", "执行数", "执行率"],
        ["01", "甲", "A", 10, 9, "90%"],
        [],
        [None, None, None, None, None, None],
        [1.10, "甲", "B", 10, 10, "100%"],
    ]
    items = qdanalysis.load_budget(workbook({"预算执行": rows}))
    assert list(items["code"]) == ["01", "1.1"]
    assert list(items["执行率"]) == ["90%", "100%"]


def test_partly_undisclosed_total_is_not_an_error(workbook):
    rows = [
        ["单位：万元"],
        HEADER,
        ["1", "甲", "A", 66.7, None],
        ["2", "甲", "B", None, None],
        [None, "合计", None, 941, 924.68],
    ]
    sheet = read_budget(workbook({"预算执行": rows}))
    assert sheet.totals["budget"] == Decimal("9410000.00")
    assert sheet.undisclosed["budget"] == Decimal("8743000.00")
    assert sheet.undisclosed["executed"] == Decimal("9246800.00")
    assert sheet.totals["execution_rate"].quantize(Decimal("0.0001")) == Decimal("0.9827")


# --- refusals -------------------------------------------------------------------------


def refused(path) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        read_budget(path)
    return info.value


def test_missing_column_names_synonyms(workbook):
    rows = [["单位：万元"], ["类别", "项目名称", "预算数"], ["甲", "A", 1]]
    err = refused(workbook({"预算执行": rows}, name="缺列.xlsx"))
    [p] = err.problems
    assert p.file.endswith("缺列.xlsx") and p.sheet == "预算执行" and p.row == 2 and p.column == "执行数"
    assert "缺少必填列「执行数」" in p.message
    assert "实际支出" in p.hint and "执行金额" in p.hint


@pytest.mark.parametrize(
    "cell, words",
    [("六十六", "无法识别"), ("-5", "负数"), ("12.3456789", "精度")],
)
def test_bad_money_cell_named(workbook, cell, words):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", cell, 1]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert (p.sheet, p.row, p.column) == ("预算执行", 3, "预算数(D列)")
    assert words in p.message


def test_unit_cannot_be_told(workbook):
    rows = [HEADER, ["1", "甲", "A", 66.7, 60]]
    problems = refused(workbook({"预算执行": rows})).problems
    assert {p.column for p in problems} == {"预算数(D列)", "执行数(E列)"}
    assert all("无法判断金额单位" in p.message and "单位：万元" in p.hint for p in problems)


def test_duplicate_item(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", 1, 1], ["2", "甲", "A", 2, 2]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert p.row == 4 and "重复" in p.message and "第3行" in p.message


def test_subtotal_that_does_not_add_up_names_both_rows(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", 1, 1], ["2", "甲", "B", 2, 2], [None, "甲", "小计", 3.5, 3]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert p.row == 5 and p.column == "预算数(D列)"
    # in the sheet's own unit, 相差 = the stated figure minus the items
    assert p.message == "小计3.50万元与明细（第3-4行）之和3.00万元不符，相差0.50万元（表列数减明细之和）"


def test_a_total_that_differs_only_through_a_subtotal_typo_is_not_a_second_error(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", 100.3, 1], ["2", "甲", "B", 85.1, 2],
            [None, "甲", "小计", 184.5, 3], ["3", "乙", "C", 10, 1], [None, "乙", "小计", 10, 1],
            [None, "合计", None, 195.4, 4]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert (p.row, p.column) == (5, "预算数(D列)")
    assert p.message == ("小计184.50万元与明细（第3-4行）之和185.40万元不符，相差-0.90万元（表列数减明细之和）；"
                         "第8行合计与各小计之和因此相差0.90万元（合计与明细一致）")
    # a total that is wrong on its own is still its own error
    rows[-1] = [None, "合计", None, 196, 4]
    problems = refused(workbook({"预算执行": rows})).problems
    assert [q.row for q in problems] == [5, 8, 8]
    assert problems[1].message.startswith("合计196.00万元与明细（第3、4、6行）之和195.40万元不符，相差0.60万元")


def test_total_off_by_one_fen_is_refused_but_exact_passes(workbook):
    ok = [["单位：元"], HEADER, ["1", "甲", "A", "0.10", 1], ["2", "甲", "B", "0.20", 2], [None, "合计", None, "0.30", 3]]
    assert read_budget(workbook({"预算执行": ok})).totals["budget"] == Decimal("0.30")
    bad = [["单位：元"], HEADER, ["1", "甲", "A", "0.10", 1], ["2", "甲", "B", "0.20", 2], [None, "合计", None, "0.32", 3]]
    [p] = refused(workbook({"预算执行": bad})).problems
    assert p.row == 5 and "相差0.02元" in p.message


def test_all_problems_in_one_run(workbook):
    rows = [
        ["单位：万元"],
        HEADER,
        ["1", "甲", "A", "abc", 1],
        ["2", "甲", "B", -1, 1],
        ["3", "甲", "A", 1, "x"],
    ]
    problems = refused(workbook({"预算执行": rows})).problems
    assert [(p.row, p.column) for p in problems] == [(3, "预算数(D列)"), (4, "预算数(D列)"), (5, "执行数(E列)"), (5, "项目名称(C列)")]


def test_problem_text_format(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", "abc", 1]]
    path = workbook({"预算执行": rows}, name="坏.xlsx")
    err = refused(path)
    text = str(err.problems[0])
    assert text.startswith(f"{err.problems[0].file}:预算执行:3:预算数(D列): 金额「abc」")
    assert isinstance(err, ValueError)


def test_excel_error_value_is_refused_not_taken_as_empty(tmp_path):
    """A #REF! left by a broken formula must not pass as 未披露."""
    import zipfile

    from workbooks import make_workbook

    path = make_workbook(tmp_path / "err.xlsx", {"预算执行": [["单位：万元"], HEADER, ["1", "甲", "A", 1, 1]]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    # Turn D3 into an error cell, as Excel saves #REF!.
    import re

    sheet = re.sub(r'<c r="D3"[^>]*>.*?</c>', '<c r="D3" t="e"><f>#REF!+1</f><v>#REF!</v></c>', sheet)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    [p] = refused(path).problems
    assert (p.row, p.column) == (3, "预算数(D列)") and "#REF!" in p.message


def test_export_with_spaced_labels_unit_in_title_and_first_row_categories(workbook):
    rows = [
        ["青岛市大数据局2020年专项业务费预算执行情况表（金额单位：元）"],
        ["填报单位：市大数据局", None, None, None, "日期：2021年1月"],
        ["序 号", "项目\n类别", "明细项目", "年初预算", "实际支出"],
        ["1", "关键设备维护服务费", "机房维护", "６６７，０００．００", "600,000.5"],
        ["2", None, "网络设备维护", " 728000 ", "700000"],
        [None, None, None, None, None],
        ["3", "网络线路及安全保障", "Internet专线", "1006800", "1006800.00"],
        [None, "合  计", None, "2,401,800.00", "2306800.50"],
        ["说明：执行数截至2020年12月31日。"],
        ["单位负责人：", None, "财务负责人：", None, "制表人："],
    ]
    sheet = read_budget(workbook({"Sheet1": rows}))
    assert list(sheet.items["category"]) == ["关键设备维护服务费", "关键设备维护服务费", "网络线路及安全保障"]
    assert sheet.totals["budget"] == Decimal("2401800.00") and sheet.totals["executed"] == Decimal("2306800.50")
    assert list(sheet.items["code"]) == ["1", "2", "3"]
    assert sheet.undisclosed["budget"] == Decimal("0.00")


def test_two_row_header_with_a_group_heading(workbook):
    rows = [["单位：万元"], ["类别", "项目名称", "金额", None, "备注"], [None, None, "年初预算", "实际支出", None],
            ["运维", "机房维护", 66.7, 60, "续签"], [None, "合计", 66.7, 60, None]]
    sheet = read_budget(workbook({"预算执行": rows}, merges={"预算执行": ["A2:A3", "B2:B3", "C2:D2", "E2:E3"]}))
    assert sheet.items["budget"].iloc[0] == Decimal("667000.00") and sheet.totals["executed"] == Decimal("600000.00")
    assert list(sheet.items["note"]) == ["续签"] and sheet.total_row == 5


def test_a_blank_adjusted_budget_means_not_adjusted(workbook):
    """The template says: leave 调整后预算数 blank when the budget was not adjusted; 未披露 says it is unknown."""
    rows = [["单位：万元"], ["类别", "项目名称", "预算数", "调整后预算数", "执行数"],
            ["甲", "A", 10, None, 9], ["甲", "B", 20, "未披露", 18], ["乙", "C", 30, 28, 27], ["合计", None, 60, None, 54]]
    sheet = read_budget(workbook({"预算执行": rows}))
    assert sheet.items["adjustment"].tolist() == ["未调整", "未披露", None]
    assert pd.isna(sheet.items.loc[1, "adjusted_budget"])  # 未披露 is no figure, and not refused
    assert sheet.totals["adjustment"] == "未披露"  # one item's adjustment is unknown
    plain = read_budget(workbook({"预算执行": [rows[0], ["类别", "项目名称", "预算数", "执行数"], ["甲", "A", 10, 9],
                                               ["合计", None, 10, 9]]}))
    assert plain.items["adjustment"].tolist() == ["未调整"] and plain.totals["adjustment"] == "未调整"


def test_an_approximate_budget_is_read_and_marked(workbook):
    rows = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["2.2", "网络", "接入费", "约90", None],
            ["2.3", "网络", "专网", 14.04, None]]
    sheet = read_budget(workbook({"预算执行": rows}))
    assert sheet.items["budget"].tolist()[0] == Decimal("900000.00")
    assert sheet.items["approximate"].tolist() == ["budget", None]


# --- issue 17: nothing read as something else ---------------------------------------------


@pytest.mark.parametrize(("col", "value", "column"), [
    (3, "7.6万元/月", "预算数(D列)"), (4, "123元/月", "执行数(E列)"), (3, "0.5万元/条", "预算数(D列)"),
])
def test_a_per_month_amount_is_not_an_annual_figure(workbook, col, value, column):
    row = ["1", "甲", "A", 10, 10]
    row[col] = value
    [p] = refused(workbook({"预算执行": [["单位：万元"], HEADER, row]}, name="按月.xlsx")).problems
    assert (p.sheet, p.row, p.column) == ("预算执行", 3, column)
    per = value.rsplit("/", 1)[1]
    assert p.message == f"{column.split('(')[0]}应为全年金额，「{value}」是每{per}的金额，不能当作全年金额"
    assert "「单价」（如 7.6万元/月）和「计费方式」" in p.hint


def test_an_amount_per_year_is_annual(workbook):
    items = read_budget(workbook({"预算执行": [["单位：万元"], HEADER, ["1", "甲", "A", "66.7万元/年", 60]]})).items
    assert list(items["budget"]) == [Decimal("667000.00")]


def test_an_unevaluated_formula_is_refused_not_taken_as_undisclosed(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "预算执行"
    for row in (["单位：万元"], HEADER, ["1", "甲", "A", 1, 1], ["2", "甲", "B", 2, "=D4*1"]):
        ws.append(row)
    wb.save(tmp_path / "公式.xlsx")  # openpyxl writes <f>D4*1</f><v></v>: no computed value
    [p] = refused(tmp_path / "公式.xlsx").problems
    assert (p.row, p.column, p.message) == (4, "执行数(E列)", "单元格是公式，但文件里没有保存计算结果")


def test_nan_in_a_money_cell_is_refused(tmp_path):
    import zipfile

    from workbooks import make_workbook

    path = make_workbook(tmp_path / "nan.xlsx", {"预算执行": [["单位：万元"], HEADER, ["1", "甲", "A", 1, 1]]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<c r="D3" t="n"><v>1</v></c>', b'<c r="D3" t="n"><v>NaN</v></c>')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    [p] = refused(path).problems
    assert (p.row, p.column) == (3, "预算数(D列)")
    assert p.message == "单元格保存的数值是「NaN」，不是有效数字（Excel不会保存这样的值，文件可能由其他程序生成）"


@pytest.mark.parametrize("ch", ["\u200b", "\u200d", "\ufeff", "\u00ad"])
def test_an_invisible_character_does_not_hide_a_duplicate(workbook, ch):
    rows = [["单位：万元"], HEADER, ["1", "甲", "机房维护", 1, 1], ["2", "甲", f"机房{ch}维护", 2, 2]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert (p.row, p.column) == (4, "项目名称(C列)")
    assert p.message == "项目「机房维护」重复出现（第一次在预算执行第3行）"


def test_invisible_characters_are_removed_from_item_names(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "\ufeff机房\u200b维护", 1, 1]]
    assert list(read_budget(workbook({"预算执行": rows})).items["item"]) == ["机房维护"]


@pytest.mark.parametrize(("rows", "row", "words"), [
    ([["1", "甲", "A", 1, 1], ["2", "甲", "机房维护合计", 5, 5]], 4, "合计5.00万元与明细（第3行）之和1.00万元不符"),
    ([["1", "甲", "设备小计维护", 1, 1], ["2", "甲", "B", 2, 2]], 3, "它上方没有属于它的明细项目"),
    ([["1", "甲", "A", 1, 1], ["2", "甲", "运维总额", None, None]], 4, "它没有填写任何金额"),
])
def test_an_item_named_like_a_subtotal_is_not_silently_one(workbook, rows, row, words):
    problems = refused(workbook({"预算执行": [["单位：万元"], HEADER, *rows]})).problems
    assert any(p.row == row and words in p.message for p in problems), problems


def test_an_item_renamed_with_a_subtotal_word_says_what_it_becomes(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", 1, 1], ["2", "甲", "运维总额", None, None]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert (p.row, p.column) == (4, "项目名称(C列)")
    assert p.message == "「运维总额」含有「总额」，会被当作合计行而不计入明细，但无法核对：它没有填写任何金额"
    assert p.hint.startswith("如果这是一个明细项目，请从名称中去掉「总额」")


def test_a_subtotal_that_stands_as_one_passes(workbook):
    sheet = read_budget(workbook({"预算执行": budget_rows()}, merges={"预算执行": ["A1:E1"]}))
    assert len(sheet.subtotals) == 2 and sheet.total_row == 10


def with_merge(path, ref: str):
    """Add a merged range to the first sheet's XML, keeping the covered cells' values (openpyxl
    would clear them; files from other programs keep them, and readers read them)."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode(), 1)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_a_title_merged_down_into_the_category_column_is_refused(workbook):
    rows = [["专项业务费预算执行表"], ["单位：万元"], ["类别", "编号", "项目名称", "预算数", "执行数"],
            [None, "1", "A", 1, 1], [None, "2", "B", 2, 2]]
    [p] = refused(with_merge(workbook({"预算执行": rows}), "A1:A5")).problems
    assert (p.sheet, p.row, p.column) == ("预算执行", 1, "类别(A列)")
    assert p.message == ("合并单元格A1:A5从表头上方（第1行「专项业务费预算执行表」）一直延伸到数据区域（第4行起），"
                         "无法判断这些行的取值")
    assert p.hint == "请取消该合并单元格，在表头下方的每一行（或该类首行）填写类别(A列)"


def test_a_subtotal_over_undisclosed_items_stands(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", None, None], ["2", "甲", "B", None, None], [None, "甲", "小计", 3, 2]]
    sheet = read_budget(workbook({"预算执行": rows}))
    assert list(sheet.items["item"]) == ["A", "B"] and list(sheet.subtotals["budget"]) == [Decimal("30000.00")]


def test_an_item_with_a_code_renamed_as_a_subtotal_over_undisclosed_items_is_reported(workbook):
    rows = [["单位：万元"], HEADER, ["1", "甲", "A", None, None], ["2", "甲", "B小计", 3, 2]]
    [p] = refused(workbook({"预算执行": rows})).problems
    assert (p.row, p.column) == (4, "项目名称(C列)")
    assert p.message.endswith("无法核对：它有编号，像是明细项目，而它所汇总的明细项目都没有填写对应的金额")


def test_the_items_frame_is_each_items_row_gathered_by_column(workbook, tmp_path, monkeypatch):
    # Two workbooks whose extra columns differ, one headed like an item key ("source"): the frame built column
    # by column equals the frame of each item's row (the dict _item_row gives), dtype for dtype.
    from qdanalysis.read.loaders import budget

    workbook({"预算执行": [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "调整后预算数", "执行数", "负责人", "source"],
                           ["1.1", "维护", "机房维护", "约66.7", "未披露", "约60", "张三", "自筹"],
                           ["1.2", "维护", "网络维护", 72.8, None, 70, None, " 财政 "]]}, name="a.xlsx")
    workbook({"预算执行": [["单位：元"], ["编号", "类别", "项目名称", "预算数", "调整后预算数", "执行数", "联系电话"],
                           ["2.1", "线路", "专线", 1006800, 1000000, "约1,000,000元", "0532-1234"]]}, name="b.xlsx")
    built = []
    by_columns = budget._items_frame

    def both(items):
        built.append((by_columns(items), budget.frame((budget._item_row(r) for r in items),
                                                                 budget.BUDGET_DTYPES)))
        return built[-1][0]

    monkeypatch.setattr(budget, "_items_frame", both)
    items = read_budget(tmp_path).items
    by_column, by_row = built[0]
    pd.testing.assert_frame_equal(by_column, by_row, check_exact=True)
    assert list(items.columns[-2:]) == ["负责人", "联系电话"]
    assert items["source"].tolist() == ["自筹", "财政", None]  # the extra column's text, trimmed, over the key's
    assert items["负责人"].fillna("-").tolist() == ["张三", "-", "-"]
    assert items["联系电话"].fillna("-").tolist() == ["-", "-", "0532-1234"]
    assert items["approximate"].tolist() == ["budget、executed", None, "executed"]
    assert items["adjustment"].tolist() == ["未披露", "未调整", None]
    assert items["src_row"].tolist() == [3, 4, 3] and items["executed"].tolist()[0] == Decimal("600000.00")
