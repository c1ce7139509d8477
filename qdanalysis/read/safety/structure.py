"""The XML structure checks: every XML part of a workbook is streamed once, before any reader opens it.

Each part is checked for entity declarations (the "billion laughs"), its encoding and its root
element, and handed to the content scan it needs: a worksheet to
:class:`~qdanalysis.read.safety.worksheet.SheetScanner`, the shared strings to
:class:`~qdanalysis.read.safety.strings.SstScan`, the stylesheet to :class:`_StyleScan`. Then the
workbook's totals are checked: the sheets' grids, their ranges, the text they reference.
"""

from __future__ import annotations

import re
import zipfile
import zlib

from qdanalysis.errors import Problem, ValidationError
from qdanalysis.read.safety.inspector import Archive, Inspector, SheetScan
from qdanalysis.read.safety.limits import (
    EXCEL_ROWS,
    MAX_RANGE_CELLS,
    MAX_RANGES,
    MAX_SHARED_TEXT_CHARS,
    MAX_SHEET_CELLS,
    MAX_STYLE_ELEMENTS,
    MAX_WORKBOOK_CELLS,
    MAX_XML_DEPTH,
    SIZE_SLACK,
    XML_HEAD_BYTES,
)
from qdanalysis.read.safety.markup import ATTRS, NAME, TAG, shown_bytes
from qdanalysis.read.safety.refs import column_letter, range_box
from qdanalysis.read.safety.replay import malformed, replay
from qdanalysis.read.safety.strings import SstScan, check_shared_text, check_sst_ratio
from qdanalysis.read.safety.worksheet import SheetScanner
from qdanalysis.read.safety.zipread import is_shared_strings_name, pieces, sheet_name, sheet_parts

_XML_SUFFIXES = (".xml", ".rels")
_SHEET_ROOTS = {b"worksheet", b"dialogsheet", b"macrosheet"}
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_ROOT_TAG = re.compile(rb"<(" + NAME + rb"(?::" + NAME + rb")?)" + ATTRS + rb">")
_SKIP_WS = re.compile(rb"[ \t\r\n]*")
_XML_ENCODING = re.compile(rb"<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_RANGE_WORDS = {b"mergeCell": "合并单元格区域", b"hyperlink": "超链接区域",
                b"dataValidation": "数据验证区域", b"conditionalFormatting": "条件格式区域"}


def check_parts(inspector: Inspector, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> Archive:
    """Stream every XML part, then check the workbook's totals; the sheets' scans by part name."""
    sheets: dict[str, SheetScan] = {}
    sst: tuple[zipfile.ZipInfo, SstScan] | None = None
    sst_longest = 0
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith(_XML_SUFFIXES):
            continue
        scanner = _scan_part(inspector, zf, info)
        if isinstance(scanner, SheetScanner):
            sheets[info.filename] = _finish_sheet(inspector, zf, info, scanner)
        elif isinstance(scanner, SstScan):
            sst_longest = max(sst_longest, scanner.longest)
            if info.filename == "xl/sharedStrings.xml" or sst is None:
                sst = (info, scanner)
    _check_grid_total(inspector, sheets)
    ranges = sum(s.ranges for s in sheets.values())
    if ranges > MAX_RANGES:
        raise inspector.malicious(
            f"工作簿中的合并单元格、超链接、数据验证和条件格式区域过多（{ranges}个，上限{MAX_RANGES}个），可能是恶意文件"
        )
    refs = sum(s.shared_refs for s in sheets.values())
    if sst is not None and refs * sst_longest > MAX_SHARED_TEXT_CHARS:
        check_shared_text(inspector, zf, sst[1], sheets)
    return Archive(sheets, sheet_parts(zf))


def _scan_part(inspector: Inspector, zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Stream one XML part: entity declarations, encoding, root, content scans."""
    scanner = None
    total = 0
    tail = b""
    first = True
    try:
        with zf.open(info) as fp, pieces(fp, info.file_size) as read:
            while True:
                chunk = read()
                if not chunk:
                    break
                total += len(chunk)
                if total > info.file_size + SIZE_SLACK:
                    raise inspector.corrupt(f"内部部件“{info.filename}”的实际大小超过声明")
                window = tail + chunk
                _check_markers(inspector, window, info.filename)
                tail = window[-32:]
                if first:
                    first = False
                    scanner = _classify(inspector, info, chunk[:XML_HEAD_BYTES])
                if scanner is not None:
                    scanner.feed(chunk)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise inspector.corrupt(f"读取内部部件“{info.filename}”失败：{exc}")
    if total != info.file_size:
        raise inspector.corrupt(f"内部部件“{info.filename}”的实际大小与声明不符")
    if scanner is not None:
        scanner.finish()
    return scanner


def _check_markers(inspector: Inspector, window: bytes, part: str) -> None:
    if (b"!" not in window or b"<!" not in window) and b"\x00" not in window:  # no declaration can start here
        # ("!" first: a byte search, where "<!" would stop at every "<")
        return
    low = window.lower()
    if b"\x00" in low:  # UTF-16 text: look at it with the zero bytes removed
        low += b" " + low.replace(b"\x00", b"")
    if b"<!doctype" in low or b"<!entity" in low:
        raise inspector.malicious(f"文件含有XML实体声明（可能是恶意文件），位于内部部件“{part}”")


def _classify(inspector: Inspector, info: zipfile.ZipInfo, head: bytes):
    """Check encoding and root element; return the content scanner the part needs.

    Only parts under ``xl/`` are checked this strictly: calamine reads nothing else
    (it resolves every sheet path to ``xl/...``), while other parts, such as
    ``customXml/`` items, may legitimately be UTF-16.
    """
    name = info.filename
    if not name.startswith("xl/"):
        return None
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
        raise _bad_encoding(inspector, name, "UTF-16/UTF-32")
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    decl = _XML_ENCODING.match(body, _SKIP_WS.match(body).end())
    if decl:
        encoding = decl.group(1).decode("ascii", "replace").strip().lower()
        if encoding not in _UTF8_NAMES:
            raise _bad_encoding(inspector, name, encoding)
    root = _find_root(body)
    if root is None:
        raise inspector.malicious(f"文件内部XML部件“{name}”格式异常（开头{XML_HEAD_BYTES // 1024} KB内找不到根元素）")
    tag, attrs = root
    local = tag.rsplit(b":", 1)[-1]
    if local == b"sst" or is_shared_strings_name(name):
        check_sst_ratio(inspector, info)
        prefix = tag[: len(tag) - len(local)] if local == b"sst" else b""
        return SstScan(inspector, info, b"</" + prefix + b"si>")
    if local in _SHEET_ROOTS or (name.lower().startswith("xl/worksheets/") and name.lower().endswith(".xml")):
        return SheetScanner(inspector, name)
    if local == b"styleSheet":
        return _StyleScan(inspector, name)
    return _DepthScan(inspector, name)


def _bad_encoding(inspector: Inspector, part: str, encoding: str) -> ValidationError:
    return inspector.fail(
        f"文件内部XML部件“{part}”使用了不受支持的编码（{encoding}），Excel保存的文件不会这样",
        f"请在Excel中打开“{inspector.name}”，另存为新的 .xlsx 文件后重试",
    )


def _finish_sheet(inspector: Inspector, zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan: SheetScanner) -> SheetScan:
    result = scan.result
    if scan.range_problem is not None:
        raise _range_refusal(inspector, zf, info.filename, *scan.range_problem)
    if scan.cell_tags != scan.cell_refs or scan.suspect or result.max_row * result.max_col > MAX_SHEET_CELLS:
        # Some cells lack a plain r="A1" first attribute, a cell may be malformed, or the
        # quick bound is too large (it also counts empty styled cells): replay the reader's rules.
        replayed = replay(inspector, zf, info)
        result.max_row, result.max_col, result.errors = replayed.max_row, replayed.max_col, replayed.errors
        if replayed.malformed and result.max_row * result.max_col <= MAX_SHEET_CELLS:
            raise malformed(inspector, zf, info.filename, replayed.malformed)
    if result.max_row * result.max_col > MAX_SHEET_CELLS:
        raise _too_big(inspector, zf, info.filename, result.max_row, result.max_col)
    return result


def _range_refusal(inspector: Inspector, zf: zipfile.ZipFile, part: str, kind: bytes, ref: bytes,
                   area: int) -> ValidationError:
    sheet = sheet_name(zf, part)
    box = range_box(ref)
    row, col = (box[0], f"{column_letter(box[1] - 1)}列") if box else (None, "")
    what = _RANGE_WORDS[kind]
    text = shown_bytes(ref)
    if area < 0:
        message = f"{what}「{text}」超出了Excel工作表的范围（最大为XFD{EXCEL_ROWS}），可能是恶意文件或文件已损坏"
    else:
        message = (f"{what}「{text}」过大（{area}个单元格，上限{MAX_RANGE_CELLS}个），"
                   "远超实际表格所需，可能是恶意文件")
    fix = "取消该合并单元格" if kind == b"mergeCell" else "删除或缩小该区域"
    return ValidationError([Problem(inspector.display, sheet, row, col, message,
                                    f"请在Excel中打开“{inspector.name}”，{fix}后另存为新的 .xlsx 文件")])


def _too_big(inspector: Inspector, zf, part: str, rows: int, cols: int) -> ValidationError:
    names = {p: n for n, p in sheet_parts(zf).items()}
    where = f"工作表“{names[part]}”" if part in names else f"内部部件“{part}”"
    return inspector.fail(
        f"{where}的数据区域过大（{rows}行×{cols}列，超过{MAX_SHEET_CELLS}个单元格），可能是恶意文件或含有远处的多余单元格",
        f"请在Excel中打开“{inspector.name}”，按Ctrl+End找到最后一个单元格，删除多余的行和列后另存",
    )


def _check_grid_total(inspector: Inspector, sheets: dict[str, SheetScan]) -> None:
    total = sum(s.max_row * s.max_col for s in sheets.values())
    if total > MAX_WORKBOOK_CELLS:
        raise inspector.fail(
            f"工作簿的数据区域合计过大（约{total}个单元格，上限{MAX_WORKBOOK_CELLS}个）",
            f"请把“{inspector.name}”拆分为多个较小的工作簿，或删除多余的行和列后重试",
        )


class _DepthScan:
    """Bounds the nesting of elements in a part the readers parse as a tree (the workbook, its
    relationships, the stylesheet...): Excel nests a few levels, a hostile file millions."""

    def __init__(self, inspector: Inspector, part: str):
        self.inspector = inspector
        self.part = part
        self.depth = 0
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = buf.rfind(b">") + 1
        self.carry = buf[cut:][-(1 << 16):]
        depth = self.depth
        for m in TAG.finditer(buf, 0, cut):
            if m.group(1):
                depth = max(depth - 1, 0)
            elif not m.group(2):
                depth += 1
                if depth > MAX_XML_DEPTH:
                    raise self.inspector.malicious(
                        f"文件内部XML部件“{self.part}”的元素嵌套超过{MAX_XML_DEPTH}层（Excel保存的文件远少于此），"
                        "可能是恶意文件或文件已损坏")
        self.depth = depth

    def finish(self) -> None:
        return None


class _StyleScan(_DepthScan):
    """Counts the elements of the stylesheet: the fallback reader (openpyxl) makes an object of
    each, so a stylesheet of millions of formats would exhaust memory there."""

    def __init__(self, inspector: Inspector, part: str):
        super().__init__(inspector, part)
        self.elements = 0

    def feed(self, chunk: bytes) -> None:
        super().feed(chunk)
        self.elements += chunk.count(b"<")
        if self.elements > MAX_STYLE_ELEMENTS:
            raise self.inspector.malicious(
                f"文件内部的样式表“{self.part}”过大（超过{MAX_STYLE_ELEMENTS}个元素，Excel保存的文件远少于此），可能是恶意文件"
            )

    def finish(self) -> None:
        return None


def _find_root(head: bytes) -> tuple[bytes, bytes] | None:
    """Name and attribute text of the root element, if its start tag is in ``head``."""
    i = 0
    while True:
        i = _SKIP_WS.match(head, i).end()
        if head.startswith(b"<?", i):
            j = head.find(b"?>", i + 2)
        elif head.startswith(b"<!--", i):
            j = head.find(b"-->", i + 4)
        else:
            m = _ROOT_TAG.match(head, i)
            return (m.group(1), m.group(2)) if m else None
        if j < 0:
            return None
        i = j + 2 if head[j] == ord("?") else j + 3
