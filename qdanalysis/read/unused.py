"""The sheets of a year's workbooks that no input table used, each with why, so none is dropped in silence.

``validate`` and ``summary`` list them: an empty sheet, a sheet of text (说明), a chart sheet, and a
sheet that looks like a table but whose header matches no input table (with the table it comes
closest to and the headers that table needs).
"""

from __future__ import annotations

from pathlib import Path

from qdanalysis.errors import ValidationError
from qdanalysis.read import parsing
from qdanalysis.read.folder import read_sheets, workbook_paths
from qdanalysis.read.locate import HEADER_SCAN_ROWS
from qdanalysis.read.schema import GUIDE_HEADER, SELF_EVALUATION, SheetSchema
from qdanalysis.read.xlsx import WORKSHEET, SheetData

#: A header row has at least this many short text cells, and a row of values below it.
MIN_HEADER_CELLS = 3
#: A header cell is short; longer text is a title or a note.
MAX_HEADER_CHARS = 20
_KIND_WORDS = {"chartsheet": "图表工作表", "dialogsheet": "对话框工作表", "macrosheet": "宏工作表", "vba": "宏代码"}


def unused_sheets(path: str | Path, used: dict[tuple[str, str], str], tables: tuple[SheetSchema, ...]) -> list[str]:
    """One sentence for each sheet of the workbooks of ``path`` that is not in ``used``.

    Args:
        path: a workbook or a folder of workbooks.
        used: the sheets a table was found in (:func:`~qdanalysis.read.locate.sheets_used`).
        tables: the input tables, for the closest match of a sheet that looks like one.
    """
    out = []
    for file in workbook_paths(path):
        try:
            sheets = read_sheets(file)
        except ValidationError:
            continue  # the file's own problem is reported by the loaders
        for sheet in sheets:
            if (sheet.file, sheet.name) not in used:
                out.append(f"《{file.name}》「{sheet.name}」{_why(sheet, (*tables, SELF_EVALUATION))}")
    return out


def _why(sheet: SheetData, tables: tuple[SheetSchema, ...]) -> str:
    if sheet.kind != WORKSHEET:
        return f"是{_KIND_WORDS.get(sheet.kind, '非数据工作表')}，不是数据表，未使用"
    if not any(not parsing.is_blank(v) for row in sheet.rows for v in row):
        return "为空表，未使用"
    header = _header(sheet)
    if header is None:
        return "不是数据表，未使用"
    if tuple(header) == GUIDE_HEADER:
        return "是 qdanalysis template 生成的填写说明，不是数据表，未使用"
    shown = "、".join(header[:8]) + ("……" if len(header) > 8 else "")
    return (f"像数据表但与任何输入表都不匹配：表头为「{shown}」，未使用——请检查表头是否为{_closest(header, tables)}")


def _header(sheet: SheetData) -> list[str] | None:
    """The first row that reads as a header (three or more short texts) with a row of values below it."""
    rows = sheet.rows[:HEADER_SCAN_ROWS]
    for i, row in enumerate(rows):
        cells = [parsing.clean_text(v) for v in row if isinstance(v, str) and v.strip()]
        if len(cells) < MIN_HEADER_CELLS or any(len(c) > MAX_HEADER_CHARS for c in cells):
            continue
        below = sheet.rows[i + 1:i + 4]
        if any(sum(not parsing.is_blank(v) for v in r) >= 2 for r in below):
            return cells
    return None


def _closest(header: list[str], tables: tuple[SheetSchema, ...]) -> str:
    """The input table whose headers the sheet's come closest to, with the required ones it lacks."""
    names = [parsing.split_header(h)[0] for h in header]

    def score(table: SheetSchema) -> tuple[int, int]:
        exact = sum(any(n in c.names for c in table.columns) for n in names)
        near = sum(any(name in n or n in name for c in table.columns for name in c.names) for n in names)
        return exact, near

    best = max(tables, key=score)
    if score(best) == (0, 0):
        return "某一输入表的表头（见 qdanalysis template 生成的模板）；不需要的工作表可移出工作簿"
    lacking = [c.header for c in best.required if not any(n in c.names for n in names)]
    need = "、".join(c.header for c in best.required)
    return f"「{best.title}」表的表头（必填列：{need}" + (f"；缺少：{'、'.join(lacking)}）" if lacking else "）")
