"""The streaming scan of a worksheet part, before any reader opens it.

:class:`SheetScanner` learns the quick cell extent, the shared-string references, the error
cells and the formulas saved without their value, the length of inline strings and the size
of merged and other ranges, and whether a cell may be malformed (then
:func:`~qdanalysis.read.safety.replay.replay` decides).
"""

from __future__ import annotations

import functools
import re
from html import unescape
from typing import TYPE_CHECKING

import numpy as np

from qdanalysis.arrow_memory import system_pool
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, SheetScan
from qdanalysis.read.safety.limits import (
    EXCEL_COLS,
    EXCEL_ROWS,
    MAX_CARRY,
    MAX_CELL_CHARS,
    MAX_RANGE_CELLS,
    MAX_TEXT_DEPTH,
)
from qdanalysis.read.safety.markup import ATTR_R, ATTR_T, ATTRS, NAME, nesting_depth, text_length
from qdanalysis.read.safety.refs import REF, column_index, range_box

if TYPE_CHECKING:
    from qdanalysis.read.safety.inspector import Inspector

_CELL_COL = re.compile(rb'<c r="([A-Z]+)')
_CELL_ROW = re.compile(rb'<c r="[A-Z]+([0-9]+)')
_NOT_CELL = re.compile(rb"<c[\w.\-:]")  # <col>, <cfRule>... start with "<c" too
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_CELL_START = re.compile(rb"<(?:" + NAME + rb":)?c(?=[\s/>])" + ATTRS + rb">")
_V_TEXT = re.compile(rb"<(?:" + NAME + rb":)?v(?:\s[^>]*)?>([^<]*)<")
# Candidates for the exact replay: a shared-string cell whose <v> is not a plain index
# (calamine reads string 0 instead), and an inline-string cell that also carries a <v>
# (calamine reads a blank). The quick scan checks the form Excel writes (t="s"><v>) at C
# speed; a shared-string cell in any other form, or a t attribute in other quotes or with
# spaces, sends the sheet to _ODD_CELL, which checks every spelling. A cell type Excel does
# not write, or a boolean other than 0 or 1, makes calamine fail:
# :func:`~qdanalysis.read.safety.replay.audit_cells` then replays every sheet before the fallback reader.
_BAD_SHARED_INDEX = re.compile(rb't="s"><v>(?![0-9]{1,15}</v>)')
# The rest of an inline-string cell up to a <v>; it never runs past the cell's end or into
# another cell (with or without a namespace prefix), so a search stays linear.
_REST_OF_CELL_TO_V = (rb"[^<]*(?:<(?!/?(?:" + NAME + rb":)?c[\s/>]|(?:" + NAME + rb":)?v[\s/>])[^<]*)*"
                      rb"<(?:" + NAME + rb":)?v[\s/>]")
_INLINE_WITH_V = re.compile(rb'inlineStr["\'][^>]*>' + _REST_OF_CELL_TO_V)
_ODD_CELL = re.compile(
    rb't(?:(?<=\st)="(?:s"(?:\s[^>]*)?>(?!<v>[0-9]{1,15}</v>)'
    rb'|inlineStr"[^>]*>' + _REST_OF_CELL_TO_V + rb")"
    rb"|(?<=\st)(?:='|\s+=|=\s))"
)
#: Every byte of a run of plain cells as Excel and most programs write them (<row r="4"
#: spans="1:15">, <c r="B4" s="1" t="s"><v>12</v></c>, numbers with - . E +). A segment made
#: of these bytes alone holds no formula, error cell, inline string, range, other cell type
#: or other spelling of an attribute: only its shared-string indexes need a look.
_PLAIN_CELL_BYTES = b'<>/=" crtsvowanp:.-+0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
#: An inline string as most programs write one: its text plain. :meth:`SheetScanner._inline_done` measures the text
#: with its ``<t>`` and ``</t>`` tags: at most 30 bytes more.
_PLAIN_INLINE = re.compile(rb'inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>')
_PLAIN_INLINE_TAGS = 30
_IS_TAG = re.compile(rb"<(/?)(?:" + NAME + rb":)?is(?=[\s/>])" + ATTRS + rb">")
_RANGE_TAG = re.compile(
    rb"<(?:" + NAME + rb":)?(mergeCell|hyperlink|dataValidation|conditionalFormatting)(?=[\s/>])" + ATTRS + rb">"
)
_ATTR_REF = re.compile(rb"(?:^|\s)(?:sq)?ref\s*=\s*([\"'])(.*?)\1", re.S)
#: Ranges that the fallback reader (openpyxl) turns into one object per cell.
_EXPANDED_RANGES = (b"mergeCell", b"hyperlink")
_FORMULA = re.compile(rb"<(?:" + NAME + rb":)?f(?=[\s/>])")
#: Row numbers of <row r="..."> and positions of <c r="..."> in file order (the order check).
_ROW_R = re.compile(rb'<row r="([0-9]+)"')
_ROW_OR_CELL = re.compile(rb'<(?:row r="([0-9]+)"|c r="([A-Z]+)([0-9]+)")')
#: Markup inside a value (<v>1<v>2</v></v>): calamine drops the value.
#: A segment up to this size has each cell's place checked; beyond it, a run of plain cells has its rows'.
_FULL_ORDER_CHECK = 256 << 10
_MARKUP_IN_V = re.compile(rb"<v>[^<]*<(?!/v>)")
_MARKUP_IN_PREFIXED_V = re.compile(rb"<(?:" + NAME + rb":)?v>[^<]*<(?!/(?:" + NAME + rb":)?v>)")


class SheetScanner:
    """Streams a worksheet part: quick cell extent, shared-string references, error cells,
    the length of inline strings and the size of merged and other ranges."""

    def __init__(self, inspector: Inspector, part: str):
        self.inspector = inspector
        self.result = SheetScan(part)
        self.cell_tags = 0  # every <c> element
        self.cell_refs = 0  # those whose first attribute is a plain r="A1"
        self.carry = b""
        self.suspect = False  # a cell may be malformed or lack its r: the exact replay decides
        self.range_problem: tuple[bytes, bytes, int] | None = None  # (element, ref, area; -1 beyond the grid)
        self.inline_open: bytes | None = None  # text of an inline string that a segment left open
        self.last_row = 0  # the last <row r> seen (1-based), for the order check
        self.last_cell = (0, -1)  # the last cell's (row, column), 1-based row

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = cut_at_row(buf)
        self.carry = buf[cut:]
        self._segment(buf[:cut])

    def finish(self) -> None:
        self._segment(self.carry)
        self.carry = b""
        if self.inline_open is not None:
            self._inline_done(self.inline_open)

    def _segment(self, seg: bytes) -> None:
        if not seg:
            return
        if len(seg) >= _GRAMMAR_MIN and self.inline_open is None and seg[:5] == b"<row " and self._grammar_rows(seg):
            return
        res = self.result
        prefixed = len(_PREFIXED_CELL.findall(seg)) if b":" in seg else 0  # a byte search: ":" is rare
        starts, refs = seg.count(b"<c"), seg.count(b'<c r="')
        # Every "<c" a plain r="A1" cell (the usual sheet): none can be another element's tag.
        self.cell_tags += starts - (len(_NOT_CELL.findall(seg)) if starts != refs else 0) + prefixed
        quick = _quick_extent(seg, refs)
        if quick is not None:
            refs, rows, cols = quick
            self.cell_refs += refs
            res.max_row = max(res.max_row, rows)
            res.max_col = max(res.max_col, cols)
        else:
            cols = _CELL_COL.findall(seg)
            self.cell_refs += len(cols)
            if cols:
                res.max_col = max(res.max_col, max(map(column_index, set(cols))) + 1)
                rows = set(_CELL_ROW.findall(seg))
                res.max_row = max(res.max_row, max(map(int, rows), default=0))
                self.suspect |= any(r[:1] == b"0" for r in rows)  # row 0 (A0), or a number Excel never writes
        if res.max_row > EXCEL_ROWS or res.max_col > EXCEL_COLS:
            self.suspect = True  # a cell beyond XFD1048576: the replay names it
        # Every attribute whose value is "s" (t="s", t = 's'): over-counts harmlessly, at C speed.
        quoted = seg.count(b'"s"')
        if not seg.translate(None, _PLAIN_CELL_BYTES) and self.inline_open is None:
            # plain cells only (a 100,000-row ledger, segment after segment)
            if not self.suspect:
                self._rows_in_order(seg)
            res.shared_refs += quoted
            if quoted and not self.suspect:
                canonical = seg.count(b't="s"><v>')
                self.suspect = canonical != quoted or _BAD_SHARED_INDEX.search(seg) is not None
            return
        # Every = directly followed by ": no attribute in single quotes or with spaces around
        # its = (t = "e" would hide an error cell from the quick scan, t='s' a shared index).
        plain = seg.count(b"=") == seg.count(b'="')
        plain_inline = b"is" in seg and self._plain_inline(seg)
        res.shared_refs += quoted + (0 if plain else seg.count(b"'s'"))
        if not self.suspect:
            canonical = seg.count(b't="s"><v>') if quoted else 0
            if prefixed or not plain or canonical != quoted:
                self.suspect = _ODD_CELL.search(seg) is not None or prefixed > 0 or quoted != canonical
            else:
                self.suspect = bool(canonical and _BAD_SHARED_INDEX.search(seg)) or (
                    b"inlineStr" in seg and not plain_inline and _INLINE_WITH_V.search(seg) is not None)
        if b't="e"' in seg or b"t='e'" in seg:
            found, unplaced = _error_cells(seg)
            res.errors.extend(found)
            self.suspect |= unplaced
        if b"<f" in seg or prefixed:
            found, unplaced = _uncached_formula_cells(seg)
            res.errors.extend(found)
            self.suspect |= unplaced
        if not self.suspect:
            rows_at = seg.find(b"<row") if len(seg) > _FULL_ORDER_CHECK else -1
            if rows_at > 0 and not seg[rows_at:].translate(None, _PLAIN_CELL_BYTES):
                self._rows_in_order(seg[rows_at:])  # the head of a long sheet, then plain cells
            else:
                self._cells_in_order(seg)
            # a date cell's text, and markup inside a value, are checked by the replay
            markup = _MARKUP_IN_PREFIXED_V if prefixed else _MARKUP_IN_V
            self.suspect = self.suspect or b't="d"' in seg or markup.search(seg) is not None
        if not plain_inline and (self.inline_open is not None or b"is" in seg):
            self._inline_strings(seg)
        if b"ref" in seg:
            self._ranges(seg)

    def _grammar_rows(self, seg: bytes) -> bool:
        """A long run of rows written as Excel writes plain cells, proven in one pass: every byte of the
        segment matches :func:`_grammar`, whose references lie within the extent read from the cells near
        both ends. What it learns is what the plain path below learns of such a segment (each "<c" is a
        cell with its r="A1", each "s" attribute value a t="s" cell with a plain index, every reference
        plain); False, having learnt nothing, for any other segment."""
        bounds = _edge_bounds(seg)
        if bounds is None or not _matches(seg, _grammar(*bounds)):
            return False
        res = self.result
        # Counted by single bytes (numpy, a tenth of bytes.count's time): in the grammar "<" opens two tags
        # of a row, four of a cell with a value and one of an empty cell; "c" is twice in a cell with a
        # value and once in an empty one; "w" twice in a row; "t" once in a shared-string cell, nowhere else.
        a = np.frombuffer(seg, np.uint8)
        tags, cs, ws, ts = (int(np.count_nonzero(a == byte)) for byte in b"<cwt")
        cells = cs - (tags - ws - cs) // 2
        self.cell_tags += cells
        self.cell_refs += cells
        res.max_row = max(res.max_row, bounds[0])
        res.max_col = max(res.max_col, column_index(bounds[1].encode()) + 1)
        if res.max_row > EXCEL_ROWS or res.max_col > EXCEL_COLS:
            self.suspect = True
        if not self.suspect:
            self._rows_in_order(seg)
        res.shared_refs += ts
        return True

    def _plain_inline(self, seg: bytes) -> bool:
        """Whether every inline string of the segment is a whole plain one (:data:`_PLAIN_INLINE`) and no other
        ``is`` element is there: then no inline-string cell carries a <v> and no inline text is too long or nested,
        which :data:`_INLINE_WITH_V` and :meth:`_inline_strings` would otherwise prove string by string. Counted:
        each "inlineStr" starts a plain one, whose text holds no "<", so each holds one "<is" and one "</is"."""
        if self.inline_open is not None or b":is" in seg:
            return False
        n = seg.count(b"inlineStr")
        if seg.count(b"<is") != n or seg.count(b"</is") != n:
            return False
        found = _PLAIN_INLINE.findall(seg)
        return len(found) == n and (not n or max(map(len, found)) + _PLAIN_INLINE_TAGS <= MAX_CELL_CHARS)

    def _inline_strings(self, seg: bytes) -> None:
        """Refuse an inline string longer than Excel allows, as a shared string would be."""
        opened = 0 if self.inline_open is not None else None
        for m in _IS_TAG.finditer(seg):
            if not m.group(1):
                if not m.group(2).endswith(b"/"):
                    self.inline_open, opened = b"", m.end()
            elif opened is not None:
                self._inline_done(self.inline_open + seg[opened : m.start()])
                self.inline_open = opened = None
        if opened is not None:
            self.inline_open += seg[opened:]
            if len(self.inline_open) > MAX_CARRY:
                raise self.inspector.too_long_text(len(self.inline_open))

    def _rows_in_order(self, seg: bytes) -> None:
        """Plain cells, each placed by its own r="A1": the segment's first row must follow the last one
        seen. Within the segment the order is not proven (listing every row would cost a twentieth of a
        ledger's check); calamine places such cells by their references, as Excel does."""
        first = _ROW_R.search(seg)
        if first is None:
            return
        last = _ROW_R.match(seg, seg.rfind(b'<row r="')) or first
        if int(first.group(1)) <= self.last_row or int(last.group(1)) < int(first.group(1)):
            self.suspect = True
        self.last_row = int(last.group(1))

    def _cells_in_order(self, seg: bytes) -> None:
        """Rows rise, each cell lies in its row, and cells rise within a row, as Excel writes them."""
        tagged = 0
        last_row, (cell_row, cell_col) = self.last_row, self.last_cell
        for row, letters, digits in _ROW_OR_CELL.findall(seg):
            if row:
                tagged = int(row)
                if tagged <= last_row:
                    self.suspect = True
                    return
                last_row = tagged
                continue
            r, c = int(digits), column_index(letters)
            if (tagged and r != tagged) or r < cell_row or (r == cell_row and c <= cell_col):
                self.suspect = True
                return
            cell_row, cell_col = r, c
        self.last_row, self.last_cell = last_row, (cell_row, cell_col)

    def _inline_done(self, text: bytes) -> None:
        if text.count(b"<") > 2 * MAX_TEXT_DEPTH and nesting_depth(text) > MAX_TEXT_DEPTH:
            self.suspect = True  # rich text nested deeper than Excel writes: the replay names the cell
        if len(text) > MAX_CELL_CHARS:
            chars = text_length(text)
            if chars > MAX_CELL_CHARS:
                raise self.inspector.too_long_text(chars)

    def _ranges(self, seg: bytes) -> None:
        """Count merged, hyperlink, validation and formatting ranges; keep the first that is too large."""
        res = self.result
        for m in _RANGE_TAG.finditer(seg):
            kind = m.group(1)
            attr = _ATTR_REF.search(m.group(2))
            if not attr:
                continue
            for ref in attr.group(2).split():
                res.ranges += 1
                box = range_box(ref)
                if box is None or self.range_problem is not None:
                    continue
                r0, c0, r1, c1 = box
                if r1 > EXCEL_ROWS or c1 > EXCEL_COLS or r0 < 1:
                    self.range_problem = (kind, ref, -1)
                elif kind in _EXPANDED_RANGES and (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_RANGE_CELLS:
                    self.range_problem = (kind, ref, (r1 - r0 + 1) * (c1 - c0 + 1))


#: A segment at least this long, of rows only, is first matched against the grammar of plain cells.
_GRAMMAR_MIN = 256 << 10
_GRAMMAR_EDGE = 16 << 10  # the extent's candidates come from the cells this near either end


def _edge_bounds(seg: bytes) -> tuple[int, str] | None:
    """``(lowest row, widest column)`` of the cells near both ends of a segment, when the grammar can
    bound references by them (1 to 7 digits not starting with 0, 1 to 3 letters); else None."""
    tail = max(0, len(seg) - _GRAMMAR_EDGE)
    rows = _CELL_ROW.findall(seg, tail)
    cols = _CELL_COL.findall(seg, 0, _GRAMMAR_EDGE) + _CELL_COL.findall(seg, tail)
    if not rows or not cols:
        return None
    max_row = max(map(int, rows))
    widest = max(set(cols), key=lambda c: (len(c), c))
    if not 1 <= max_row < 10**7 or len(widest) > 3:
        return None
    return max_row, widest.decode("ascii")


def _at_most_number(n: int) -> str:
    """A regex (RE2) for the numbers 1 to ``n`` written without a leading 0."""
    s = str(n)
    k = len(s)
    alts = ["[1-9][0-9]{0,%d}" % (k - 2)] if k > 1 else []  # fewer digits
    for i, ch in enumerate(s):  # as many digits: smaller at the first digit that differs
        low = 1 if i == 0 else 0
        if int(ch) > low:
            alts.append(s[:i] + "[%d-%d]" % (low, int(ch) - 1) + ("[0-9]{%d}" % (k - i - 1) if i < k - 1 else ""))
    alts.append(s)
    return "|".join(alts)


def _at_most_letters(widest: str) -> str:
    """A regex (RE2) for the column letters from A to ``widest``."""
    k = len(widest)
    alts = ["[A-Z]{1,%d}" % (k - 1)] if k > 1 else []  # fewer letters
    for i, ch in enumerate(widest):
        if ch > "A":
            alts.append(widest[:i] + "[A-%s]" % chr(ord(ch) - 1) + ("[A-Z]{%d}" % (k - i - 1) if i < k - 1 else ""))
    alts.append(widest)
    return "|".join(alts)


@functools.lru_cache(maxsize=64)
def _grammar(max_row: int, widest: str) -> str:
    """Whole rows of plain cells (only bytes of :data:`_PLAIN_CELL_BYTES`), each reference at most
    ``widest`` + ``max_row``: ``<row r="4" spans="1:15">``, then cells ``<c r="B4" s="1" t="s"><v>12</v></c>``
    (a shared-string index of 1 to 15 digits), ``<c r="B4" s="1"><v>-1.5E-3</v></c>`` or ``<c r="B4" s="1"/>``."""
    ref = "(?:%s)(?:%s)" % (_at_most_letters(widest), _at_most_number(max_row))
    cell = '<c r="%s"(?: s="[0-9]+")?(?: t="s"><v>[0-9]{1,15}</v></c>|><v>[0-9.E+-]+</v></c>|/>)' % ref
    return '^(?:<row r="[0-9]+"(?: spans="[0-9]+:[0-9]+")?>(?:%s)*</row>)+$' % cell


def _matches(seg: bytes, pattern: str) -> bool:
    """Whether the whole segment matches ``pattern``, by RE2 (linear time, at C speed), read in place.

    Arrow's result (one bit) comes from the system pool: the default one's reserved gigabyte left the
    million-row load's readers without room under its 2 GiB limit (tests/integration/test_million_rows.py)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    data = pa.Array.from_buffers(pa.binary(), 1, [None, pa.py_buffer(np.array([0, len(seg)], np.int32)),
                                                  pa.py_buffer(seg)])
    with system_pool() as pool:
        return bool(pc.match_substring_regex(data, pattern, memory_pool=pool)[0].as_py())


_QUICK_EDGE = 64 << 10  # candidates come from the cells near the start and the end of a segment


def _quick_extent(seg: bytes, refs: int | None = None) -> tuple[int, int, int] | None:
    """``(cells with r="A1", max row, max column)`` of a segment without listing every cell
    (``refs``: the count of ``<c r="`` in it, when the caller has it).

    Plain references are read all at once (:func:`_plain_extent`); otherwise the candidates
    are proven (:func:`_proven_extent`). None when the segment is unusual: the caller then
    lists every cell.
    """
    if refs is None:
        refs = seg.count(b'<c r="')
    if not refs:
        return None
    exact = _plain_extent(seg, refs)
    return exact if exact is not None else _proven_extent(seg, refs)


def _proven_extent(seg: bytes, refs: int) -> tuple[int, int, int] | None:
    """The lowest row and the widest column near the start and the end are candidates; one
    regex search then proves that no cell lies beyond them. None when the proof fails."""
    tail = max(0, len(seg) - _QUICK_EDGE)
    rows = _CELL_ROW.findall(seg, tail)  # rows are written in order: the last cells are the lowest
    cols = _CELL_COL.findall(seg, 0, _QUICK_EDGE) + _CELL_COL.findall(seg, tail)
    if not rows or not cols:
        return None
    max_row = max(map(int, rows))
    widest = max(set(cols), key=lambda c: (len(c), c))
    if _beyond(max_row, widest).search(seg):
        return None
    return refs, max_row, column_index(widest) + 1


_POWERS_OF_TEN = tuple(10**j for j in range(7))


def _plain_extent(seg: bytes, refs: int) -> tuple[int, int, int] | None:
    """``(refs, max row, max column)`` read from every cell reference at once (numpy over the
    segment's bytes), when each of the ``refs`` references is plain: ``<c r="`` then one to three
    capital letters, one to seven digits not starting with 0, and the closing quote. None for any
    other segment: the regex proof of :func:`_proven_extent` then decides."""
    a = np.frombuffer(seg, np.uint8)
    quotes = np.flatnonzero(a == 34)  # "
    quotes = quotes[np.searchsorted(quotes, 5):]
    idx = np.flatnonzero(a[quotes - 2] == 114)  # r="
    at = quotes[idx]
    idx = idx[(a[at - 1] == 61) & (a[at - 3] == 32) & (a[at - 4] == 99) & (a[at - 5] == 60)]  # <c r="
    if not refs or len(idx) != refs or idx[-1] + 1 >= len(quotes):
        return None
    start, end = quotes[idx] + 1, quotes[idx + 1]
    length = end - start
    if length.min() < 2 or length.max() > 10:
        return None
    last = len(a) - 1
    c0, c1, c2, c3 = (a[np.minimum(start + k, last)].astype(np.int16) - 64 for k in range(4))
    l1 = (c1 >= 1) & (c1 <= 26) & (length > 1)
    l2 = (c2 >= 1) & (c2 <= 26) & (length > 2) & l1
    if not ((c0 >= 1) & (c0 <= 26)).all() or (l2 & (c3 >= 1) & (c3 <= 26) & (length > 3)).any():
        return None
    letters = 1 + l1 + l2
    digits = length - letters
    if digits.min() < 1 or digits.max() > 7 or (a[start + letters] == 48).any():
        return None
    row = np.zeros(len(start), np.int32)
    for j in range(1, int(digits.max()) + 1):
        d = np.where(digits >= j, a[end - j].astype(np.int32) - 48, 0)
        if ((d < 0) | (d > 9)).any():
            return None
        row += d * _POWERS_OF_TEN[j - 1]
    col = np.where(l2, (c0 * 26 + c1) * 26 + c2, np.where(l1, c0 * 26 + c1, c0))
    return refs, int(row.max()), int(col.max())

@functools.lru_cache(maxsize=64)
def _beyond(max_row: int, widest: bytes) -> re.Pattern:
    """A cell reference that is not plain ``r="A1"``, or lies right of ``widest`` or below
    ``max_row`` (numbers and letters compared digit by digit, longer ones always beyond), or in row 0."""

    def greater(text: bytes, high: int, cls: bytes) -> bytes:
        alts = [cls + b"{%d,}" % (len(text) + 1)]
        for k, ch in enumerate(text):
            if ch < high:
                alts.append(re.escape(text[:k]) + b"[" + bytes([ch + 1]) + b"-" + bytes([high]) + b"]"
                            + (cls + b"{%d}" % (len(text) - k - 1) if k < len(text) - 1 else b""))
        return b"|".join(alts)

    digits = greater(str(max_row).encode(), ord("9"), b"[0-9]")
    letters = greater(widest, ord("Z"), b"[A-Z]")
    # Most cells are plainly inside (a column no wider than ``widest``, a row of fewer digits than
    # ``max_row``, no leading 0): a lookahead turns each of them down in a few steps.
    inside = b"[A-%c]" % widest[0] if len(widest) == 1 else b"[A-Z]{1,%d}" % (len(widest) - 1)
    row_digits = len(str(max_row))
    plainly = rb'(?!' + inside + rb'[1-9][0-9]{0,%d}")' % (row_digits - 2) if row_digits > 1 else b""
    return re.compile(rb'<c r="' + plainly + rb"(?:[^A-Z]|(?:" + letters + rb")[0-9]|[A-Z]+(?:0|" + digits + rb')")')


def _error_cells(seg: bytes) -> tuple[list[tuple[int, int, str]], bool]:
    """``(row0, col0, text)`` of cells of type "e" that carry an r attribute, and whether
    some error cell has none (only the replay can place it then)."""
    found = set()
    unplaced = False
    for marker in (b't="e"', b"t='e'"):
        pos = seg.find(marker)
        while pos >= 0:
            tag = _CELL_START.match(seg, seg.rfind(b"<", 0, pos))
            if tag and tag.end() > pos and not tag.group(1).endswith(b"/"):
                r = ATTR_R.search(tag.group(1))
                ref = REF.fullmatch(r.group(2).strip()) if r else None
                close = seg.find(b"c>", tag.end())
                v = _V_TEXT.search(seg, tag.end(), close if close >= 0 else len(seg))
                if ref and v:
                    text = unescape(v.group(1).decode("utf-8", "replace")).strip()
                    found.add((int(ref.group(2)) - 1, column_index(ref.group(1)), text))
                elif not ref:
                    unplaced = True
            pos = seg.find(marker, pos + 1)
    return sorted(found), unplaced


def _uncached_formula_cells(seg: bytes) -> tuple[list[tuple[int, int, str]], bool]:
    """``(row0, col0, UNCACHED_FORMULA)`` of formula cells with no computed value: no ``<v>``,
    or an empty one (``<v />``, ``<v></v>``, what openpyxl writes for ``=1+1``) where the
    result is not text. Files written by programs and never opened in Excel hold them; every
    reader sees them as empty, which would pass an unknown total off as 未披露. Also whether
    such a cell has no r attribute (only the replay can place it then)."""
    found = set()
    unplaced = False
    for m in _FORMULA.finditer(seg):
        start = seg.rfind(b"<", 0, m.start())
        while start > 0 and not _CELL_START.match(seg, start):
            start = seg.rfind(b"<", 0, start)
        tag = _CELL_START.match(seg, start) if start >= 0 else None
        if not tag or tag.group(0).endswith(b"/>"):
            continue
        close = seg.find(b"c>", tag.end())
        if close < 0:
            continue
        v = _V_TEXT.search(seg, tag.end(), close)
        if v and (v.group(1).strip() or _cell_type(tag.group(1)) == b"str"):
            continue
        r = ATTR_R.search(tag.group(1))
        ref = REF.fullmatch(r.group(2).strip()) if r else None
        if ref:
            found.add((int(ref.group(2)) - 1, column_index(ref.group(1)), UNCACHED_FORMULA))
        else:
            unplaced = True
    return sorted(found), unplaced


def _cell_type(attrs: bytes) -> bytes:
    t = ATTR_T.search(attrs)
    return t.group(2).strip() if t else b""


def cut_at_row(buf: bytes) -> int:
    """Cut after the last ``</row>`` so that cells stay whole, else before the last tag."""
    i = buf.rfind(b"row>")
    while i > 0 and buf[i - 1 : i] not in (b"/", b":"):
        i = buf.rfind(b"row>", 0, i)
    if i > 0:
        return i + 4
    lt = buf.rfind(b"<")
    if lt > 0:
        return lt
    return len(buf) if len(buf) > MAX_CARRY else 0
