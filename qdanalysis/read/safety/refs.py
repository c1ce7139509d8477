"""A1 references: column letters, cell references and ranges as a workbook writes them."""

from __future__ import annotations

import re

from qdanalysis.read.safety.limits import EXCEL_COLS, EXCEL_ROWS

#: A cell reference such as ``B4`` or ``$B$4``: its letters and its row number.
REF = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)")
_RANGE_PART = re.compile(rb"\$?([A-Za-z]{0,12})\$?([0-9]{0,12})")


def column_letter(index0: int) -> str:
    """Excel column letters of a 0-based column index: 0 -> "A", 25 -> "Z", 26 -> "AA"."""
    if index0 < 0:
        raise ValueError(f"column index must be >= 0, got {index0}")
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: bytes) -> int:
    """0-based index of column letters (case-insensitive); no upper bound."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n - 1


def range_box(ref: bytes) -> tuple[int, int, int, int] | None:
    """``(first row, first column, last row, last column)``, 1-based, of an A1 range such as
    ``A1:P1048576``, ``$B$2``, ``A:C`` (whole columns) or ``3:5`` (whole rows); None if unreadable."""
    parts = ref.strip().split(b":")
    if not 1 <= len(parts) <= 2:
        return None
    rows, cols = [], []
    for part in parts:
        m = _RANGE_PART.fullmatch(part)
        if not m or not (m.group(1) or m.group(2)):
            return None
        letters, digits = m.group(1), m.group(2)
        cols.append(column_index(letters) + 1 if letters else None)
        rows.append(int(digits) if digits else None)
    if len(parts) == 1 and (rows[0] is None or cols[0] is None):
        return None
    r = [x for x in rows if x is not None] or [1, EXCEL_ROWS]
    c = [x for x in cols if x is not None] or [1, EXCEL_COLS]
    return min(r), min(c), max(r), max(c)
