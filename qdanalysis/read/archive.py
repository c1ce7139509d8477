"""Archive checks: what an xlsx/xlsm file must pass before any reader opens it.

:func:`inspect_archive` examines the raw zip container and refuses anything that is not a
workbook or that could exhaust memory or abort the process inside a reader: zip bombs, XML
entity declarations, forged counts, absurd sheet extents. It streams every part and never
builds the sheet in memory. :mod:`qdanalysis.read.xlsx` reads a file only after these checks.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import zipfile
import zlib
from array import array
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from qdanalysis.errors import Problem, ValidationError, display_path

__all__ = ["Archive", "Inspector", "column_letter", "inspect_archive"]

# ---------------------------------------------------------------------------
# Limits. Legitimate workbooks stay far below every one of them.
# ---------------------------------------------------------------------------
MAX_ENTRIES = 10_000  # zip entries
MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB declared, all entries together
MAX_ENTRY_UNCOMPRESSED = 512 << 20  # 512 MiB declared, any single entry
RATIO_MIN_SIZE = 1 << 20  # the ratio limit applies to entries above 1 MiB ...
MAX_RATIO = 200  # ... whose uncompressed/compressed ratio exceeds this
SIZE_SLACK = 1024  # bytes tolerated beyond a declared size while streaming
XML_HEAD_BYTES = 64 << 10  # the root element must start within this prefix
MAX_UNIQUE_STRINGS = 10_000_000  # sharedStrings uniqueCount, absolute
MIN_BYTES_PER_STRING = 10  # uniqueCount may not exceed part size / this
SST_RATIO_MIN_SIZE = 256 << 10  # sharedStrings above 256 KiB ...
MAX_SST_RATIO = 100  # ... may not compress better than this
MAX_CELL_CHARS = 32_767  # Excel's limit for the text of one cell
MAX_SHEET_CELLS = 16_000_000  # rows x columns of one sheet's grid (from A1)
MAX_WORKBOOK_CELLS = 32_000_000  # the same, summed over the workbook
MAX_SHARED_TEXT_CHARS = 100_000_000  # characters materialised from shared strings
EXCEL_ROWS, EXCEL_COLS = 1_048_576, 16_384  # the largest sheet Excel makes (XFD1048576)
MAX_RANGE_CELLS = MAX_SHEET_CELLS  # cells of one merged or hyperlink range (openpyxl makes each one)
MAX_RANGES = 100_000  # merged, hyperlink, validation and formatting ranges, all sheets together
MAX_STYLE_ELEMENTS = 1_000_000  # XML elements of the stylesheet (Excel keeps at most 64,000 cell formats)
_CHUNK = 1 << 20  # streaming read size
_MAX_CARRY = 8 << 20  # longest unfinished element carried between chunks

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_XML_SUFFIXES = (".xml", ".rels")
_SHEET_ROOTS = {b"worksheet", b"dialogsheet", b"macrosheet"}
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_MB = 1 << 20

# Regular expressions over raw XML bytes.
_NAME = rb"[A-Za-z_][\w.\-]*"
_ATTRS = rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)"  # attribute text, quote-aware
_ROOT_TAG = re.compile(rb"<(" + _NAME + rb"(?::" + _NAME + rb")?)" + _ATTRS + rb">")
_SKIP_WS = re.compile(rb"[ \t\r\n]*")
_XML_ENCODING = re.compile(rb"<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_ATTR_R = re.compile(rb"(?:^|\s)r\s*=\s*([\"'])(.*?)\1", re.S)
_ATTR_UNIQUE = re.compile(rb"(?:^|\s)uniqueCount\s*=\s*([\"'])(.*?)\1", re.S)
_CELL_COL = re.compile(rb'<c r="([A-Z]+)')
_CELL_ROW = re.compile(rb'<c r="[A-Z]+([0-9]+)')
_NOT_CELL = re.compile(rb"<c[\w.\-:]")  # <col>, <cfRule>... start with "<c" too
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_REF = re.compile(rb"\$?([A-Za-z]+)\$?([0-9]+)")
_SST_TAG = re.compile(rb"<(?:" + _NAME + rb":)?sst(?=[\s/>])" + _ATTRS + rb">")
_SI_TAG = re.compile(rb"<(?:" + _NAME + rb":)?si(?=[\s/>])" + _ATTRS + rb">")
_RPH = re.compile(r"<(?:[\w.\-]+:)?rPh\b.*?</(?:[\w.\-]+:)?rPh>", re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_TAGS = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9A-Fa-f]+|\w+);")
_ATTR_T = re.compile(rb"(?:^|\s)t\s*=\s*([\"'])(.*?)\1", re.S)
_ANY_TAG = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(/?)(" + _NAME + rb"(?::" + _NAME + rb")?)" + _ATTRS + rb">", re.S
)
_LEADING_INT = re.compile(rb"\s*([0-9]+)")
_CELL_START = re.compile(rb"<(?:" + _NAME + rb":)?c(?=[\s/>])" + _ATTRS + rb">")
_V_TEXT = re.compile(rb"<(?:" + _NAME + rb":)?v(?:\s[^>]*)?>([^<]*)<")
# Candidates for the exact replay: a shared-string cell whose <v> is not a plain index
# (calamine reads string 0 instead), and an inline-string cell that also carries a <v>
# (calamine reads a blank). The quick scan checks the form Excel writes (t="s"><v>) at C
# speed; a shared-string cell in any other form, or a t attribute in other quotes or with
# spaces, sends the sheet to _ODD_CELL, which checks every spelling. A cell type Excel does
# not write, or a boolean other than 0 or 1, makes calamine fail:
# :meth:`Inspector.audit_cells` then replays every sheet before the fallback reader.
_BAD_SHARED_INDEX = re.compile(rb't="s"><v>(?![0-9]{1,15}</v>)')
# The rest of an inline-string cell up to a <v>; it never runs past the cell's end or into
# another cell (with or without a namespace prefix), so a search stays linear.
_REST_OF_CELL_TO_V = (rb"[^<]*(?:<(?!/?(?:" + _NAME + rb":)?c[\s/>]|(?:" + _NAME + rb":)?v[\s/>])[^<]*)*"
                      rb"<(?:" + _NAME + rb":)?v[\s/>]")
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
_CELL_TYPES = frozenset((b"", b"s", b"n", b"e", b"str", b"inlineStr", b"d", b"b"))
_SHARED_INDEX = re.compile(rb"[0-9]{1,15}")
_IS_TAG = re.compile(rb"<(/?)(?:" + _NAME + rb":)?is(?=[\s/>])" + _ATTRS + rb">")
_RANGE_TAG = re.compile(
    rb"<(?:" + _NAME + rb":)?(mergeCell|hyperlink|dataValidation|conditionalFormatting)(?=[\s/>])" + _ATTRS + rb">"
)
_ATTR_REF = re.compile(rb"(?:^|\s)(?:sq)?ref\s*=\s*([\"'])(.*?)\1", re.S)
_RANGE_PART = re.compile(rb"\$?([A-Za-z]{0,12})\$?([0-9]{0,12})")
#: Ranges that the fallback reader (openpyxl) turns into one object per cell.
_EXPANDED_RANGES = (b"mergeCell", b"hyperlink")
_RANGE_WORDS = {b"mergeCell": "合并单元格区域", b"hyperlink": "超链接区域",
                b"dataValidation": "数据验证区域", b"conditionalFormatting": "条件格式区域"}


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


def _column_index(letters: bytes) -> int:
    """0-based index of column letters (case-insensitive); no upper bound."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch - 64)
    return n - 1



# ---------------------------------------------------------------------------
# Archive inspection
# ---------------------------------------------------------------------------


@dataclass
class SheetScan:
    """What the pre-read scan learned about one worksheet part."""

    part: str
    max_row: int = 0  # 1-based extent of cells that may hold a value
    max_col: int = 0
    shared_refs: int = 0  # cells of type "s"
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    ranges: int = 0  # merged, hyperlink, validation and formatting ranges


@dataclass
class Archive:
    """Result of :func:`_inspect`, used by :func:`read_workbook`."""

    sheets: dict[str, SheetScan]  # by part name
    sheet_parts: dict[str, str]  # sheet name -> part name (best effort)
    legacy: bool = False  # an OLE2 file: an Excel 97-2003 workbook for biff.inspect_xls to check


class Inspector:
    """Checks one file; every refusal raises :class:`ValidationError`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.display = display_path(path)
        self.name = self.path.name

    # -- refusals ---------------------------------------------------------
    def fail(self, message: str, hint: str) -> ValidationError:
        return ValidationError([Problem(self.display, "", None, "", message, hint)])

    def resave_hint(self) -> str:
        return f"请用Excel打开“{self.name}”，另存为“Excel工作簿（*.xlsx）”后重试"

    def corrupt(self, detail: str) -> ValidationError:
        return self.fail(
            f"文件已损坏或不完整（{detail}）",
            f"请重新导出或重新下载“{self.name}”；若Excel仍能打开，请另存为新的 .xlsx 文件后重试",
        )

    def malicious(self, message: str) -> ValidationError:
        return self.fail(
            message,
            f"请勿打开来源不明的文件；如确认“{self.name}”来源可信，请在Excel中打开后另存为新的 .xlsx 文件",
        )

    def bomb(self, detail: str) -> ValidationError:
        return self.malicious(f"{detail}，可能是恶意文件（压缩炸弹）")

    # -- entry point ------------------------------------------------------
    def run(self) -> Archive:
        size = self._check_path()
        try:
            fh = open(self.path, "rb")
        except PermissionError:
            raise self.fail("没有权限读取文件", f"请检查“{self.name}”的访问权限，或先关闭正在使用它的程序")
        except OSError as exc:
            raise self.fail(f"无法打开文件（{exc.strerror or exc}）", f"请检查“{self.name}”是否可以正常打开")
        with fh:
            head = fh.read(8192)
            if head.startswith(_OLE_MAGIC):
                refusal = self._ole_refusal(fh)
                if refusal is not None:
                    raise refusal
                return Archive({}, {}, legacy=True)
            if not head.startswith(_ZIP_MAGICS):
                raise self.fail(f"不是Excel工作簿（.xlsx），看起来是{_describe_non_zip(head)}", self.resave_hint())
            fh.seek(0)
            try:
                zf = zipfile.ZipFile(fh)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                raise self.corrupt(f"无法识别压缩包结构：{exc}")
            with zf:
                infos = self._check_directory(zf, size)
                return self._check_parts(zf, infos)

    def _check_path(self) -> int:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise self.fail("找不到文件", f"请检查路径和文件名是否正确：{self.display}")
        except PermissionError:
            raise self.fail("没有权限访问文件", f"请检查“{self.name}”的访问权限")
        except OSError as exc:
            raise self.fail(f"无法访问文件（{exc.strerror or exc}）", f"请检查路径是否正确：{self.display}")
        if stat.S_ISDIR(st.st_mode):
            raise self.fail("这是一个文件夹，不是Excel工作簿", f"请指定“{self.name}”文件夹中的 .xlsx 文件")
        if not stat.S_ISREG(st.st_mode):
            raise self.fail("不是普通文件，无法读取", f"请把“{self.name}”另存为普通的 .xlsx 文件后重试")
        if st.st_size == 0:
            raise self.fail(
                "文件为空（0字节）",
                f"“{self.name}”可能在下载或复制时出错，请重新获取或在Excel中重新保存",
            )
        return st.st_size

    def _ole_refusal(self, fh) -> ValidationError | None:
        """Why an OLE2 compound file is refused (a password-protected xlsx, a Word or PowerPoint file), or
        None for what may be an Excel 97-2003 workbook (.xls, WPS .et): :mod:`qdanalysis.read.biff` checks it."""
        found = _scan_ole_names(fh)
        if found & {"EncryptedPackage", "EncryptionInfo"}:
            return self.fail(
                "工作簿设有打开密码，无法读取",
                f"请在Excel中打开“{self.name}”，取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存为 .xlsx",
            )
        if "WordDocument" in found:
            return self.fail("不是Excel工作簿（.xlsx），看起来是旧版Word文档（.doc）", self.resave_hint())
        if "PowerPoint Document" in found:
            return self.fail("不是Excel工作簿（.xlsx），看起来是旧版PowerPoint演示文稿（.ppt）", self.resave_hint())
        return None

    def _check_directory(self, zf: zipfile.ZipFile, file_size: int) -> list[zipfile.ZipInfo]:
        """Central-directory checks: nothing is decompressed here."""
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise self.bomb(f"文件内部部件数量异常（{len(infos)}个，上限{MAX_ENTRIES}个）")
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise self.bomb(
                f"文件解压后总体积过大（声明约{total // _MB} MB，上限{MAX_TOTAL_UNCOMPRESSED // _MB} MB）"
            )
        seen: set[str] = set()
        for info in infos:
            if info.filename in seen:
                raise self.corrupt(f"内部部件“{info.filename}”重复出现")
            seen.add(info.filename)
            if info.is_dir():
                continue
            if info.file_size > MAX_ENTRY_UNCOMPRESSED:
                raise self.bomb(
                    f"文件内部部件“{info.filename}”解压后过大（声明约{info.file_size // _MB} MB，"
                    f"上限{MAX_ENTRY_UNCOMPRESSED // _MB} MB）"
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
                raise self.bomb(f"文件内部部件“{info.filename}”压缩比异常（{ratio:.0f}倍，上限{MAX_RATIO}倍）")
            if _is_shared_strings_name(info.filename):
                self._check_sst_ratio(info)
        if "[Content_Types].xml" not in seen or "xl/workbook.xml" not in seen:
            raise self.fail(f"不是Excel工作簿（.xlsx），看起来是{_describe_zip(zf, seen)}", self.resave_hint())
        for info in infos:
            if info.flag_bits & 0x1:
                raise self.fail(
                    f"文件内部部件“{info.filename}”被加密，无法读取",
                    f"请在Excel中打开“{self.name}”，另存为新的 .xlsx 文件后重试",
                )
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self.fail(
                    f"文件使用了Excel不会使用的压缩方式（部件“{info.filename}”）",
                    f"请在Excel中打开“{self.name}”，另存为新的 .xlsx 文件后重试",
                )
        return infos

    def _check_sst_ratio(self, info: zipfile.ZipInfo) -> None:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > SST_RATIO_MIN_SIZE and ratio > MAX_SST_RATIO:
            raise self.bomb(f"共享字符串表“{info.filename}”压缩比异常（{ratio:.0f}倍，上限{MAX_SST_RATIO}倍）")

    # -- part contents ------------------------------------------------------
    def _check_parts(self, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> Archive:
        sheets: dict[str, SheetScan] = {}
        sst: tuple[zipfile.ZipInfo, _SstScan] | None = None
        sst_longest = 0
        for info in infos:
            if info.is_dir() or not info.filename.lower().endswith(_XML_SUFFIXES):
                continue
            scanner = self._scan_part(zf, info)
            if isinstance(scanner, _SheetScanner):
                sheets[info.filename] = self._finish_sheet(zf, info, scanner)
            elif isinstance(scanner, _SstScan):
                sst_longest = max(sst_longest, scanner.longest)
                if info.filename == "xl/sharedStrings.xml" or sst is None:
                    sst = (info, scanner)
        self._check_grid_total(sheets)
        ranges = sum(s.ranges for s in sheets.values())
        if ranges > MAX_RANGES:
            raise self.malicious(
                f"工作簿中的合并单元格、超链接、数据验证和条件格式区域过多（{ranges}个，上限{MAX_RANGES}个），可能是恶意文件"
            )
        refs = sum(s.shared_refs for s in sheets.values())
        if sst is not None and refs * sst_longest > MAX_SHARED_TEXT_CHARS:
            self._check_shared_text(zf, sst[1], sheets)
        return Archive(sheets, _sheet_parts(zf))

    def _scan_part(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo):
        """Stream one XML part: entity declarations, encoding, root, content scans."""
        scanner = None
        total = 0
        tail = b""
        first = True
        try:
            with zf.open(info) as fp:
                while True:
                    chunk = fp.read(_CHUNK)
                    if not chunk:
                        break
                    total += len(chunk)
                    if total > info.file_size + SIZE_SLACK:
                        raise self.corrupt(f"内部部件“{info.filename}”的实际大小超过声明")
                    window = tail + chunk
                    self._check_markers(window, info.filename)
                    tail = window[-32:]
                    if first:
                        first = False
                        scanner = self._classify(info, chunk[:XML_HEAD_BYTES])
                    if scanner is not None:
                        scanner.feed(chunk)
        except ValidationError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise self.corrupt(f"读取内部部件“{info.filename}”失败：{exc}")
        if total != info.file_size:
            raise self.corrupt(f"内部部件“{info.filename}”的实际大小与声明不符")
        if scanner is not None:
            scanner.finish()
        return scanner

    def _check_markers(self, window: bytes, part: str) -> None:
        if b"<!" not in window and b"\x00" not in window:  # no declaration can start here
            return
        low = window.lower()
        if b"\x00" in low:  # UTF-16 text: look at it with the zero bytes removed
            low += b" " + low.replace(b"\x00", b"")
        if b"<!doctype" in low or b"<!entity" in low:
            raise self.malicious(f"文件含有XML实体声明（可能是恶意文件），位于内部部件“{part}”")

    def _classify(self, info: zipfile.ZipInfo, head: bytes):
        """Check encoding and root element; return the content scanner the part needs.

        Only parts under ``xl/`` are checked this strictly: calamine reads nothing else
        (it resolves every sheet path to ``xl/...``), while other parts, such as
        ``customXml/`` items, may legitimately be UTF-16.
        """
        name = info.filename
        if not name.startswith("xl/"):
            return None
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
            raise self._bad_encoding(name, "UTF-16/UTF-32")
        body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
        decl = _XML_ENCODING.match(body, _SKIP_WS.match(body).end())
        if decl:
            encoding = decl.group(1).decode("ascii", "replace").strip().lower()
            if encoding not in _UTF8_NAMES:
                raise self._bad_encoding(name, encoding)
        root = _find_root(body)
        if root is None:
            raise self.malicious(f"文件内部XML部件“{name}”格式异常（开头{XML_HEAD_BYTES // 1024} KB内找不到根元素）")
        tag, attrs = root
        local = tag.rsplit(b":", 1)[-1]
        if local == b"sst" or _is_shared_strings_name(name):
            self._check_sst_ratio(info)
            prefix = tag[: len(tag) - len(local)] if local == b"sst" else b""
            return _SstScan(self, info, b"</" + prefix + b"si>")
        if local in _SHEET_ROOTS or (name.lower().startswith("xl/worksheets/") and name.lower().endswith(".xml")):
            return _SheetScanner(self, name)
        if local == b"styleSheet":
            return _StyleScan(self, name)
        return None

    def _bad_encoding(self, part: str, encoding: str) -> ValidationError:
        return self.fail(
            f"文件内部XML部件“{part}”使用了不受支持的编码（{encoding}），Excel保存的文件不会这样",
            f"请在Excel中打开“{self.name}”，另存为新的 .xlsx 文件后重试",
        )

    def check_unique_count(self, info: zipfile.ZipInfo, attrs: bytes) -> None:
        """Refuse a forged ``uniqueCount`` (calamine pre-allocates that many strings)."""
        m = _ATTR_UNIQUE.search(attrs)
        if not m:
            return
        value = unescape(m.group(2).decode("utf-8", "replace")).strip()
        if not re.fullmatch(r"\+?[0-9]+", value):
            return
        count = int(value)
        limit = min(MAX_UNIQUE_STRINGS, info.file_size // MIN_BYTES_PER_STRING)
        if count > limit:
            raise self.malicious(
                f"共享字符串表声明的字符串数量异常（uniqueCount={count}，该文件最多可能有{limit}个），可能是恶意文件"
            )

    def too_long_text(self, chars: int) -> ValidationError:
        return self.malicious(f"有单元格文本长度超过Excel上限{MAX_CELL_CHARS}个字符（约{chars}个），可能是恶意文件")

    def _finish_sheet(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _SheetScanner) -> SheetScan:
        result = scan.result
        if scan.range_problem is not None:
            raise self._range_refusal(zf, info.filename, *scan.range_problem)
        if scan.cell_tags != scan.cell_refs or scan.suspect or result.max_row * result.max_col > MAX_SHEET_CELLS:
            # Some cells lack a plain r="A1" first attribute, a cell may be malformed, or the
            # quick bound is too large (it also counts empty styled cells): replay the reader's rules.
            replay = self._replay(zf, info)
            result.max_row, result.max_col, result.errors = replay.max_row, replay.max_col, replay.errors
            if replay.malformed:
                raise self._malformed(zf, info.filename, replay.malformed)
        if result.max_row * result.max_col > MAX_SHEET_CELLS:
            raise self._too_big(zf, info.filename, result.max_row, result.max_col)
        return result

    def _replay(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> _Replay:
        """Replay calamine's cell positioning over every tag of a worksheet part.

        Returns the 1-based extent of cells that may hold a value, the error cells and
        formula cells without a computed value (each where calamine puts it, with or
        without an ``r`` attribute), and the cells that calamine would misread.
        """
        out = _Replay()
        row = col = 0
        cell: tuple[int, int] | None = None  # position of the open <c>, until it closes
        cell_t = b""
        has_f = in_v = False
        v_text: bytes | None = None
        v_start = 0
        carry = b""
        for chunk in _chunks(zf, info):
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
                    elif not empty:
                        r = _ATTR_R.search(attrs)
                        if r and r.group(2).strip().isdigit():
                            row = max(int(r.group(2)) - 1, 0)
                elif local == b"c":
                    if closing:
                        if cell is not None:
                            out.close_cell(cell, cell_t, has_f, v_text)
                        cell = None
                        in_v = False
                    elif not empty:  # <c .../> never holds a value
                        r = _ATTR_R.search(attrs)
                        if r:
                            ref = _REF.fullmatch(r.group(2).strip())
                            if not ref:
                                # calamine refuses the file, openpyxl would guess a place
                                out.malformed.append((row, col, "ref", r.group(2)))
                                continue
                            pos_row = max(int(ref.group(2)) - 1, 0)
                            col = _column_index(ref.group(1))
                        else:
                            pos_row = row
                        cell = (pos_row, col)
                        col += 1
                        t = _ATTR_T.search(attrs)
                        cell_t = t.group(2).strip() if t else b""
                        has_f = False
                        v_text = None
                elif cell is None or closing and local != b"v":
                    continue
                elif local == b"f":
                    has_f = True
                elif local in (b"v", b"is") and not closing and not empty:
                    # Only a cell with a value child widens the range (calamine drops empty cells).
                    out.max_row = max(out.max_row, cell[0] + 1)
                    out.max_col = max(out.max_col, cell[1] + 1)
                    if local == b"v":
                        in_v, v_start = True, m.end()
                elif local == b"v" and closing and in_v:
                    v_text = buf[v_start : m.start()]
                    in_v = False
            carry = buf[pos:]
            v_start = max(v_start - pos, 0)
            if len(carry) > _MAX_CARRY:
                raise self.malicious(f"文件内部XML部件“{info.filename}”格式异常（有超长的元素或文本）")
        out.errors.sort()
        return out

    def audit_cells(self) -> None:
        """Replay every worksheet part and refuse the cells a reader would misread or guess at
        (a type Excel does not write, a boolean other than 0 or 1...). Run before the fallback
        reader, once calamine has given up on the file: openpyxl would read such cells its own way."""
        with zipfile.ZipFile(self.path) as zf:
            for info in zf.infolist():
                name = info.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    replay = self._replay(zf, info)
                    if replay.malformed:
                        raise self._malformed(zf, info.filename, replay.malformed)

    def _sheet_name(self, zf: zipfile.ZipFile, part: str) -> str:
        names = {p: n for n, p in _sheet_parts(zf).items()}
        return names.get(part, part)

    def _malformed(self, zf: zipfile.ZipFile, part: str, cells: list[tuple[int, int, str, str]]) -> ValidationError:
        """Cells that a reader would silently read as something else: one problem each."""
        sheet = self._sheet_name(zf, part)
        problems = []
        for row0, col0, kind, text in cells[:_MAX_LISTED]:
            ref = f"{column_letter(col0)}{row0 + 1}"
            if kind == "shared":
                message = (f"单元格{ref}的共享字符串编号「{_shown_bytes(text)}」不是有效的编号，"
                           "读取时会被当作另一段文字" if text.strip() else f"单元格{ref}是共享字符串，却没有保存编号")
            elif kind == "inline":
                message = f"单元格{ref}标为内嵌文本，却保存了数值「{_shown_bytes(text)}」，读取时会被当作空白"
            elif kind == "type":
                message = f"单元格{ref}的类型「{_shown_bytes(text)}」不是Excel使用的类型，无法确定其取值"
            elif kind == "bool":
                message = f"单元格{ref}标为逻辑值（TRUE/FALSE），却保存了「{_shown_bytes(text)}」"
            else:
                ref = f"{column_letter(col0)}{row0 + 1}附近"
                message = f"{ref}有一个单元格的位置「{_shown_bytes(text)}」无法识别，无法确定它属于哪一行哪一列"
            problems.append(Problem(self.display, sheet, row0 + 1, f"{column_letter(col0)}列", message,
                                    f"文件结构有误（通常由其他程序生成）：请用Excel打开“{self.name}”，"
                                    "核对该单元格的内容后另存为新的 .xlsx 文件"))
        return ValidationError(problems)

    def _range_refusal(self, zf: zipfile.ZipFile, part: str, kind: bytes, ref: bytes, area: int) -> ValidationError:
        sheet = self._sheet_name(zf, part)
        box = _range_box(ref)
        row, col = (box[0], f"{column_letter(box[1] - 1)}列") if box else (None, "")
        what = _RANGE_WORDS[kind]
        text = _shown_bytes(ref)
        if area < 0:
            message = f"{what}「{text}」超出了Excel工作表的范围（最大为XFD{EXCEL_ROWS}），可能是恶意文件或文件已损坏"
        else:
            message = (f"{what}「{text}」过大（{area}个单元格，上限{MAX_RANGE_CELLS}个），"
                       "远超实际表格所需，可能是恶意文件")
        fix = "取消该合并单元格" if kind == b"mergeCell" else "删除或缩小该区域"
        return ValidationError([Problem(self.display, sheet, row, col, message,
                                        f"请在Excel中打开“{self.name}”，{fix}后另存为新的 .xlsx 文件")])

    def _too_big(self, zf, part: str, rows: int, cols: int) -> ValidationError:
        names = {p: n for n, p in _sheet_parts(zf).items()}
        where = f"工作表“{names[part]}”" if part in names else f"内部部件“{part}”"
        return self.fail(
            f"{where}的数据区域过大（{rows}行×{cols}列，超过{MAX_SHEET_CELLS}个单元格），可能是恶意文件或含有远处的多余单元格",
            f"请在Excel中打开“{self.name}”，按Ctrl+End找到最后一个单元格，删除多余的行和列后另存",
        )

    def _check_grid_total(self, sheets: dict[str, SheetScan]) -> None:
        total = sum(s.max_row * s.max_col for s in sheets.values())
        if total > MAX_WORKBOOK_CELLS:
            raise self.fail(
                f"工作簿的数据区域合计过大（约{total}个单元格，上限{MAX_WORKBOOK_CELLS}个）",
                f"请把“{self.name}”拆分为多个较小的工作簿，或删除多余的行和列后重试",
            )

    def _check_shared_text(self, zf: zipfile.ZipFile, sst: _SstScan, sheets: dict[str, SheetScan]) -> None:
        """Exact count of characters the reader would materialise from shared strings."""
        lengths = array("L")
        exact = _SstScan(self, sst.info, sst.end_tag, lengths)
        for chunk in _chunks(zf, sst.info):
            exact.feed(chunk)
        exact.finish()
        total = sum(_shared_chars(zf, zf.getinfo(part), lengths) for part in sheets)
        if total > MAX_SHARED_TEXT_CHARS:
            raise self.malicious(
                f"工作簿中的长文本被大量重复引用，读取需要展开约{total}个字符（上限{MAX_SHARED_TEXT_CHARS}个），可能是恶意文件"
            )


class _StyleScan:
    """Counts the elements of the stylesheet: the fallback reader (openpyxl) makes an object of
    each, so a stylesheet of millions of formats would exhaust memory there."""

    def __init__(self, inspector: Inspector, part: str):
        self.inspector = inspector
        self.part = part
        self.elements = 0

    def feed(self, chunk: bytes) -> None:
        self.elements += chunk.count(b"<")
        if self.elements > MAX_STYLE_ELEMENTS:
            raise self.inspector.malicious(
                f"文件内部的样式表“{self.part}”过大（超过{MAX_STYLE_ELEMENTS}个元素，Excel保存的文件远少于此），可能是恶意文件"
            )

    def finish(self) -> None:
        return None


@dataclass
class _Replay:
    """What :meth:`Inspector._replay` learns about one worksheet part (0-based positions)."""

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


_MAX_LISTED = 20  # malformed cells listed in one refusal


def _shown_bytes(text: bytes, limit: int = 40) -> str:
    """Raw XML text as a message may quote it: decoded, unescaped, shortened, controls made visible."""
    shown = unescape(text[: limit * 4].decode("utf-8", "replace"))
    shown = shown if len(shown) <= limit else shown[:limit] + "…"
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in shown)


def _range_box(ref: bytes) -> tuple[int, int, int, int] | None:
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
        cols.append(_column_index(letters) + 1 if letters else None)
        rows.append(int(digits) if digits else None)
    if len(parts) == 1 and (rows[0] is None or cols[0] is None):
        return None
    r = [x for x in rows if x is not None] or [1, EXCEL_ROWS]
    c = [x for x in cols if x is not None] or [1, EXCEL_COLS]
    return min(r), min(c), max(r), max(c)


class _SheetScanner:
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

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = _cut_at_row(buf)
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
        res = self.result
        prefixed = len(_PREFIXED_CELL.findall(seg))
        self.cell_tags += seg.count(b"<c") - len(_NOT_CELL.findall(seg)) + prefixed
        quick = _quick_extent(seg)
        if quick is not None:
            refs, rows, cols = quick
            self.cell_refs += refs
            res.max_row = max(res.max_row, rows)
            res.max_col = max(res.max_col, cols)
        else:
            cols = _CELL_COL.findall(seg)
            self.cell_refs += len(cols)
            if cols:
                res.max_col = max(res.max_col, max(map(_column_index, set(cols))) + 1)
                res.max_row = max(res.max_row, max(map(int, set(_CELL_ROW.findall(seg))), default=0))
        # Every attribute whose value is "s" (t="s", t = 's'): over-counts harmlessly, at C speed.
        quoted = seg.count(b'"s"')
        if not seg.translate(None, _PLAIN_CELL_BYTES) and self.inline_open is None:
            # plain cells only (a 100,000-row ledger, segment after segment)
            res.shared_refs += quoted
            if quoted and not self.suspect:
                canonical = seg.count(b't="s"><v>')
                self.suspect = canonical != quoted or _BAD_SHARED_INDEX.search(seg) is not None
            return
        # Every = directly followed by ": no attribute in single quotes or with spaces around
        # its = (t = "e" would hide an error cell from the quick scan, t='s' a shared index).
        plain = seg.count(b"=") == seg.count(b'="')
        res.shared_refs += quoted + (0 if plain else seg.count(b"'s'"))
        if not self.suspect:
            canonical = seg.count(b't="s"><v>') if quoted else 0
            if prefixed or not plain or canonical != quoted:
                self.suspect = _ODD_CELL.search(seg) is not None or prefixed > 0 or quoted != canonical
            else:
                self.suspect = bool(canonical and _BAD_SHARED_INDEX.search(seg)) or (
                    b"inlineStr" in seg and _INLINE_WITH_V.search(seg) is not None)
        if b't="e"' in seg or b"t='e'" in seg:
            found, unplaced = _error_cells(seg)
            res.errors.extend(found)
            self.suspect |= unplaced
        if b"<f" in seg or prefixed:
            found, unplaced = _uncached_formula_cells(seg)
            res.errors.extend(found)
            self.suspect |= unplaced
        if self.inline_open is not None or b"is" in seg:
            self._inline_strings(seg)
        if b"ref" in seg:
            self._ranges(seg)

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
            if len(self.inline_open) > _MAX_CARRY:
                raise self.inspector.too_long_text(len(self.inline_open))

    def _inline_done(self, text: bytes) -> None:
        if len(text) > MAX_CELL_CHARS:
            chars = _text_length(text)
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
                box = _range_box(ref)
                if box is None or self.range_problem is not None:
                    continue
                r0, c0, r1, c1 = box
                if r1 > EXCEL_ROWS or c1 > EXCEL_COLS or r0 < 1:
                    self.range_problem = (kind, ref, -1)
                elif kind in _EXPANDED_RANGES and (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_RANGE_CELLS:
                    self.range_problem = (kind, ref, (r1 - r0 + 1) * (c1 - c0 + 1))


_QUICK_EDGE = 64 << 10  # candidates come from the cells near the start and the end of a segment


def _quick_extent(seg: bytes) -> tuple[int, int, int] | None:
    """``(cells with r="A1", max row, max column)`` of a segment without listing every cell.

    The lowest row and the widest column near the start and the end are candidates; one
    regex search then proves that no cell lies beyond them. None when the proof fails or
    the segment is unusual: the caller then lists every cell.
    """
    refs = seg.count(b'<c r="')
    if not refs:
        return None
    tail = max(0, len(seg) - _QUICK_EDGE)
    rows = _CELL_ROW.findall(seg, tail)  # rows are written in order: the last cells are the lowest
    cols = _CELL_COL.findall(seg, 0, _QUICK_EDGE) + _CELL_COL.findall(seg, tail)
    if not rows or not cols:
        return None
    max_row = max(map(int, rows))
    widest = max(cols, key=lambda c: (len(c), c))
    if _beyond(max_row, widest).search(seg):
        return None
    return refs, max_row, _column_index(widest) + 1


@functools.lru_cache(maxsize=64)
def _beyond(max_row: int, widest: bytes) -> re.Pattern:
    """A cell reference that is not plain ``r="A1"``, or lies right of ``widest`` or below
    ``max_row`` (numbers and letters compared digit by digit, longer ones always beyond)."""

    def greater(text: bytes, high: int, cls: bytes) -> bytes:
        alts = [cls + b"{%d,}" % (len(text) + 1)]
        for k, ch in enumerate(text):
            if ch < high:
                alts.append(re.escape(text[:k]) + b"[" + bytes([ch + 1]) + b"-" + bytes([high]) + b"]"
                            + (cls + b"{%d}" % (len(text) - k - 1) if k < len(text) - 1 else b""))
        return b"|".join(alts)

    digits = greater(str(max_row).encode(), ord("9"), b"[0-9]")
    letters = greater(widest, ord("Z"), b"[A-Z]")
    return re.compile(rb'<c r="(?:[^A-Z]|(?:' + letters + rb")[0-9]|[A-Z]+(?:" + digits + rb')")')


class _SstScan:
    """Streams a shared-strings part: forged counts and over-long strings.

    With ``lengths``, also records the exact length of every string, by index.
    """

    def __init__(self, inspector: Inspector, info: zipfile.ZipInfo, end_tag: bytes, lengths: array | None = None):
        self.inspector = inspector
        self.info = info
        self.end_tag = end_tag  # b"</si>", or with the root's namespace prefix
        self.lengths = lengths
        self.carry = b""
        self.longest = 0  # upper bound (bytes, markup included) of any string's length
        self.started = False  # the first piece also holds the XML declaration and <sst>

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = buf.rfind(self.end_tag)
        cut = 0 if cut < 0 else cut + len(self.end_tag)
        self.carry = buf[cut:]
        if len(self.carry) > _MAX_CARRY:
            raise self.inspector.too_long_text(len(self.carry))
        self._segment(buf[:cut], complete=True)

    def finish(self) -> None:
        self._segment(self.carry, complete=False)
        self.carry = b""

    def _segment(self, seg: bytes, complete: bool) -> None:
        if not seg:
            return
        if b"sst" in seg:
            for m in _SST_TAG.finditer(seg):
                self.inspector.check_unique_count(self.info, m.group(1))
        pieces = seg.split(self.end_tag)
        if complete:
            pieces.pop()  # the empty remainder after the final end tag
        if not self.started and pieces:
            self.started = True
            first = _SI_TAG.search(pieces[0])  # not the declaration: it would inflate the bound
            pieces[0] = pieces[0][first.start():] if first else b""
        longest = max(map(len, pieces), default=0)
        if longest > MAX_CELL_CHARS:
            for piece in pieces:
                if len(piece) > MAX_CELL_CHARS:
                    chars = _text_length(_last_si(piece))
                    if chars > MAX_CELL_CHARS:
                        raise self.inspector.too_long_text(chars)
        self.longest = max(self.longest, longest)
        if self.lengths is not None and complete:
            for piece in pieces:
                si = _last_si(piece)
                if si:
                    self.lengths.append(_text_length(si))


def _last_si(piece: bytes) -> bytes:
    """The ``<si>`` element a piece ends with (self-closing ones are skipped, as calamine does)."""
    last = b""
    for m in _SI_TAG.finditer(piece):
        if not m.group(1).endswith(b"/"):
            last = piece[m.start() :]
    return last


def _text_length(si: bytes) -> int:
    """Characters of one ``<si>`` as Excel counts them (phonetic runs excluded)."""
    text = _RPH.sub("", si.decode("utf-8", "replace"))
    text = _CDATA.sub(lambda m: "x" * len(m.group(1)), text)
    text = _TAGS.sub("", text)
    return len(_ENTITY.sub("x", text)) if "&" in text else len(text)


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
                r = _ATTR_R.search(tag.group(1))
                ref = _REF.fullmatch(r.group(2).strip()) if r else None
                close = seg.find(b"c>", tag.end())
                v = _V_TEXT.search(seg, tag.end(), close if close >= 0 else len(seg))
                if ref and v:
                    text = unescape(v.group(1).decode("utf-8", "replace")).strip()
                    found.add((int(ref.group(2)) - 1, _column_index(ref.group(1)), text))
                elif not ref:
                    unplaced = True
            pos = seg.find(marker, pos + 1)
    return sorted(found), unplaced


#: Error text recorded for a formula cell saved without its computed value.
UNCACHED_FORMULA = "#公式未计算"
#: Error text recorded (followed by the value) for a number cell holding NaN or an infinity.
NOT_A_NUMBER = "#非有效数字:"
_FORMULA = re.compile(rb"<(?:" + _NAME + rb":)?f(?=[\s/>])")


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
        r = _ATTR_R.search(tag.group(1))
        ref = _REF.fullmatch(r.group(2).strip()) if r else None
        if ref:
            found.add((int(ref.group(2)) - 1, _column_index(ref.group(1)), UNCACHED_FORMULA))
        else:
            unplaced = True
    return sorted(found), unplaced


def _cell_type(attrs: bytes) -> bytes:
    t = _ATTR_T.search(attrs)
    return t.group(2).strip() if t else b""


def _cut_at_row(buf: bytes) -> int:
    """Cut after the last ``</row>`` so that cells stay whole, else before the last tag."""
    i = buf.rfind(b"row>")
    while i > 0 and buf[i - 1 : i] not in (b"/", b":"):
        i = buf.rfind(b"row>", 0, i)
    if i > 0:
        return i + 4
    lt = buf.rfind(b"<")
    if lt > 0:
        return lt
    return len(buf) if len(buf) > _MAX_CARRY else 0


_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
# A shared-string cell and the index in its <v>: the opening tag must not be self-closing,
# and the <v> must come before the cell closes.
_SHARED_VALUE = re.compile(
    rb"<" + _NS + rb"c\b[^>]*?\bt\s*=\s*[\"']s[\"'][^>]*(?<!/)>(?:(?!</" + _NS + rb"c>).)*?<" + _NS
    + rb"v\b[^>]*>\s*(\d{1,12})\s*<",
    re.S,
)


def _shared_chars(zf: zipfile.ZipFile, info: zipfile.ZipInfo, lengths: array) -> int:
    """Characters a reader materialises from shared strings for one sheet: the length of the
    string every shared-string cell refers to, summed (vectorised: a 100,000-row ledger in
    well under a second). A cell a reader would skip is still counted, so the bound errs on
    the side of refusing."""
    import numpy as np

    table = np.frombuffer(lengths, dtype=np.uint32 if lengths.itemsize == 4 else np.uint64).astype(np.int64)
    total = 0
    carry = b""
    for chunk in _chunks(zf, info):
        buf = carry + chunk
        cut = _cut_at_row(buf)
        carry = buf[cut:]
        total += _sum_refs(buf[:cut], table)
    return total + _sum_refs(carry, table)


def _sum_refs(seg: bytes, table) -> int:
    import numpy as np

    refs = _SHARED_VALUE.findall(seg)
    if not refs:
        return 0
    idx = np.array(refs).astype(np.int64)
    idx = idx[idx < len(table)]
    return int(table[idx].sum())


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the decompressed content of a part in bounded pieces."""
    with zf.open(info) as fp:
        while True:
            chunk = fp.read(_CHUNK)
            if not chunk:
                return
            yield chunk


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


def _is_shared_strings_name(name: str) -> bool:
    return name.lower().endswith("sharedstrings.xml")


def _scan_ole_names(fh) -> set[str]:
    """Directory names (UTF-16LE) present in an OLE2 compound file, by streaming it."""
    wanted = ["EncryptedPackage", "EncryptionInfo", "Workbook", "Book", "WordDocument", "PowerPoint Document"]
    patterns = {name: name.encode("utf-16-le") for name in wanted}
    overlap = max(map(len, patterns.values()))
    found: set[str] = set()
    fh.seek(0)
    tail = b""
    while True:
        chunk = fh.read(_CHUNK)
        if not chunk:
            break
        window = tail + chunk
        found.update(name for name, pat in patterns.items() if pat in window)
        tail = window[-overlap:]
    return found


def _describe_non_zip(head: bytes) -> str:
    """What a file that is not a zip archive looks like, in Chinese."""
    body = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if body.startswith(bom):
            body = body[len(bom) :]
            break
    if b"\x00" in body[:64] and head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        body = body.replace(b"\x00", b"")
    low = body.lstrip().lower()
    if low.startswith(b"%pdf"):
        return "PDF文件"
    if low.startswith(b"{\\rtf"):
        return "RTF文档"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in low:
        return "Excel 2003 XML表格（.xml）"
    if low.startswith(b"mime-version:") or b"\nmime-version:" in low[:2048]:
        return "网页存档（.mht）"
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<table" in low:
        return "网页（HTML）文件（有些系统导出的“Excel”其实是网页）"
    if low.startswith(b"<"):
        return "XML文件"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "图片文件"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        return "其他格式的压缩包"
    if _looks_like_text(body):
        first_lines = body[:4096]
        if any(sep in first_lines for sep in (b",", b"\t", b";", "，".encode())):
            return "CSV或文本文件"
        return "纯文本文件"
    return "未知格式的文件"


def _looks_like_text(data: bytes) -> bool:
    if not data or b"\x00" in data:
        return False
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 13))
    if controls > len(data) // 100:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 4:  # a character cut by the 8 KiB head
                return True
    return False


def _describe_zip(zf: zipfile.ZipFile, names: set[str]) -> str:
    """What a zip archive that is not an xlsx looks like, in Chinese."""
    if "xl/workbook.bin" in names:
        return "Excel二进制工作簿（.xlsb）"
    if "word/document.xml" in names:
        return "Word文档（.docx）"
    if "ppt/presentation.xml" in names:
        return "PowerPoint演示文稿（.pptx）"
    if "mimetype" in names:
        try:
            with zf.open("mimetype") as fp:
                mime = fp.read(200)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
            mime = b""
        return "OpenDocument表格（.ods）" if b"spreadsheet" in mime else "OpenDocument文档"
    return "普通压缩包（zip）"


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> part name, resolved the way calamine resolves it (best effort)."""
    from defusedxml import ElementTree as SafeET

    try:
        rels_root = SafeET.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
        book_root = SafeET.fromstring(_read_small(zf, "xl/workbook.xml"))
    except Exception:  # noqa: BLE001 - names only improve messages
        return {}
    targets = {el.get("Id"): el.get("Target") or "" for el in rels_root.iter() if el.tag.endswith("Relationship")}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    parts = {}
    for el in book_root.iter():
        if el.tag.rsplit("}", 1)[-1] == "sheet" and el.get("name") is not None:
            target = targets.get(el.get(rid), "")
            if target.startswith("/xl/"):
                target = target[1:]
            elif not target.startswith("xl/"):
                target = "xl/" + target
            parts[el.get("name")] = target
    return parts


def _read_small(zf: zipfile.ZipFile, name: str, limit: int = 16 * _MB) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise ValueError(name)
    with zf.open(info) as fp:
        return fp.read(limit + 1)


def _inspect(path: str | Path) -> Archive:
    return Inspector(path).run()


def inspect_archive(path: str | Path) -> None:
    """Refuse dangerous or unreadable files before any xlsx reader opens them.

    Args:
        path: the workbook file.

    Raises:
        ValidationError: with one file-level :class:`Problem` (sheet ``""``, row ``None``)
            explaining in Chinese why the file is refused and how to fix it.
    """
    _inspect(path)
