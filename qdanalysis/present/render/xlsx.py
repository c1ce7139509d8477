"""Blocks as Excel sheets: a table per sheet, real numbers with number formats, printable.

Finance staff use the file as it is: Chinese headers, money in 万元 as numbers with two decimals,
ratios as percentages, a number format on every numeric column, frozen header rows, column widths
that fit. Text that a spreadsheet would run as a formula (starting with =, +, -, @) is written as
text. Every sheet prints: A4, one page wide (landscape when the columns are wider than a portrait
page; where asked, two or more pages across when one would print the text below 7 pt), the caption and header rows
repeated on each page, long text wrapped, and a footer with the sheet's name and 第 N 页，共 M 页.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from qdanalysis.analyse.spending import TOTAL
from qdanalysis.domain import DEMO_LABEL, UNDISCLOSED
from qdanalysis.fmt import display_width
from qdanalysis.money import is_missing, round_half_up, sum_all
from qdanalysis.present.blocks import Table, TableLayout
from qdanalysis.present.render.cells import BLANKS, LONG_CELL, is_identifier, is_marked_figure, unbroken

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
#: What a landscape A4 page holds at 100 %: 271 mm between the margins, a width unit printing about 1.9 mm in
#: Excel (Calibri) and up to 2.5 mm in a LibreOffice without a Calibri-metric font; the wider is taken, so that
#: a sheet is not squeezed below the least scale on either.
LANDSCAPE_WIDTH = 109
#: The least print scale: the 11 pt text prints at 7 pt or larger. A sheet that would print smaller on one
#: page's width is spread over as many pages across as keep it legible, its first column repeated on each.
MIN_PRINT_SCALE = 7 / 11
#: The least scale of a sheet printed in parts (:func:`print_in_parts`): the 11 pt text prints at 9 pt or larger.
PARTS_MIN_SCALE = 9 / 11
#: The footer of every printed page: the sheet's name, then 第 N 页，共 M 页.
FOOTER = "&A　第 &P 页，共 &N 页"
TOTAL_BORDER = Border(top=Side(style="thin"))


def header_lines(header: str, width: float) -> str:
    """A header wider than its column (``width``) broken before its bracket (预算数 / （万元）), so that it does
    not wrap inside a word or leave a lone bracket on a line."""
    if "（" not in header or header.startswith("（") or display_width(header) <= width - 2:
        return header
    head, _, rest = header.partition("（")
    return f"{head}\n（{rest}"


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
                total: dict[str, Any] | None = None, demo: bool = False, note: str = "",
                max_widths: dict[str, float] | None = None, legible: bool = False,
                note_columns: int | None = None) -> None:
    """One sheet: caption in row 1, header in row 2 (frozen), then the rows, a 合计 row when ``total``
    gives its values (by column key), and, a row below them, the note (wrapped across the table's width).
    ``max_widths`` caps a column's width (by key; its text wraps, a figure or a code is never cut: its
    column stays as wide as it; nor a line of a header broken into lines by ``\n``). ``note_columns``: how many
    columns the note spans (all by default; fewer where the sheet prints in parts, :func:`print_in_parts`). The sheet is set up to print (``legible``: across pages rather than below 7 pt,
    see :func:`print_setup`)."""
    number_formats = dict(number_formats or {})
    numeric = set(money) | set(percent) | set(integer) | set(number_formats)
    ws = wb.create_sheet(name[:31])
    safe_text(ws.cell(row=1, column=1), caption + (f"（{DEMO_LABEL}，非真实数据）" if demo else "")
              + ("（金额单位：万元）" if money else ""))
    ws.cell(row=1, column=1).font = CAPTION_FONT
    widths = []
    least = []  # the width a column's figures and codes need: no cap goes below it
    for j, (key, header) in enumerate(columns.items(), start=1):
        # a header its caller broke into lines (预算数\n（万元）) keeps each line whole: its column is as wide
        least.append(max(display_width(line) for line in header.split("\n")) + 2 if "\n" in header else 0)
        cell = ws.cell(row=2, column=j, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        widths.append(min(HEADER_WIDTH, display_width(header)))
    rows = [row for _, row in df.iterrows()]
    if total is not None:
        rows.append(pd.Series(total, dtype=object))
    # a column that mixes figures with text (指标值: ≥80条, 100%, 健全) keeps them with its text, not pushed right
    mixed = {key for key in columns if key not in numeric and any(
        isinstance(v, str) and v.strip() not in BLANKS and not is_marked_figure(v) for v in df.get(key, []))}
    identifiers = {key for key, header in columns.items() if is_identifier(header)}
    for i, row in enumerate(rows, start=3):
        for j, key in enumerate(columns, start=1):
            value = row[key] if key in row.index else None
            cell = ws.cell(row=i, column=j)
            shown = _write_value(cell, value, key, money, percent, integer, dates, number_formats)
            if key in identifiers:
                cell.alignment = Alignment(horizontal="left")  # 1.1, 12, 2020: an identifier, aligned as text
            elif key in numeric and not isinstance(cell.value, (int, float)):
                cell.alignment = Alignment(horizontal="right")  # 未披露 lines up with the numbers
            elif isinstance(cell.value, str) and is_marked_figure(cell.value) and key not in mixed:
                cell.alignment = Alignment(horizontal="right")  # a figure written as text: -3.65%, 152.30+未披露
            widths[j - 1] = max(widths[j - 1], display_width(shown))
            if isinstance(cell.value, (int, float)) or (isinstance(cell.value, str) and (
                    unbroken(cell.value) or (key in identifiers and len(cell.value) <= LONG_CELL))):
                least[j - 1] = max(least[j - 1], display_width(shown) + 2)
    if total is not None:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True, color=cell.font.color)
            cell.border = TOTAL_BORDER
    widths = [min(MAX_WIDTH, max(8, width + 2)) for width in widths]
    caps = max_widths or {}
    widths = [max(min(width, caps.get(key, width)), need) for width, need, key in zip(widths, least, columns)]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _wrap(ws, widths, first_row=2)
    if note:
        _note(ws, note, widths[:note_columns])
    ws.freeze_panes = "A3"
    print_setup(ws, sum(widths), legible=legible)


def _note(ws, note: str, widths: list[float]) -> None:
    """The note a row below the table, wrapped across the table's width (so it prints within the page)."""
    row = ws.max_row + 2
    cell = ws.cell(row=row, column=1)
    safe_text(cell, note)
    cell.font = MISSING_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if len(widths) > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    room = max(int(sum(widths) - 2), 1)
    lines = sum(-(-max(display_width(part), 1) // room) for part in note.split("\n"))
    ws.row_dimensions[row].height = LINE_HEIGHT * max(lines, 1)


def _wrap(ws, widths: list[float], first_row: int) -> None:
    """Wrap the text that is wider than its column and give its row the height of its lines.

    Neither LibreOffice nor Excel fits a row to wrapped text on opening a file that does not
    say how tall the row is, so the height is set from the text (a Chinese character counts two;
    a column holds two units less than its width, as lines break between words, not mid-word).
    """
    for row in ws.iter_rows(min_row=first_row, max_col=len(widths)):
        lines = 1
        for cell, width in zip(row, widths):
            if isinstance(cell.value, str) and not unbroken(cell.value):
                lines = max(lines, sum(-(-max(display_width(part), 1) // int(width - 2))
                                       for part in cell.value.split("\n")))
        if lines > 1 and row[0].row > first_row:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
            for cell in row:  # every cell of the row from the top, beside the wrapped text; a figure or code unbroken
                keep = isinstance(cell.value, str) and unbroken(cell.value)
                cell.alignment = Alignment(wrap_text=not keep, vertical="top", horizontal=cell.alignment.horizontal)
        elif lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines


def pages_across(width: float) -> int:
    """How many landscape pages wide a sheet of columns ``width`` wide prints so that its text stays at
    :data:`MIN_PRINT_SCALE` or larger: one where that scale fits it on one page."""
    return max(1, math.ceil(width / (LANDSCAPE_WIDTH / MIN_PRINT_SCALE)))


def print_setup(ws, width: float, title_rows: str = "1:2", *, legible: bool = False) -> None:
    """Print ``ws`` on A4, one page wide (landscape when ``width`` is more than a portrait page
    holds) or, with ``legible`` when one page's width would print its text smaller than 7 pt, as many
    landscape pages across as keep it legible (:func:`pages_across`) with its first column repeated on
    each; ``title_rows`` repeated on every page, the sheet's name and page number in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_across(width) if legible else 1
    if ws.page_setup.fitToWidth > 1:
        ws.print_title_cols = "A:A"  # which row is which, on the pages to the right
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9


def print_in_parts(ws, widths: list[float], starts: list[int], title_cols: str = "A:A") -> int:
    """Print ``ws`` on landscape A4 in parts side by side, rather than shrink it onto one page's width: a page break
    before each column of ``starts`` (1-based), ``title_cols`` (which row is which) repeated on each part's pages,
    at the one scale at which the widest part fits a page (100 % at most, :data:`PARTS_MIN_SCALE` at least: a part
    wider than that goes on over another page). Set up after :func:`print_setup`; returns the scale in percent."""
    first, last = (column_index_from_string(c) for c in title_cols.split(":"))
    titles = sum(widths[first - 1:last])
    bounds = [1, *starts, len(widths) + 1]
    parts = [sum(widths[a - 1:b - 1]) + (titles if a > last else 0) for a, b in zip(bounds, bounds[1:])]
    scale = max(math.ceil(PARTS_MIN_SCALE * 100), min(100, math.floor(100 * LANDSCAPE_WIDTH / max(parts))))
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = False  # a fixed scale: Excel ignores page breaks when fitting
    ws.page_setup.scale = scale
    ws.print_title_cols = title_cols
    for start in starts:
        ws.col_breaks.append(Break(id=start - 1))  # the break after the column before ``start``
    return scale


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


def column_totals(df: pd.DataFrame, layout: TableLayout) -> dict[str, Any]:
    """The 合计 row of a detail sheet: each money and count column added up exactly, or None
    (未披露) where a row does not give its figure; a partial sum would pass for the total."""
    total: dict[str, Any] = {next(iter(layout.columns)): TOTAL}
    for key in (*layout.money, *layout.integer):
        if key in df and key not in layout.dates:
            values = list(df[key])
            total[key] = sum_all(values)
    return total


def write_block(wb: Workbook, table: Table) -> None:
    """A table block as a sheet: its layout's columns and number formats, its caption with its number in
    the report, and, for a detail sheet, a 合计 row (given, or each column added up exactly)."""
    lay = table.layout
    total = table.total
    if lay.detail and total is None:
        total = column_totals(table.frame, lay)
    write_table(wb, lay.name, table.caption + table.sheet_suffix, table.frame, lay.columns, money=lay.money,
                percent=lay.percent, integer=lay.integer, dates=lay.dates, number_formats=lay.number_formats,
                total=total, demo=table.demo, note=lay.note)
