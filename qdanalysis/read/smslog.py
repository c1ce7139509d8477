"""The SMS platform's message-level log (短信发送明细), aggregated to month × department.

The SMS sheet (短信结算) may point to such a log in its 明细文件 column instead of typing
the counts; :mod:`qdanalysis.read.loaders.sms` then replaces that row with one row per month and
department computed here. A log is a CSV (UTF-8 or GB18030) or parquet file with one row
per message, or per batch when it has a 条数 column::

    发送时间,部门,条数
    2020-01-01 08:00:07,办公厅,1

Only :mod:`qdanalysis.read.loaders.sms` calls :func:`read_log`; everything after the read is
vectorised (pyarrow kernels and numpy), so a year's 6 million messages aggregate in about a second.
``benchmarks/run.py --only scale`` compares the engines this choice was made against.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath, PureWindowsPath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from qdanalysis.arrow_memory import system_pool
from qdanalysis.domain import COUNTED, SETTLED
from qdanalysis.errors import Problem, ValidationError, display_path
from qdanalysis.money import FEN
from qdanalysis.read import parsing
from qdanalysis.read.schema import Column, SheetSchema

SMS_LOG = SheetSchema(
    "sms_log",
    "短信发送明细",
    (),
    (
        Column("time", "发送时间", ("时间", "发送日期", "提交时间", "日期"), True, kind="date",
               hint="如 2020-01-15 08:30:00、2020/1/15 8:30 或 2020-01-15"),
        Column("department", "部门", ("发送部门", "单位", "发送单位"), hint="发送部门；不分部门可省略该列"),
        Column("count", "条数", ("计费条数", "短信条数", "发送量"), kind="count",
               hint="该行的计费条数（长短信可为2条以上）；省略该列时每行算1条"),
    ),
    "短信平台导出的发送明细：每条短信（或每批）一行，CSV 或 parquet 文件。",
)
#: Log file types by suffix.
LOG_FORMATS = {".csv": "csv", ".parquet": "parquet"}
#: Bad rows listed per column before the rest is summed up in one problem.
MAX_LISTED = 20
#: Texts a timestamp may be written as, besides ISO 8601 (year first, then month, day).
_TIME_RE = (r"^\s*(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?"
            r"(?:(?:\s+|T)(?P<H>\d{1,2})(?:[:时](?P<M>\d{1,2})分?)?(?:[:分](?P<S>\d{1,2})(?:\.\d+)?秒?)?)?\s*$")
_COUNT_RE = r"^\s*\d+\s*$"
_TIME_HINT = "请写成 2020-01-15 08:30:00、2020/1/15 8:30 或 2020-01-15"
_CSV_ENCODINGS = ("utf-8", "gb18030")
_UNKNOWN_ENCODING = ("明细文件的编码无法识别（不是 UTF-8 或 GBK/GB18030）", "请用 Excel 或记事本另存为 UTF-8 编码的 CSV")


class _BadLog(Exception):
    """A problem with the whole file (not one row), raised inside this module."""

    def __init__(self, message: str, hint: str, row: int | None = None, column: str = ""):
        super().__init__(message)
        self.message, self.hint, self.row, self.column = message, hint, row, column


@dataclass(frozen=True)
class _Columns:
    """The log's headers as written, by column key (absent columns are missing)."""

    names: dict[str, str]

    def get(self, key: str) -> str | None:
        return self.names.get(key)


# --------------------------------------------------------------------------- the path


def resolve_log_path(value: str, folder: str | Path) -> Path:
    """The log file a 明细文件 cell names, relative to the workbook's folder.

    Args:
        value: the cell's text, e.g. ``明细/2020年短信.csv`` (``\\`` is accepted as a separator).
        folder: the folder of the workbook that names it (the year's data folder).

    Returns:
        The resolved path, which exists and lies inside ``folder``.

    Raises:
        parsing.CellError: absolute path, a path leaving ``folder`` (also through a
            symbolic link), a missing file, or a type other than .csv / .parquet.
    """
    text = parsing.clean_text(value)
    if not text:
        raise parsing.CellError("明细文件路径为空", "请填写相对于本工作簿所在文件夹的路径，例如 明细/2020年短信.csv")
    if PureWindowsPath(text).is_absolute() or PureWindowsPath(text).drive or PurePosixPath(text).is_absolute():
        raise parsing.CellError(f"明细文件「{parsing.shown(text)}」是绝对路径",
                          "请把明细文件放到本工作簿所在的文件夹（或其子文件夹）中，并填写相对路径，例如 明细/2020年短信.csv")
    base = Path(folder).resolve()
    target = (base / PureWindowsPath(text).as_posix()).resolve()
    if target != base and base not in target.parents:
        raise parsing.CellError(f"明细文件「{parsing.shown(text)}」不在数据文件夹 {display_path(base)} 之内",
                          "出于安全考虑，明细文件必须放在本工作簿所在的文件夹（或其子文件夹）中")
    if not target.is_file():
        what = "是一个文件夹" if target.is_dir() else "不存在"
        raise parsing.CellError(f"明细文件「{parsing.shown(text)}」{what}（应在 {display_path(target)}）",
                          "请检查文件名和路径；路径相对于本工作簿所在的文件夹")
    if target.suffix.lower() not in LOG_FORMATS:
        raise parsing.CellError(f"明细文件「{parsing.shown(text)}」的类型「{target.suffix or '无扩展名'}」不受支持",
                          "请导出为 CSV（.csv）或 parquet（.parquet）文件")
    return target


# --------------------------------------------------------------------------- reading


def _match_headers(headers: Sequence[str], *, first_row: int | None) -> _Columns:
    """Map the file's headers to SMS_LOG's column keys; unknown headers are ignored."""
    found: dict[str, str] = {}
    for header in headers:
        name = parsing.compact(header)
        for col in SMS_LOG.columns:
            if name in col.names:
                if col.key in found:
                    raise _BadLog(f"「{parsing.shown(found[col.key])}」和「{parsing.shown(header)}」两列都表示{col.header}",
                                  "请删除其中一列", first_row, parsing.shown(header))
                found[col.key] = header
    for col in SMS_LOG.required:
        if col.key not in found:
            alt = "、".join(col.synonyms)
            raise _BadLog(f"缺少「{col.header}」列（表头为：{parsing.shown('、'.join(map(str, headers)))}）",
                          f"请在第一行写明「{col.header}」列（也可写作：{alt}）", first_row, col.header)
    return _Columns(found)


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header row of a CSV file and its encoding (a Python codec)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise _BadLog("明细文件是空的", "请重新从短信平台导出明细")
    for codec in _CSV_ENCODINGS:
        try:
            text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
        return [h.strip() for h in next(csv.reader([first]))], codec
    raise _BadLog(*_UNKNOWN_ENCODING)


class _AsUtf8(io.RawIOBase):
    """A file in another encoding read as UTF-8, decoded as it is read (pyarrow's own transcoding, its
    ``ReadOptions.encoding``, takes its buffers from the default pool whatever pool the reader is given)."""

    def __init__(self, path: Path, codec: str):
        super().__init__()
        self._file = open(path, "rb")  # closed with this stream
        self._decoder = codecs.getincrementaldecoder(codec)()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._pending) < size:
            raw = self._file.read(1 << 20 if size < 0 else max(size, 1 << 16))
            try:
                self._pending += self._decoder.decode(raw, final=not raw).encode("utf-8")
            except UnicodeDecodeError:
                raise _BadLog(*_UNKNOWN_ENCODING) from None  # past the part the header's check read
            if not raw:
                break
        if size < 0:
            size = len(self._pending)
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def close(self) -> None:
        self._file.close()
        super().close()


def _read_csv(path: Path, *, typed: bool) -> tuple[pa.Table, _Columns]:
    import pyarrow.csv as pcsv

    headers, encoding = _csv_header(path)
    cols = _match_headers(headers, first_row=1)
    names = list(cols.names.values())
    types: dict[str, pa.DataType] = {name: pa.string() for name in names}
    if typed:
        types[cols.names["time"]] = pa.timestamp("ms")
        if cols.get("count"):
            types[cols.names["count"]] = pa.int64()
    if cols.get("department"):
        types[cols.names["department"]] = pa.dictionary(pa.int32(), pa.string())
    try:
        with contextlib.nullcontext(path) if encoding == "utf-8" else _AsUtf8(path, encoding) as source:
            table = pcsv.read_csv(
                source,
                read_options=pcsv.ReadOptions(block_size=16 << 20),
                convert_options=pcsv.ConvertOptions(
                    include_columns=names, column_types=types, timestamp_parsers=[pcsv.ISO8601],
                    null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True,
                ),
            )
    except pa.ArrowInvalid as err:
        if typed and "conversion error" in str(err):
            raise  # a value of the wrong type: the caller re-reads as text to name the rows
        raise _BadLog(f"CSV 文件格式有误，无法读取（{_arrow_message(err)}）",
                      "请检查是否每行的列数相同、引号是否成对；可用 Excel 打开后另存为 CSV") from None
    return table, cols


def _arrow_message(err: Exception) -> str:
    """pyarrow's message, short and without control characters (it may quote the file's bytes)."""
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", " ", str(err))
    return text if len(text) <= 200 else text[:200] + "…"


def _read_parquet(path: Path) -> tuple[pa.Table, _Columns]:
    """The log's columns. pyarrow's parquet reader takes some buffers from its default pool whatever pool is in
    use (its reader properties' pool, which Python cannot set): a parquet log, unlike a CSV, still reserves it."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        cols = _match_headers(schema.names, first_row=None)
        table = pq.read_table(path, columns=list(cols.names.values()))
    except (pa.ArrowInvalid, OSError) as err:
        raise _BadLog(f"parquet 文件已损坏或不是 parquet 格式（{_arrow_message(err)}）", "请重新从短信平台导出明细") from None
    return table, cols


# --------------------------------------------------------------------------- columns


def _numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Values without nulls as numpy, a chunk at a time (booleans read as bytes): pyarrow's own conversion of
    booleans or of several chunks takes the default pool whatever pool is in use."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    parts = [pc.cast(c, pa.uint8()).to_numpy().view(bool) if pa.types.is_boolean(c.type) else c.to_numpy()
             for c in chunks]
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _rows(mask: pa.Array | np.ndarray, first_row: int) -> list[int]:
    """File row numbers of the first MAX_LISTED + 1 true entries of ``mask``."""
    if isinstance(mask, np.ndarray):
        idx = np.flatnonzero(mask)[: MAX_LISTED + 1]
    else:
        idx = pc.indices_nonzero(pc.fill_null(mask, False)).to_numpy()[: MAX_LISTED + 1]
    return [int(i) + first_row for i in idx]


def _count_true(mask: pa.Array | np.ndarray) -> int:
    if isinstance(mask, np.ndarray):
        return int(mask.sum())
    return int(pc.sum(pc.fill_null(mask, False)).as_py() or 0)


class _Report:
    """Bad rows of one log, listed per column up to MAX_LISTED, then counted."""

    def __init__(self, file: str, first_row: int):
        self.file, self.first_row, self.problems = file, first_row, []

    def rows(self, mask, column: str, message, hint: str, values: pa.Array | None = None) -> None:
        """Report every row where ``mask`` is true; ``message`` is a text or row -> text."""
        total = _count_true(mask)
        if not total:
            return
        for row in _rows(mask, self.first_row)[:MAX_LISTED]:
            shown = "" if values is None else parsing.shown(values[row - self.first_row].as_py())
            text = message(shown) if callable(message) else message
            self.problems.append(Problem(self.file, "", row, column, text, hint))
        if total > MAX_LISTED:
            self.problems.append(Problem(self.file, "", None, column,
                                         f"另有 {total - MAX_LISTED} 行同样的问题（共 {total} 行）", hint))


def _parse_time_text(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and validity of timestamps written as text (calendar checked: no 2月30日)."""
    parts = pc.extract_regex(values, _TIME_RE)
    if isinstance(parts, pa.ChunkedArray):
        parts = parts.combine_chunks()
    matched = _numpy(pc.is_valid(parts))

    def number(name: str, default: int) -> np.ndarray:
        field = parts.field(name)
        field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
        return _numpy(pc.fill_null(pc.cast(field, pa.int32()), default))

    y, m, d = number("y", 0), number("m", 0), number("d", 0)
    hh, mm, ss = number("H", 0), number("M", 0), number("S", 0)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(m, 0, 12)] + ((m == 2) & leap)
    ok = matched & (y >= 1900) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= days) & (hh <= 23) & (mm <= 59) & (ss <= 59)
    return y, m, ok


def _times(table: pa.Table, name: str, report: _Report) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and validity per row of the time column (bad rows reported)."""
    column = table[name]
    kind = column.type
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        valid = _numpy(pc.is_valid(column))
        y = _numpy(pc.fill_null(pc.year(column), 0))
        m = _numpy(pc.fill_null(pc.month(column), 0))
        report.rows(~valid, name, f"{name}为空", "每条记录都应有发送时间")
        return y, m, valid
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        y, m, ok = _parse_time_text(column)
        blank = _numpy(pc.is_null(column))
        report.rows(blank, name, f"{name}为空", "每条记录都应有发送时间")
        report.rows(~ok & ~blank, name, lambda v: f"{name}「{v}」无法识别为日期时间（或该日期不存在）", _TIME_HINT,
                    column)
        return y, m, ok
    raise _BadLog(f"「{name}」列的类型是 {kind}，不是日期时间", "请导出为日期时间类型或文本（如 2020-01-15 08:30:00）",
                  column=name)


def _counts(table: pa.Table, name: str, report: _Report) -> pa.ChunkedArray:
    """The 条数 column as int64 (bad rows reported; they read as 0)."""
    column = table[name]
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        good = pc.fill_null(pc.match_substring_regex(column, _COUNT_RE), False)
        blank = pc.is_null(column)
        report.rows(blank, name, f"{name}为空", "请填写该行的计费条数（整数）；每行一条短信时可删除该列")
        report.rows(pc.and_(pc.invert(good), pc.invert(blank)), name,
                    lambda v: f"{name}「{v}」不是非负整数", "请填写整数，例如 1", column)
        return pc.cast(pc.if_else(good, pc.utf8_trim_whitespace(column), pa.scalar("0")), pa.int64())
    if pa.types.is_floating(kind):
        bad = pc.or_(pc.not_equal(pc.floor(column), column), pc.less(column, 0))
        report.rows(pc.is_null(column), name, f"{name}为空", "请填写该行的计费条数（整数）")
        report.rows(bad, name, lambda v: f"{name}「{v}」不是非负整数", "请填写整数，例如 1", column)
        return pc.cast(pc.if_else(pc.fill_null(bad, True), 0.0, column), pa.int64())
    if pa.types.is_integer(kind):
        report.rows(pc.is_null(column), name, f"{name}为空", "请填写该行的计费条数（整数）")
        negative = pc.less(column, 0)
        report.rows(negative, name, lambda v: f"{name}「{v}」为负数", "条数不能为负数", column)
        return pc.cast(pc.if_else(pc.fill_null(negative, True), 0, column), pa.int64())
    raise _BadLog(f"「{name}」列的类型是 {kind}，不是整数", "请导出为整数", column=name)


def _first_row(fmt: str) -> int:
    """File row number of the first record: line 2 of a CSV (after the header), record 1 of parquet."""
    return 2 if fmt == "csv" else 1


def read_log(
    path: str | Path,
    *,
    year: int | None = None,
    month: dt.date | None = None,
    department: str | None = None,
) -> pd.DataFrame:
    """Read a message-level SMS log and aggregate it to month × department.

    Args:
        path: the .csv or .parquet log (see :func:`resolve_log_path`).
        year: every message must have been sent in this year, when given.
        month: every message must have been sent in this month, when given (a log per month).
        department: the department of every message. A log without a 部门 column takes
            it; a log with one must hold no other department.

    Returns:
        One row per month and department, sorted: ``month`` (first day, datetime64),
        ``department`` (str, or None when neither the log nor ``department`` names one),
        ``count`` (int64: messages, or the sum of 条数).

    Raises:
        ValidationError: the file cannot be read, or rows are bad; each problem names
            the file, the row (CSV: the header is row 1 and blank lines are not counted;
            parquet: the record number) and the column.
    """
    path = Path(path)
    fmt = LOG_FORMATS.get(path.suffix.lower(), "csv")
    shown = display_path(path)
    report = _Report(shown, _first_row(fmt))
    try:
        with system_pool():  # not a reserved gigabyte of address space (qdanalysis/arrow_memory.py)
            if fmt == "csv":
                try:
                    table, cols = _read_csv(path, typed=True)
                except pa.ArrowInvalid:
                    table, cols = _read_csv(path, typed=False)  # name the rows that do not convert
            else:
                table, cols = _read_parquet(path)
            if table.num_rows == 0:
                raise _BadLog("明细文件中没有任何记录", "请确认导出的明细是否完整", None, "")
            frame = _aggregate(table, cols, report, year=year, month=month, department=department)
    except _BadLog as bad:
        raise ValidationError(Problem(shown, "", bad.row, bad.column, bad.message, bad.hint)) from None
    except OSError as err:
        raise ValidationError(Problem(shown, "", None, "", f"无法读取明细文件（{err.strerror or err}）",
                                      "请检查文件是否存在、是否有读取权限")) from None
    if report.problems:
        raise ValidationError(report.problems)
    return frame


def _aggregate(table: pa.Table, cols: _Columns, report: _Report, *, year: int | None, month: dt.date | None,
               department: str | None) -> pd.DataFrame:
    """Validate every row, then sum per month and department (see :func:`read_log`).

    Rows are checked column by column with vectorised kernels; only the ≤ a few hundred
    groups are handled in Python, where department names are trimmed (``" 财政局"`` and
    ``"财政局"`` are one department).
    """
    time_name = cols.names["time"]
    y, m, valid = _times(table, time_name, report)
    if year is not None:
        report.rows(valid & (y != year), time_name, lambda v: f"发送时间「{v}」不在{year}年内",
                    f"明细文件应只包含{year}年的短信", table[time_name])
    if month is not None:
        outside = valid & ((y != month.year) | (m != month.month))
        report.rows(outside, time_name, lambda v: f"发送时间「{v}」不在{month.year}年{month.month}月内",
                    f"本行是{month.year}年{month.month}月的结算，明细文件应只包含该月的短信；"
                    "如明细包含全年的短信，请把「月份」留空", table[time_name])
    count_name = cols.get("count")
    counts = _counts(table, count_name, report) if count_name else None
    dept_name = cols.get("department")
    if report.problems:
        return pd.DataFrame()
    grouped = _groups(y, m, table[dept_name] if dept_name else None, counts)

    wanted = parsing.clean_text(department) or None
    out: dict[tuple[dt.date, str | None], int] = {}
    blank_names, other_names = set(), set()
    for g_year, g_month, raw, total in grouped:
        name = (parsing.clean_text(raw) or None) if dept_name else wanted
        if dept_name and name is None:
            blank_names.add(raw)
            continue
        if dept_name and wanted is not None and name != wanted:
            other_names.add(raw)
            continue
        key = (dt.date(g_year, g_month, 1), name)
        out[key] = out.get(key, 0) + total
    if blank_names or other_names:
        text = pc.cast(table[dept_name], pa.string())
        if blank_names:
            blank = pc.or_(pc.is_null(text), pc.is_in(text, pa.array(sorted(b for b in blank_names if b is not None),
                                                                      pa.string())))
            report.rows(blank, dept_name, f"{dept_name}为空",
                        "请补全部门；如明细不分部门，请删除整个部门列")
        if other_names:
            report.rows(pc.is_in(text, pa.array(sorted(other_names), pa.string())), dept_name,
                        lambda v: f"部门「{v}」与结算表本行的部门「{wanted}」不同",
                        "明细文件应只包含本行部门的短信；如明细包含多个部门，请把结算表中的「部门」留空", text)
        return pd.DataFrame()
    rows = sorted(out.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    return pd.DataFrame({
        "month": pd.to_datetime(pd.Series([k[0] for k, _ in rows], dtype=object)).astype("datetime64[ns]"),
        "department": pd.Series([k[1] for k, _ in rows], dtype=object),
        "count": pd.Series([v for _, v in rows], dtype="int64"),
    })


def _groups(y: np.ndarray, m: np.ndarray, departments: pa.ChunkedArray | None,
            counts: pa.ChunkedArray | None) -> list[tuple[int, int, str | None, int]]:
    """``(year, month, department as the log writes it or None, messages)`` per year, month and department.

    One int64 key a row, grouped by pyarrow's hash (in the pool in use) and summed by numpy: Acero's
    ``group_by`` would take pyarrow's default pool (:mod:`qdanalysis.arrow_memory`).
    """
    key = y.astype(np.int64) * 12 + (m.astype(np.int64) - 1)
    names: list[str | None] = [None]
    if departments is not None:
        codes, names = _department_codes(departments)
        key = key * len(names) + codes
    encoded = pc.dictionary_encode(pa.array(key))
    group = encoded.indices.to_numpy()
    if counts is None:
        totals = np.bincount(group, minlength=len(encoded.dictionary))
    else:
        totals = np.zeros(len(encoded.dictionary), np.int64)
        np.add.at(totals, group, _numpy(pc.fill_null(counts, 0)))
    months, codes = np.divmod(encoded.dictionary.to_numpy(), len(names))
    return [(int(mo) // 12, int(mo) % 12 + 1, names[c], int(t)) for mo, c, t in zip(months, codes, totals)]


def _department_codes(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str | None]]:
    """A code per row and the names they stand for: 0 (None) for a row without a department, else 1 + its
    place in one dictionary of the column's names."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    column = pa.table({"d": column}).unify_dictionaries()["d"]
    names = [None, *column.chunk(0).dictionary.to_pylist()]
    codes = _numpy(pc.fill_null(pa.chunked_array([chunk.indices for chunk in column.chunks]), -1))
    return codes.astype(np.int64) + 1, names


# --------------------------------------------------------------------------- money


def group_amounts(counts: Sequence[int], unit_price: Decimal | None) -> list[Decimal | None]:
    """Cost of each group at ``unit_price`` 元/条: count × price, rounded half up to the fen.

    The rounding is applied once per group total, never per message.
    """
    if unit_price is None:
        return [None] * len(counts)
    price = Decimal(unit_price)
    return [(Decimal(int(c)) * price).quantize(FEN, rounding=ROUND_HALF_UP) for c in counts]


# --------------------------------------------------------------------------- the SMS sheet


class PointerError(parsing.CellError):
    """A problem of the SMS sheet's row that names a log; ``key`` is the column at fault."""

    def __init__(self, key: str, message: str, hint: str = ""):
        super().__init__(message, hint)
        self.key = key


def rows_from_log(row: dict, *, folder: str | Path, year: int | None, seen: dict[tuple, int]) -> list[dict]:
    """Replace an SMS sheet row that names a log (明细文件) by the log's month × department rows.

    The row's 月份 and 部门, when filled, say what the log holds (a log per month, or per
    department); blank, the log's own months and departments are used. 条数 and 金额, when
    filled, must agree with the log. Every new row keeps the sheet row's 单价, 备注, 来源
    and provenance; its 金额 is 条数 × 单价, rounded half up to the fen per row, and its
    ``amount_basis`` says so (条数×单价), unless the sheet row gave the settled total (结算金额).

    Args:
        row: the sheet row as the SMS loader builds it (``month``, ``department``, ``count``,
            ``unit_price``, ``amount``, ``log_file``, ``src_row``...).
        folder: the workbook's folder; the log's path is relative to it and must stay in it.
        year: the report year (every message must fall in it), or None.
        seen: (month, department) -> sheet row of the rows read so far; updated.

    Raises:
        PointerError: the path is refused, the totals disagree, or a month and department
            is already on another row.
        ValidationError: the log itself has problems (each naming the log file and its row).
    """
    try:
        path = resolve_log_path(row["log_file"], folder)
    except parsing.CellError as err:
        raise PointerError("log_file", err.message, err.hint) from None
    month = row.get("month")
    agg = read_log(path, year=year, month=month, department=row.get("department"))
    amounts = group_amounts(list(agg["count"]), row.get("unit_price"))
    total = int(agg["count"].sum())
    if row.get("count") is not None and int(row["count"]) != total:
        raise PointerError("count", f"本行条数 {row['count']} 与明细文件合计 {total} 条不符",
                           "请核对；也可把本行条数留空，由明细文件计算")
    if row.get("amount") is not None:
        if row.get("unit_price") is None:
            raise PointerError("amount", "本行填写了金额，但没有单价，无法按明细把金额分到各月各部门",
                               "请填写单价（如 0.065元/条），金额由明细条数×单价计算；或把金额留空")
        computed = sum(amounts, Decimal(0))
        if Decimal(row["amount"]) != computed:
            raise PointerError("amount", f"本行金额 {row['amount']} 元与明细文件按单价计算的 {computed} 元不符",
                               "各月各部门的金额为条数×单价（四舍五入到分）；请核对单价，或把本行金额留空")
    # A settled total the log agrees with stays 结算金额; otherwise the amounts are computed.
    basis = SETTLED if row.get("amount") is not None else COUNTED
    out = []
    keys = []
    for ts, department, count, amount in zip(agg["month"], agg["department"], agg["count"], amounts):
        when = ts.date()
        key = (when, department)
        if key in seen:
            raise PointerError("month", f"明细文件中{when:%Y年%m月}{department or ''}的短信与第{seen[key]}行重复",
                               "每月每部门只能有一行：请删除重复的行，或从明细文件中去掉这部分记录")
        keys.append(key)
        out.append({**row, "month": when, "department": department, "count": int(count), "amount": amount,
                    "amount_basis": basis})
    for key in keys:
        seen[key] = row["src_row"]
    return out
