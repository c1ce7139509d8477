"""The streaming scan of a worksheet: extent, shared references, error cells, long inline text, ranges."""

from __future__ import annotations

import pytest

from qdanalysis.errors import ValidationError
from qdanalysis.read.safety import worksheet
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, Inspector
from qdanalysis.read.safety.worksheet import SheetScanner, cut_at_row


def scan(xml: bytes, chunk: int = 1 << 20) -> SheetScanner:
    s = SheetScanner(Inspector("a.xlsx"), "xl/worksheets/sheet1.xml")
    for i in range(0, len(xml), chunk):
        s.feed(xml[i:i + chunk])
    s.finish()
    return s


ROWS = (b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>2</v></c></row>'
        b'<row r="7"><c r="B7" t="e"><v>#DIV/0!</v></c><c r="D7"><f>SUM(A1)</f></c></row></sheetData>')


@pytest.mark.parametrize("chunk", [100, 1 << 20])  # a row cut by a chunk is carried whole to the next one
def test_the_extent_shared_references_and_error_cells_whatever_the_chunks(chunk):
    s = scan(ROWS, chunk)
    assert (s.result.max_row, s.result.max_col, s.result.shared_refs) == (7, 4, 1)
    assert s.result.errors == [(6, 1, "#DIV/0!"), (6, 3, UNCACHED_FORMULA)]
    assert s.cell_tags == s.cell_refs == 4 and not s.suspect


def test_a_cell_without_its_reference_or_with_a_bad_shared_index_is_left_to_the_replay():
    assert scan(b'<row r="1"><c><v>1</v></c></row>').cell_refs == 0
    assert scan(b'<row r="1"><c r="A1" t="s"><v>x</v></c></row>').suspect


def test_ranges_are_counted_and_the_first_too_large_kept():
    s = scan(b'<row r="1"><c r="A1"><v>1</v></c></row><mergeCells><mergeCell ref="A1:B2"/>'
             b'<mergeCell ref="A3:XFD1048576"/></mergeCells><dataValidations><dataValidation sqref="A1 B1"/>'
             b"</dataValidations>")
    assert s.result.ranges == 4
    assert s.range_problem == (b"mergeCell", b"A3:XFD1048576", 1048574 * 16384)


def test_an_inline_string_longer_than_excel_allows_is_refused(monkeypatch):
    monkeypatch.setattr(worksheet, "MAX_CELL_CHARS", 5)
    scan(b'<row r="1"><c r="A1" t="inlineStr"><is><t>12345</t></is></c></row>')
    with pytest.raises(ValidationError, match="（约6个），可能是恶意文件"):
        scan(b'<row r="1"><c r="A1" t="inlineStr"><is><t>123456</t></is></c></row>', chunk=9)


def test_the_quick_extent_proves_no_cell_lies_beyond_its_candidates():
    seg = b'<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>1</v></c></row><row r="9"><c r="AA9"><v>1</v></c></row>'
    assert worksheet._quick_extent(seg) == (3, 9, 27)
    assert worksheet._quick_extent(b"<row/>") is None
    assert worksheet._quick_extent(b'<row r="1"><c r="a1"><v>1</v></c></row>') is None  # not a plain r="A1"


def test_a_buffer_is_cut_after_its_last_row_else_before_its_last_tag():
    buf = b'<row r="1"><c r="A1"/></row><row r="2"><c r="A'
    assert buf[:cut_at_row(buf)] == b'<row r="1"><c r="A1"/></row>'
    assert cut_at_row(b'<c r="A1"><v>1</v') == len(b'<c r="A1"><v>1')
    assert cut_at_row(b"no tags here") == 0
