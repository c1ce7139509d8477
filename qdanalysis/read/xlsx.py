"""Safe reading of Excel workbooks (.xlsx / .xlsm, and Excel 97-2003 .xls / WPS .et).

This is the only module of the package that opens spreadsheet files.
:func:`read_workbook` first runs the archive checks of :mod:`qdanalysis.read.safety` (an
Excel 97-2003 file: those of :mod:`qdanalysis.read.safety.biff`), which refuse anything that is not a
workbook or that could exhaust memory or abort the process inside the reader. Only then is the
file read with python-calamine; openpyxl is the fallback when calamine raises on an xlsx (it
does not read .xls: there a calamine failure is the refusal).

What the reader returns:

* Formulas give the value cached by the program that last saved the file. Files saved by
  tools that do not calculate (openpyxl, some exporters) carry no cached value: such
  cells read as ``None``.
* Error values (``#DIV/0!``, ``#N/A``...) read as ``None``; they are listed in
  :attr:`SheetData.errors`.
* Empty strings read as ``None``; whole numbers read as ``int`` (Excel stores every
  number as a double); text is returned exactly as stored (full-width characters and
  surrounding spaces are kept).
* Dates read as ``datetime.date`` (date-only formats) or ``datetime.datetime``, times as
  ``datetime.time`` and durations (format ``[h]:mm``) as ``datetime.timedelta``.
* Every sheet is returned, hidden ones too; a sheet that is not a worksheet (a chart
  sheet, a dialog or macro sheet) has no rows and says what it is in :attr:`SheetData.kind`,
  so that a loader can tell the user why a sheet named for a table holds none.
* A NaN or an infinity stored in a number cell reads as ``None`` and is listed in
  :attr:`SheetData.errors` (the text starts with :data:`safety.NOT_A_NUMBER`), never as a blank.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path

import python_calamine

from qdanalysis.read.safety import (
    NOT_A_NUMBER,
    Archive,
    Inspector,
    audit_cells,
    column_letter,
    inspect_container,
    inspect_xls,
)
from qdanalysis.read.safety.limits import MAX_SHEET_CELLS

__all__ = ["WORKSHEET", "SheetData", "column_letter", "inspect_archive", "read_workbook"]

WORKSHEET = "worksheet"
_SHEET_KINDS = {"ChartSheet": "chartsheet", "DialogSheet": "dialogsheet", "MacroSheet": "macrosheet", "Vba": "vba"}
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


@dataclass
class SheetData:
    """One worksheet as a grid anchored at cell A1.

    Attributes:
        file: display path of the workbook (see :func:`errors.display_path`).
        name: sheet name.
        rows: ``rows[i][j]`` is Excel row ``i + 1``, column ``j + 1``. Values are
            ``None`` (empty), str, int, float, bool, datetime.datetime, datetime.date,
            datetime.time or datetime.timedelta. Rows have equal width; leading empty
            rows and columns are kept, trailing empty ones are dropped, so an empty
            sheet has ``rows == []``.
        merged: merged ranges, 0-based inclusive ``(row0, col0, row1, col1)``, clipped
            to the grid (a merge lying wholly outside the grid covers only empty
            cells and is dropped).
        errors: cells holding an Excel error value, ``(row0, col0, text)`` such as
            ``(4, 2, "#DIV/0!")``; those cells read as ``None`` in ``rows``.
        kind: ``worksheet``, or what else the sheet is (``chartsheet``, ``dialogsheet``,
            ``macrosheet``); only a worksheet has rows.
    """

    file: str
    name: str
    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]]
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    kind: str = WORKSHEET



# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_CALAMINE_ERRORS = (python_calamine.CalamineError, OSError, ValueError, TypeError, OverflowError)


class _ReadFailure(Exception):
    """A reader raised; ``text`` keeps the original message."""

    def __init__(self, text: str, sheet_names: list[str] | None = None):
        super().__init__(text)
        self.text = text
        self.sheet_names = sheet_names


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector while a sheet becomes Python objects, and
    while a loader turns its rows into a table (the loaders use it as a decorator).

    A 100,000-row sheet is 1.5 million new values in 100,000 new lists, none of them in a
    reference cycle; each few hundred lists would otherwise start a collection that walks
    every list made so far (a tenth of a ledger's reading time, a third of a budget's).
    Reference counting still frees everything as usual; nested pauses are harmless.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _checked(inspector: Inspector) -> Archive:
    """The archive checks of an xlsx, or the record checks of an Excel 97-2003 workbook."""
    archive = inspect_container(inspector)
    return inspect_xls(inspector) if archive.legacy else archive


def inspect_archive(path: str | Path) -> None:
    """Refuse dangerous or unreadable files before any reader opens them.

    Raises:
        ValidationError: with one file-level :class:`~qdanalysis.errors.Problem` explaining in Chinese
            why the file is refused and how to fix it.
    """
    _checked(Inspector(path))


def read_workbook(path: str | Path) -> list[SheetData]:
    """Check that the file is a safe, readable xlsx/xlsm/xls and return every worksheet's grid.

    Args:
        path: the workbook file (the extension does not matter, the content does).

    Returns:
        One :class:`SheetData` per worksheet, in workbook order.

    Raises:
        ValidationError: the file is refused, unreadable or holds no data.
    """
    inspector = Inspector(path)
    archive = _checked(inspector)
    try:
        sheets = _read_either(inspector, archive)
    except MemoryError:
        # The archive checks bound what either reader builds; should memory still run out
        # (a machine with little free memory), the user learns which file and what to do.
        raise inspector.fail(
            "读取工作簿时内存不足",
            f"请关闭其他程序后重试；若仍如此，请把“{inspector.name}”拆分为多个较小的工作簿",
        ) from None
    if not sheets:
        raise inspector.fail("工作簿为空（没有工作表）", f"请确认“{inspector.name}”是否选错了文件")
    if all(not s.rows for s in sheets):
        raise inspector.fail(
            "工作簿为空（所有工作表都没有数据）",
            f"请确认“{inspector.name}”是否选错了文件，或数据是否已保存",
        )
    return sheets


def _read_either(inspector: Inspector, archive: Archive) -> list[SheetData]:
    """calamine, else openpyxl; both failing is one refusal that quotes both."""
    try:
        with collector_paused():
            return _read_calamine(inspector.path, inspector.display, archive)
    except _ReadFailure as first:
        if archive.legacy:
            raise inspector.fail(
                f"无法读取 Excel 97-2003 工作簿：{first.text}",
                f"请用Excel或WPS打开“{inspector.name}”检查内容，另存为 .xlsx 文件后重试",
            ) from None
        audit_cells(inspector)  # cells calamine refused and openpyxl would read its own way
        try:
            return _read_openpyxl(inspector.path, inspector.display, first.sheet_names, archive)
        except _ReadFailure as second:
            raise inspector.fail(
                f"无法读取工作簿：{first.text}（备用读取器openpyxl：{second.text}）",
                f"请用Excel打开“{inspector.name}”检查内容，另存为新的 .xlsx 文件后重试",
            ) from None


def _read_calamine(path: Path, display: str, archive: Archive) -> list[SheetData]:
    names: list[str] | None = None
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm") and not archive.legacy:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # from_path picks the format from the extension; sniff the content instead
            with open(path, "rb") as fh:
                book = python_calamine.CalamineWorkbook.from_filelike(fh)
        try:
            names = list(book.sheet_names)
            out = []
            for meta in book.sheets_metadata:
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    kind = _SHEET_KINDS.get(str(meta.typ).rsplit(".", 1)[-1], "other")
                    out.append(SheetData(display, meta.name, [], [], [], kind))
                    continue
                sheet = book.get_sheet_by_name(meta.name)
                grid = _anchor_at_a1(sheet.to_python(skip_empty_area=False), sheet.start, sheet.end)
                odd: list[float] = []
                rows = _trim(_normalise_grid(grid, odd))
                del grid
                merged = _clip([(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])], rows)
                part = archive.sheet_parts.get(meta.name)
                errors = sorted(archive.sheets[part].errors) if part in archive.sheets else []
                if odd:
                    errors = sorted(errors + _take_non_finite(rows))
                    rows = _trim(rows)
                out.append(SheetData(display, meta.name, rows, merged, errors))
            return out
        finally:
            book.close()
    except _CALAMINE_ERRORS as exc:
        raise _ReadFailure(f"{type(exc).__name__}: {exc}", names) from exc
    except BaseException as exc:  # a Rust panic surfaces as pyo3's PanicException
        if type(exc).__name__ != "PanicException":
            raise
        raise _ReadFailure(f"{type(exc).__name__}: {exc}", names) from None


def _anchor_at_a1(grid: list[list], start, end) -> list[list]:
    """Pad a grid that starts at ``start`` instead of A1 (defensive; calamine 0.9 anchors at A1)."""
    if not grid or start is None or end is None:
        return grid
    if start[0] > 0 and len(grid) == end[0] - start[0] + 1:
        width = len(grid[0])
        grid = [[""] * width for _ in range(start[0])] + grid
    if start[1] > 0 and len(grid[0]) == end[1] - start[1] + 1:
        grid = [[""] * start[1] + row for row in grid]
    return grid


_INT_LIMIT = float(2**53)


def _normalise(row: list, shared: dict[str, str | None] | None = None, odd: list[float] | None = None) -> list:
    """Python values of one row: empty text is None, whole floats are int. Equal texts become
    one object (``shared`` maps text to it): a million-row ledger repeats a handful of
    categories a million times, and the copies calamine made are freed row by row.
    A NaN or an infinity (``<v>NaN</v>``, ``<v>1e400</v>``) is appended to ``odd``: the caller
    turns it into an error cell, never into a blank."""
    if shared is None:
        shared = {}
    if "" not in shared:
        shared[""] = None  # an empty text is kept as None: one dict call per text cell, no test of its own
    return _normalised(row, shared.setdefault, odd.append if odd is not None else _ignore)


def _normalised(cells, keep, seen) -> list:
    """:func:`_normalise` of an iterable of cells, with ``shared.setdefault`` and ``odd.append``."""
    return [
        keep(v, v) if type(v) is str
        else (int(v) if v.is_integer() and -_INT_LIMIT <= v <= _INT_LIMIT
              else v if v - v == 0.0 else seen(v) or v) if type(v) is float
        else v
        for v in cells
    ]


_BLOCK_ROWS = 4096


def _normalise_grid(grid: list[list], odd: list[float]) -> list[list]:
    """:func:`_normalise` of every row of a grid, whose rows are consumed (emptied) as it goes: a block of rows at a
    time is taken off the grid and normalised as one run of cells, then cut back into rows (no Python call per
    row). Rows of unequal width are normalised one by one. Equal texts of the whole grid share one object."""
    shared: dict[str, str | None] = {"": None}
    keep, seen = shared.setdefault, odd.append
    out: list[list] = []
    grid.reverse()  # blocks are taken off the end: the grid is never held twice
    while grid:
        block = grid[-_BLOCK_ROWS:]
        del grid[-_BLOCK_ROWS:]
        block.reverse()
        width = len(block[0])
        if set(map(len, block)) != {width} or not width:
            out += [_normalised(row, keep, seen) for row in block]
            continue
        cells = _normalised(chain.from_iterable(block), keep, seen)
        del block
        out += [cells[i : i + width] for i in range(0, len(cells), width)]
    return out


def _ignore(_value: object) -> None:
    return None


def _take_non_finite(rows: list[list]) -> list[tuple[int, int, str]]:
    """Error entries for the NaN and infinite numbers of a grid; those cells become None."""
    found = []
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if type(v) is float and v - v != 0.0:
                found.append((i, j, NOT_A_NUMBER + repr(v)))
                row[j] = None
    return found


_LAST = itemgetter(-1)


def _trim(rows: list[list]) -> list[list]:
    """Drop trailing empty rows and columns; pad rows to equal width."""
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    if not rows:
        return []
    lengths = set(map(len, rows))
    if len(lengths) == 1 and list(map(_LAST, rows)).count(None) < len(rows):
        return rows  # rows of one width, a value in the last column (calamine's grid of a table): as they are
    width = 0
    for row in rows:
        for j in range(len(row) - 1, width - 1, -1):
            if row[j] is not None:
                width = j + 1
                break
    return [row[:width] + [None] * (width - len(row)) if len(row) != width else row for row in rows]


def _clip(merged: list[tuple[int, int, int, int]], rows: list[list]) -> list[tuple[int, int, int, int]]:
    n_rows = len(rows)
    n_cols = len(rows[0]) if rows else 0
    out = []
    for r0, c0, r1, c1 in merged:
        if r0 < n_rows and c0 < n_cols:
            out.append((r0, c0, min(r1, n_rows - 1), min(c1, n_cols - 1)))
    return out


def _openpyxl_errors() -> tuple[type[BaseException], ...]:
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        KeyError,
        IndexError,
        ValueError,  # includes defusedxml's DefusedXmlException and UnicodeError
        TypeError,
        AttributeError,
        SyntaxError,  # xml.etree.ElementTree.ParseError
        EOFError,
        OSError,
        NotImplementedError,
    )


def _read_openpyxl(path: Path, display: str, calamine_names: list[str] | None,
                   archive: Archive | None = None) -> list[SheetData]:
    """Fallback reader. Uses defusedxml (installed) for every XML part.

    The workbook is opened read-only and each sheet's cells are streamed from openpyxl's
    sheet parser, so nothing is expanded cell by cell: a merged or hyperlink range such as
    ``A1:P1048576`` stays one range, and empty styled cells are never kept. The grid is
    bounded as the archive checks bound calamine's, and the error cells the archive checks
    found (formulas without a computed value among them) are kept, as with calamine.
    """
    import openpyxl

    try:
        # A file object: openpyxl would refuse unknown extensions. Its warnings (unsupported
        # extensions, missing default style...) mean nothing to the user.
        with open(path, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True, keep_vba=False, keep_links=False)
            try:
                if calamine_names is not None:
                    missing = set(calamine_names) - set(book.sheetnames)
                    if missing:
                        raise KeyError(f"openpyxl did not load sheets {sorted(missing)}")
                worksheets = {ws.title: ws for ws in book.worksheets}
                sheets = [_openpyxl_sheet(book, worksheets[name], display) if name in worksheets
                          else SheetData(display, name, [], [], [], "chartsheet") for name in book.sheetnames]
            finally:
                book.close()
    except _openpyxl_errors() as exc:
        raise _ReadFailure(f"{type(exc).__name__}: {exc}") from exc
    for sheet in sheets:
        part = archive.sheet_parts.get(sheet.name) if archive is not None else None
        if archive is not None and part in archive.sheets:
            sheet.errors = sorted(set(sheet.errors) | set(archive.sheets[part].errors))
    return sheets


def _openpyxl_sheet(book, ws, display: str) -> SheetData:
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser read-only sheets use

    values: dict[tuple[int, int], object] = {}
    errors = []
    n_rows = n_cols = 0
    with ws._get_source() as src:  # noqa: SLF001
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=book.epoch,  # noqa: SLF001
                                 date_formats=book._date_formats,  # noqa: SLF001
                                 timedelta_formats=book._timedelta_formats)  # noqa: SLF001
        for _, cells in parser.parse():
            for cell in cells:
                v, r, c = cell["value"], cell["row"], cell["column"]
                if cell["data_type"] == "e":
                    errors.append((r - 1, c - 1, str(v)))
                    continue
                if v is None or v == "":
                    continue
                if isinstance(v, _dt.datetime):
                    fmt = ReadOnlyCell(ws, r, c, v, "d", cell["style_id"]).number_format
                    if not _format_has_time(fmt):
                        v = v.date()
                values[(r, c)] = v
                n_rows, n_cols = max(n_rows, r), max(n_cols, c)
            if n_rows * n_cols > MAX_SHEET_CELLS or len(values) + len(errors) > MAX_SHEET_CELLS:
                raise ValueError(f"sheet {ws.title!r} holds more than {MAX_SHEET_CELLS} cells")
        merges = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    grid = [[None] * n_cols for _ in range(n_rows)]
    for (r, c), v in values.items():
        grid[r - 1][c - 1] = v
    del values
    odd: list[float] = []
    rows = _trim([_normalise(row, None, odd) for row in grid])
    if odd:
        errors += _take_non_finite(rows)
        rows = _trim(rows)
    merged = []
    for m in merges:
        r0, c0, r1, c1 = _merge_box(m.ref)
        merged.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
    return SheetData(display, ws.title, rows, _clip(merged, rows), sorted(errors))


def _merge_box(ref: str) -> tuple[int, int, int, int]:
    from openpyxl.utils.cell import range_boundaries

    c0, r0, c1, r1 = range_boundaries(ref)
    return r0, c0, r1, c1


def _format_has_time(number_format: str) -> bool:
    fmt = _FORMAT_LITERALS.sub("", number_format or "").lower()
    return "h" in fmt or "s" in fmt
