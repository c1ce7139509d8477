"""The exact replay of calamine's cell positioning over a worksheet part.

The streaming scan (:mod:`~qdanalysis.read.safety.worksheet`) proves most sheets plain at C
speed; a sheet it cannot prove is replayed here tag by tag, and so is every sheet before the
fallback reader opens a file calamine gave up on (:func:`audit_cells`). The cells a reader
would misread or guess at are refused, one problem each.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from html import unescape

from qdanalysis.errors import Problem, ValidationError
from qdanalysis.read.safety.inspector import UNCACHED_FORMULA, Inspector
from qdanalysis.read.safety.limits import EXCEL_COLS, EXCEL_ROWS, MAX_CARRY, MAX_TEXT_DEPTH
from qdanalysis.read.safety.markup import ATTR_R, ATTR_T, ATTRS, NAME, shown_bytes
from qdanalysis.read.safety.refs import REF, column_index, column_letter
from qdanalysis.read.safety.zipread import chunks, sheet_name

_ANY_TAG = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(/?)(" + NAME + rb"(?::" + NAME + rb")?)" + ATTRS + rb">", re.S
)
_CELL_TYPES = frozenset((b"", b"s", b"n", b"e", b"str", b"inlineStr", b"d", b"b"))
_SHARED_INDEX = re.compile(rb"[0-9]{1,15}")
_MAX_LISTED = 20  # malformed cells listed in one refusal
#: Elements nested inside one cell: is > r > rPr > b is the deepest Excel writes.
_MAX_CELL_DEPTH = MAX_TEXT_DEPTH + 1
_ISO_DATE = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
                       rb"|[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?")


@dataclass
class Replay:
    """What :func:`replay` learns about one worksheet part (0-based positions)."""

    max_row: int = 0
    max_col: int = 0
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    malformed: list[tuple[int, int, str, str]] = field(default_factory=list)  # (row0, col0, kind, text)

    def close_cell(self, cell: tuple[int, int], cell_t: bytes, has_f: bool, v_text: bytes | None) -> None:
        row0, col0 = cell
        if cell_t == b"e":
            if v_text is not None:
                self.errors.append((row0, col0, unescape(v_text.decode("utf-8", "replace")).strip()))
        elif has_f and (v_text is None or (not v_text.strip() and cell_t != b"str")):
            self.errors.append((row0, col0, UNCACHED_FORMULA))
        if cell_t not in _CELL_TYPES:
            self.malformed.append((row0, col0, "type", cell_t))
        elif v_text is None:
            return
        elif cell_t == b"s" and not _SHARED_INDEX.fullmatch(v_text):
            self.malformed.append((row0, col0, "shared", v_text))
        elif cell_t == b"b" and v_text.strip() not in (b"0", b"1"):
            self.malformed.append((row0, col0, "bool", v_text))
        elif cell_t == b"inlineStr":
            self.malformed.append((row0, col0, "inline", v_text))
        elif cell_t == b"d" and not _iso_date(v_text):
            self.malformed.append((row0, col0, "date", v_text))


def _iso_date(text: bytes) -> bool:
    """Whether a date cell's text is an ISO 8601 date, date-time or time that names a real day."""
    import datetime as dt

    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        if b"-" not in text:
            dt.time.fromisoformat(text.decode())
        else:
            dt.datetime.fromisoformat(text.decode())
    except ValueError:
        return False
    return True


def replay(inspector: Inspector, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Replay:
    """Replay calamine's cell positioning over every tag of a worksheet part.

    Returns the 1-based extent of cells that may hold a value, the error cells and
    formula cells without a computed value (each where calamine puts it, with or
    without an ``r`` attribute), and the cells that calamine would misread.
    """
    out = Replay()
    row = col = 0
    cell: tuple[int, int] | None = None  # position of the open <c>, until it closes
    cell_t = b""
    has_f = in_v = False
    v_text: bytes | None = None
    v_start = 0
    depth = 0  # elements open inside the open <c>
    tagged_row = -1  # the open <row>'s r (0-based), -1 when it has none
    last_row = last_cell = None  # the previous <row> r and the previous cell's position, for the order
    carry = b""
    for chunk in chunks(zf, info):
        buf = carry + chunk
        pos = 0
        for m in _ANY_TAG.finditer(buf):
            pos = m.end()
            closing, tag, attrs = m.groups()
            if tag is None:  # comment, CDATA, processing instruction
                continue
            local = tag.rsplit(b":", 1)[-1]
            empty = attrs.endswith(b"/")
            if local == b"row":
                if closing:
                    row += 1
                    col = 0
                    tagged_row = -1
                elif not empty:
                    r = ATTR_R.search(attrs)
                    tagged_row = -1
                    if r and r.group(2).strip().isdigit():
                        number = int(r.group(2))
                        if not 1 <= number <= EXCEL_ROWS:
                            out.malformed.append((min(max(row, 0), EXCEL_ROWS - 1), 0, "row outside", r.group(2)))
                        elif last_row is not None and number - 1 <= last_row:
                            out.malformed.append((number - 1, 0, "row order", b"%d" % (last_row + 1)))
                        row = max(number - 1, 0)
                        tagged_row = last_row = row
            elif local == b"c":
                if closing:
                    if cell is not None:
                        out.close_cell(cell, cell_t, has_f, v_text)
                    cell = None
                    in_v = False
                elif not empty:  # <c .../> never holds a value
                    r = ATTR_R.search(attrs)
                    if r:
                        ref = REF.fullmatch(r.group(2).strip())
                        if not ref:
                            # calamine refuses the file, openpyxl would guess a place
                            out.malformed.append((row, col, "ref", r.group(2)))
                            continue
                        number = int(ref.group(2))
                        col = column_index(ref.group(1))
                        if number < 1 or number > EXCEL_ROWS or col >= EXCEL_COLS:
                            # calamine refuses row 0 and places the others beyond the sheet
                            out.malformed.append((min(max(row, 0), EXCEL_ROWS - 1), min(col, EXCEL_COLS - 1),
                                                  "outside", r.group(2)))
                            continue
                        pos_row = number - 1
                    else:
                        pos_row = row
                    cell = (pos_row, col)
                    if tagged_row >= 0 and pos_row != tagged_row:
                        out.malformed.append((pos_row, col, "cell row", b"%d" % (tagged_row + 1)))
                    elif last_cell is not None and cell <= last_cell:
                        out.malformed.append((pos_row, col, "cell order", column_letter(last_cell[1]).encode()
                                              + b"%d" % (last_cell[0] + 1)))
                    last_cell = cell
                    col += 1
                    t = ATTR_T.search(attrs)
                    cell_t = t.group(2).strip() if t else b""
                    has_f = False
                    v_text = None
                    depth = 0
            elif cell is None:
                continue
            elif closing:
                depth = max(depth - 1, 0)
                if local == b"v" and in_v:
                    v_text = buf[v_start : m.start()]
                    in_v = False
            elif in_v or (not empty and depth >= _MAX_CELL_DEPTH):
                # markup inside a value, or rich text nested deeper than Excel writes: readers disagree
                out.malformed.append((*cell, "nesting", tag))
                cell = None
                in_v = False
            elif local == b"f":
                has_f = True
                depth += not empty
            elif local in (b"v", b"is") and not empty:
                # Only a cell with a value child widens the range (calamine drops empty cells).
                out.max_row = max(out.max_row, cell[0] + 1)
                out.max_col = max(out.max_col, cell[1] + 1)
                depth += 1
                if local == b"v":
                    in_v, v_start = True, m.end()
            elif not empty:
                depth += 1
        carry = buf[pos:]
        v_start = max(v_start - pos, 0)
        if len(carry) > MAX_CARRY:
            raise inspector.malicious(f"文件内部XML部件“{info.filename}”格式异常（有超长的元素或文本）")
    out.errors.sort()
    return out


def audit_cells(inspector: Inspector) -> None:
    """Replay every worksheet part and refuse the cells a reader would misread or guess at
    (a type Excel does not write, a boolean other than 0 or 1...). Run before the fallback
    reader, once calamine has given up on the file: openpyxl would read such cells its own way."""
    with zipfile.ZipFile(inspector.path) as zf:
        for info in zf.infolist():
            name = info.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                replayed = replay(inspector, zf, info)
                if replayed.malformed:
                    raise malformed(inspector, zf, info.filename, replayed.malformed)


#: The message on each kind of cell a reader would misread: ``{ref}`` the cell (A1), ``{text}`` what the file holds
#: there, ``{row}`` the row number, ``{rows}`` the rows of a sheet; a pair's second message is for a cell that holds
#: nothing. A kind not listed is a cell whose place cannot be read (:data:`_UNPLACED`).
_MESSAGES: dict[str, str | tuple[str, str]] = {
    "shared": ("单元格{ref}的共享字符串编号「{text}」不是有效的编号，读取时会被当作另一段文字",
               "单元格{ref}是共享字符串，却没有保存编号"),
    "inline": "单元格{ref}标为内嵌文本，却保存了数值「{text}」，读取时会被当作空白",
    "type": "单元格{ref}的类型「{text}」不是Excel使用的类型，无法确定其取值",
    "bool": "单元格{ref}标为逻辑值（TRUE/FALSE），却保存了「{text}」",
    "outside": "单元格位置「{text}」超出了Excel工作表的范围（行号1至{rows}，列A至XFD），读取时该单元格会被丢弃或放错位置",
    "row outside": "行号「{text}」超出了Excel工作表的范围（1至{rows}行），该行的单元格无法正确读取",
    "row order": "第{row}行在文件中排在第{text}行之后，行的先后顺序错乱（Excel会提示文件已损坏），读取时可能丢失或错放数据",
    "cell row": "单元格{ref}写在文件中第{text}行的数据里，与所在行不符（Excel会提示文件已损坏），读取时可能丢失或错放数据",
    "cell order": "单元格{ref}在文件中排在{text}之后，单元格的先后顺序错乱或重复（Excel会提示文件已损坏），读取时可能丢失或错放数据",
    "date": ("单元格{ref}标为日期，却保存了「{text}」，不是有效的日期（应为2020-01-05这样的格式），读取时会被当作空白或文字",
             "单元格{ref}标为日期，却没有保存日期，读取时会被当作空白"),
    "nesting": "单元格{ref}中的元素<{text}>嵌套过深或出现在数值之内（Excel不会这样保存），不同的读取程序会读出不同的内容",
}
_UNPLACED = "{ref}附近有一个单元格的位置「{text}」无法识别，无法确定它属于哪一行哪一列"


def cell_message(row0: int, col0: int, kind: str, text: bytes) -> str:
    """The message on one misread cell (0-based ``row0``, ``col0``) of ``kind``, holding ``text``."""
    template = _MESSAGES.get(kind, _UNPLACED)
    if isinstance(template, tuple):
        template = template[0] if text.strip() else template[1]
    return template.format(ref=f"{column_letter(col0)}{row0 + 1}", text=shown_bytes(text), row=row0 + 1,
                           rows=EXCEL_ROWS)


def malformed(inspector: Inspector, zf: zipfile.ZipFile, part: str,
              cells: list[tuple[int, int, str, bytes]]) -> ValidationError:
    """Cells that a reader would silently read as something else: one problem each."""
    sheet = sheet_name(zf, part)
    return ValidationError([
        Problem(inspector.display, sheet, row0 + 1, f"{column_letter(col0)}列", cell_message(row0, col0, kind, text),
                f"文件结构有误（通常由其他程序生成，或文件已损坏）：请用Excel或WPS打开“{inspector.name}”，"
                "核对该单元格的内容后另存为新的 .xlsx 文件")
        for row0, col0, kind, text in cells[:_MAX_LISTED]])
