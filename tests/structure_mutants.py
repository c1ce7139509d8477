"""Mutation families of issue 30: the workbook structures that once changed a figure silently.

Each family edits one cell or row of a base workbook (:class:`mutant_book.Book`) as a damaged file or a careless
exporter would: a reference outside the sheet or out of order, a typed cell holding junk, markup nested
inside a cell. Most mutants must be refused at their cell. Where a mutation is a legitimate way to write
the same workbook (rich text in runs, an ISO date cell), the family says what Excel shows: nothing
changed (``book.twin`` stays None), or a *twin* workbook written plainly (``book.twin``), whose figures the
mutant's must equal; the judge (:func:`mutants.judge`) counts any other difference as a silent change.
"""

from __future__ import annotations

import random
import re
from html import escape, unescape

import mutant_book as M

_NAME_HEADERS = ("项目名称", "供应商", "合同编号", "三级指标")
_DATE_HEADERS = ("签订日期",)


def _ref(m: re.Match) -> str:
    return f"{m.group(1)}{m.group(2)}"


def _text(book: M.Book, m: re.Match) -> str:
    return unescape(book.value(m) or "")


def fam_bad_reference(book: M.Book, rng: random.Random) -> str | None:
    """A reference outside the sheet: row 0 (A0), a column past XFD (ZZZ19), a row past 1,048,576."""
    part, m = M._pick(M._data_cells(book, rng), rng) or (None, None)
    if part is None:
        return None
    kind = rng.choice(["row 0", "past XFD", "past last row"])
    if kind == "row 0":
        book.replace(part, m, m.group(0).replace(f'r="{_ref(m)}"', f'r="{m.group(1)}0"', 1))
        return f"{_ref(m)} -> {m.group(1)}0"
    if kind == "past XFD":
        book.replace(part, m, m.group(0).replace(f'r="{_ref(m)}"', f'r="ZZZ{m.group(2)}"', 1))
        return f"{_ref(m)} -> ZZZ{m.group(2)}"
    text = book.text(part)
    row = re.search(rf'<row r="{m.group(2)}"[^>]*>.*?</row>', text, re.S)
    if row is None:
        return None
    moved = re.sub(rf'(<c r="[A-Z]+){m.group(2)}"', r'\g<1>1048577"', row.group(0))
    moved = moved.replace(f'<row r="{m.group(2)}"', '<row r="1048577"', 1)
    book.set_text(part, text[: row.start()] + moved + text[row.end():])
    return f"row {m.group(2)} -> 1048577"


def fam_out_of_order(book: M.Book, rng: random.Random) -> str | None:
    """Rows or cells out of order in the XML: a row placed after a later one, two cells swapped, a cell
    written twice, a cell whose reference names another row."""
    part, m = M._pick(M._data_cells(book, rng), rng) or (None, None)
    if part is None:
        return None
    text = book.text(part)
    kind = rng.choice(["row moved", "cells swapped", "cell twice", "cell in another row"])
    if kind == "row moved":
        rows = list(re.finditer(r'<row r="([0-9]+)"[^>]*>.*?</row>', text, re.S))
        k = next((i for i, r in enumerate(rows) if r.group(1) == m.group(2)), None)
        if k is None or k + 3 >= len(rows):
            return None
        later = rows[k + 3]
        text = text[: rows[k].start()] + text[rows[k].end(): later.end()] + rows[k].group(0) + text[later.end():]
        book.set_text(part, text)
        return f"row {m.group(2)} after row {later.group(1)}"
    if kind == "cells swapped":
        after = M._CELL.match(text, m.end())
        if after is None or after.group(2) != m.group(2):
            return None
        book.set_text(part, text[: m.start()] + after.group(0) + m.group(0) + text[after.end():])
        return f"{_ref(after)} before {_ref(m)}"
    if kind == "cell twice":
        copy = re.sub(r"<v>[^<]*</v>", "<v>1</v>", m.group(0), count=1) if "<v>" in m.group(0) \
            else M.inline(_ref(m), "重复")
        book.replace(part, m, m.group(0) + copy)
        return f"{_ref(m)} written twice"
    book.replace(part, m, m.group(0).replace(f'r="{_ref(m)}"', f'r="{m.group(1)}{int(m.group(2)) + 1}"', 1))
    return f"{_ref(m)} says row {int(m.group(2)) + 1}"


def fam_junk_typed(book: M.Book, rng: random.Random) -> str | None:
    """Typed cells holding junk: a date cell (t="d") empty or not an ISO date, a logical value where a name
    is expected; and, as Excel may write it, an ISO date cell where a date is expected (a change intended:
    its twin holds the same date as text)."""
    kind = rng.choice(["date empty", "date junk", "boolean name", "ISO date"])
    if kind == "boolean name":
        part, m = M._pick(M._data_cells(book, rng, headers=_NAME_HEADERS, numeric=False), rng) or (None, None)
        if part is None:
            return None
        book.replace(part, m, f'<c r="{_ref(m)}" t="b"><v>{rng.choice("01")}</v></c>')
        return f"{_ref(m)} «{_text(book, m)}» -> t=b"
    if kind == "ISO date":
        part, m = M._pick(M._data_cells(book, rng, headers=_DATE_HEADERS), rng) or (None, None)
        if part is None:
            return None
        day = f"{M.SHIPPED_YEAR}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        twin = M.Book.__new__(M.Book)
        twin.parts, twin.raw, twin.twin = dict(book.parts), None, None
        twin.replace(part, m, M.inline(_ref(m), day))
        book.replace(part, m, f'<c r="{_ref(m)}" t="d"><v>{day}</v></c>')
        book.twin = twin
        return f"{_ref(m)} t=d {day}"
    part, m = M._pick(M._data_cells(book, rng, numeric=rng.random() < 0.7), rng) or (None, None)
    if part is None:
        return None
    junk = "" if kind == "date empty" else rng.choice(["abc", "2020-13-45", "43831", "2020/01/05", "１２"])
    book.replace(part, m, f'<c r="{_ref(m)}" t="d"><v>{escape(junk)}</v></c>')
    return f"{_ref(m)} t=d «{junk}»"


def fam_nested_cell(book: M.Book, rng: random.Random) -> str | None:
    """Markup nested inside a cell: rich-text runs nested thousands deep with no text (Excel shows an empty
    cell), a value wrapped in further values; and, as Excel writes it, a text split into formatted runs
    (read the same)."""
    kind = rng.choice(["deep runs", "value in value", "runs"])
    if kind == "value in value":
        part, m = M._pick(M._data_cells(book, rng, numeric=True), rng) or (None, None)
        if part is None:
            return None
        depth = rng.choice([2, 50])
        book.replace(part, m, f'<c r="{_ref(m)}"><v>{"<v>" * depth}{book.value(m)}{"</v>" * depth}</v></c>')
        return f"{_ref(m)} value in {depth} values"
    part, m = M._pick(M._data_cells(book, rng, numeric=False), rng) or (None, None)
    if part is None:
        return None
    if kind == "deep runs":
        depth = rng.choice([5, 1000, 100_000])
        book.replace(part, m, f'<c r="{_ref(m)}" t="inlineStr"><is>{"<r>" * depth}{"</r>" * depth}</is></c>')
        return f"{_ref(m)} {depth} nested runs"
    text = _text(book, m)
    if len(text) < 2:
        return None
    at = rng.randint(1, len(text) - 1)
    runs = (f"<r><t>{escape(text[:at], quote=False)}</t></r>"
            f'<r><rPr><b/><sz val="11"/></rPr><t>{escape(text[at:], quote=False)}</t></r>')
    book.replace(part, m, f'<c r="{_ref(m)}" t="inlineStr"><is>{runs}</is></c>')
    return f"{_ref(m)} in two runs"


FAMILIES = {
    "bad reference": fam_bad_reference,
    "out of order": fam_out_of_order,
    "junk typed cell": fam_junk_typed,
    "nested in cell": fam_nested_cell,
}
