"""Reading a located table: its cells parsed and typed by their column's kind, a column at a time,
and the DataFrame built with the declared dtypes."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from qdanalysis.errors import ProblemCollector, ValidationError
from qdanalysis.money import FEN, is_missing
from qdanalysis.read import parsing
from qdanalysis.read.locate import Located, take_columns
from qdanalysis.read.safety import NOT_A_NUMBER, UNCACHED_FORMULA
from qdanalysis.read.schema import MONEY, PRICE, Column, SheetSchema

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
        return parsing.clean_text(self.raw.get(key))


def code_text(value: Any) -> str:
    """A code as text: ``1.1`` stays ``1.1``, ``3`` (a number cell) becomes ``3``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return repr(value)
    return parsing.normalize_text(value)


def _money_unit(loc: Located, key: str) -> str | None:
    return loc.col_unit.get(key) or loc.sheet_unit


def cell_parser(loc: Located, col: Column, *, year: int | None = None) -> Callable[[Any], Any]:
    """The parser of one column's cells, by its kind (each raises :class:`parsing.CellError`)."""
    kind = col.kind
    if kind == "text":
        return lambda v: parsing.name_text(v) or None
    if kind == "code":
        return lambda v: code_text(parsing.name_text(v) if type(v) is bool else v) or None
    if kind == "codes":
        return parsing.parse_codes
    if kind == "money":
        unit = _money_unit(loc, col.key)
        return lambda v: parsing.parse_money(v, unit)
    if kind == "price":
        unit = _money_unit(loc, col.key)
        return lambda v: parsing.parse_money(v, unit, quantum=parsing.PRICE_QUANTUM)
    if kind == "date":
        return parsing.parse_date
    if kind == "month":
        return lambda v: parsing.parse_month(v, year)
    if kind == "count":
        return lambda v: parsing.parse_count(v, what=col.header)
    if kind == "bandwidth":
        return parsing.parse_bandwidth
    if kind == "target":
        return lambda v: None if parsing.is_blank(v) else parsing.parse_target(v)
    if kind == "quantity":
        return parsing.parse_quantity
    if kind == "decimal":
        return lambda v: parsing.parse_decimal(v, what=col.header)
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

    def __getitem__(self, i: int) -> parsing.Money | None:
        if not self.valid[i]:
            return None
        return parsing.Money(Decimal(int(self.units[i])).scaleb(self.exponent), self.per.get(i), i in self.stated,
                       i in self.approximate)

    def __iter__(self):
        return (self[i] for i in range(len(self.units)))

    def set(self, i: int, money: parsing.Money | None) -> None:
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
_SELF_PARSED = frozenset((str, type(None)))  # a value of these types equals only values of its type
_BIG = 2**53  # integers beyond this do not survive a float
_MONEY_FACTORS = {"万元": 10000, "元": 1}


class _Failed:
    """A value whose parse raised: the error, kept to report every cell that holds it."""

    __slots__ = ("error",)

    def __init__(self, error: parsing.CellError):
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
    keys, extra_names = list(loc.col_index), list(loc.extras)
    row_nos, taken = take_columns(loc, [*loc.col_index.values(), *loc.extras.values()])
    raw = dict(zip(keys, taken))
    extras = dict(zip(extra_names, taken[len(keys):]))
    del taken
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
            parsed = _parsed_column(values, cell_parser(loc, col, year=year), out, order, key, col.kind)
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
    return (f"单元格是Excel错误值「{parsing.shown(text)}」", "请修正该单元格的公式，或改填数值（未知请留空）")


def _filled_down(values: list[Any]) -> list[Any]:
    out = []
    last = None
    for v in values:
        if parsing.is_blank(v):
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
    return (parsing.PRICE_QUANTUM if kind == "price" else FEN).as_tuple().exponent


def _parsed_column(values: list[Any], parse: Callable[[Any], Any], out: Columns, order: int, key: str,
                   kind: str | None = None) -> list[Any]:
    """Parse each distinct value once; a value whose parse fails is reported at every row holding it.

    A text or code column of plain ASCII texts (a ledger's 100,000 contract numbers) is its own parse."""
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # an unhashable value (only from unusual readers)
        distinct = None
    if distinct is not None and kind in ("text", "code") and len(values) > 64:
        try:
            if parsing.plain_ascii(distinct):  # such a text reads the same through code_text
                return list(values)
        except TypeError:  # a number, a date or an empty cell among them: cell by cell below
            pass
    # 1, 1.0 and True are equal keys: a column holding two of these types is parsed cell by cell. A number
    # equals no cell value but a number: when no distinct value is one, the column holds none.
    if distinct is None or (not _NUMBER_TYPES.isdisjoint(map(type, distinct))
                            and len(set(map(type, values)) & _NUMBER_TYPES) > 1):
        memo_of = None
    else:
        memo_of = {}
        failed = False
        for v in distinct:
            try:
                memo_of[v] = parse(v)
            except parsing.CellError as err:
                memo_of[v] = _Failed(err)
                failed = True
    if memo_of is not None:
        if not failed and all(p is v and type(v) in _SELF_PARSED for v, p in memo_of.items()):
            return list(values)  # every text (or blank) is its own parse: a ledger's names, categories and notes
        parsed = list(map(memo_of.__getitem__, values))
        if not failed:
            return parsed
    else:
        parsed = []
        for v in values:
            try:
                parsed.append(parse(v))
            except parsing.CellError as err:
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
                    except parsing.CellError as err:
                        hit = memo[v] = _Failed(err)
            else:
                hit = parse(v)
        except parsing.CellError as err:
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
        return (f"{col.header}应为全年金额，「{parsing.shown(value)}」是每{per}的金额，不能当作全年金额",
                "请填写全年金额（可写作 66.7 或 66.7万元）；按月或按条计费的合同，请在合同台账中填写"
                "「单价」（如 7.6万元/月）和「计费方式」")
    allowed = "、".join(f"每{p}" for p in col.periods)
    return (f"{col.header}应为{allowed}的金额，「{parsing.shown(value)}」是每{per}的金额",
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
    out.update({h: parsing.clean_text(x) or None for h, x in rec.extras.items()})
    return out


def provenance_columns(cols: Columns) -> dict[str, Any]:
    """:func:`provenance` for a whole sheet: file, sheet and Excel row, then the extra columns."""
    n = len(cols)
    out: dict[str, Any] = {"src_file": [cols.loc.file] * n, "src_sheet": [cols.loc.sheet] * n,
                           "src_row": int_array(cols.rows)}
    for h, values in cols.extras.items():
        out[h] = _parsed_column(values, lambda x: parsing.clean_text(x) or None, cols, 0, h)
    return out


def int_array(values: list[int | None]) -> pd.api.extensions.ExtensionArray:
    """``pd.array(values, dtype="Int64")`` built from a numpy array and its mask, without inspecting each
    value in Python (the same array; integers beyond 64 bits raise as pandas does)."""
    if set(map(type, values)) == {int}:  # plain integers (Excel row numbers): converted at once
        with contextlib.suppress(OverflowError):
            return pd.arrays.IntegerArray(np.array(values, dtype=np.int64), np.zeros(len(values), dtype=bool))
    objects = np.array(values, dtype=object)
    if objects.ndim != 1:  # not a flat list of integers: let pandas say what is wrong
        return pd.array(values, dtype="Int64")
    mask = np.equal(objects, None)
    try:
        data = np.where(mask, 0, objects).astype(np.int64)
    except (OverflowError, TypeError, ValueError):
        return pd.array(values, dtype="Int64")
    if not np.equal(data, objects)[~mask].all():  # 1.5 or "3": never truncated or converted here
        return pd.array(values, dtype="Int64")
    return pd.arrays.IntegerArray(data, mask)


#: A missing date in :func:`date_ns` (the integer behind NaT).
NAT = np.iinfo(np.int64).min
_EPOCH = dt.date(1970, 1, 1)
_DAY_NS = 86_400 * 10**9


def date_ns(parsed: list[parsing.ParsedDate | None]) -> np.ndarray:
    """Nanoseconds since 1970 of parsed dates (:data:`NAT` where empty), each distinct date converted once."""
    # keyed by identity: the parsed column shares one object per distinct date
    distinct = dict(zip(map(id, parsed), parsed))
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


def money_value(m: parsing.Money | None) -> Decimal | None:
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
    return columns_frame(columns, n, dtypes)


def columns_frame(columns: dict[str, list[Any]], n: int, dtypes: dict[str, Any]) -> pd.DataFrame:
    """:func:`frame` of rows already gathered as ``n`` values per column (in frame's column order). The lists
    are emptied as their columns are built."""
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


def as_date(d: parsing.ParsedDate | None) -> dt.date | None:
    return None if d is None else d.date
