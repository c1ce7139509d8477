"""Finding a table on a sheet: its header row (one row or two), its columns and its data rows.

A table is found by its sheet name or, failing that, by its header row. Title lines,
``单位：万元`` lines, blank rows, notes and signatures below the table, merged or
written-once category cells are all handled here, so each loader only says what its
rows mean.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterator

from qdanalysis.errors import MissingTableError, Problem, ProblemCollector, ValidationError, display_path
from qdanalysis.read import parsing
from qdanalysis.read.folder import no_workbook, read_sheets, workbook_paths
from qdanalysis.read.safety import column_letter
from qdanalysis.read.schema import NOTE_PREFIXES, SheetSchema
from qdanalysis.read.xlsx import WORKSHEET, SheetData

HEADER_SCAN_ROWS = 30


@dataclass
class Located:
    """A table located in one sheet."""

    file: str
    sheet: str
    header_row: int  # Excel row number of the header
    col_index: dict[str, int]  # column key -> 0-based column index
    col_header: dict[str, str]  # column key -> header as written
    col_unit: dict[str, str | None]  # column key -> money unit from the header
    sheet_unit: str | None
    extras: dict[str, int]  # headers the contract does not know, kept as they are
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (Excel row, values)
    error_cells: dict[tuple[int, int], str] = field(default_factory=dict)  # (Excel row, col0) -> #REF! etc.

    def where(self, key: str) -> str:
        """Column as a user finds it: header and letter, e.g. ``预算数(D列)``."""
        if key in self.col_index:
            return f"{self.col_header[key]}({column_letter(self.col_index[key])}列)"
        return key


_USED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qdanalysis_used_sheets", default=None)


@contextlib.contextmanager
def sheets_used() -> Iterator[dict[tuple[str, str], str]]:
    """Within this block, each sheet a table is found in is recorded: ``(file, sheet) -> table title``
    (``file`` as :func:`display_path` writes it), so that the sheets no table used can be listed."""
    used: dict[tuple[str, str], str] = {}
    token = _USED.set(used)
    try:
        yield used
    finally:
        _USED.reset(token)


def _header_matches(row: list[Any], table: SheetSchema) -> dict[str, tuple[int, str, str | None]]:
    """Map column keys to (index, header as written, unit) for the cells of a candidate header row."""
    found: dict[str, tuple[int, str, str | None]] = {}
    for j, cell in enumerate(row):
        if not isinstance(cell, str):
            continue
        name, unit = parsing.split_header(cell)
        for col in table.columns:
            if col.key not in found and name in col.names:
                found[col.key] = (j, parsing.normalize_text(cell), unit)
                break
    return found


def _misspelt(col, cells: list[Any], taken: set[int]) -> tuple[str, str] | None:
    """A header cell not taken by another column that looks like a slip for ``col`` (预算书 for 预算数): its column
    letter and text, or None. Close means at most one character differs from the header or one of its synonyms."""
    import difflib

    from openpyxl.utils import get_column_letter

    names = [col.header, *col.synonyms]
    for j, cell in enumerate(cells):
        if j in taken or not isinstance(cell, str) or not cell.strip():
            continue
        text = parsing.split_header(cell)[0].strip()
        for name in names:
            if len(text) == len(name) >= 2 and sum(a != b for a, b in zip(text, name)) == 1 or \
                    len(name) >= 3 and difflib.SequenceMatcher(None, text, name).ratio() >= 0.8:
                return get_column_letter(j + 1), text
    return None


def _best_header(sheet: SheetData, table: SheetSchema) -> tuple[int, dict[str, tuple[int, str, str | None]], list[Any]] | None:
    """The header: ``(index of its last row, matches, header cells)``.

    A header may take two rows, a group heading (金额, merged across) above the column
    names (预算数, 执行数): the two rows are read as one, the lower name winning.
    """
    best: tuple[int, dict, list[Any]] | None = None
    required = {c.key for c in table.required}

    def better(m: dict) -> bool:
        return best is None or (required <= m.keys(), len(m)) > (required <= best[1].keys(), len(best[1]))

    rows = sheet.rows[:HEADER_SCAN_ROWS]
    for i, row in enumerate(rows):
        m = _header_matches(row, table)
        if m and better(m):
            best = (i, m, row)
        if i + 1 < len(rows) and m and (not required <= m.keys() or _subheader(rows[i + 1])):
            lower = rows[i + 1]
            upper = _spread(sheet, i, row)
            width = max(len(upper), len(lower))
            both = [_lower_named(lower[j], upper[j] if j < len(upper) else None)
                    if j < len(lower) and isinstance(lower[j], str) and lower[j].strip()
                    else (upper[j] if j < len(upper) else None) for j in range(width)]
            m2 = _header_matches(both, table)
            if required <= m2.keys() and better(m2):
                best = (i + 1, m2, both)
    return best


def _subheader(row: list[Any]) -> bool:
    """A row that may be the lower half of a header (``年初预算 | 调整后预算`` under ``预算数``): text only."""
    texts = [v for v in row if not parsing.is_blank(v)]
    return bool(texts) and all(isinstance(v, str) for v in texts)


def _spread(sheet: SheetData, i: int, row: list[Any]) -> list[Any]:
    """Header row ``i`` with each horizontal merge's text given to every column it spans."""
    out = list(row)
    for r0, c0, r1, c1 in sheet.merged:
        if r0 <= i <= r1 and c1 > c0 and c0 < len(row) and isinstance(row[c0], str):
            out.extend([None] * (c1 + 1 - len(out)))
            for j in range(c0 + 1, c1 + 1):
                if parsing.is_blank(out[j]):
                    out[j] = row[c0]
    return out


def _lower_named(lower: str, upper: Any) -> str:
    """A lower header cell, taking the unit of the group heading above it (``预算数（万元）``) when it has none."""
    if parsing.split_header(lower)[1] is None and isinstance(upper, str):
        unit = parsing.split_header(upper)[1]
        if parsing.money_unit_of(unit):
            return f"{lower}（{unit}）"
    return lower


def _sheet_name_matches(sheet: SheetData, table: SheetSchema) -> bool:
    name = parsing.compact(sheet.name)
    return any(word in name for word in table.sheet_names)


def _fill_merged(sheet: SheetData, col: int, rows: list[list[Any]], first_row: int, collector: ProblemCollector,
                 where: str) -> None:
    """Give every cell of a vertical merge in column ``col`` the merge's top value.

    A merge that starts at or above the header and reaches into the data (a title merged
    down over the table) is reported instead: its text is not a value of the column.
    """
    for r0, c0, r1, c1 in sheet.merged:
        if c0 <= col <= c1 and r1 > r0:
            top = sheet.rows[r0][c0] if c0 == col else None
            if top is None:
                continue
            if r0 < first_row <= r1:
                span = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
                collector.add(
                    sheet.name, r0 + 1, where,
                    f"合并单元格{span}从表头上方（第{r0 + 1}行「{parsing.shown(top)}」）一直延伸到数据区域"
                    f"（第{first_row + 1}行起），无法判断这些行的取值",
                    f"请取消该合并单元格，在表头下方的每一行（或该类首行）填写{where}",
                )
                continue
            for r in range(max(r0, first_row), r1 + 1):
                idx = r - first_row
                if 0 <= idx < len(rows) and parsing.is_blank(rows[idx][col]):
                    rows[idx][col] = top


def locate_in_sheet(sheet: SheetData, table: SheetSchema, collector: ProblemCollector, *, by_name: bool) -> Located | None:
    """Locate ``table`` in ``sheet``. Reports missing columns when the sheet is named for the table."""
    best = _best_header(sheet, table)
    required = [c for c in table.required]
    if best is None or not {c.key for c in required} <= best[1].keys():
        if by_name:
            row = None if best is None else best[0] + 1
            have = {} if best is None else best[1]
            if best is None:
                collector.add(
                    sheet.name, None, "",
                    f"工作表「{sheet.name}」中找不到「{table.title}」的表头",
                    "表头应包含：" + "、".join(c.header for c in required),
                )
            for col in required:
                if col.key not in have and best is not None:
                    alt = f"（也可写作：{'、'.join(col.synonyms)}）" if col.synonyms else ""
                    near = _misspelt(col, best[2], {v[0] for v in have.values()})
                    collector.add(
                        sheet.name, row, col.header,
                        f"缺少必填列「{col.header}」" + (f"；表头中有「{near[1]}」（{near[0]}列），是否应为「{col.header}」？"
                                                       if near else ""),
                        (f"如是，请把「{near[1]}」改为「{col.header}」；否则" if near else "")
                        + f"请在表头行加入「{col.header}」列{alt}",
                    )
        return None
    hi, match, header_cells = best
    for r, c, text in getattr(sheet, "errors", []):
        if r == hi:  # a header cell that is an error value: its column would silently go missing
            collector.add(sheet.name, hi + 1, column_letter(c), f"表头单元格是错误值「{parsing.shown(text)}」，不是列名",
                          "请在该单元格填写列名（如「单位」），或删除该列")
    sheet_unit = None
    for row in sheet.rows[: hi + 1]:
        for cell in row:
            unit = parsing.parse_unit_line(cell) if isinstance(cell, str) and "单位" in cell else None
            if unit and not (isinstance(cell, str) and parsing.split_header(cell)[0] in ("单位", "使用单位")):
                sheet_unit = unit
    located = Located(
        file=sheet.file,
        sheet=sheet.name,
        header_row=hi + 1,
        col_index={k: v[0] for k, v in match.items()},
        col_header={k: v[1] for k, v in match.items()},
        col_unit={k: parsing.money_unit_of(v[2]) for k, v in match.items()},
        sheet_unit=sheet_unit,
        extras={},
    )
    located.error_cells = {(r + 1, c): text for r, c, text in getattr(sheet, "errors", []) if r > hi}
    known = set(located.col_index.values())
    for j, cell in enumerate(header_cells):
        if j not in known and not parsing.is_blank(cell):
            located.extras[parsing.clean_text(cell)] = j
    body = sheet.rows[hi + 1:]
    fills = [located.col_index[c.key] for c in table.columns if c.fill_down and c.key in located.col_index]
    if fills and sheet.merged:
        body = [list(r) for r in body]  # the sheet's own rows stay as read
        by_index = {located.col_index[c.key]: c.key for c in table.columns if c.key in located.col_index}
        for col in fills:
            _fill_merged(sheet, col, body, hi + 1, collector, located.where(by_index[col]))
    located.rows = _data_rows(body, hi + 2)
    return located


def _data_rows(body: list[list[Any]], first_row: int) -> list[tuple[int, list[Any]]]:
    """``(Excel row, values)`` of the table's rows below its header (the first at ``first_row``): blank rows
    are skipped, and notes and signatures end the table."""
    if len(body) > 64 and _plain_first_cells(body):
        return list(zip(range(first_row, first_row + len(body)), body))
    rows = []
    append = rows.append
    for offset, values in enumerate(body):
        first = _first_value(values)
        if first is None:
            continue  # a blank row
        if isinstance(first, str) and _is_note(first):
            break  # notes and signatures end the table
        append((first_row + offset, values))
    return rows


def _plain_first_cells(body: list[list[Any]]) -> bool:
    """Whether every row's first cell is a plain ASCII text (:func:`parsing.plain_ascii`: a ledger's contract
    numbers) longer than any blank marker, whose first character starts no note: then every row is a data row,
    as the row-by-row reading would find. Checked on the column at once, at C speed."""
    try:
        firsts = list(map(_FIRST, body))
        return parsing.plain_ascii(firsts) and min(map(len, firsts)) > 4 and _NOTE_STARTS.isdisjoint(map(_FIRST, firsts))
    except (IndexError, TypeError):  # an empty row, or a first cell that is not text
        return False


def take_columns(loc: Located, indexes: list[int]) -> tuple[list[int], list[list[Any]]]:
    """The Excel row numbers of ``loc``'s rows, and the columns at ``indexes`` (0-based; where a row is too short,
    None). ``loc.rows`` is consumed. Rows of one width are joined into one run of cells and each column sliced
    out of it at C speed."""
    rows, loc.rows = loc.rows, []
    row_nos, grid = list(map(_FIRST, rows)), list(map(_SECOND, rows))
    del rows
    widths = set(map(len, grid))
    if grid and indexes and min(widths) <= max(indexes):  # ragged rows: pad them
        width = max(indexes) + 1
        grid = [v + [None] * (width - len(v)) if len(v) < width else v for v in grid]
        widths = set(map(len, grid))
    width = len(grid[0]) if grid else 0
    if width and len(widths) == 1:
        cells = list(chain.from_iterable(grid))
        return row_nos, [cells[j::width] for j in indexes]
    return row_nos, [list(map(itemgetter(j), grid)) for j in indexes]


_FIRST, _SECOND = itemgetter(0), itemgetter(1)
_NOTE_STARTS = frozenset(p[0] for p in NOTE_PREFIXES)


def _is_note(text: str) -> bool:
    """A note or signature line (``注：``, ``填表人：``): its first character decides most rows."""
    head = text[:1]
    if not (head.isascii() and head > " "):  # an ASCII letter or digit (a contract number) is its own NFKC form
        head = unicodedata.normalize("NFKC", text.lstrip()[:1])[:1]
    return head in _NOTE_STARTS and parsing.compact(text).startswith(NOTE_PREFIXES)


_NEVER_BLANK = frozenset((dt.datetime, dt.date))


def _first_value(values: list[Any]) -> Any:
    """The first cell of a row that is not blank, or None."""
    for v in values:
        if v is None:
            continue
        if type(v) is str and len(v) > 4 and not v[0].isspace() and not v[-1].isspace():
            return v  # the common first cell: too long to be a blank marker such as "—"
        if type(v) in _NEVER_BLANK:
            return v  # a date (a ledger's first column) is never blank
        if not parsing.is_blank(v):
            return v
    return None


def locate(path: str | Path, table: SheetSchema, collector_for: Callable[[str], ProblemCollector] | None = None,
           *, required: bool = True, skip: frozenset[tuple[str, str]] = frozenset()) -> tuple[list[Located], list[ProblemCollector]]:
    """Find ``table`` in a workbook or in the workbooks of a folder.

    Returns the located tables and the problem collectors used (one per file). ``skip`` names
    sheets (``(file, sheet)``) that hold another layout of the table, already read.

    Raises:
        ValidationError: a file cannot be read, or the table is named but malformed, or
            (when ``required``) the table is found nowhere.
    """
    paths = workbook_paths(path)
    if not paths:
        raise ValidationError(no_workbook(path))
    found: list[Located] = []
    collectors: list[ProblemCollector] = []
    read: dict[Path, list] = {}
    unreadable: list[Problem] = []
    for file in paths:  # every file that cannot be read is named at once, not only the first
        try:
            read[file] = read_sheets(file)
        except ValidationError as err:
            unreadable.extend(err.problems)
    if unreadable:
        raise ValidationError(unreadable)
    for file in paths:
        sheets = [s for s in read[file] if (s.file, s.name) not in skip]
        collector = ProblemCollector(display_path(file))
        collectors.append(collector)
        named = [s for s in sheets if _sheet_name_matches(s, table)]
        others = [s for s in named if s.kind != WORKSHEET]  # a chart sheet named 预算执行 holds no table
        named = [s for s in named if s.kind == WORKSHEET]
        found_here = len(found)
        for s in named:
            loc = locate_in_sheet(s, table, collector, by_name=True)
            if loc:
                found.append(loc)
        if not named and not table.by_name_only:
            for s in sheets:
                loc = locate_in_sheet(s, table, collector, by_name=False) if s.kind == WORKSHEET else None
                if loc:
                    found.append(loc)
        if len(found) == found_here:
            for s in others:
                collector.add(s.name, None, "", f"工作表「{s.name}」是{_KIND_WORDS.get(s.kind, '非数据工作表')}，"
                              f"不是数据表，其中没有「{table.title}」的数据",
                              f"请把「{table.title}」的数据放在普通工作表中，表头应包含："
                              + "、".join(c.header for c in table.required) + "；或给该工作表改一个不含"
                              f"「{table.title}」的名称")
        collector.raise_if_any()
    used = _USED.get()
    if used is not None:
        for loc in found:
            used.setdefault((loc.file, loc.sheet), table.title)
    if not found and required:
        raise MissingTableError(_no_table(path, table), table.key, table.title)
    return found, collectors


_KIND_WORDS = {"chartsheet": "图表工作表", "dialogsheet": "对话框工作表", "macrosheet": "宏工作表"}


def _no_table(path: str | Path, table: SheetSchema) -> Problem:
    return Problem(
        display_path(path), "", None, "",
        f"找不到「{table.title}」表",
        f"请把工作表命名为「{table.title}」，或使表头包含：" + "、".join(c.header for c in table.required),
    )
