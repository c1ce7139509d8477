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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from collections.abc import MutableMapping
from typing import Any, Callable, Iterator, Iterable

import pandas as pd

from .. import parsing as P
from ..errors import ProblemCollector, ValidationError, display_path
from ..schema import MONEY, PRICE, NOTE_PREFIXES, Column, Table
from ..xlsx import UNCACHED_FORMULA, SheetData, column_letter, read_workbook

HEADER_SCAN_ROWS = 30
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")


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


def _header_matches(row: list[Any], table: Table) -> dict[str, tuple[int, str, str | None]]:
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


def _best_header(sheet: SheetData, table: Table) -> tuple[int, dict[str, tuple[int, str, str | None]], list[Any]] | None:
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


def _sheet_name_matches(sheet: SheetData, table: Table) -> bool:
    name = P.compact(sheet.name)
    return any(word in name for word in table.sheet_names)


def _fill_merged(sheet: SheetData, col: int, rows: list[list[Any]], first_row: int) -> None:
    """Give every cell of a vertical merge in column ``col`` the merge's top value."""
    for r0, c0, r1, c1 in sheet.merged:
        if c0 <= col <= c1 and r1 > r0:
            top = sheet.rows[r0][c0] if c0 == col else None
            if top is None:
                continue
            for r in range(max(r0, first_row), r1 + 1):
                idx = r - first_row
                if 0 <= idx < len(rows) and P.is_blank(rows[idx][col]):
                    rows[idx][col] = top


def _is_note_row(values: list[Any]) -> bool:
    first = next((v for v in values if not P.is_blank(v)), None)
    if not isinstance(first, str):
        return False
    text = P.compact(first)
    return text.startswith(NOTE_PREFIXES)


def locate_in_sheet(sheet: SheetData, table: Table, collector: ProblemCollector, *, by_name: bool) -> Located | None:
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
    body = [list(r) for r in sheet.rows[hi + 1:]]
    for col in table.columns:
        if col.fill_down and col.key in located.col_index:
            _fill_merged(sheet, located.col_index[col.key], body, hi + 1)
    for offset, values in enumerate(body):
        if all(P.is_blank(v) for v in values):
            continue
        if _is_note_row(values):
            break  # notes and signatures end the table
        located.rows.append((hi + 2 + offset, values))
    return located


def locate(path: str | Path, table: Table, collector_for: Callable[[str], ProblemCollector] | None = None,
           *, required: bool = True) -> tuple[list[Located], list[ProblemCollector]]:
    """Find ``table`` in a workbook or in the workbooks of a folder.

    Returns the located tables and the problem collectors used (one per file).

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
        sheets = _read(file)
        collector = ProblemCollector(display_path(file))
        collectors.append(collector)
        named = [s for s in sheets if _sheet_name_matches(s, table)]
        for s in named:
            loc = locate_in_sheet(s, table, collector, by_name=True)
            if loc:
                found.append(loc)
        if not named:
            for s in sheets:
                loc = locate_in_sheet(s, table, collector, by_name=False)
                if loc:
                    found.append(loc)
        collector.raise_if_any()
    if not found and required:
        raise ValidationError(_no_table(path, table))
    return found, collectors


def _no_workbook(path: str | Path, table: Table):
    from ..errors import Problem

    return Problem(
        display_path(path), "", None, "",
        "文件夹中没有 .xlsx 工作簿" if Path(path).is_dir() else "找不到文件",
        "请把工作簿（.xlsx）放到该文件夹中",
    )


def _no_table(path: str | Path, table: Table):
    from ..errors import Problem

    return Problem(
        display_path(path), "", None, "",
        f"找不到「{table.title}」表",
        f"请把工作表命名为「{table.title}」，或使表头包含：" + "、".join(c.header for c in table.required),
    )


# --- reading typed values ------------------------------------------------------------


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


def parse_cell(loc: Located, col: Column, value: Any, *, year: int | None = None) -> Any:
    """Parse one cell by its column kind. Raises :class:`parsing.CellError`."""
    kind = col.kind
    if kind == "text":
        return P.clean_text(value) or None
    if kind == "code":
        return code_text(value) or None
    if kind == "codes":
        return P.parse_codes(value)
    if kind == "money":
        return P.parse_money(value, _money_unit(loc, col.key))
    if kind == "price":
        return P.parse_money(value, _money_unit(loc, col.key), quantum=P.PRICE_QUANTUM)
    if kind == "date":
        return P.parse_date(value)
    if kind == "month":
        return P.parse_month(value, year)
    if kind == "count":
        return P.parse_count(value, what=col.header)
    if kind == "bandwidth":
        return P.parse_bandwidth(value)
    if kind == "target":
        return None if P.is_blank(value) else P.parse_target(value)
    if kind == "quantity":
        return P.parse_quantity(value)
    if kind == "decimal":
        return P.parse_decimal(value, what=col.header)
    raise AssertionError(f"unknown column kind {kind}")


def read_records(loc: Located, table: Table, collector: ProblemCollector, *, year: int | None = None,
                 skip: Callable[[dict[str, Any]], bool] | None = None) -> list[Record]:
    """Parse every data row of ``loc``; each bad cell becomes a problem, all reported together.

    The rows are consumed (``loc.rows`` is left empty): each sheet row is released as its
    record is made, so a million-row sheet is never held twice.
    """
    memo: dict[tuple[str, Any], Any] = {}
    records: list[Record] = []
    fills: dict[str, Any] = {}
    index = {k: i for i, k in enumerate(loc.col_index)}
    positions = list(loc.col_index.values())
    columns = [table.column(k) for k in loc.col_index]
    rows, loc.rows = loc.rows, []
    rows.reverse()
    while rows:
        row_no, values = rows.pop()
        width = len(values)
        raw = RowValues(index, [values[j] if j < width else None for j in positions])
        for col in table.columns:
            if col.fill_down and col.key in raw:
                if P.is_blank(raw[col.key]):
                    raw[col.key] = fills.get(col.key)
                else:
                    fills[col.key] = raw[col.key]
        parsed = RowValues(index, [None] * len(columns))
        for col, (key, value) in zip(columns, raw.items()):
            error = loc.error_cells.get((row_no, loc.col_index[key]))
            if error == UNCACHED_FORMULA:
                collector.add(loc.sheet, row_no, loc.where(key), "单元格是公式，但文件里没有保存计算结果",
                              "请用Excel打开该文件并保存（会写入计算结果）后再导入，或改填数值")
                parsed[key] = None
                continue
            if error is not None:
                collector.add(loc.sheet, row_no, loc.where(key), f"单元格是Excel错误值「{error}」",
                              "请修正该单元格的公式，或改填数值（未知请留空）")
                parsed[key] = None
                continue
            try:
                # Parsers are pure: a text or date that repeats down a column is parsed once.
                if type(value) in _MEMO_TYPES:
                    memo_key = (key, value)
                    hit = memo.get(memo_key, _MISS)
                    if hit is _MISS:
                        hit = memo[memo_key] = parse_cell(loc, col, value, year=year)
                    parsed[key] = hit
                else:
                    parsed[key] = parse_cell(loc, col, value, year=year)
            except P.CellError as err:
                collector.add(loc.sheet, row_no, loc.where(key), err.message, err.hint)
                parsed[key] = None
        extras = {h: (values[j] if j < len(values) else None) for h, j in loc.extras.items()} if loc.extras else _NO_EXTRAS
        records.append(Record(loc, row_no, raw, parsed, extras))
    return records


_MEMO_TYPES = (str, dt.datetime, dt.date)
_MISS = object()


def provenance(rec: Record) -> dict[str, Any]:
    """Where a row comes from (file, sheet, Excel row), plus the sheet's extra columns as they are."""
    out: dict[str, Any] = {"src_file": rec.loc.file, "src_sheet": rec.loc.sheet, "src_row": rec.row}
    out.update({h: P.clean_text(x) or None for h, x in rec.extras.items()})
    return out


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
            data[col] = pd.array([None if _missing(v) else Decimal(v) for v in values], dtype=dtype)
        elif dtype == "date":
            data[col] = pd.to_datetime(pd.Series(values, dtype=object), errors="raise").astype("datetime64[ns]")
        elif dtype == "Int64":
            data[col] = pd.array([None if _missing(v) else int(v) for v in values], dtype="Int64")
        elif dtype == "float":
            data[col] = pd.array([None if _missing(v) else float(v) for v in values], dtype="Float64")
        elif dtype == "bool":
            data[col] = pd.array(values, dtype="boolean")
        else:
            data[col] = pd.Series([None if _missing(v) else str(v) for v in values], dtype=object)
        columns[col] = []  # free the list as soon as its column is built
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def as_date(d: P.ParsedDate | None) -> dt.date | None:
    return None if d is None else d.date


def as_precision(d: P.ParsedDate | None) -> str | None:
    return None if d is None else d.precision
