"""``export``: the year's analysis tables, score sheet and findings as an Excel workbook.

Everything is read from the year's :class:`~qdanalysis.analyse.year.YearAnalysis`; this module
computes nothing and imports no plotting library.

Finance staff use the file as it is: Chinese headers, money in 万元 as numbers with two
decimals, ratios as percentages, frozen header rows, column widths that fit, one sheet per
table. Text that a spreadsheet would run as a formula (starting with =, +, -, @) is written
as text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qdanalysis.analyse.findings import findings_table, in_report_order
from qdanalysis.analyse.scoring import display_sheet
from qdanalysis.analyse.year import YearAnalysis, analyse_year
from qdanalysis.atomic import atomic_path
from qdanalysis.errors import display_path
from qdanalysis.fmt import DEMO_LABEL, UNDISCLOSED_LABEL, round_half_up
from qdanalysis.present import layouts as T
from qdanalysis.present.self_evaluation import write_self_evaluation

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CAPTION_FONT = Font(bold=True, size=12)
MISSING_FONT = Font(color="808080")
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60


def display_width(text: str) -> int:
    """Columns a text needs in Excel: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def safe_text(cell, text: str) -> None:
    """Write ``text`` so that no spreadsheet runs it as a formula, with control characters
    (which the xlsx format cannot hold) shown as visible symbols."""
    text = ILLEGAL_CHARACTERS_RE.sub(lambda m: chr(0x2400 + ord(m.group())) if m.group() < " " else "\ufffd", text)
    cell.value = text
    if text.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def write_table(wb: Workbook, name: str, caption: str, df: pd.DataFrame, columns: dict[str, str], *,
                money=(), percent=(), integer=(), dates=(), demo: bool = False, note: str = "") -> None:
    """One sheet: caption in row 1, header in row 2 (frozen), then the rows and, a row below them, the note."""
    ws = wb.create_sheet(name[:31])
    safe_text(ws.cell(row=1, column=1), caption + (f"（{DEMO_LABEL}，非真实数据）" if demo else "")
              + ("（金额单位：万元）" if money else ""))
    ws.cell(row=1, column=1).font = CAPTION_FONT
    widths = []
    for j, (key, header) in enumerate(columns.items(), start=1):
        cell = ws.cell(row=2, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths.append(display_width(header))
    for i, (_, row) in enumerate(df.iterrows(), start=3):
        for j, key in enumerate(columns, start=1):
            value = row[key] if key in row.index else None
            cell = ws.cell(row=i, column=j)
            shown = _write_value(cell, value, key, money, percent, integer, dates)
            widths[j - 1] = max(widths[j - 1], display_width(shown))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, max(8, width + 2))
        if width > MAX_WIDTH:
            for r in range(3, ws.max_row + 1):
                ws.cell(row=r, column=j).alignment = Alignment(wrap_text=True, vertical="top")
    if note:
        safe_text(ws.cell(row=ws.max_row + 2, column=1), note)
        ws.cell(row=ws.max_row, column=1).font = MISSING_FONT
    ws.freeze_panes = "A3"


def _write_value(cell, value, key, money, percent, integer, dates) -> str:
    """Write one value with its number format; return the text it shows (for the width)."""
    if _missing(value):
        cell.value = UNDISCLOSED_LABEL if key in money or key in percent else "—"
        cell.font = MISSING_FONT
        return str(cell.value)
    if key in money:
        wan = round_half_up(Decimal(value) / 10000, 2)
        cell.value = float(wan)
        cell.number_format = MONEY_FORMAT
        return f"{wan:,}"
    if key in percent:
        cell.value = float(value)
        cell.number_format = PERCENT_FORMAT
        return f"{float(value):.2%}"
    if key in integer:
        cell.value = int(value)
        cell.number_format = "0"
        return str(int(value))
    if key in dates:
        day = pd.Timestamp(value).date()
        cell.value = day
        cell.number_format = 'yyyy"年"' if key == "reference" else 'yyyy"年"m"月"'
        return "0000年00月"
    if isinstance(value, (dt.date, pd.Timestamp)):
        cell.value = pd.Timestamp(value).date()
        cell.number_format = "yyyy-mm-dd"
        return "0000-00-00"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell.value = float(value) if isinstance(value, Decimal) else value
        return str(value)
    text = str(value)
    safe_text(cell, text)
    return max(text.split("\n"), key=len)


def _write_layout(wb: Workbook, layout: T.TableLayout, df: pd.DataFrame, analysis: YearAnalysis) -> None:
    layout = T.for_year(layout, analysis)
    write_table(wb, layout.name, T.caption(layout, analysis), df, layout.columns, money=layout.money,
                percent=layout.percent, integer=layout.integer, dates=layout.dates, demo=analysis.demo, note=layout.note)


def write_workbook(analysis: YearAnalysis, out: str | Path) -> Path:
    """Write the analysis tables, the score sheet and the findings of one year's analysis to ``out`` (xlsx)."""
    d, a, demo = analysis.data, analysis, analysis.demo
    wb = Workbook()
    guide = wb.active
    guide.title = "说明"
    lines = [
        f"{d.year}年专项业务费绩效评价分析表" + (f"（{DEMO_LABEL}，非真实数据）" if demo else ""),
        "数据文件：" + "、".join(display_path(f) for f in d.files),
        "金额单位：万元，保留两位小数（四舍五入）；“未披露”表示数据未给出，不按零计。",
        "由 qdanalysis export 生成；各表数字均由数据计算，不含手工填写的数字。",
    ]
    for i, text in enumerate(lines, start=1):
        safe_text(guide.cell(row=i, column=1), text)
    guide["A1"].font = CAPTION_FONT
    guide.column_dimensions["A"].width = 100
    write_self_evaluation(wb, a)
    for layout, df in [
        (T.CATEGORIES, a.categories), (T.BUDGET_ITEMS, d.budget), (T.SPEND, a.spend),
        (T.LINE_COSTS, a.line_costs), (T.PRICES, a.prices), (T.MONTHLY_LINES, a.monthly_lines),
        (T.SMS_MONTHLY, a.sms_monthly), (T.SMS_DEPARTMENTS, a.sms_departments),
        (T.RENEWALS, a.renewals), (T.INDICATORS, a.indicator_status), (T.RESULTS, d.results),
    ]:
        _write_layout(wb, layout, df, a)
    if a.score is not None:
        sheet = display_sheet(a.score)
        write_table(wb, T.SCORE.name, f"{T.caption(T.SCORE, a)}：{a.score.name}", sheet, {c: c for c in sheet.columns}, demo=demo)
    found = findings_table(in_report_order(a.findings))
    write_table(wb, "主要问题", "主要问题与建议", found, {c: c for c in found.columns}, demo=demo)
    limits = findings_table(a.limitations)
    write_table(wb, "数据局限", "其他需要说明的问题（数据局限）", limits, {c: c for c in limits.columns}, demo=demo)
    _write_layout(wb, T.CHECKS, a.checks, a)
    with atomic_path(out, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return Path(out)


def export_year(year: int, out: str | Path, root: str | Path | None = None, scoring: str | Path = "") -> Path:
    """Analyse ``year`` and write its workbook to ``out`` (see :func:`write_workbook`).

    Raises:
        ValidationError: the year's data (or the scoring table) has problems.
    """
    return write_workbook(analyse_year(year, root, scoring), out)
