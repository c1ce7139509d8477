"""``export``: the year's analysis tables, score sheet and findings as an Excel workbook.

Everything is read from the year's :class:`~qdanalysis.analyse.year.YearAnalysis`; this module
computes nothing and imports no plotting library.

Finance staff use the file as it is: Chinese headers, money in 万元 as numbers with two
decimals, ratios as percentages, a number format on every numeric column, frozen header rows,
column widths that fit, one sheet per table, in the order of the report and with its table
numbers. Text that a spreadsheet would run as a formula (starting with =, +, -, @) is written
as text.

Every sheet prints: A4, one page wide (landscape when the columns are wider than a portrait
page), the caption and header rows repeated on each page, long text wrapped, and a footer
with the sheet's name and 第 N 页，共 M 页. The 绩效自评表 keeps the form's own one-page
portrait setup (:mod:`qdanalysis.present.self_evaluation`).
"""

from __future__ import annotations

import datetime as dt
import numbers
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from qdanalysis.analyse.analyses import TOTAL, UNITEMISED
from qdanalysis.analyse.findings import findings_table, in_report_order
from qdanalysis.analyse.scoring import display_sheet
from qdanalysis.analyse.year import YearAnalysis, analyse_year
from qdanalysis.atomic import atomic_path
from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.errors import display_path
from qdanalysis.money import is_missing, round_half_up, sum_all
from qdanalysis.present import layouts as T
from qdanalysis.present.self_evaluation import write_self_evaluation

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
CAPTION_FONT = Font(bold=True, size=12)
MISSING_FONT = Font(color="808080")
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
INTEGER_FORMAT = "0"
DECIMAL_FORMAT = "0.00"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The widest column (in Excel's character units, a Chinese character counting two); longer text wraps.
MAX_WIDTH = 30
#: A header counts at most this wide: it wraps, so a 调整后预算数（万元） does not widen a column of numbers.
HEADER_WIDTH = 12
#: Points per line of a row whose text wraps (11 pt text, Chinese included).
LINE_HEIGHT = 15
#: Columns wider than this in total are printed landscape: about what a portrait A4 page holds at 100 %.
PORTRAIT_WIDTH = 100
#: The footer of every printed page: the sheet's name, then 第 N 页，共 M 页.
FOOTER = "&A　第 &P 页，共 &N 页"
TOTAL_BORDER = Border(top=Side(style="thin"))


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


def write_table(wb: Workbook, name: str, caption: str, df: pd.DataFrame, columns: dict[str, str], *,
                money=(), percent=(), integer=(), dates=(), number_formats: dict[str, str] | None = None,
                total: dict[str, Any] | None = None, demo: bool = False, note: str = "") -> None:
    """One sheet: caption in row 1, header in row 2 (frozen), then the rows, a 合计 row when ``total``
    gives its values (by column key), and, a row below them, the note. The sheet is set up to print."""
    number_formats = dict(number_formats or {})
    numeric = set(money) | set(percent) | set(integer) | set(number_formats)
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
        widths.append(min(HEADER_WIDTH, display_width(header)))
    rows = [row for _, row in df.iterrows()]
    if total is not None:
        rows.append(pd.Series(total, dtype=object))
    for i, row in enumerate(rows, start=3):
        for j, key in enumerate(columns, start=1):
            value = row[key] if key in row.index else None
            cell = ws.cell(row=i, column=j)
            shown = _write_value(cell, value, key, money, percent, integer, dates, number_formats)
            if key in numeric and not isinstance(cell.value, (int, float)):
                cell.alignment = Alignment(horizontal="right")  # 未披露 lines up with the numbers
            widths[j - 1] = max(widths[j - 1], display_width(shown))
    if total is not None:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True, color=cell.font.color)
            cell.border = TOTAL_BORDER
    widths = [min(MAX_WIDTH, max(8, width + 2)) for width in widths]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _wrap(ws, widths, first_row=2)
    if note:
        safe_text(ws.cell(row=ws.max_row + 2, column=1), note)
        ws.cell(row=ws.max_row, column=1).font = MISSING_FONT
    ws.freeze_panes = "A3"
    print_setup(ws, sum(ws.column_dimensions[get_column_letter(j)].width for j in range(1, len(widths) + 1)))


def _wrap(ws, widths: list[float], first_row: int) -> None:
    """Wrap the text that is wider than its column and give its row the height of its lines.

    Neither LibreOffice nor Excel fits a row to wrapped text on opening a file that does not
    say how tall the row is, so the height is set from the text (a Chinese character counts two;
    a column holds two units less than its width, as lines break between words, not mid-word).
    """
    for row in ws.iter_rows(min_row=first_row, max_col=len(widths)):
        lines = 1
        for cell, width in zip(row, widths):
            if isinstance(cell.value, str):
                lines = max(lines, sum(-(-max(display_width(part), 1) // int(width - 2))
                                       for part in cell.value.split("\n")))
        if lines > 1 and row[0].row > first_row:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
            for cell in row:  # every cell of the row from the top, beside the wrapped text
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal)
        elif lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def print_setup(ws, width: float, title_rows: str = "1:2") -> None:
    """Print ``ws`` on A4, one page wide (landscape when ``width`` is more than a portrait page
    holds), ``title_rows`` repeated on every page, the sheet's name and page number in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9


def _write_value(cell, value, key, money, percent, integer, dates, number_formats) -> str:
    """Write one value with its number format; return the text it shows (for the width)."""
    if isinstance(value, str) and (key in money or key in percent or key in integer or key in dates):
        safe_text(cell, value)  # a label in a number column: 合计
        return value
    if is_missing(value):
        cell.value = UNDISCLOSED if key in money or key in percent else "—"
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
        cell.number_format = INTEGER_FORMAT
        return str(int(value))
    if key in number_formats and isinstance(value, numbers.Real) and not isinstance(value, bool):
        cell.value = float(value)
        cell.number_format = number_formats[key]
        return f"{float(value):,.2f}倍"
    if key in dates:
        day = pd.Timestamp(value).date()
        cell.value = day
        cell.number_format = 'yyyy"年"' if key == "reference" else 'yyyy"年"m"月"'
        return "0000年00月"
    if isinstance(value, (dt.date, pd.Timestamp)):
        cell.value = pd.Timestamp(value).date()
        cell.number_format = "yyyy-mm-dd"
        return "0000-00-00"
    if isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool):
        whole = isinstance(value, numbers.Integral)
        cell.value = int(value) if whole else float(value)
        cell.number_format = INTEGER_FORMAT if whole else DECIMAL_FORMAT
        return str(value) if whole else f"{float(value):.2f}"
    text = str(value)
    safe_text(cell, text)
    return max(text.split("\n"), key=len)


def _write_layout(wb: Workbook, layout: T.TableLayout, df: pd.DataFrame, analysis: YearAnalysis,
                  total: dict[str, Any] | None = None) -> None:
    layout = T.for_year(layout, analysis)
    if layout.detail and total is None:
        total = column_totals(df, layout)
    write_table(wb, layout.name, T.caption(layout, analysis), df, layout.columns, money=layout.money,
                percent=layout.percent, integer=layout.integer, dates=layout.dates,
                number_formats=layout.number_formats, total=total, demo=analysis.demo, note=layout.note)


def column_totals(df: pd.DataFrame, layout: T.TableLayout) -> dict[str, Any]:
    """The 合计 row of a detail sheet: each money and count column added up exactly, or None
    (未披露) where a row does not give its figure; a partial sum would pass for the total."""
    total: dict[str, Any] = {next(iter(layout.columns)): TOTAL}
    for key in (*layout.money, *layout.integer):
        if key in df and key not in layout.dates:
            values = list(df[key])
            total[key] = sum_all(values)
    return total


def write_workbook(analysis: YearAnalysis, out: str | Path) -> Path:
    """Write the analysis tables, the score sheet and the findings of one year's analysis to ``out`` (xlsx).

    The sheets follow the report: after 说明 and the 绩效自评表 form, each numbered table of the
    report (表1, 表2, ...) in its order, with the detail sheets of a section after its table.
    """
    d, a, demo = analysis.data, analysis, analysis.demo
    wb = Workbook()
    guide = wb.active
    guide.title = "说明"
    lines = [
        f"{d.year}年专项业务费绩效评价分析表" + (f"（{DEMO_LABEL}，非真实数据）" if demo else ""),
        "数据文件：" + "、".join(display_path(f) for f in d.files),
        "金额单位：万元，保留两位小数（四舍五入）；“未披露”表示数据未给出，不按零计。",
        "由 qdanalysis export 生成；各表数字均由数据计算，不含手工填写的数字。",
        "各表的编号（表1、表2……）与 HTML 报告相同；明细表的最后一行为合计。",
    ]
    for i, text in enumerate(lines, start=1):
        safe_text(guide.cell(row=i, column=1), text)
        guide.cell(row=i, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    guide["A1"].font = CAPTION_FONT
    guide.column_dimensions["A"].width = 90
    print_setup(guide, 90, title_rows="")
    guide.print_options.horizontalCentered = False  # LibreOffice centres the text's overflow and cuts its start
    write_self_evaluation(wb, a)
    ws = wb["绩效自评表"]
    ws.oddFooter.center.text = FOOTER  # the form keeps its own page setup; the footer names it
    ws.oddFooter.center.size = 9
    composition = a.categories[~a.categories["category"].isin([UNITEMISED, TOTAL])]
    budget_total = {"code": TOTAL, **{k: d.totals.get(k) for k in T.BUDGET_ITEMS.money}}
    for layout, df, total in [
        (T.COMPOSITION, composition, None), (T.SPEND, a.spend, None), (T.BUDGET_ITEMS, d.budget, budget_total),
        (T.CATEGORIES, a.categories, None),
        (T.LINE_COSTS, a.line_costs, None), (T.PRICES, a.prices, None), (T.MONTHLY_LINES, a.monthly_lines, None),
        (T.SMS_DEPARTMENTS, a.sms_departments, None), (T.SMS_MONTHLY, a.sms_monthly, None),
        (T.RENEWALS, a.renewals, None), (T.INDICATORS, a.indicator_status, None), (T.RESULTS, d.results, None),
    ]:
        _write_layout(wb, layout, df, a, total)
    if a.score is not None:
        sheet = display_sheet(a.score)
        write_table(wb, T.SCORE.name, f"{T.caption(T.SCORE, a)}：{a.score.name}", sheet, {c: c for c in sheet.columns},
                    demo=demo)
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
