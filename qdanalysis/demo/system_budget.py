"""The demo's budget table in the layout the 预算管理一体化系统 exports, for one year (:data:`SYSTEM_LAYOUT_YEAR`):
a two-row header (预算数 over 年初预算 | 调整后预算, 执行数 over 支出金额 | 执行率), the 合计 row first, each category
as a heading row (一、…) carrying its subtotal, and the items of 关键设备维护服务费 on two rows by 支出经济分类.

The items keep their 序号 (1.1 …), so that the contracts, lines and indicators of the year link to them as in the
other years; the figures are the year's own, split by class to the fen.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qdanalysis.demo.programme import DEMO_MARK, DEMO_TITLE_PREFIX, fen

#: The demo year whose budget is written in the 一体化 layout (the others keep the hand-typed one).
SYSTEM_LAYOUT_YEAR = 2022
#: The 支出经济分类 of each category's items; a category with two splits its items in those shares.
ECONOMIC = {
    "关键设备维护服务费": (("30213 维修（护）费", Decimal("0.8")), ("31002 办公设备购置", Decimal("0.2"))),
    "网络线路及安全保障": (("30207 邮电费", Decimal(1)),),
}
OTHER_CLASS = "30227 委托业务费"
NUMERALS = "一二三四五六七八九十"
HEADER = ("序号", "项目名称", "支出经济分类", "预算数", None, "执行数", None, "备注")
SUBHEADER = (None, None, None, "年初预算", "调整后预算", "支出金额", "执行率", None)


def _rows_of(item: dict[str, Any]) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """An item's rows by class: (class, budget, executed); the last class takes the remainder, to the fen."""
    classes = ECONOMIC.get(item["category"], ((OTHER_CLASS, Decimal(1)),))
    out, left_b, left_e = [], item["budget"], item["executed"]
    for i, (name, share) in enumerate(classes):
        last = i == len(classes) - 1
        b = left_b if last or left_b is None else fen(item["budget"] * share)
        e = left_e if last or left_e is None else fen(item["executed"] * share)
        left_b = None if left_b is None else left_b - b
        left_e = None if left_e is None else left_e - e
        out.append((name, b, e))
    return out


def system_budget_sheet(wb: Workbook, title: str, budget: list[dict[str, Any]], total_budget: Decimal,
                        total_executed: Decimal, seed: int) -> None:
    """Write the year's budget as the 一体化 export, in a sheet named as the system names it (not 预算执行)."""
    ws = wb.create_sheet("预算执行情况表")
    ws.cell(1, 1, DEMO_TITLE_PREFIX + title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws.cell(2, len(HEADER), "单位：元")
    for j, (top, low) in enumerate(zip(HEADER, SUBHEADER), start=1):
        if top:
            ws.cell(3, j, top).font = Font(bold=True)
        if low:
            ws.cell(4, j, low).font = Font(bold=True)
    for rng in ("A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:G3", "H3:H4"):
        ws.merge_cells(rng)
    ws.column_dimensions["B"].width = 44
    ws.column_dimensions["C"].width = 20
    rate = f"{(total_executed / total_budget * 100).quantize(Decimal('0.01'))}%"
    row = 5
    _money_row(ws, row, ("合计", None, None, total_budget, None, total_executed, rate, None), bold=True)
    categories = list(dict.fromkeys(item["category"] for item in budget))
    for k, category in enumerate(categories):
        items = [i for i in budget if i["category"] == category]
        row += 1
        _money_row(ws, row, (None, f"{NUMERALS[k]}、{category}", None, _sum(i["budget"] for i in items), None,
                             _sum(i["executed"] for i in items), None, None), bold=True)
        for item in items:
            for n, (econ, b, e) in enumerate(_rows_of(item)):
                row += 1
                first = n == 0
                _money_row(ws, row, (item["code"] if first else None, item["item"] if first else None, econ, b, None, e,
                                     None, item.get("note") if first else None))
    ws.cell(row + 2, 1, f"注：本表为{DEMO_MARK}，按预算管理一体化系统导出表的格式，由 qdanalysis.demo 按固定随机种子（{seed}）"
                        "生成，仅用于演示分析流程，不是真实数据；金额单位为元。")
    ws.freeze_panes = ws.cell(5, 1)


def _sum(values) -> Decimal | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _money_row(ws, row: int, values: tuple, *, bold: bool = False) -> None:
    for j, value in enumerate(values, start=1):
        if value is None or value == "":
            continue
        cell = ws.cell(row, j, value)
        if isinstance(value, Decimal):
            cell.number_format = "#,##0.00"
        if bold:
            cell.font = Font(bold=True)
        if j == 2:
            cell.alignment = Alignment(wrap_text=True)
