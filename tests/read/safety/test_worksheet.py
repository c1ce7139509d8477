"""The streaming scan of a worksheet: extent, shared references, error cells, long inline text, ranges."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from handmade_xlsx import long_sheet

from qdanalysis.errors import ValidationError
from qdanalysis.paths import PROJECT_ROOT
from qdanalysis.read.safety import worksheet
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, Inspector
from qdanalysis.read.safety.limits import CHUNK
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




@pytest.mark.parametrize("seg", [
    b'<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="s"><v>1</v></c></row><row r="9"><c r="AA9"><v>1</v></c></row>',
    b'<row r="7"><c r="XFD1048576" s="1"><v>1</v></c></row><row r="8"><c r="C12"/></row>',  # the largest cell, out of order
    b'<row r="2"><c r="ZZ30"><v>1</v></c><c r="B2"><v>1</v></c></row>',
])
def test_plain_references_give_the_extent_the_regex_proof_gives(seg):
    refs = seg.count(b'<c r="')
    assert worksheet._plain_extent(seg, refs) is not None
    assert worksheet._plain_extent(seg, refs) == worksheet._quick_extent(seg, refs)


@pytest.mark.parametrize("ref", [b"a1", b"A01", b"A0", b"ABCD1", b"A12345678", b"A1x", b"A", b"1", b"A1 "])
def test_a_reference_that_is_not_plain_is_left_to_the_regex_proof(ref):
    seg = b'<row r="1"><c r="B1"><v>1</v></c><c r="' + ref + b'"><v>1</v></c></row>'
    assert worksheet._plain_extent(seg, seg.count(b'<c r="')) is None
    assert worksheet._plain_extent(b'<row r="1"><c r="A1', 1) is None  # no closing quote

@pytest.mark.parametrize(("ref", "beyond"), [
    (b"A1", False), (b"O99999", False), (b"O100003", False),  # inside: most turned down by the lookahead
    (b"P1", True), (b"AA1", True), (b"A100004", True), (b"A1000000", True), (b"A0", True), (b"a1", True),
])
def test_the_proof_finds_every_cell_beyond_the_candidates_and_no_other(ref, beyond):
    assert bool(worksheet._beyond(100003, b"O").search(b'<c r="' + ref + b'"><v>1</v></c>')) is beyond


@pytest.mark.parametrize(("ref", "beyond"), [(b"Z27", False), (b"AB9", False), (b"AC1", True), (b"ABC1", True),
                                             (b"A28", True)])
def test_the_proof_with_a_widest_column_of_two_letters(ref, beyond):
    assert bool(worksheet._beyond(27, b"AB").search(b'<c r="' + ref + b'">')) is beyond


def test_cell_tags_count_other_elements_starting_with_c_only_when_there_are_some():
    s = scan(b'<cols><col min="1"/></cols><row r="1"><c r="A1"><v>1</v></c><c s="1"><v>2</v></c></row>')
    assert (s.cell_tags, s.cell_refs) == (2, 1)

def test_a_buffer_is_cut_after_its_last_row_else_before_its_last_tag():
    buf = b'<row r="1"><c r="A1"/></row><row r="2"><c r="A'
    assert buf[:cut_at_row(buf)] == b'<row r="1"><c r="A1"/></row>'
    assert cut_at_row(b'<c r="A1"><v>1</v') == len(b'<c r="A1"><v>1')
    assert cut_at_row(b"no tags here") == 0


@pytest.mark.parametrize("rows", [
    b'<row r="1"><c r="A0"><v>1</v></c></row>',  # row 0
    b'<row r="19"><c r="ZZZ19"><v>1</v></c></row>',  # past XFD
    b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>',  # past the last row
    b'<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>1</v></c></row>',  # rows out of order
    b'<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>',  # cells out of order
    b'<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c></row>',  # the same cell twice
    b'<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A5"><v>1</v></c></row>',  # a cell in another row
    b'<row r="1"><c r="A1" t="d"><v></v></c></row>',  # a date cell: its text is the replay's to check
    b'<row r="1"><c r="A1"><v><v>5</v></v></c></row>',  # markup inside a value
    b'<row r="1"><c r="A1" t="inlineStr"><is>' + b"<r>" * 5 + b"</r>" * 5 + b"</is></c></row>",  # deep rich text
])
def test_the_structures_excel_refuses_are_left_to_the_replay(rows):
    assert scan(b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>").suspect


def test_plain_segments_must_follow_the_rows_before_them():
    head = b"<worksheet><sheetData>" + b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                                               for i in range(1, 11))
    plain = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(11, 21))
    s = SheetScanner(Inspector("a.xlsx"), "xl/worksheets/sheet1.xml")
    s.feed(head)
    s.feed(plain)
    assert not s.suspect and s.last_row == 20
    s.feed(b'<row r="5"><c r="A5"><v>1</v></c></row>')  # a plain segment going back
    assert s.suspect


def test_quick_extent_of_an_ordered_segment():
    seg = long_sheet(20_000).encode()
    assert len(seg) > 4 * worksheet._QUICK_EDGE  # head and tail do not see the middle rows
    assert worksheet._quick_extent(seg) == (40_000, 20_000, 2)


@pytest.mark.parametrize("far", ["C10001", "AA10001", "B20001", "B100000", "B0020001", "$B$5"])
def test_quick_extent_gives_up_on_a_cell_beyond_its_candidates(far):
    # the odd cell sits in the middle, where neither the head nor the tail looks
    seg = long_sheet(20_000, {10_001: f'<row r="10001"><c r="{far}"><v>2</v></c></row>'}).encode()
    assert worksheet._proven_extent(seg, seg.count(b'<c r="')) is None


@pytest.mark.parametrize(("far", "extent"), [("C10001", (39_999, 20_000, 3)), ("AA10001", (39_999, 20_000, 27)),
                                             ("B20001", (39_999, 20_001, 2)), ("B100000", (39_999, 100_000, 2)),
                                             ("B0020001", None), ("$B$5", None)])
def test_quick_extent_reads_a_plain_cell_beyond_the_candidates_exactly(far, extent):
    seg = long_sheet(20_000, {10_001: f'<row r="10001"><c r="{far}"><v>2</v></c></row>'}).encode()
    assert worksheet._quick_extent(seg) == extent


def _rows(row, n_rows: int, replace: dict[int, str] | None) -> bytes:
    """``row(r)``'s XML for rows 1 to ``n_rows``, those in ``replace`` (row number: XML) replaced, as one segment."""
    rows = [row(r) for r in range(1, n_rows + 1)]
    for r, xml in (replace or {}).items():
        rows[r - 1] = xml
    return "".join(rows).encode()


def _ledger_rows(n_rows: int, replace: dict[int, str] | None = None) -> bytes:
    """Rows as Excel writes a ledger's plain cells: shared strings, styled numbers, an empty styled cell."""
    return _rows(lambda r: f'<row r="{r}" spans="1:4"><c r="A{r}" t="s"><v>{r % 97}</v></c><c r="B{r}" s="1">'
                           f'<v>{r}.5</v></c><c r="C{r}" s="2"/><c r="D{r}"><v>-1.5E-3</v></c></row>', n_rows, replace)


def _both_ways(seg: bytes, monkeypatch) -> tuple[tuple, tuple, list[bool]]:
    """The scan of ``seg`` as one segment with the grammar (and whether it took the segment), then without."""
    def state(s: SheetScanner) -> tuple:
        r = s.result
        return (s.cell_tags, s.cell_refs, s.suspect, r.max_row, r.max_col, r.shared_refs, r.errors, r.ranges,
                s.last_row, s.inline_open)

    taken: list[bool] = []
    grammar_rows = SheetScanner._grammar_rows

    def spy(self, seg):
        taken.append(grammar_rows(self, seg))
        return taken[-1]

    monkeypatch.setattr(SheetScanner, "_grammar_rows", spy)
    with_grammar = state(scan(seg, len(seg)))
    monkeypatch.setattr(worksheet, "_GRAMMAR_MIN", 1 << 62)
    return with_grammar, state(scan(seg, len(seg))), taken


def test_a_long_segment_of_plain_cells_is_proven_by_its_grammar_as_the_plain_path_proves_it(monkeypatch):
    seg = _ledger_rows(20_000)
    assert len(seg) > 4 * worksheet._GRAMMAR_MIN
    fast, plain, taken = _both_ways(seg, monkeypatch)
    assert taken == [True]
    assert fast == plain == (80_000, 80_000, False, 20_000, 4, 20_000, [], 0, 20_000, None)


@pytest.mark.parametrize("row", [
    '<row r="10001"><c r="E10001"><v>2</v></c></row>',  # a column beyond those near the ends
    '<row r="10001"><c r="A30001"><v>2</v></c></row>',  # a row beyond
    '<row r="10001"><c r="AA10001"><v>2</v></c></row>',
    '<row r="10001"><c r="A010001"><v>2</v></c></row>',  # a leading 0
    '<row r="10001"><c r="A10001" t="s"><v>x</v></c></row>',  # a shared index that is no number
    '<row r="10001"><c r="A10001" t="s"><v>1234567890123456</v></c></row>',  # 16 digits
    '<row r="10001"><c r="A10001" t="s"><v></v></c></row>',
    '<row r="10001"><c><v>1</v></c></row>',  # no reference
    '<row r="10001"><c r="A10001" t="e"><v>#DIV/0!</v></c></row>',
    '<row r="10001"><c r="A10001"><f>1+1</f></c></row>',
    '<row r="10001"><c r="A10001" t="inlineStr"><is><t>x</t></is></c></row>',
    '<row r="10001"><c r="A10001" t=\'s\'><v>1</v></c></row>',
    '<row r="10001"><c r="A10001" t="s" ><v>1</v></c></row>',
    '<row r="10001"><x:c r="A10001"><x:v>1</x:v></x:c></row>',
    '<row r="10001"><cat/></row>',
    '<row r="10001"><c r="A10001"><v>1<v>2</v></v></c></row>',
    '<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>',
])
def test_a_segment_off_the_grammar_is_scanned_as_before(row, monkeypatch):
    fast, plain, taken = _both_ways(_ledger_rows(20_000, {10_001: row}), monkeypatch)
    assert taken == [False]
    assert fast == plain


@pytest.mark.parametrize("row", ['<row r="5"><c r="A5"><v>1</v></c></row>',
                                 '<row r="10001"><c r="B10001"><v>1</v></c><c r="A10001"><v>1</v></c></row>',
                                 '<row r="10001"></row>'])
def test_rows_the_grammar_takes_are_read_as_the_plain_path_reads_them(row, monkeypatch):
    # neither path lists every cell of a long plain segment (calamine places cells by their references)
    fast, plain, taken = _both_ways(_ledger_rows(20_000, {10_001: row}), monkeypatch)
    assert taken == [True]
    assert fast == plain and not fast[2]


def test_the_bounds_of_the_grammar_are_exact():
    import re

    for n in (1, 9, 10, 19, 20, 100, 101, 1_048_576, 9_999_999):
        number = re.compile(f"(?:{worksheet._at_most_number(n)})")
        assert all((number.fullmatch(str(x)) is not None) == (x <= n) for x in {*range(1, 300), max(1, n - 1), n, n + 1, 10 * n})
        assert not number.fullmatch("0") and not number.fullmatch("0" + str(n))
    for widest in ("A", "O", "Z", "AA", "BA", "ZZ", "XFD"):
        letters = re.compile(f"(?:{worksheet._at_most_letters(widest)})")
        for x in ("A", "B", "O", "P", "Z", "AA", "AZ", "BA", "BB", "ZZ", "AAA", "XFD", "XFE", "ZZZ", "AAAA"):
            assert (letters.fullmatch(x) is not None) == ((len(x), x) <= (len(widest), widest)), (widest, x)


_SCAN_ADDRESS_SPACE = """
import pyarrow.compute  # its libraries, mapped once (pandas imports them anyway), are no part of the scan's growth
from qdanalysis.read.safety import worksheet
from qdanalysis.read.safety.inspector import Inspector
from qdanalysis.read.safety.limits import CHUNK

def vm(key):
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith(key + ":")) << 10

rows = [b'<row r="%d" spans="1:4"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" s="1"><v>%d.5</v></c><c r="C%d" s="2"/>'
        b'<c r="D%d"><v>-1.5E-3</v></c></row>' % (r, r, r % 97, r, r, r, r) for r in range(1, 80_001)]
xml = b"".join(rows)
del rows
taken = []
grammar_rows = worksheet.SheetScanner._grammar_rows
worksheet.SheetScanner._grammar_rows = lambda self, seg: taken.append(grammar_rows(self, seg)) or taken[-1]
before = vm("VmSize")
s = worksheet.SheetScanner(Inspector("a.xlsx"), "xl/worksheets/sheet1.xml")
for i in range(0, len(xml), CHUNK):
    s.feed(xml[i:i + CHUNK])
s.finish()
print(len(xml), sum(taken), s.cell_tags, vm("VmPeak") - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the address space from /proc")
def test_the_grammar_pass_takes_address_space_in_proportion_to_a_chunk_not_a_gigabyte():
    # A fresh process: arrow's default pool (mimalloc) reserved 1 GiB of address space at its first allocation,
    # which left a million-row load under its 2 GiB limit (tests/integration/) without room for its readers.
    run = subprocess.run([sys.executable, "-c", _SCAN_ADDRESS_SPACE], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)), check=True)
    size, taken, cells, grown = map(int, run.stdout.split())
    assert size > 8 * CHUNK and taken >= size // CHUNK and cells == 4 * 80_000
    assert grown < 64 * CHUNK, f"the scan of {size >> 20} MiB grew the address space by {grown >> 20} MiB"


def _inline_rows(n_rows: int, replace: dict[int, str] | None = None) -> bytes:
    """Rows as most programs other than Excel write text: inline strings beside numbers."""
    return _rows(lambda r: f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>this{r}</t></is></c><c r="B{r}"><v>{r}</v>'
                           f'</c><c r="C{r}" t="inlineStr"><is><t xml:space="preserve"> x </t></is></c></row>',
                 n_rows, replace)


def _inline_both_ways(xml: bytes, chunk: int, monkeypatch) -> tuple[object, object, list[bool]]:
    """The scan of ``xml`` with the plain-inline shortcut (and what it answered), then string by string; a refusal
    is compared by its message."""
    def state() -> object:
        try:
            s = scan(xml, chunk)
        except ValidationError as err:
            return str(err)
        r = s.result
        return (s.cell_tags, s.cell_refs, s.suspect, r.max_row, r.max_col, r.shared_refs, r.errors, s.last_row,
                s.inline_open)

    answers: list[bool] = []
    plain_inline = SheetScanner._plain_inline
    monkeypatch.setattr(SheetScanner, "_plain_inline", lambda self, seg: answers.append(plain_inline(self, seg))
                        or answers[-1])
    shortcut = state()
    monkeypatch.setattr(SheetScanner, "_plain_inline", lambda self, seg: False)
    return shortcut, state(), answers


def test_plain_inline_strings_are_passed_at_once_as_string_by_string(monkeypatch):
    shortcut, each, answers = _inline_both_ways(_inline_rows(3_000), 1 << 20, monkeypatch)
    assert answers == [True]
    assert shortcut == each == (9_000, 9_000, False, 3_000, 3, 0, [], 3_000, None)
    assert len(_inline_rows(3_000)) > worksheet._FULL_ORDER_CHECK  # the cells' order checked all the same


@pytest.mark.parametrize(("row", "plain"), [
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>x</t></is><v>1</v></c></row>', False),  # a cell with a value
    ('<row r="150"><c r="A150" t=\'inlineStr\'><is><t>x</t></is><v>1</v></c></row>', False),
    ('<row r="150"><c r="A150" t="inlineStr"><v>1</v><is><t>x</t></is></c></row>', False),
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>inlineStr</t></is></c></row>', False),  # the word in a text
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>a</t></is></c><c r="B150" t="inlineStr"><is/></c></row>',
     False),
    ('<row r="150"><c r="A150" t="inlineStr"><is>' + "<r>" * 5 + "<t>x</t>" + "</r>" * 5 + "</is></c></row>",
     False),  # nested deeper than Excel writes
    ('<row r="150"><c r="A150" t="inlineStr"><x:is><x:t>x</x:t></x:is></c></row>', False),
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>x</t></is></c><c r="B150"><is><t>y</t></is></c></row>',
     False),  # an is element in a cell of another type
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>' + "长" * 40_000 + "</t></is></c></row>", False),  # too long
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>' + "x" * 32_738 + "</t></is></c></row>", False),
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>' + "x" * 32_737 + "</t></is></c></row>", True),
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>a &lt;b&gt; &amp; "s" t="e" <f</t></is></c></row>', False),
    ('<row r="150"><c r="A150" t="inlineStr"><is><t>a &lt;b&gt; &amp; "s" t="e"</t></is></c></row>', True),
])
@pytest.mark.parametrize("chunk", [997, 1 << 20])  # strings cut by a chunk, left open by a segment
def test_inline_strings_off_the_plain_form_are_scanned_string_by_string(row, plain, chunk, monkeypatch):
    shortcut, each, answers = _inline_both_ways(_inline_rows(300, {150: row}), chunk, monkeypatch)
    assert shortcut == each
    assert chunk < 1 << 20 or answers == [plain]


def test_a_plain_inline_string_longer_than_the_limit_is_refused_at_once_as_string_by_string(monkeypatch):
    monkeypatch.setattr(worksheet, "MAX_CELL_CHARS", 35)  # at most 5 bytes are passed at once, 35 characters in all
    passed = _inline_both_ways(b'<row r="1"><c r="A1" t="inlineStr"><is><t>12345</t></is></c></row>', 1 << 20,
                               monkeypatch)
    assert passed == ((1, 1, False, 1, 1, 0, [], 1, None),) * 2 + ([True],)
    shortcut, each, answers = _inline_both_ways(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>' + b"1" * 36 + b"</t></is></c></row>", 1 << 20, monkeypatch)
    assert answers == [False] and shortcut == each and "（约36个），可能是恶意文件" in each
