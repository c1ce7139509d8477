"""The demo year's workbook, written as a bureau keeps its sheets: a title saying 示例数据, the
单位 line, the headers of ``read/schema.py``, the rows, the 合计 row and a note; a 说明 sheet.

Workbook timestamps and zip entry times are fixed, so identical data gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from qdanalysis.demo.programme import DEMO_MARK, DEMO_SOURCE, DEMO_TITLE_PREFIX, FEN, wan
from qdanalysis.demo.system_budget import SYSTEM_LAYOUT_YEAR, system_budget_sheet
from qdanalysis.demo.year import DemoYear
from qdanalysis.read.schema import BUDGET, CONTRACTS, INDICATORS, LINES, PAYMENTS, SMS, TOTAL_WORDS, SheetSchema

#: Workbook created/modified time and zip entry time: fixed, so files are byte-identical.
FIXED_TIMESTAMP = dt.datetime(2021, 1, 1, 0, 0, 0)
UNIT_LINE = "单位：元"

_BUDGET_KEYS = ("code", "category", "item", "budget", "adjusted_budget", "executed", "note", "source")
_CONTRACT_KEYS = ("contract_id", "item_code", "item", "vendor", "signed", "start", "end", "amount", "billing",
                  "unit_price", "quantity", "procurement", "renews", "paid_in_year", "scope", "note", "source")
_LINE_KEYS = ("unit", "carrier", "line_type", "bandwidth_mbps", "count", "monthly_fee", "start", "item_code",
              "note", "source")
_SMS_KEYS = ("month", "department", "count", "unit_price", "amount", "note", "source")
_PAYMENT_KEYS = ("date", "voucher", "item_code", "item", "payee", "contract_id", "amount", "memo", "source")
_INDICATOR_KEYS = ("level1", "level2", "name", "target", "actual", "item_codes", "note", "source")
_MONEY_FORMAT, _PRICE_FORMAT, _DATE_FORMAT, _COUNT_FORMAT = "#,##0.00", "#,##0.0000", "yyyy-mm-dd", "#,##0"
_WIDTH = {"text": 16, "code": 9, "money": 15, "price": 12, "date": 12, "count": 10, "month": 12}
_WIDE = {"item", "scope", "note", "source", "name"}


def _sheet(wb: Workbook, table: SheetSchema, title: str, keys: tuple[str, ...], rows: list[dict[str, Any]],
           *, unit_line: bool, seed: int, merge_key: str | None = None,
           total: dict[str, Any] | None = None) -> None:
    """One sheet as a bureau keeps it: title, 单位 line, header, rows, 合计 row, a note."""
    ws = wb.create_sheet(table.title)
    cols = [table.column(k) for k in keys]
    width = len(cols)
    ws.cell(1, 1, DEMO_TITLE_PREFIX + title).font = Font(bold=True, size=13)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    header_row = 2
    if unit_line:
        ws.cell(2, width, UNIT_LINE).alignment = Alignment(horizontal="right")
        header_row = 3
    for j, col in enumerate(cols, start=1):
        ws.cell(header_row, j, col.header).font = Font(bold=True)
        w = 40 if col.key in _WIDE else _WIDTH.get(col.kind, 12)
        ws.column_dimensions[get_column_letter(j)].width = w
    body = list(rows) + ([total] if total else [])
    runs = _runs([row.get(merge_key) for row in rows]) if merge_key else []
    firsts = {first for first, _ in runs}
    for i, row in enumerate(body):
        r = header_row + 1 + i
        for j, col in enumerate(cols, start=1):
            value = row.get(col.key)
            if col.key == merge_key and row is not total and i not in firsts:
                value = None  # written once, in the merged cell
            elif col.fill_down and col.key != merge_key and i > 0 and value == body[i - 1].get(col.key):
                value = None  # written once, on the first row it applies to
            if value is None or value == "":
                continue
            cell = ws.cell(r, j, value)
            fmt = {"money": _MONEY_FORMAT, "price": _PRICE_FORMAT, "date": _DATE_FORMAT}.get(col.kind)
            if col.kind == "count" and isinstance(value, int):
                fmt = _COUNT_FORMAT
            if fmt:
                cell.number_format = fmt
            if row is total:
                cell.font = Font(bold=True)
    if merge_key:
        j = keys.index(merge_key) + 1
        for first, last in runs:
            if last > first:
                ws.merge_cells(start_row=header_row + 1 + first, start_column=j,
                               end_row=header_row + 1 + last, end_column=j)
                ws.cell(header_row + 1 + first, j).alignment = Alignment(vertical="center", wrap_text=True)
    note_row = header_row + len(body) + 2
    ws.cell(note_row, 1, f"注：本表为{DEMO_MARK}，由 qdanalysis.demo 按固定随机种子（{seed}）生成，"
                         f"仅用于演示分析流程，不是真实数据{'；金额单位为元' if unit_line else ''}。")
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _runs(values: list[Any]) -> list[tuple[int, int]]:
    """Runs of equal consecutive values, as (first, last) indices."""
    runs: list[tuple[int, int]] = []
    for i, v in enumerate(values):
        if runs and values[runs[-1][0]] == v:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _readme_sheet(wb: Workbook, data: DemoYear) -> None:
    ws = wb.create_sheet("说明")
    rate = _rate_percent(data)
    lines = [
        f"{DEMO_TITLE_PREFIX}{data.year}年示例数据说明",
        f"本工作簿是{DEMO_MARK}，由 qdanalysis.demo 用 random.Random({data.seed}) 生成，不是真实数据，"
        "不得作为评价结论的依据。",
        "用途：演示多年度趋势、续签合同增长、线路与短信费用核对等分析流程；格式与真实输入完全相同。",
        f"依据：结构（{len({r['category'] for r in data.budget})}大类{len(data.budget)}个项目）、线路单价（联通出口7.6万元/月、电信出口0.79万元/月、省专网1.17万元/月、"
        "单位接入942元/月）、短信单价0.065元/条、绩效指标表1-1取自2020年绩效评价报告；其余金额均为随机生成。",
        f"本年合计：预算{wan(data.total_budget)}万元，执行{wan(data.total_executed)}万元，执行率{rate}%；"
        f"短信{data.sms_count}条。",
        "约定：金额单位为元（各表第2行「单位：元」）；合计行等于各项目之和（精确到分）；"
        "合同编号格式为 SL-年份-项目编号，「续签自」指向以前年度示例数据中的合同编号。",
    ]
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text)
    ws.cell(1, 1).font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 120


def _rate_percent(data: DemoYear) -> Decimal:
    return (data.total_executed / data.total_budget * 100).quantize(FEN, rounding=ROUND_HALF_UP)


def workbook_bytes(data: DemoYear) -> bytes:
    """The year's workbook as .xlsx bytes, identical for identical data."""
    wb = Workbook()
    wb.remove(wb.active)
    y = data.year
    total = {"category": TOTAL_WORDS[0], "budget": data.total_budget, "executed": data.total_executed,
             "note": f"执行率{_rate_percent(data)}%",
             "source": DEMO_SOURCE}
    if y == SYSTEM_LAYOUT_YEAR:  # one year as the 预算管理一体化系统 exports it
        system_budget_sheet(wb, f"{y}年{data.programme}预算执行情况表", data.budget, data.total_budget,
                            data.total_executed, data.seed)
    else:
        _sheet(wb, BUDGET, f"{y}年{data.programme}预算执行明细表", _BUDGET_KEYS, data.budget,
               unit_line=True, seed=data.seed, merge_key="category", total=total)
    _sheet(wb, CONTRACTS, f"{y}年{data.programme}合同台账（{y}年度在履行合同）", _CONTRACT_KEYS,
           data.contracts, unit_line=True, seed=data.seed)
    _sheet(wb, LINES, f"{y}年{data.programme}线路租用清单（{y}年12月31日在用）", _LINE_KEYS, data.lines,
           unit_line=True, seed=data.seed)
    _sheet(wb, SMS, f"{y}年金宏短信平台通信费结算明细", _SMS_KEYS, data.sms, unit_line=True, seed=data.seed)
    _sheet(wb, INDICATORS, f"{y}年专项业务费项目绩效目标及完成情况（表1-1）", _INDICATOR_KEYS, data.indicators,
           unit_line=False, seed=data.seed)
    if data.payments:
        _sheet(wb, PAYMENTS, f"{y}年{data.programme}国库集中支付明细", _PAYMENT_KEYS, data.payments, unit_line=True,
               seed=data.seed)
    _readme_sheet(wb, data)
    for prop in ("created", "modified"):
        setattr(wb.properties, prop, FIXED_TIMESTAMP)
    wb.properties.creator = wb.properties.lastModifiedBy = "qdanalysis.demo"
    wb.properties.title = f"{DEMO_MARK} {y}"
    buffer = io.BytesIO()
    # ExcelWriter, not wb.save(): save() stamps the modified time with the clock.
    ExcelWriter(wb, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip_times(buffer.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry times: openpyxl stamps each entry with the clock."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()

