"""``template``: an empty input workbook with every sheet, its headers and a 填写说明 sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from qdanalysis.atomic import atomic_path
from qdanalysis.read.inputs import INPUTS
from qdanalysis.read.schema import EXAMPLE_MARK, GUIDE_HEADER, GUIDE_SHEET

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def write_template(path: str | Path, year: int | None = None, record_rows: list[tuple] | None = None, *,
                   rows: dict[str, list[list]] | None = None) -> Path:
    """Write the input template to ``path`` (atomically) and return it.

    Args:
        path: the workbook to write.
        year: the year named in the sheets' titles.
        record_rows: the rows of 评价记录 (一级指标, 三级指标, 分值, 评分方式), one per scored indicator.
        rows: rows to pre-fill, by table name (the year's findings in 发现处理: 编号, 系统发现).
    """
    wb = template_workbook(year, record_rows, rows=rows)
    with atomic_path(path, suffix=".xlsx") as tmp:
        wb.save(tmp)
    return Path(path)


def template_workbook(year: int | None = None, record_rows: list[tuple] | None = None, *,
                      rows: dict[str, list[list]] | None = None, notes: dict[str, str] | None = None,
                      title_prefix: str = "", guide_notes: tuple[str, ...] = ()) -> Workbook:
    """The input template as a workbook, optionally pre-filled (``qdanalysis new-year``).

    Args:
        year: the year named in the sheets' titles.
        record_rows: the rows of 评价记录 (一级指标, 三级指标, 分值, 评分方式), one per scored indicator.
        rows: rows to pre-fill, by table name, each a list of cells in the order of the table's columns.
        notes: a line under a sheet's title saying where its rows come from, by table name.
        title_prefix: written before every title (``【示例数据】``).
        guide_notes: lines of the 填写说明 sheet under its title.
    """
    rows = dict(rows or {})
    if record_rows:
        rows["record"] = [list(r) for r in record_rows]
    notes = notes or {}
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    guide.append([title_prefix + f"{year or ''}年专项业务费绩效评价数据模板".lstrip("年"), ])
    guide["A1"].font = Font(bold=True, size=14)
    for line in guide_notes:
        guide.append([line])
    guide.append(["使用方法：每张工作表填写一类数据；表头可换成列出的同义写法，列的顺序不限，可增加其他列（会原样保留）。"])
    guide.append(["金额单位：在表头写明（如「预算数（万元）」）或在表头上方写一行「单位：万元」；单元格内写明单位（如 942元/月）时以单元格为准。"])
    guide.append(["报告或凭证未披露的数字请留空，不要填 0；小计、合计行会自动与明细核对。"])
    guide.append([f"某格以“{EXAMPLE_MARK}”开头的行是填写示例，程序不读取；可照着填写后删除。"])
    guide.append([])
    header = list(GUIDE_HEADER)
    guide.append(header)
    head_row = guide.max_row
    for cell in guide[head_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for table in (t.schema for t in INPUTS):
        for col in table.columns:
            guide.append([table.title, col.header, "必填" if col.required else "选填", "、".join(col.synonyms), col.hint])
    for letter, width in zip("ABCDE", (14, 16, 10, 34, 60)):
        guide.column_dimensions[letter].width = width
    for table in (t.schema for t in INPUTS):
        ws = wb.create_sheet(table.title)
        ws.append([title_prefix + f"{year or ''}年{table.title}".lstrip("年")])
        ws["A1"].font = Font(bold=True, size=13)
        if table.key in notes:
            ws.append([notes[table.key]])
        if table.example:  # the evaluator's own sheets say what they are for
            ws.append([table.description])
        if any(col.kind in ("money", "price") for col in table.columns):  # a sheet without money has no unit line
            ws.append(["单位：万元"])
        ws.append([col.header for col in table.columns])
        head = ws.max_row
        filled = rows.get(table.key, ())
        for j, col in enumerate(table.columns, start=1):
            cell = ws.cell(row=head, column=j)
            cell.font = Font(bold=True)
            cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            # A pre-filled column is as wide as its longest value (up to 40), so that names read whole.
            longest = max((len(str(r[j - 1])) for r in filled if j <= len(r) and r[j - 1] is not None), default=0)
            ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, 4 * len(col.header) + 4),
                                                                   min(40, 2 * longest + 2))
            if col.kind in ("text", "code") or col.key in ("source", "note"):
                for r in range(head + 1, head + 201 + len(filled)):
                    ws.cell(row=r, column=j).number_format = "@"
        for r, values in enumerate(filled, start=head + 1):
            for c, value in enumerate(values, start=1):
                ws.cell(row=r, column=c).value = value
        if table.example and not filled:  # one worked example row, marked 【示例】 so that it is never read
            for c, value in enumerate(table.example, start=1):
                cell = ws.cell(row=head + 1, column=c, value=value or None)
                cell.font = Font(italic=True, color="808080")
        if table.key == "record":
            ws.column_dimensions["D"].width = 44
            for letter in "GH":
                ws.column_dimensions[letter].width = 40
        ws.freeze_panes = f"A{head + 1}"
    return wb
