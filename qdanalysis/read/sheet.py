"""Finding a table in a workbook and reading its rows: the part every loader shares.

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
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from qdanalysis.errors import MissingTableError, ProblemCollector, ValidationError, display_path
from qdanalysis.money import FEN, is_missing
from qdanalysis.read import parsing as P
from qdanalysis.read.archive import NOT_A_NUMBER, UNCACHED_FORMULA, column_letter
from qdanalysis.read.schema import MONEY, NOTE_PREFIXES, PRICE, Column, SheetSchema
from qdanalysis.read.xlsx import WORKSHEET, SheetData, read_workbook

HEADER_SCAN_ROWS = 30
#: What a year's folder reads: Excel workbooks, Excel 97-2003 workbooks and WPS 表格's .et (the same format).
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et")
#: Files a folder holds that are not data and need no word: the marker of illustrative data.
QUIET_FILES = frozenset({"DEMO"})
_RESAVE_HOW = "用Excel或WPS打开后另存为“Excel工作簿（*.xlsx）”，再放回该文件夹"
_RESAVE = "请" + _RESAVE_HOW
_OTHER_SHEETS = {".xlsb": "Excel二进制工作簿（.xlsb）", ".ods": "OpenDocument表格（.ods）",
                 ".numbers": "Numbers表格（.numbers）", ".xltx": "Excel模板（.xltx）", ".xlt": "Excel模板（.xlt）",
                 ".ett": "WPS表格模板（.ett）", ".xml": "XML文件（可能是Excel 2003 XML表格）",
                 ".htm": "网页文件（有些系统导出的“Excel”其实是网页）", ".html": "网页文件（有些系统导出的“Excel”其实是网页）"}


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


_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("qdanalysis_shared_reads", default=None)


@contextlib.contextmanager
def shared_reads() -> Iterator[None]:
    """Within this block each workbook is read once, however many loaders look into it
    (a year's five tables often share one file)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


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


def read_sheets(file: Path) -> list[SheetData]:
    """The sheets of one workbook (read once within :func:`shared_reads`)."""
    return _read(file)


def _read(file: Path) -> list[SheetData]:
    cache = _SHARED.get()
    if cache is None:
        return read_workbook(file)
    try:
        stat = file.stat()
        key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return read_workbook(file)
    if key not in cache:
        try:
            cache[key] = read_workbook(file)
        except ValidationError as err:
            cache[key] = err
    result = cache[key]
    if isinstance(result, ValidationError):
        raise result
    return result


@dataclass(frozen=True)
class Skipped:
    """A file of a year's folder that is not read, why, and what to do if it holds data."""

    path: Path
    reason: str
    hint: str

    def text(self) -> str:
        """``data/raw/2021/预算.csv：CSV或文本文件，不作为工作簿读取（若是数据表，请…）``"""
        return f"{display_path(self.path)}：{self.reason}（{self.hint}）"


def skipped_files(folder: str | Path) -> list[Skipped]:
    """Every file of ``folder`` that :func:`workbook_paths` leaves out, with the reason and the conversion hint.

    Sub-folders are not listed (an SMS log sits in one, named by the SMS sheet); nor is the
    marker of illustrative data.
    """
    p = Path(folder)
    if not p.is_dir():
        return []
    out = []
    for f in sorted(p.iterdir()):
        if not f.is_file() or f.name in QUIET_FILES:
            continue
        suffix = f.suffix.lower()
        if f.name.startswith("~$"):
            out.append(Skipped(f, "Excel或WPS打开工作簿时生成的临时文件（~$开头），不是数据",
                               "关闭该工作簿后通常自动删除；若仍在，可直接删除"))
        elif f.name.startswith("."):
            out.append(Skipped(f, "隐藏文件（文件名以“.”开头），不读取", "若其中有数据，请去掉文件名开头的“.”"))
        elif suffix in SPREADSHEET_SUFFIXES:
            continue
        elif suffix in (".csv", ".txt", ".tsv"):
            out.append(Skipped(f, "CSV或文本文件，不作为工作簿读取：无法可靠判断其编码、单位和表头",
                               f"若是数据表，请{_RESAVE_HOW}；若是短信结算表“明细文件”列所指的发送明细，无需处理"))
        elif suffix in _OTHER_SHEETS:
            out.append(Skipped(f, f"{_OTHER_SHEETS[suffix]}，不支持此格式", _RESAVE))
        else:
            out.append(Skipped(f, "不是工作簿，不读取", "数据文件夹只读取 .xlsx、.xlsm、.xls、.et 工作簿；"
                               "若其中有数据，请" + _RESAVE_HOW))
    return out


def workbook_paths(path: str | Path) -> list[Path]:
    """The spreadsheets a path stands for: the file itself, or the workbooks in a folder."""
    p = Path(path)
    if p.is_dir():
        files = sorted(
            f for f in p.iterdir()
            if f.is_file() and f.suffix.lower() in SPREADSHEET_SUFFIXES and not f.name.startswith(("~$", "."))
        )
        return files
    return [p]


def _header_matches(row: list[Any], table: SheetSchema) -> dict[str, tuple[int, str, str | None]]:
    """Map column keys to (index, header as written, unit) for the cells of a candidate header row."""
    found: dict[str, tuple[int, str, str | None]] = {}
    for j, cell in enumerate(row):
        if not isinstance(cell, str):
            continue
        name, unit = P.split_header(cell)
        for col in table.columns:
            if col.key not in found and name in col.names:
                found[col.key] = (j, P.normalize_text(cell), unit)
                break
    return found


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
        if i + 1 < len(rows) and not required <= m.keys():
            lower = rows[i + 1]
            width = max(len(row), len(lower))
            both = [lower[j] if j < len(lower) and isinstance(lower[j], str) and lower[j].strip()
                    else (row[j] if j < len(row) else None) for j in range(width)]
            m2 = _header_matches(both, table)
            if required <= m2.keys() and better(m2):
                best = (i + 1, m2, both)
    return best


def _sheet_name_matches(sheet: SheetData, table: SheetSchema) -> bool:
    name = P.compact(sheet.name)
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
                    f"合并单元格{span}从表头上方（第{r0 + 1}行「{P.shown(top)}」）一直延伸到数据区域"
                    f"（第{first_row + 1}行起），无法判断这些行的取值",
                    f"请取消该合并单元格，在表头下方的每一行（或该类首行）填写{where}",
                )
                continue
            for r in range(max(r0, first_row), r1 + 1):
                idx = r - first_row
                if 0 <= idx < len(rows) and P.is_blank(rows[idx][col]):
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
                    collector.add(
                        sheet.name, row, col.header,
                        f"缺少必填列「{col.header}」",
                        f"请在表头行加入「{col.header}」列{alt}",
                    )
        return None
    hi, match, header_cells = best
    sheet_unit = None
    for row in sheet.rows[: hi + 1]:
        for cell in row:
            unit = P.parse_unit_line(cell) if isinstance(cell, str) and "单位" in cell else None
            if unit and not (isinstance(cell, str) and P.split_header(cell)[0] in ("单位", "使用单位")):
                sheet_unit = unit
    located = Located(
        file=sheet.file,
        sheet=sheet.name,
        header_row=hi + 1,
        col_index={k: v[0] for k, v in match.items()},
        col_header={k: v[1] for k, v in match.items()},
        col_unit={k: P.money_unit_of(v[2]) for k, v in match.items()},
        sheet_unit=sheet_unit,
        extras={},
    )
    located.error_cells = {(r + 1, c): text for r, c, text in getattr(sheet, "errors", []) if r > hi}
    known = set(located.col_index.values())
    for j, cell in enumerate(header_cells):
        if j not in known and not P.is_blank(cell):
            located.extras[P.clean_text(cell)] = j
    body = sheet.rows[hi + 1:]
    fills = [located.col_index[c.key] for c in table.columns if c.fill_down and c.key in located.col_index]
    if fills and sheet.merged:
        body = [list(r) for r in body]  # the sheet's own rows stay as read
        by_index = {located.col_index[c.key]: c.key for c in table.columns if c.key in located.col_index}
        for col in fills:
            _fill_merged(sheet, col, body, hi + 1, collector, located.where(by_index[col]))
    first_row = hi + 2
    append = located.rows.append
    for offset, values in enumerate(body):
        first = _first_value(values)
        if first is None:
            continue  # a blank row
        if isinstance(first, str) and _is_note(first):
            break  # notes and signatures end the table
        append((first_row + offset, values))
    return located


_NOTE_STARTS = frozenset(p[0] for p in NOTE_PREFIXES)


def _is_note(text: str) -> bool:
    """A note or signature line (``注：``, ``填表人：``): its first character decides most rows."""
    head = unicodedata.normalize("NFKC", text.lstrip()[:1])[:1]
    return head in _NOTE_STARTS and P.compact(text).startswith(NOTE_PREFIXES)


def _first_value(values: list[Any]) -> Any:
    """The first cell of a row that is not blank, or None."""
    for v in values:
        if v is None:
            continue
        if type(v) is str and len(v) > 4 and not v[0].isspace() and not v[-1].isspace():
            return v  # the common first cell: too long to be a blank marker such as "—"
        if not P.is_blank(v):
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
        raise ValidationError(_no_workbook(path, table))
    found: list[Located] = []
    collectors: list[ProblemCollector] = []
    for file in paths:
        sheets = [s for s in _read(file) if (s.file, s.name) not in skip]
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


def _no_workbook(path: str | Path, table: SheetSchema):
    from qdanalysis.errors import Problem

    if not Path(path).is_dir():
        return Problem(display_path(path), "", None, "", "找不到文件", "请检查路径和文件名是否正确")
    skipped = skipped_files(path)
    names = "；".join(f"「{s.path.name}」：{s.reason}" for s in skipped)
    return Problem(
        display_path(path), "", None, "",
        "文件夹中没有工作簿（.xlsx、.xlsm、.xls、.et）" + (f"，未读取的文件：{names}" if names else ""),
        _RESAVE if skipped else "请把工作簿（.xlsx）放到该文件夹中",
    )


def _no_table(path: str | Path, table: SheetSchema):
    from qdanalysis.errors import Problem

    return Problem(
        display_path(path), "", None, "",
        f"找不到「{table.title}」表",
        f"请把工作表命名为「{table.title}」，或使表头包含：" + "、".join(c.header for c in table.required),
    )


# --- reading typed values ------------------------------------------------------------


_MISS = object()
_NO_EXTRAS: dict[str, Any] = {}  # shared by the records of a sheet without extra columns; never mutated


class RowValues(MutableMapping):
    """The cells of one row by column key: a dict's interface over a list.

    The rows of a table share one key index, so a million rows cost a list each rather
    than a dict each (a third of the memory). Keys cannot be added or removed.
    """

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: list[Any]):
        self._index = index
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[self._index[key]]

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        return default if i is None else self._values[i]

    def __setitem__(self, key: str, value: Any) -> None:
        self._values[self._index[key]] = value

    def __delitem__(self, key: str) -> None:
        raise TypeError("the columns of a row are fixed")

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def items(self):
        return zip(self._index, self._values)

    def __repr__(self) -> str:
        return f"RowValues({dict(self.items())!r})"


@dataclass(slots=True)  # one per data row: a ledger may have a million
class Record:
    """One data row, with parsed values by column key and its place in the workbook."""

    loc: Located
    row: int
    raw: RowValues
    values: RowValues
    extras: dict[str, Any]

    def text(self, key: str) -> str:
        return P.clean_text(self.raw.get(key))


def code_text(value: Any) -> str:
    """A code as text: ``1.1`` stays ``1.1``, ``3`` (a number cell) becomes ``3``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return P.normalize_text(value)


def _money_unit(loc: Located, key: str) -> str | None:
    return loc.col_unit.get(key) or loc.sheet_unit


def cell_parser(loc: Located, col: Column, *, year: int | None = None) -> Callable[[Any], Any]:
    """The parser of one column's cells, by its kind (each raises :class:`parsing.CellError`)."""
    kind = col.kind
    if kind == "text":
        return lambda v: P.clean_text(v) or None
    if kind == "code":
        return lambda v: code_text(v) or None
    if kind == "codes":
        return P.parse_codes
    if kind == "money":
        unit = _money_unit(loc, col.key)
        return lambda v: P.parse_money(v, unit)
    if kind == "price":
        unit = _money_unit(loc, col.key)
        return lambda v: P.parse_money(v, unit, quantum=P.PRICE_QUANTUM)
    if kind == "date":
        return P.parse_date
    if kind == "month":
        return lambda v: P.parse_month(v, year)
    if kind == "count":
        return lambda v: P.parse_count(v, what=col.header)
    if kind == "bandwidth":
        return P.parse_bandwidth
    if kind == "target":
        return lambda v: None if P.is_blank(v) else P.parse_target(v)
    if kind == "quantity":
        return P.parse_quantity
    if kind == "decimal":
        return lambda v: P.parse_decimal(v, what=col.header)
    raise AssertionError(f"unknown column kind {kind}")


class MoneyColumn:
    """A parsed money column, held as integers of its quantum (fen, or 0.0001 元 for prices).

    ``units[i]`` is meaningful where ``valid[i]``; ``per`` and ``stated`` hold the few cells
    that wrote a billing period (``942元/月``) or their own unit. Indexing gives the same
    :class:`parsing.Money` a cell-by-cell parse gives.
    """

    __slots__ = ("units", "valid", "exponent", "per", "stated", "approximate")

    def __init__(self, n: int, exponent: int):
        self.units = np.zeros(n, dtype=np.int64)
        self.valid = np.zeros(n, dtype=bool)
        self.exponent = exponent  # -2 for fen, -4 for prices
        self.per: dict[int, str] = {}
        self.stated: set[int] = set()
        self.approximate: set[int] = set()

    def __len__(self) -> int:
        return len(self.units)

    def __getitem__(self, i: int) -> P.Money | None:
        if not self.valid[i]:
            return None
        return P.Money(Decimal(int(self.units[i])).scaleb(self.exponent), self.per.get(i), i in self.stated,
                       i in self.approximate)

    def __iter__(self):
        return (self[i] for i in range(len(self.units)))

    def set(self, i: int, money: P.Money | None) -> None:
        if money is None:
            self.valid[i] = False
            self.per.pop(i, None)
            self.stated.discard(i)
            self.approximate.discard(i)
            return
        self.units[i] = int(money.yuan.scaleb(-self.exponent))
        self.valid[i] = True
        if money.per:
            self.per[i] = money.per
        if money.unit_stated:
            self.stated.add(i)
        if money.approximate:
            self.approximate.add(i)

    def array(self, dtype: pd.ArrowDtype) -> pd.api.extensions.ExtensionArray:
        """The column as exact decimals (``MONEY`` or ``PRICE``), built from the integers directly."""
        return decimal_array(self.units, self.valid, -self.exponent, dtype)


def decimal_array(units: np.ndarray, valid: np.ndarray, scale: int, dtype: pd.ArrowDtype):
    """An exact decimal128 pandas array from integers of 10**-scale (no Decimal objects)."""
    arrow_type = dtype.pyarrow_dtype
    if arrow_type.scale != scale:
        raise ValueError(f"scale {scale} does not match {arrow_type}")
    n = len(units)
    words = np.empty((n, 2), dtype=np.int64)  # little-endian 128-bit integers: low word, then sign
    words[:, 0] = units
    words[:, 1] = np.where(units < 0, -1, 0)
    nulls = int(n - np.count_nonzero(valid))
    bitmap = pa.array(valid, pa.bool_()).buffers()[1] if nulls else None
    arr = pa.Array.from_buffers(arrow_type, n, [bitmap, pa.py_buffer(words)], null_count=nulls)
    return pd.arrays.ArrowExtensionArray(arr)


_NUMBER_TYPES = frozenset((int, float, bool))
_BIG = 2**53  # integers beyond this do not survive a float
_MONEY_FACTORS = {"万元": 10000, "元": 1}


class _Failed:
    """A value whose parse raised: the error, kept to report every cell that holds it."""

    __slots__ = ("error",)

    def __init__(self, error: P.CellError):
        self.error = error


@dataclass
class Columns:
    """The data rows of a located table, parsed column by column.

    ``raw[key]`` and ``values[key]`` are lists (money columns: :class:`MoneyColumn`) with one
    entry per row of ``rows`` (Excel row numbers). Problems found while parsing are staged
    with their row and reported in sheet order by :meth:`flush`; loaders stage their own
    row checks with :meth:`add` so that the report reads row by row.
    """

    loc: Located
    table: SheetSchema
    rows: list[int]
    raw: dict[str, list[Any]]
    values: dict[str, Any]
    extras: dict[str, list[Any]]
    staged: list[tuple[int, int, str, str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: str) -> list[Any]:
        """Parsed values of a column (all None when the sheet lacks it)."""
        found = self.values.get(key)
        return [None] * len(self.rows) if found is None else found

    def money(self, key: str) -> MoneyColumn:
        """Parsed values of a money or price column (all empty when the sheet lacks it)."""
        found = self.values.get(key)
        if found is None:
            kind = self.table.column(key).kind
            return MoneyColumn(len(self.rows), _exponent(kind))
        return found

    def add(self, i: int, order: int, key: str, message: str, hint: str = "") -> None:
        """Stage a problem of row ``i`` (0-based here); ``order`` ranks it within the row."""
        self.staged.append((i, order, self.loc.where(key), message, hint))

    def take_staged(self) -> list[tuple[int, int, str, str, str]]:
        """The staged problems in sheet order (row, then rank within the row); none stay staged."""
        staged, self.staged = sorted(self.staged, key=lambda p: (p[0], p[1])), []
        return staged

    def flush(self, collector: ProblemCollector) -> None:
        for i, _, where, message, hint in self.take_staged():
            collector.add(self.loc.sheet, self.rows[i], where, message, hint)


#: Rank of a loader's own row checks: after every cell problem of the row.
LOADER_ORDER = 1000


def read_columns(loc: Located, table: SheetSchema, *, year: int | None = None) -> Columns:
    """Parse every data row of ``loc``, a column at a time; bad cells become staged problems.

    A value that repeats down a column (a vendor, a date, a billing word) is parsed once;
    numeric money cells are checked and scaled as arrays. ``loc.rows`` is consumed.
    """
    rows, loc.rows = loc.rows, []
    row_nos = [r for r, _ in rows]
    grid = [v for _, v in rows]
    del rows
    keys = list(loc.col_index)
    wanted = [*loc.col_index.values(), *loc.extras.values()]
    if grid and wanted and min(map(len, grid)) <= max(wanted):  # ragged rows: pad them
        width = max(wanted) + 1
        grid = [v + [None] * (width - len(v)) if len(v) < width else v for v in grid]
    raw = {k: list(map(itemgetter(loc.col_index[k]), grid)) for k in keys}
    extras = {h: list(map(itemgetter(j), grid)) for h, j in loc.extras.items()}
    del grid
    out = Columns(loc, table, row_nos, raw, {}, extras)
    for col in table.columns:
        if col.fill_down and col.key in raw:
            raw[col.key] = _filled_down(raw[col.key])
    errors = _error_positions(loc, row_nos)
    for order, key in enumerate(keys):
        col = table.column(key)
        values = raw[key]
        if col.kind in ("money", "price"):
            parsed = _money_column(loc, col, values, out, order)
        else:
            parsed = _parsed_column(values, cell_parser(loc, col, year=year), out, order, key)
        for i, text in errors.get(loc.col_index[key], ()):
            out.staged.append((i, order, loc.where(key), *error_cell_problem(text)))
            if isinstance(parsed, MoneyColumn):
                parsed.set(i, None)
            else:
                parsed[i] = None
        out.values[key] = parsed
    return out


def error_cell_problem(text: str) -> tuple[str, str]:
    """Message and hint for a cell the reader lists among a sheet's errors."""
    if text == UNCACHED_FORMULA:
        return ("单元格是公式，但文件里没有保存计算结果",
                "请用Excel打开该文件并保存（会写入计算结果）后再导入，或改填数值")
    if text.startswith(NOT_A_NUMBER):
        value = {"nan": "NaN", "inf": "无穷大", "-inf": "负无穷大"}.get(text[len(NOT_A_NUMBER):], text[len(NOT_A_NUMBER):])
        return (f"单元格保存的数值是「{value}」，不是有效数字（Excel不会保存这样的值，文件可能由其他程序生成）",
                "请在Excel中重新填写该单元格的数值（未知请留空）后另存")
    return (f"单元格是Excel错误值「{P.shown(text)}」", "请修正该单元格的公式，或改填数值（未知请留空）")


def _filled_down(values: list[Any]) -> list[Any]:
    out = []
    last = None
    for v in values:
        if P.is_blank(v):
            v = last
        else:
            last = v
        out.append(v)
    return out


def _error_positions(loc: Located, row_nos: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Error cells of the table by column: ``{col0: [(row position, text)]}``."""
    if not loc.error_cells:
        return {}
    position = {r: i for i, r in enumerate(row_nos)}
    out: dict[int, list[tuple[int, str]]] = {}
    for (row_no, col0), text in loc.error_cells.items():
        if row_no in position:
            out.setdefault(col0, []).append((position[row_no], text))
    return out


def _exponent(kind: str) -> int:
    """Decimal places of a money kind: 2 (fen) for amounts, 4 for unit prices."""
    return (P.PRICE_QUANTUM if kind == "price" else FEN).as_tuple().exponent


def _parsed_column(values: list[Any], parse: Callable[[Any], Any], out: Columns, order: int, key: str) -> list[Any]:
    """Parse each distinct value once; a value whose parse fails is reported at every row holding it."""
    kinds = set(map(type, values))
    if len(kinds & _NUMBER_TYPES) > 1:  # 1, 1.0 and True are equal keys: parse cell by cell
        memo_of = None
    else:
        try:
            distinct = dict.fromkeys(values)
        except TypeError:  # an unhashable value (only from unusual readers)
            memo_of = None
        else:
            memo_of = {}
            failed = False
            for v in distinct:
                try:
                    memo_of[v] = parse(v)
                except P.CellError as err:
                    memo_of[v] = _Failed(err)
                    failed = True
    if memo_of is not None:
        parsed = list(map(memo_of.__getitem__, values))
        if not failed:
            return parsed
    else:
        parsed = []
        for v in values:
            try:
                parsed.append(parse(v))
            except P.CellError as err:
                parsed.append(_Failed(err))
    where = out.loc.where(key)
    for i, p in enumerate(parsed):
        if type(p) is _Failed:
            out.staged.append((i, order, where, p.error.message, p.error.hint))
            parsed[i] = None
    return parsed


def _money_column(loc: Located, col: Column, values: list[Any], out: Columns, order: int) -> MoneyColumn:
    """Money cells: numbers are checked and scaled as an array; text (``942元/月``) is parsed
    once per distinct value. The result equals :func:`parsing.parse_money` cell by cell."""
    exponent = _exponent(col.kind)
    n = len(values)
    column = MoneyColumn(n, exponent)
    unit = _money_unit(loc, col.key)
    factor = _MONEY_FACTORS.get(unit) if unit else None
    if factor is None:
        todo = [i for i, v in enumerate(values) if v is not None]
    else:
        scale = factor * 10 ** (-exponent)
        nan = float("nan")
        x = np.array([v if (t := type(v)) is float or (t is int and -_BIG <= v <= _BIG) else nan for v in values],
                     dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            c = np.rint(x * scale)
            # exact iff the nearest double to c/scale is the cell itself, i.e. the cell's
            # 15-digit decimal has no digit below the quantum (see parsing._number_of)
            ok = (np.abs(c) < 1e15) & (c >= 0) & (c / scale == x)
        column.units[ok] = c[ok].astype(np.int64)
        column.valid[ok] = True
        todo = [i for i in np.flatnonzero(~ok).tolist() if values[i] is not None]
    if not todo:
        return column
    memo: dict[str, Any] = {}
    where = loc.where(col.key)
    parse = cell_parser(loc, col)
    for i in todo:
        v = values[i]
        try:
            if type(v) is str:
                hit = memo.get(v, _MISS)
                if hit is _MISS:
                    try:
                        hit = memo[v] = parse(v)
                    except P.CellError as err:
                        hit = memo[v] = _Failed(err)
            else:
                hit = parse(v)
        except P.CellError as err:
            hit = _Failed(err)
        if type(hit) is _Failed:
            out.staged.append((i, order, where, hit.error.message, hit.error.hint))
            hit = None
        elif hit is not None and hit.per and col.periods is not None and hit.per not in col.periods:
            out.staged.append((i, order, where, *_period_problem(col, v, hit.per)))
            hit = None
        column.set(i, hit)
    return column


def _period_problem(col: Column, value: Any, per: str) -> tuple[str, str]:
    """Message and hint for a money cell whose billing period (``7.6万元/月``) its column does not take."""
    if "年" in col.periods:
        return (f"{col.header}应为全年金额，「{P.shown(value)}」是每{per}的金额，不能当作全年金额",
                "请填写全年金额（可写作 66.7 或 66.7万元）；按月或按条计费的合同，请在合同台账中填写"
                "「单价」（如 7.6万元/月）和「计费方式」")
    allowed = "、".join(f"每{p}" for p in col.periods)
    return (f"{col.header}应为{allowed}的金额，「{P.shown(value)}」是每{per}的金额",
            "单价请填在「单价」列（如 0.065元/条），本列填写结算金额")


def read_records(loc: Located, table: SheetSchema, collector: ProblemCollector, *,
                 year: int | None = None) -> Iterator[Record]:
    """The data rows of ``loc`` as records, in sheet order; each bad cell becomes a problem.

    A generator: the problems of a row's cells reach ``collector`` just before its record,
    so a loader's own checks of that row follow them. ``loc.rows`` is consumed.
    """
    cols = read_columns(loc, table, year=year)
    staged = cols.take_staged()
    index = {k: i for i, k in enumerate(cols.raw)}
    keys = list(cols.raw)
    raw_rows = zip(*(cols.raw[k] for k in keys))  # a located table has at least its required columns
    parsed_rows = zip(*(cols.values[k] for k in keys))
    extra_names = list(cols.extras)
    extra_rows = zip(*(cols.extras[h] for h in extra_names)) if extra_names else None
    p = 0
    for i, (row_no, raw, parsed) in enumerate(zip(cols.rows, raw_rows, parsed_rows)):
        while p < len(staged) and staged[p][0] == i:
            _, _, where, message, hint = staged[p]
            collector.add(loc.sheet, row_no, where, message, hint)
            p += 1
        extras = dict(zip(extra_names, next(extra_rows))) if extra_rows is not None else _NO_EXTRAS
        yield Record(loc, row_no, RowValues(index, list(raw)), RowValues(index, list(parsed)), extras)


def provenance(rec: Record) -> dict[str, Any]:
    """Where a row comes from (file, sheet, Excel row), plus the sheet's extra columns as they are."""
    out: dict[str, Any] = {"src_file": rec.loc.file, "src_sheet": rec.loc.sheet, "src_row": rec.row}
    out.update({h: P.clean_text(x) or None for h, x in rec.extras.items()})
    return out


def provenance_columns(cols: Columns) -> dict[str, Any]:
    """:func:`provenance` for a whole sheet: file, sheet and Excel row, then the extra columns."""
    n = len(cols)
    out: dict[str, Any] = {"src_file": [cols.loc.file] * n, "src_sheet": [cols.loc.sheet] * n,
                           "src_row": pd.array(cols.rows, dtype="Int64")}
    for h, values in cols.extras.items():
        out[h] = _parsed_column(values, lambda x: P.clean_text(x) or None, cols, 0, h)
    return out


#: A missing date in :func:`date_ns` (the integer behind NaT).
NAT = np.iinfo(np.int64).min
_EPOCH = dt.date(1970, 1, 1)
_DAY_NS = 86_400 * 10**9


def date_ns(parsed: list[P.ParsedDate | None]) -> np.ndarray:
    """Nanoseconds since 1970 of parsed dates (:data:`NAT` where empty), each distinct date converted once."""
    # keyed by identity: the parsed column shares one object per distinct date
    distinct = {id(d): d for d in parsed}
    ns = {key: NAT if d is None else (d.date - _EPOCH).days * _DAY_NS for key, d in distinct.items()}
    return np.fromiter(map(ns.__getitem__, map(id, parsed)), dtype=np.int64, count=len(parsed))


def datetimes(ns: np.ndarray) -> pd.Series:
    """A datetime64[ns] column from :func:`date_ns`."""
    return pd.Series(ns.view("datetime64[ns]"))


def raise_problems(collectors: list[ProblemCollector]) -> None:
    """Raise every problem the collectors hold, in one ValidationError."""
    problems = [p for c in collectors for p in c.problems]
    if problems:
        raise ValidationError(problems)


def money_value(m: P.Money | None) -> Decimal | None:
    return None if m is None else m.yuan


def frame(rows: Iterable[dict[str, Any]], dtypes: dict[str, Any]) -> pd.DataFrame:
    """A DataFrame with the declared dtypes (money as exact decimals, dates as datetime64).

    Columns are the keys of ``dtypes``, then any other key in the order first met. ``rows``
    may be a generator: the frame is built column by column, so a million rows never
    exist twice as dicts.
    """
    columns: dict[str, list[Any]] = {c: [] for c in dtypes}
    n = 0
    for row in rows:
        for key, value in row.items():
            col = columns.get(key)
            if col is None:
                col = columns[key] = [None] * n
            col.append(value)
        n += 1
        if len(row) != len(columns):
            for col in columns.values():
                if len(col) < n:
                    col.append(None)
    data: dict[str, Any] = {}
    for col, values in columns.items():
        dtype = dtypes.get(col)
        if col not in dtypes:  # a column the contract does not know: dtype as pandas infers it
            data[col] = pd.Series(values)
        elif dtype in (MONEY, PRICE):
            data[col] = pd.array([None if is_missing(v) else Decimal(v) for v in values], dtype=dtype)
        elif dtype == "date":
            data[col] = pd.to_datetime(pd.Series(values, dtype=object), errors="raise").astype("datetime64[ns]")
        elif dtype == "Int64":
            data[col] = pd.array([None if is_missing(v) else int(v) for v in values], dtype="Int64")
        elif dtype == "float":
            data[col] = pd.array([None if is_missing(v) else float(v) for v in values], dtype="Float64")
        elif dtype == "bool":
            data[col] = pd.array(values, dtype="boolean")
        else:
            data[col] = pd.Series([None if is_missing(v) else str(v) for v in values], dtype=object)
        columns[col] = []  # free the list as soon as its column is built
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def as_date(d: P.ParsedDate | None) -> dt.date | None:
    return None if d is None else d.date
