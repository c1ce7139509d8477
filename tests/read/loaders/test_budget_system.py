"""The 预算管理一体化 layout: read as one table whatever the sheet's name, checked against its own 合计 and
heading rows; a heading row is never an item; what cannot be read is refused naming the row and the fix."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qdanalysis import ValidationError
from qdanalysis.read.loaders import read_budget
from qdanalysis.read.loaders.budget_system import heading_level, item_number

HEADER = [["序号", "项目代码", "项目名称", "支出经济分类", "预算数", None, "执行数", None],
          [None, None, None, None, "年初预算", "调整后预算", "支出金额", "执行率"]]
MERGES = ["E3:F3", "G3:H3", "A3:A4", "B3:B4", "C3:C4", "D3:D4"]
CODE_A, CODE_B, CODE_C = "37020021000000012345", "37020021000000012346", "37020021000000012347"


def body(total=(300, 290, 280.5), first_heading=(200, 190, 185.5)):
    return [
        ["合计", None, None, None, *total, "96.72%"],
        [None, None, "一、关键设备维护服务费", None, *first_heading, None],
        [None, CODE_A, "1.机房设备维护", "30213 维修（护）费", 80, 80, 79, None],
        [None, None, None, "31002 办公设备购置", 20, 10, 9.5, None],
        [None, CODE_B, "（2）网络设备维护", "30213 维修（护）费", 100, 100, 97, None],
        [None, None, "二、数据服务费", None, 100, 100, 95, None],
        [None, CODE_C, "①数据采集", "30227 委托业务费", 100, 100, 95, None],
    ]


def system_rows(rows=None):
    return [["2020年专项业务费预算执行明细表"], ["单位：万元"], *HEADER, *(body() if rows is None else rows),
            [], ["注：本表由预算管理一体化系统导出"]]


def read(workbook, rows=None, sheet="Sheet1"):
    return read_budget(workbook({sheet: system_rows(rows)}, merges={sheet: MERGES}))


def refused(workbook, rows, sheet="Sheet1") -> list:
    with pytest.raises(ValidationError) as info:
        read(workbook, rows, sheet)
    return info.value.problems


@pytest.mark.parametrize("sheet", ["Sheet1", "预算执行", "导出数据"])
def test_export_reads_as_the_items_it_lists_whatever_the_sheet_name(workbook, sheet):
    budget = read(workbook, sheet=sheet)
    items = budget.items
    assert list(items["item"]) == ["机房设备维护", "网络设备维护", "数据采集"]
    assert list(items["code"]) == [CODE_A, CODE_B, CODE_C]
    assert list(items["category"]) == ["关键设备维护服务费", "关键设备维护服务费", "数据服务费"]
    # two rows by 支出经济分类 are one item: summed, to the fen
    assert items["budget"].iloc[0] == Decimal("1000000.00")
    assert items["adjusted_budget"].iloc[0] == Decimal("900000.00")
    assert items["executed"].iloc[0] == Decimal("885000.00")
    assert list(items["src_row"]) == [7, 9, 11]
    assert items["支出经济分类"].iloc[0] == "30213 维修（护）费、31002 办公设备购置"


def test_figures_agree_with_the_sheets_own_total_row(workbook):
    budget = read(workbook)
    assert budget.total_row == 5
    for key in ("budget", "adjusted_budget", "executed"):
        assert sum(budget.items[key]) == budget.totals[key]
    assert budget.totals["executed"] == Decimal("2805000.00")
    assert budget.undisclosed == {"budget": Decimal(0), "adjusted_budget": Decimal(0), "executed": Decimal(0)}


def test_heading_rows_are_subtotals_never_items(workbook):
    budget = read(workbook)
    assert not budget.items["item"].str.contains("服务费").any()
    assert list(budget.subtotals["category"]) == ["关键设备维护服务费", "数据服务费"]
    assert list(budget.subtotals["src_row"]) == [6, 10]
    assert budget.subtotals["executed"].iloc[0] == Decimal("1855000.00")


def test_detail_by_economic_class_is_kept(workbook):
    economic = read(workbook).economic
    assert list(economic["economic"]) == ["30213 维修（护）费", "31002 办公设备购置", "30213 维修（护）费", "30227 委托业务费"]
    assert list(economic["src_row"]) == [7, 8, 9, 11]
    assert economic["executed"].iloc[1] == Decimal("95000.00")
    assert list(economic["code"].iloc[:2]) == [CODE_A, CODE_A]


def test_second_level_headings_give_a_subcategory(workbook):
    rows = [
        ["合计", None, None, None, 100, 100, 95, None],
        ["一", None, "网络服务", None, 100, 100, 95, None],
        ["（一）", None, "线路租赁", None, 100, 100, 95, None],
        [None, CODE_A, "1、互联网专线", "30207 邮电费", 100, 100, 95, None],
    ]
    items = read(workbook, rows).items
    assert list(items["category"]) == ["网络服务"] and list(items["二级分类"]) == ["线路租赁"]


def test_heading_that_disagrees_with_its_items_names_both_rows(workbook):
    problems = refused(workbook, body(first_heading=(200, 190, 180)))
    messages = [p.message for p in problems]
    assert any("分类「关键设备维护服务费」小计180.00万元与明细（第7-9行）之和185.50万元不符" in m for m in messages), messages
    first = next(p for p in problems if "分类「关键设备维护服务费」" in p.message)
    assert (first.row, first.column) == (6, "支出金额(G列)")


def test_total_that_disagrees_is_refused(workbook):
    problems = refused(workbook, body(total=(300, 290, 281)))
    assert any(p.row == 5 and "合计281.00万元与明细" in p.message for p in problems)


def test_item_above_every_heading_is_refused_naming_the_row(workbook):
    rows = body()
    rows.insert(1, [None, "37020021000000099999", "3.无类别项目", "30213 维修（护）费", 0, 0, 0, None])
    [p] = [p for p in refused(workbook, rows) if "分类标题行" in p.message]
    assert p.row == 6 and "无类别项目" in p.message and "一、" in p.hint


def test_a_row_of_an_item_without_economic_class_is_refused(workbook):
    rows = body()
    rows[3] = [None, None, None, None, 20, 10, 9.5, None]
    problems = refused(workbook, rows)
    assert any(p.row == 8 and "缺少项目名称" in p.message for p in problems)


def test_same_class_twice_in_one_item_is_refused(workbook):
    rows = body()
    rows[3][3] = "30213 维修（护）费"
    [p] = [p for p in refused(workbook, rows) if "出现两次" in p.message]
    assert p.row == 8 and p.column == "支出经济分类(D列)" and "第7行和第8行" in p.message


def test_same_code_apart_is_a_duplicate(workbook):
    rows = body()
    rows[6][1] = CODE_A
    [p] = [p for p in refused(workbook, rows) if "重复出现" in p.message]
    assert p.row == 11 and CODE_A in p.message and "第7行" in p.message


def test_heading_row_with_a_project_code_is_refused(workbook):
    rows = body()
    rows[5][1] = "37020021000000055555"
    [p] = [p for p in refused(workbook, rows) if "分类标题行（一、…" in p.message]
    assert p.row == 10 and "阿拉伯数字" in p.hint


def test_no_heading_rows_and_no_category_column_asks_for_one(workbook):
    rows = [["合计", None, None, None, 100, 100, 95, None],
            [None, CODE_A, "机房维护", "30213 维修（护）费", 100, 100, 95, None]]
    [p] = refused(workbook, rows)
    assert (p.row, p.column) == (4, "类别") and p.message == "缺少必填列「类别」"
    assert "项目类别" in p.hint and "一、" in p.hint


def test_both_layouts_in_one_year_are_refused(workbook):
    path = workbook({"导出": system_rows(), "预算执行": [["单位：万元"], ["类别", "项目名称", "预算数", "执行数"],
                                                       ["甲", "A", 1, 1]]}, merges={"导出": MERGES})
    with pytest.raises(ValidationError) as info:
        read_budget(path)
    assert any("手工填写版式" in p.message and p.sheet == "预算执行" for p in info.value.problems)


def test_hand_typed_layout_is_not_taken_for_the_export(workbook):
    rows = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1", "甲", "一、A", 1, 1]]
    budget = read_budget(workbook({"预算执行": rows}))
    assert list(budget.items["item"]) == ["一、A"] and budget.economic is None


def test_unit_in_the_group_heading_reaches_the_columns_under_it(workbook):
    rows = [["序号", "项目代码", "项目名称", "支出经济分类", "预算数（万元）", None, "执行数（万元）", None],
            HEADER[1], ["一、甲类", None, None, None, 1, 1, 1, None],
            [None, CODE_A, "1.A", "30213 维修（护）费", 1, 1, 1, None]]
    budget = read_budget(workbook({"S": rows}, merges={"S": ["E1:F1", "G1:H1"]}))
    assert budget.items["adjusted_budget"].iloc[0] == Decimal("10000.00")


@pytest.mark.parametrize("text, level", [("一、关键设备", (1, "关键设备")), ("十二．其他", (1, "其他")),
                                         ("（一）线路", (2, "线路")), ("(三)、短信", (2, "短信")),
                                         ("1.机房", None), ("一体化平台运维", None)])
def test_heading_level(text, level):
    assert heading_level(text) == level


@pytest.mark.parametrize("text, expected", [("1.机房", ("1", "机房")), ("12、网络", ("12", "网络")),
                                            ("（3）短信", ("3", "短信")), ("②数据", ("2", "数据")),
                                            ("1.1机房", (None, "1.1机房")), ("机房", (None, "机房"))])
def test_item_number(text, expected):
    assert item_number(text) == expected


def test_amounts_as_text_full_width_and_with_separators_read_exactly(workbook):
    rows = body()
    rows[2][4:7] = ["８０．００", "80", " 79 "]
    rows[3][4:7] = ["20", "10", "9.50万元"]
    budget = read(workbook, rows)
    assert budget.items["executed"].iloc[0] == Decimal("885000.00")


def test_heading_written_in_the_number_column(workbook):
    rows = body()
    rows[1][0], rows[1][2] = "一", "关键设备维护服务费"
    rows[5][0], rows[5][2] = "二、", "数据服务费"
    budget = read(workbook, rows)
    assert list(budget.subtotals["category"]) == ["关键设备维护服务费", "数据服务费"]
    assert len(budget.items) == 3


def test_heading_with_amounts_and_no_items_is_refused(workbook):
    rows = [*body(), [None, None, "三、空分类", None, 5, 5, 5, None]]
    problems = refused(workbook, rows)
    [p] = [p for p in problems if "空分类" in p.message]
    assert p.row == 12 and "下没有明细项目" in p.message and p.hint


def test_a_sheet_without_category_or_headings_beside_the_typed_budget_is_left_alone(workbook):
    typed = [["单位：万元"], ["编号", "类别", "项目名称", "预算数", "执行数"], ["1", "甲", "A", 1, 1]]
    aside = [["单位：万元"], ["项目名称", "预算数", "执行数"], ["A", 1, 1], ["B", 2, 2]]
    budget = read_budget(workbook({"预算执行": typed, "调整情况": aside}))
    assert list(budget.items["item"]) == ["A"] and budget.economic is None


def test_a_named_sheet_without_category_keeps_todays_message(workbook):
    rows = [["单位：万元"], ["项目名称", "预算数", "执行数"], ["A", 1, 1]]
    with pytest.raises(ValidationError) as info:
        read_budget(workbook({"预算执行": rows}))
    [p] = info.value.problems
    assert (p.row, p.column, p.message) == (2, "类别", "缺少必填列「类别」")
